import { describe, expect, it } from 'vitest';
import type { TwimlDeps } from '../../src/ivr/context.js';
import { speechFor } from '../../src/ivr/index.js';
import { menuAgain } from '../../src/ivr/menu.js';
import { askTerms, termsCallbackBooked } from '../../src/ivr/menu/after-hours-terms.js';
import {
  askCallbackCode,
  askCallbackNumber,
  callbackBooked,
  callbackNumberAgain,
} from '../../src/ivr/menu/callback.js';
import { askEmergencyCode } from '../../src/ivr/menu/emergency.js';
import { helpdesk, helpdeskMissedOffer } from '../../src/ivr/menu/helpdesk.js';
import { askLine } from '../../src/ivr/menu/service-line.js';
import { askTicket, ticketNotFound } from '../../src/ivr/menu/ticket.js';
import type { CallRow } from '../../src/ivr/store.js';
import { organisationFrom } from '../support/organisation.js';
import { parseTwiml, spoken, type Verb } from '../support/twiml.js';

/**
 * Each branch's TwiML as a caller hears it, from the renderers called as plain functions: no HTTP, no
 * database. The end-to-end walks through the menu are in menu.test.ts and its neighbours.
 */
const URL = 'https://switchboard.test';

function depsOf(patch: (doc: any) => void = () => {}): TwimlDeps {
  const organisation = organisationFrom(undefined, patch);
  return {
    organisation,
    publicUrl: URL,
    speech: speechFor(organisation.language, organisation.voice, organisation.prompts),
  };
}
const deps = depsOf();

/** What the caller hears, and the verbs in order. */
const heard = (xml: string) => spoken(parseTwiml(xml));
const verbs = (xml: string) => parseTwiml(xml).map((v) => v.verb);
const gatherOf = (xml: string): Verb => parseTwiml(xml).find((v) => v.verb === 'Gather')!;
/** A <Gather> for one key, or for digits finished by #, posting to `path` (also on no input, by its <Redirect>). */
function expectGather(xml: string, path: string, mode: 'key' | 'digits') {
  expect(verbs(xml).slice(-2)).toEqual(['Gather', 'Redirect']);
  const g = gatherOf(xml);
  expect(g.attrs).toMatchObject({ action: `${URL}/twilio/voice/${path}`, method: 'POST', actionOnEmptyResult: 'true' });
  if (mode === 'key') expect(g.attrs.numDigits).toBe('1');
  else expect(g.attrs).toMatchObject({ finishOnKey: '#', numDigits: '16' });
  expect(parseTwiml(xml).at(-1)!.text).toBe(`${URL}/twilio/voice/${path}`);
}
/** A <Record> of an ordinary message (a Medium ticket), or of another kind. */
function expectRecording(xml: string, kind: string) {
  expect(verbs(xml)).toEqual([...verbs(xml).filter((v) => v === 'Say'), 'Record', 'Redirect']);
  const record = parseTwiml(xml).find((v) => v.verb === 'Record')!;
  expect(record.attrs.action).toBe(`${URL}/twilio/voice/recorded?kind=${kind}&try=1`);
}

describe('the menu when no branch is taken', () => {
  it('says a wrong key was pressed and offers the menu again, counting the try', () => {
    const xml = menuAgain(deps, 'business', '9', 1);
    expect(heard(xml)).toBe(
      'Sorry, that is not an option. For the helpdesk, press 1. To request a callback, press 2. To escalate an existing ticket, press 3. For an emergency, press 5.',
    );
    expectGather(xml, 'menu?try=2', 'key');
  });

  it('says nothing was heard, and out of hours offers the menu without the helpdesk', () => {
    const xml = menuAgain(deps, 'after_hours', '', 2);
    expect(heard(xml)).toBe(
      'Sorry, we did not hear a choice. For an emergency, press 5. To request a callback, press 2. To escalate an existing ticket, press 3.',
    );
    expectGather(xml, 'menu?try=3', 'key');
  });

  it('answers 1 out of hours with the helpdesk closed', () => {
    expect(heard(menuAgain(deps, 'holiday', '1', 1))).toMatch(/^The helpdesk is closed right now\. For an emergency/);
  });

  it('takes an ordinary message after the third try', () => {
    const xml = menuAgain(deps, 'business', '*', 3);
    expect(heard(xml)).toBe(
      'Sorry, that is not an option. Please leave a message after the tone, and we will get back to you. Press hash when you are done.',
    );
    expectRecording(xml, 'general');
  });
});

describe('1 — the helpdesk', () => {
  it('rings the office staff at once, and goes on to helpdesk-done', () => {
    const xml = helpdesk(deps);
    expect(heard(xml)).toBe('Connecting you to the helpdesk.');
    const dial = parseTwiml(xml).find((v) => v.verb === 'Dial')!;
    expect(dial.children.map((n) => n.text)).toEqual(['+15550200004']); // Olive, the office
    expect(dial.attrs.action).toBe(`${URL}/twilio/voice/helpdesk-done`);
  });

  it('rings the helpdesk numbers the organisation names, for as long as it says', () => {
    const named = depsOf((d) => (d.helpdesk = { forward_to: ['+12815550190', '+12815550191'], ring_timeout: '40s' }));
    const dial = parseTwiml(helpdesk(named)).find((v) => v.verb === 'Dial')!;
    expect(dial.children.map((n) => n.text)).toEqual(['+12815550190', '+12815550191']);
    expect(dial.attrs.timeout).toBe('40');
  });

  it('takes a message when there is nobody to ring', () => {
    const nobody = depsOf((d) => (d.staff = d.staff.filter((p: { role: string }) => p.role !== 'office')));
    expectRecording(helpdesk(nobody), 'general');
  });

  it('offers a callback or a message when nobody answered', () => {
    const xml = helpdeskMissedOffer(deps);
    expect(heard(xml)).toBe(
      'Nobody could take your call. To request a callback, press 2. Or stay on the line to leave a message.',
    );
    expectGather(xml, 'helpdesk-missed', 'key');
  });
});

