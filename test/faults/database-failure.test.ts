import { afterEach, describe, expect, it } from 'vitest';
import { tickets } from '../../src/db/schema.js';
import { testApp } from '../support/app.js';
import { execDatabase } from '../support/db.js';
import { Caller, emergencyFromUnknown, PUBLIC_URL, TWILIO_AUTH_TOKEN, twilioPost } from '../support/phone.js';
import { parseTwiml, spoken } from '../support/twiml.js';

const STAFF_FAULT = 'Switchboard has a fault and cannot go on with this call. Goodbye.';

/** Every sentence a caller heard, in order (a prompt heard twice shows up twice). */
const sentences = (heard: string[]) => heard.flatMap((h) => h.match(/[^.]+\./g) ?? []).map((s) => s.trim());

describe('a database failure in the middle of a call', async () => {
  const h = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } });
  // A table the step needs is gone (a failed migration, a broken disk): renamed away, and back after each test.
  const renamed: string[] = [];
  const breakTable = async (table: string) => {
    await execDatabase(h.url, `ALTER TABLE ${table} RENAME TO ${table}_away`);
    renamed.push(table);
  };
  afterEach(async () => {
    for (const table of renamed.splice(0)) await execDatabase(h.url, `ALTER TABLE ${table}_away RENAME TO ${table}`);
  });

  await emergencyFromUnknown(h.app, '+13125550901');
  const [ticket] = await h.db.q.select().from(tickets);
  const staffCall = { CallSid: `CA${'5'.repeat(32)}`, From: '+12817684800', To: '+15550200001', AnsweredBy: 'human' };

  it.each([
    ['the escalation’s call', `/twilio/voice/page?ticket=${ticket!.id}&staff=erin`],
    ['the live-connect whisper', `/twilio/voice/live-whisper?ticket=${ticket!.id}&staff=erin&call=CA${'a'.repeat(32)}`],
    ['1 pressed on the escalation’s call', `/twilio/voice/page-ack?ticket=${ticket!.id}&staff=erin`],
  ])('tells the staff member on %s that the service has a fault, and hangs up', async (_, url) => {
    await breakTable('tickets');
    const res = await twilioPost(h.app, url, { ...staffCall, Digits: '1' }).expect(200);
    const verbs = parseTwiml(res.text);
    expect(spoken(verbs)).toBe(STAFF_FAULT);
    expect(verbs.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
  });

  it('asks a caller for their message once, in words that fit, and never says the same line twice', async () => {
    const caller = new Caller(h.app, '+13125550902');
    await caller.dial();
    await breakTable('calls');
    await caller.press('5');
    const heard = [caller.heard];
    expect(caller.heard).toBe(
      'Sorry, we have a technical problem. Please leave your message after the tone, with the best number to reach you. Press hash when you are done.',
    );
    expect(caller.verbs.map((v) => v.verb)).toEqual(['Say', 'Record', 'Redirect']);
    // Nothing recorded, and the database is still failing: a goodbye, not the same request again.
    await caller.nothingRecorded();
    heard.push(caller.heard);
    expect(caller.heard).toBe(
      'Sorry, we still have a technical problem. If this is an emergency, please call again in a few minutes. Goodbye.',
    );
    expect(caller.verbs.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    const said = sentences(heard);
    expect(new Set(said).size).toBe(said.length);
  });

  it('asks a caller whose recording could not be saved to say it again, without claiming it heard nothing', async () => {
    const caller = new Caller(h.app, '+13125550903');
    await caller.dial();
    await caller.press('5');
    await caller.press('');
    await breakTable('voicemails');
    await caller.leaveVoicemail(20);
    expect(caller.heard).toBe('Sorry, we could not save your message. Please say it again after the tone.');
    await caller.leaveVoicemail(20);
    expect(caller.heard).toContain('Your message has been recorded and will reach the on-call engineer');
  });
});
