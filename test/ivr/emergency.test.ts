import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls, outbox, tickets, voicemails } from '../../src/db/schema.js';
import { auth, testApp } from '../support/app.js';
import { Caller, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../support/phone.js';
import { ACME_PHONE, seedClients } from '../support/seed.js';

// Monday 23 November 2026, 22:00 in Chicago: after hours.
const AFTER_HOURS = '2026-11-24T04:00:00Z';

describe('5 — an emergency voicemail', async () => {
  const { app, db, clock } = await testApp({ env: { TWILIO_AUTH_TOKEN, PUBLIC_URL }, now: AFTER_HOURS });
  beforeAll(() => seedClients(app));

  it('after hours, tells a known caller the office is closed, takes the voicemail, and opens one Critical ticket with its pages', async () => {
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    expect(caller.heard).toContain('Our office is closed right now.');
    expect(caller.heard).toContain('For an emergency, press 5.');
    expect(caller.heard).not.toContain('press 1');

    await caller.press('5');
    // Recognised by caller ID: no support code asked, straight to the message.
    expect(caller.heard).toContain('Please describe the emergency after the tone');
    expect(caller.recordVerb.attrs).toMatchObject({ maxLength: '180', finishOnKey: '#' });
    // Twilio's own transcription stops at 120 s: a 3-minute message is not sent to it for a transcription.
    expect(caller.recordVerb.attrs.transcribe).toBeUndefined();

    const { statusCallback } = await caller.leaveVoicemail(25);
    const [ticket] = await db.q.select().from(tickets);
    expect(caller.heard).toBe(
      `Thank you. Your ticket number is ${String(ticket!.number).split('').join(' ')}. The on-call engineer has been alerted and will call you back. Goodbye.`,
    );
    expect(caller.verbs.at(-1)?.verb).toBe('Hangup');
    expect(ticket).toMatchObject({
      priority: 'critical',
      status: 'new',
      emergency: true,
      unidentified: false,
      callerNumber: ACME_PHONE,
    });

    // Twilio also sends the recording status callback, and may retry both: nothing changes.
    await caller.recordingStatus(statusCallback);
    await caller.recordingStatus(statusCallback);
    expect(await db.q.select().from(tickets)).toHaveLength(1);
    expect(await db.q.select().from(voicemails)).toHaveLength(1);

    // Pages: the on-call engineer and the architect, by SMS and email each, one Slack post; and the caller's text.
    const rows = await db.q.select().from(outbox);
    const pages = rows.filter((r) => r.purpose === 'page').map((r) => `${r.channel}:${r.staffId ?? r.recipient}`);
    expect(pages.sort()).toEqual(['email:alan', 'email:ed', 'slack:channel', 'sms:alan', 'sms:ed']);
    const sms = rows.find((r) => r.channel === 'sms' && r.staffId === 'alan')!;
    expect(sms.body).toContain(`EMERGENCY TK-${ticket!.number}: Acme Dental (Dana Dentist) from ${ACME_PHONE}.`);
    expect(sms.body).toMatch(new RegExp(`Hear it: ${PUBLIC_URL}/voicemails/\\d+\\?t=`));
    expect(sms.body).toContain(`Reply ACK ${ticket!.number}`);
    expect(rows.find((r) => r.purpose === 'caller_confirmation')).toMatchObject({
      recipient: ACME_PHONE,
      channel: 'sms',
    });

    const call = (await db.q.select().from(calls)).find((c) => c.callSid === caller.callSid)!;
    expect(call).toMatchObject({
      outcome: 'emergency_voicemail',
      emergency: true,
      ratePeriod: 'after_hours',
      path: '5,voicemail',
      ticketId: ticket!.id,
    });
  });

  it('escalates the open ticket when the same client calls again within the window, instead of opening another', async () => {
    clock.advance(20 * 60_000);
    const before = await db.q.select().from(tickets);
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    await caller.press('5');
    await caller.leaveVoicemail(8);
    const after = await db.q.select().from(tickets);
    expect(after).toHaveLength(before.length);
    const api = await request(app).get(`/api/tickets/TK-${after[0]!.number}`).set(auth).expect(200);
    expect(api.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'voicemail',
      'requester_notified',
      'escalated',
      'voicemail',
    ]);
    expect(api.body.voicemails).toHaveLength(2);
    // Everyone is paged again for the escalation.
    const pages = (await db.q.select().from(outbox)).filter((r) => r.purpose === 'page');
    expect(pages).toHaveLength(10);
    const again = pages.slice(5);
    expect(again.map((p) => `${p.channel}:${p.staffId ?? p.recipient}`).sort()).toEqual([
      'email:alan',
      'email:ed',
      'slack:channel',
      'sms:alan',
      'sms:ed',
    ]);
    expect(again.filter((p) => p.channel === 'sms').map((p) => p.body.split(':')[0])).toEqual([
      `ESCALATED TK-${after[0]!.number}`,
      `ESCALATED TK-${after[0]!.number}`,
    ]);
  });

  it('asks an unknown caller for a support code, and takes the message anyway when they skip it', async () => {
    const caller = new Caller(app, '+13125550111');
    await caller.dial();
    await caller.press('5');
    expect(caller.heard).toContain('If you know your support code, type it now, followed by hash.');
    await caller.press(''); // just #
    expect(caller.heard).toContain('Please describe the emergency after the tone');
    await caller.leaveVoicemail(9);
    const newest = (await db.q.select().from(tickets)).at(-1)!;
    expect(newest).toMatchObject({
      unidentified: true,
      clientId: null,
      priority: 'critical',
      callerNumber: '+13125550111',
    });
    const sms = (await db.q.select().from(outbox)).find(
      (r) => r.ticketId === newest.id && r.channel === 'sms' && r.purpose === 'page',
    )!;
    expect(sms.body).toContain('UNIDENTIFIED caller from +13125550111');
  });

  it('identifies an unknown number by the support code it types', async () => {
    const caller = new Caller(app, '+13125550122');
    await caller.dial();
    await caller.press('5');
    await caller.press('777111');
    await caller.leaveVoicemail(9);
    const newest = (await db.q.select().from(tickets)).at(-1)!;
    expect(newest).toMatchObject({ unidentified: false, callerNumber: '+13125550122' });
    expect(newest.clientId).not.toBeNull();
  });

  it('asks once more for a recording under two seconds, then accepts the second', async () => {
    const count = (await db.q.select().from(tickets)).length;
    const caller = new Caller(app, '+13125550133');
    await caller.dial();
    await caller.press('5');
    await caller.press('');
    const first = await caller.leaveVoicemail(1);
    expect(caller.heard).toContain('We did not hear a message. Please try again after the tone.');
    await caller.recordingStatus(first.statusCallback); // the short one's callback changes nothing
    expect(await db.q.select().from(tickets)).toHaveLength(count);
    await caller.leaveVoicemail(6);
    expect(caller.heard).toContain('Your ticket number is');
    expect(await db.q.select().from(tickets)).toHaveLength(count + 1);
  });

  it('logs a caller who hangs up before leaving a voicemail as an abandoned emergency, and pages nobody', async () => {
    const ticketsBefore = (await db.q.select().from(tickets)).length;
    const pagesBefore = (await db.q.select().from(outbox)).length;
    const caller = new Caller(app, '+13125550144');
    await caller.dial();
    await caller.press('5');
    await caller.press('');
    await caller.nothingRecorded();
    expect(caller.heard).toContain('We did not hear a message. Please try again after the tone.');
    await caller.hangUp();
    const call = (await db.q.select().from(calls)).find((c) => c.callSid === caller.callSid)!;
    expect(call.outcome).toBe('abandoned_emergency');
    expect(call.endedAt).not.toBeNull();
    expect(await db.q.select().from(tickets)).toHaveLength(ticketsBefore);
    expect(await db.q.select().from(outbox)).toHaveLength(pagesBefore);
  });

  it('creates the ticket once when the action and the status callback race', async () => {
    const count = (await db.q.select().from(tickets)).length;
    const caller = new Caller(app, '+13125550155');
    await caller.dial();
    await caller.press('5');
    await caller.press('');
    const record = caller.recordVerb;
    const params = {
      RecordingSid: 'RE0000000000000000000000000000race',
      RecordingUrl: 'https://api.twilio.com/x',
      RecordingDuration: '14',
    };
    await Promise.all([
      caller.recordingStatus({ url: record.attrs.action!, params: { ...params, Digits: '#' } }),
      caller.recordingStatus({
        url: record.attrs.recordingStatusCallback!,
        params: { ...params, RecordingStatus: 'completed' },
      }),
      caller.recordingStatus({
        url: record.attrs.recordingStatusCallback!,
        params: { ...params, RecordingStatus: 'completed' },
      }),
    ]);
    expect(await db.q.select().from(tickets)).toHaveLength(count + 1);
  });

  it('keeps a transcription that arrives later on the ticket', async () => {
    const caller = new Caller(app, '+13125550166');
    await caller.dial();
    await caller.press('5');
    await caller.press('');
    const { sid } = await caller.leaveVoicemail(30);
    await caller.recordingStatus({
      url: `${PUBLIC_URL}/twilio/voice/transcription`,
      params: {
        RecordingSid: sid,
        TranscriptionSid: 'TR1',
        TranscriptionStatus: 'completed',
        TranscriptionText: 'The file server is down and nobody can work.',
      },
    });
    const newest = (await db.q.select().from(tickets)).at(-1)!;
    expect(newest.transcription).toBe('The file server is down and nobody can work.');
  });
});