describe('2 — a callback', () => {
  it('asks for the support code, then #', () => {
    const xml = askCallbackCode(deps);
    expect(heard(xml)).toBe('Please enter your support code, followed by hash.');
    expectGather(xml, 'callback/code?try=1', 'digits');
  });

  it('reads the caller ID back digit by digit to confirm, or asks for a number without one', () => {
    const confirm = askCallbackNumber(deps, 'Acme Dental', '+12815550142');
    expect(heard(confirm)).toBe(
      'Thank you, Acme Dental. We will call you back on 1 2 8 1 5 5 5 0 1 4 2. To confirm, press 1. To use another number, type it now, followed by hash.',
    );
    expectGather(confirm, 'callback/number?try=1', 'digits');
    expect(heard(askCallbackNumber(deps, 'Acme Dental', undefined))).toBe(
      'Thank you, Acme Dental. Please type the number we should call you back on, followed by hash.',
    );
  });

  it('asks again for a number it may not call, and says goodbye after the third try', () => {
    const again = callbackNumberAgain(deps, true, 1);
    expect(heard(again)).toBe(
      'Sorry, we can only call you back on a number in our own country. Please type the number we should call you back on, followed by hash.',
    );
    expectGather(again, 'callback/number?try=2', 'digits');
    const last = callbackNumberAgain(deps, false, 3);
    expect(heard(last)).toBe('Sorry, that is not a number we can call. Goodbye.');
    expect(verbs(last)).toEqual(['Say', 'Say', 'Hangup']);
  });

  it('says the callback comes shortly, or when the office opens, and the caller’s place in the queue', () => {
    const now = new Date('2026-11-24T04:00:00Z'); // Monday 22:00 in Chicago
    expect(heard(callbackBooked(deps, new Date(now.getTime() + 30_000), 2, now))).toBe(
      'Your callback is booked. You are number 2 in the queue, and we will call you shortly. Goodbye.',
    );
    const later = callbackBooked(deps, new Date('2026-11-24T15:00:00Z'), 1, now);
    expect(heard(later)).toMatch(
      /^Your callback is booked for when the office opens, Tuesday, November 24(,| at) 9:00 AM\. You are number 1 in the queue\. Goodbye\.$/,
    );
    expect(verbs(later)).toEqual(['Say', 'Hangup']);
  });
});

describe('3 — an existing ticket', () => {
  const known = { clientId: 7 } as CallRow;

  it('asks a known caller for the ticket number, and anyone else for the support code first', () => {
    const number = askTicket(deps, { digits: '3', query: {}, form: {} }, known);
    expect(heard(number)).toBe('Please enter your ticket number, followed by hash.');
    expectGather(number, 'ticket/number?try=1', 'digits');
    const code = askTicket(deps, { digits: '3', query: {}, form: {} }, undefined);
    expect(heard(code)).toBe('To find your ticket, first enter your support code, followed by hash.');
    expectGather(code, 'ticket/code?try=1', 'digits');
  });

  it('gives one answer for any ticket that is not the caller’s open one, and takes a message after three', () => {
    const again = ticketNotFound(deps, 2);
    expect(heard(again)).toBe(
      'We could not find an open ticket with that number for your account. Please enter your ticket number, followed by hash.',
    );
    expectGather(again, 'ticket/number?try=3', 'digits');
    expectRecording(ticketNotFound(deps, 3), 'general');
  });
});

describe('5 — an emergency', () => {
  it('asks an unknown caller for a support code, or just #, and waits eight seconds', () => {
    const xml = askEmergencyCode(deps);
    expect(heard(xml)).toBe(
      'If you know your support code, type it now, followed by hash. Otherwise, just press hash.',
    );
    expectGather(xml, 'emergency/code', 'digits');
    expect(gatherOf(xml).attrs.timeout).toBe('8');
  });

  it('asks which service line, one key for each the contract covers', () => {
    const lines = [
      { id: 'software', name: 'Software support' },
      { id: 'noc', name: 'Network operations' },
    ] as Parameters<typeof askLine>[1];
    const xml = askLine(deps, lines, 1, []);
    expect(heard(xml)).toBe('For Software support, press 1. For Network operations, press 2.');
    expectGather(xml, 'emergency/line?try=1', 'key');
  });
});

describe('after hours, a contract without emergencies', () => {
  it('offers the after-hours rate (1) or a callback (2)', () => {
    const xml = askTerms(deps, 2, ['Sorry, that is not an option.']);
    expect(heard(xml)).toBe(
      'Sorry, that is not an option. Your contract does not include emergencies outside business hours. To go ahead at the after-hours rate, press 1. To be called back when the office opens, press 2.',
    );
    expectGather(xml, 'emergency/terms?try=2', 'key');
  });

  it('says when the callback comes, in the organisation’s time zone, and hangs up', () => {
    const xml = termsCallbackBooked(deps, new Date('2026-11-24T15:00:00Z'));
    expect(heard(xml)).toMatch(/^We will call you back at Tuesday, November 24(,| at) 9:00 AM\. Goodbye\.$/);
    expect(verbs(xml)).toEqual(['Say', 'Hangup']);
  });
});
