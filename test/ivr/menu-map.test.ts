import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/clients/index.js';
import type { CallStep } from '../../src/ivr/index.js';
import { incomingCall } from '../../src/ivr/incoming-call.js';
import { MENU, menuAgain, menuChoice } from '../../src/ivr/menu.js';
import { askCallbackCode } from '../../src/ivr/menu/callback.js';
import { askEmergencyCode } from '../../src/ivr/menu/emergency.js';
import { helpdesk } from '../../src/ivr/menu/helpdesk.js';
import { askSupportCode } from '../../src/ivr/menu/support-code.js';
import { askTicketNumber } from '../../src/ivr/menu/ticket.js';
import { callBySid } from '../../src/ivr/store.js';
import { testApp } from '../support/app.js';
import { parseTwiml } from '../support/twiml.js';

/**
 * The phone tree as a map from key to branch, driven by calling the menu's step as a plain function
 * with the service's own dependencies (a real database, no HTTP): each key answers with its branch's
 * first question, and the call's row says where the caller went.
 */
const BUSINESS = '2026-11-23T16:00:00Z'; // Monday 10:00 in Chicago
const AFTER_HOURS = '2026-11-24T04:00:00Z'; // Monday 22:00
const ACME_PHONE = '+12815550142';

describe('the menu map', async () => {
  const { services, clock } = await testApp({ now: BUSINESS });
  const deps = services.ivr;
  let calls = 0;

  beforeAll(async () => {
    const made = await createClient(services.clients, {
      name: 'Acme Dental',
      supportCode: '482913',
      contacts: [{ name: 'Dana Dentist', phone: ACME_PHONE }],
      domains: [],
    });
    expect(made.ok).toBe(true);
  });

  /** A new call (its row written, as on the helpdesk number's Voice URL), and a way to press keys on it. */
  async function newCall(from = '+13125550188') {
    const callSid = `CAmenu${String(++calls).padStart(26, '0')}`;
    const step = (digits: string, query: Record<string, string> = { try: '1' }): CallStep => ({
      callSid,
      from,
      to: '+12817684800',
      digits,
      query,
      form: {},
    });
    await incomingCall(deps, step(''));
    // The verbs rather than the XML text, so that a difference shows as what the caller hears and where it goes.
    const press = async (digits: string, tryNo = 1) =>
      parseTwiml(await menuChoice(deps, step(digits, { try: String(tryNo) })));
    return { press, callSid };
  }
  const pathOf = async (callSid: string) => (await callBySid(deps.db.q, callSid))!;

  it('holds exactly the keys a caller may press (CONTRACT.md)', () => {
    expect(Object.keys(MENU).sort()).toEqual(['1', '2', '3', '5']);
  });

  it('answers each key with its branch’s first question, and notes the key on the call', async () => {
    const expected: Record<string, string> = {
      '1': helpdesk(deps),
      '2': askCallbackCode(deps),
      '3': askSupportCode(deps, 'ticket/code', 1, []),
      '5': askEmergencyCode(deps),
    };
    for (const [key, twiml] of Object.entries(expected)) {
      const call = await newCall();
      expect(await call.press(key), `key ${key}`).toEqual(parseTwiml(twiml));
      expect(await pathOf(call.callSid)).toMatchObject({ path: key, emergency: key === '5' });
    }
  });

  it('asks a caller known by caller ID for the ticket number at once', async () => {
    const call = await newCall(ACME_PHONE);
    expect(await call.press('3')).toEqual(parseTwiml(askTicketNumber(deps, 1, [])));
  });

  it('answers 1 out of hours as the helpdesk closed, and repeats the menu', async () => {
    clock.set(AFTER_HOURS);
    try {
      const call = await newCall();
      expect(await call.press('1')).toEqual(parseTwiml(menuAgain(deps, 'after_hours', '1', 1)));
      expect((await pathOf(call.callSid)).path).toBe('');
    } finally {
      clock.set(BUSINESS);
    }
  });

  it('takes a message after the third wrong key, and the call’s path says so', async () => {
    const call = await newCall();
    expect(await call.press('9', 2)).toEqual(parseTwiml(menuAgain(deps, 'business', '9', 2)));
    expect(await call.press('', 3)).toEqual(parseTwiml(menuAgain(deps, 'business', '', 3)));
    expect((await pathOf(call.callSid)).path).toBe('voicemail');
  });
});
