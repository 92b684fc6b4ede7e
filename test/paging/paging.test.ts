import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls, outbox, tickets } from '../../src/db/schema.js';
import { auth } from '../support/app.js';
import { pagingHarness } from '../support/paging.js';
import { Caller, twilioPost } from '../support/phone.js';
import { ACME_PHONE, seedClients } from '../support/seed.js';
import { parseTwiml, spoken } from '../support/twiml.js';

const ED = '+15550200003'; // on call this week
const ALAN = '+15550200002'; // the architect

const h = await pagingHarness();
beforeAll(() => seedClients(h.app));

async function emergency(from = ACME_PHONE) {
  const caller = new Caller(h.app, from);
  await caller.dial();
  await caller.press('5');
  if (from !== ACME_PHONE) await caller.press('');
  await caller.leaveVoicemail(20);
  await h.settle();
  return (await h.db.q.select().from(tickets)).at(-1)!;
}

const smsTo = (phone: string) => h.twilio.messages.filter((m) => m.to === phone);

describe('paging an emergency', async () => {
  it('reaches the on-call engineer and the architect by SMS and email, and Slack once, with the caller and the voicemail link', async () => {
    const ticket = await emergency();
    for (const phone of [ED, ALAN]) {
      const [sms] = smsTo(phone);
      expect(sms?.body).toContain(`EMERGENCY TK-${ticket.number}: Acme Dental (Dana Dentist) from ${ACME_PHONE}.`);
      expect(sms?.body).toMatch(/Hear it: https:\/\/switchboard\.test\/voicemails\/\d+\?t=/);
      expect(sms?.body).toMatch(
        new RegExp(`Reply ACK ${ticket.number} to take it or open https://switchboard.test/ack/${ticket.id}/`),
      );
      expect(sms?.from).toBe('+12817684800'); // the helpdesk number
    }
    // The two paged by email, and the requester, who is told their ticket is open.
    expect(h.smtp.mails.map((m) => m.to[0]).sort()).toEqual([
      'alan@example.com',
      'dana@acme.example',
      'ed@example.com',
    ]);
    const page = h.smtp.mails.find((m) => m.to[0] === 'ed@example.com')!;
    expect(page.raw).toContain(`Emergency TK-${ticket.number}: Acme Dental (Dana Dentist)`);
    const mailText = page.raw.replace(/=\r?\n/g, '');
    expect(mailText).toContain('Timeline:');
    expect(mailText).toMatch(/created\s*\r?\n.*voicemail/);
    const posts = h.slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.body.blocks)).toContain('"action_id":"acknowledge"');
    // The caller gets their ticket number by text.
    expect(smsTo(ACME_PHONE)[0]?.body).toContain(`Your ticket is TK-${ticket.number}`);
    // Every row sent once, with the provider's id recorded.
    const rows = await h.db.q.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent' && r.providerId)).toBe(true);
    const timeline = await request(h.app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200);
    expect(timeline.body.timeline.filter((e: { type: string }) => e.type === 'paged')).toHaveLength(5);
  });

  it('lets the first SMS acknowledgement win, stops the escalation, and tells the others', async () => {
    const ticket = (await h.db.q.select().from(tickets)).at(-1)!;
    const reply = await twilioPost(h.app, '/twilio/sms', {
      MessageSid: 'SMin1',
      From: ED,
      To: '+12817684800',
      Body: `  ack ${ticket.number} `,
    }).expect(200);
    expect(reply.text).toContain(`TK-${ticket.number} is yours.`);
    await h.settle();
    expect(smsTo(ALAN).at(-1)?.body).toBe(
      `TK-${ticket.number} was taken by Ed Engineer (sms). No action needed from you.`,
    );
    expect(h.slack.calls.at(-1)?.body.text).toContain(`TK-${ticket.number} was taken by Ed Engineer`);
    const late = await twilioPost(h.app, '/twilio/sms', {
      MessageSid: 'SMin2',
      From: ALAN,
      Body: `${ticket.number} ACK`,
    }).expect(200);
    expect(late.text).toContain(`TK-${ticket.number} was already taken by Ed Engineer.`);
    const saved = (await h.db.q.select().from(tickets)).at(-1)!;
    expect(saved).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ed' });

    // The acknowledgement timeout passes: nobody is phoned.
    h.clock.advance(11 * 60_000);
    await h.escalate();
    await h.settle();
    expect(h.twilio.calls).toHaveLength(0);
  });

  it('connects the engineer to the caller from the helpdesk number on CALL, and logs the call with its rate period', async () => {
    const ticket = (await h.db.q.select().from(tickets)).at(-1)!;
    const reply = await twilioPost(h.app, '/twilio/sms', { From: ED, Body: `call ${ticket.number}` }).expect(200);
    expect(reply.text).toContain(`answer and you will be connected to ${ACME_PHONE}`);
    await h.settle();
    const leg = h.twilio.calls.at(-1)!;
    expect(leg).toMatchObject({ to: ED, from: '+12817684800' });
    const twiml = parseTwiml(
      (await twilioPost(h.app, leg.url, { CallSid: leg.sid, AnsweredBy: 'human' }).expect(200)).text,
    );
    const dial = twiml.find((v) => v.verb === 'Dial')!;
    expect(dial.attrs.callerId).toBe('+12817684800');
    expect(dial.children.map((n) => n.text)).toEqual([ACME_PHONE]);
    await twilioPost(h.app, dial.attrs.action!, {
      CallSid: leg.sid,
      DialCallStatus: 'completed',
      DialCallDuration: '185',
    }).expect(200);
    const logged = (await h.db.q.select().from(calls)).find((c) => c.callSid === leg.sid)!;
    expect(logged).toMatchObject({
      outcome: 'bridged',
      toNumber: ACME_PHONE,
      ratePeriod: 'after_hours',
      ticketId: ticket.id,
    });
    h.twilio.calls.length = 0;
  });

  it('answers an unknown reply from staff with help, a client with the helpdesk’s number use, and a stranger not at all', async () => {
    const help = await twilioPost(h.app, '/twilio/sms', { From: ED, Body: 'what is this?' }).expect(200);
    expect(spoken(parseTwiml(help.text)) || help.text).toContain(
      'ACK 1042 takes ticket 1042; ACK ALL (then YES) takes every emergency paged to you; ESC 1042 escalates it to the next step now',
    );
    const client = await twilioPost(h.app, '/twilio/sms', { From: ACME_PHONE, Body: 'ACK 1001' }).expect(200);
    expect(client.text).toContain('this number takes calls, not texts');
    // A stranger is sent nothing: every reply is paid for.
    const stranger = await twilioPost(h.app, '/twilio/sms', { From: '+13125550000', Body: 'ACK 1001' }).expect(200);
    expect(stranger.text).not.toContain('<Message>');
  });

  it('phones the on-call engineer when nobody acknowledges in time; an answering machine is not an acknowledgement; pressing 1 is', async () => {
    const ticket = await emergency('+13125550900');
    h.clock.advance(10 * 60_000 + 1000);
    expect(await h.escalate()).toBe(1);
    await h.settle();
    expect(smsTo(ED).at(-1)?.body).toContain(`STILL UNACKNOWLEDGED TK-${ticket.number}`);
    const call = h.twilio.calls.at(-1)!;
    expect(call).toMatchObject({ to: ED, from: '+12817684800', machineDetection: 'Enable' });

    const machine = await twilioPost(h.app, call.url, { CallSid: call.sid, AnsweredBy: 'machine_start' }).expect(200);
    expect(parseTwiml(machine.text).map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    expect((await h.db.q.select().from(tickets)).at(-1)!.status).toBe('new');

    // Next step: the architect is phoned.
    h.clock.advance(10 * 60_000 + 1000);
    await h.escalate();
    await h.settle();
    const architectCall = h.twilio.calls.at(-1)!;
    expect(architectCall.to).toBe(ALAN);
    const answered = parseTwiml(
      (await twilioPost(h.app, architectCall.url, { CallSid: architectCall.sid, AnsweredBy: 'human' }).expect(200))
        .text,
    );
    expect(spoken(answered)).toContain('To take it, press 1.');
    const gather = answered.find((v) => v.verb === 'Gather')!;
    // A wrong key is said back and the question asked again; it takes nothing.
    const slip = parseTwiml(
      (await twilioPost(h.app, gather.attrs.action!, { CallSid: architectCall.sid, Digits: '4' }).expect(200)).text,
    );
    expect(spoken(slip)).toBe('You pressed 4. That does not take the ticket. To take it, press 1.');
    expect((await h.db.q.select().from(tickets)).at(-1)!.status).toBe('new');
    const again = slip.find((v) => v.verb === 'Gather')!;
    const pressed = await twilioPost(h.app, again.attrs.action!, { CallSid: architectCall.sid, Digits: '1' }).expect(
      200,
    );
    expect(pressed.text).toContain('is yours');
    expect((await h.db.q.select().from(tickets)).at(-1)!).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'alan',
    });

    const callsBefore = h.twilio.calls.length;
    h.clock.advance(30 * 60_000);
    await h.escalate();
    await h.settle();
    expect(h.twilio.calls).toHaveLength(callsBefore);
  });
});
