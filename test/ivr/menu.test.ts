import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls, callbacks, outbox, tickets } from '../../src/db/schema.js';
import { organisationFrom } from '../support/organisation.js';
import { auth, testApp } from '../support/app.js';
import { Caller, PUBLIC_URL, TWILIO_AUTH_TOKEN, twilioPost } from '../support/phone.js';
import { ACME_PHONE, BETA_PHONE, seedClients } from '../support/seed.js';

const BUSINESS = '2026-11-23T16:00:00Z'; // Monday 10:00 in Chicago
const CHRISTMAS = '2026-12-25T16:00:00Z'; // Friday 10:00, a holiday

describe('the greeting and menu', async () => {
  const { app, db, clock } = await testApp({ env: { TWILIO_AUTH_TOKEN, PUBLIC_URL }, now: BUSINESS });
  beforeAll(() => seedClients(app));

  it('offers the helpdesk in business hours and rings the office staff on 1', async () => {
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    expect(caller.heard).toBe(
      'Thank you for calling Omnipotech. For the helpdesk, press 1. To request a callback, press 2. To escalate an existing ticket, press 3. For an emergency, press 5.',
    );
    await caller.press('1');
    const dial = caller.verbs.find((v) => v.verb === 'Dial')!;
    expect(dial.children.map((n) => n.text)).toEqual(['+15550200004']); // Olive, the office
    expect(Number(dial.attrs.timeout)).toBeGreaterThan(10);
  });

  it('rings the configured helpdesk numbers instead, when the organisation names them', async () => {
    const other = await testApp({
      env: { TWILIO_AUTH_TOKEN, PUBLIC_URL },
      now: BUSINESS,
      organisation: organisationFrom(
        undefined,
        (d) => (d.helpdesk = { forward_to: ['(281) 555-0190', '+12815550191'], ring_timeout: '40s' }),
      ),
    });
    const caller = new Caller(other.app, ACME_PHONE);
    await caller.dial();
    await caller.press('1');
    const dial = caller.verbs.find((v) => v.verb === 'Dial')!;
    expect(dial.children.map((n) => n.text)).toEqual(['+12815550190', '+12815550191']);
    expect(dial.attrs.timeout).toBe('40');
  });

  it('offers a callback or a message when nobody at the helpdesk answers', async () => {
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    await caller.press('1');
    await twilioPost(app, caller.verbs.find((v) => v.verb === 'Dial')!.attrs.action!, {
      CallSid: caller.callSid,
      DialCallStatus: 'no-answer',
    }).then((res) => {
      expect(res.text).toContain('Nobody could take your call. To request a callback, press 2.');
    });
  });

  it('says the office is closed for a holiday, offers no helpdesk, and refuses 1', async () => {
    clock.set(CHRISTMAS);
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    expect(caller.heard).toBe(
      'Thank you for calling Omnipotech. Our office is closed today for a holiday. For an emergency, press 5. To request a callback, press 2. To escalate an existing ticket, press 3.',
    );
    await caller.press('1');
    expect(caller.heard).toContain('The helpdesk is closed right now.');
    expect(caller.heard).toContain('For an emergency, press 5.');
    const call = (await db.q.select().from(calls)).find((c) => c.callSid === caller.callSid)!;
    expect(call.ratePeriod).toBe('holiday');
    clock.set(BUSINESS);
  });

  it('repeats the menu after a wrong key or none, three times at most, then takes an ordinary voicemail', async () => {
    const pagesBefore = (await db.q.select().from(outbox)).filter((r) => r.purpose === 'page').length;
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    await caller.press('9');
    expect(caller.heard).toMatch(/^Sorry, that is not an option\. For the helpdesk, press 1/);
    await caller.silence();
    expect(caller.heard).toMatch(/^Sorry, we did not hear a choice\./);
    await caller.press('*');
    expect(caller.heard).toContain('Please leave a message after the tone, and we will get back to you.');
    await caller.leaveVoicemail(15);
    expect(caller.heard).toMatch(/^Thank you\. Your ticket number is [\d ]+\. We will get back to you\. Goodbye\.$/);
    const ticket = (await db.q.select().from(tickets)).at(-1)!;
    expect(ticket).toMatchObject({ priority: 'medium', emergency: false, status: 'new' });
    expect((await db.q.select().from(outbox)).filter((r) => r.purpose === 'page')).toHaveLength(pagesBefore);
  });

  it('answers in Italian when the organisation speaks Italian', async () => {
    const italian = await testApp({
      env: { TWILIO_AUTH_TOKEN, PUBLIC_URL },
      now: BUSINESS,
      organisation: organisationFrom(undefined, (d) => (d.organization.language = 'it-IT')),
    });
    const caller = new Caller(italian.app, ACME_PHONE);
    await caller.dial();
    expect(caller.heard).toContain('Grazie per aver chiamato Omnipotech.');
    // The greeting is read inside the menu's <Gather>.
    expect(caller.verbs[0]!.children[0]!.attrs).toMatchObject({ language: 'it-IT', voice: 'Polly.Bianca' });
  });
});

describe('2 — a callback request', async () => {
  // Monday 22:00 in Chicago: the callback is due at Tuesday's opening.
  const { app, db } = await testApp({ env: { TWILIO_AUTH_TOKEN, PUBLIC_URL }, now: '2026-11-24T04:00:00Z' });
  beforeAll(() => seedClients(app));

  it('refuses a wrong code, accepts the right one, confirms the number and queues the callback for the next opening', async () => {
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    await caller.press('2');
    expect(caller.heard).toBe('Please enter your support code, followed by hash.');
    await caller.press('111111');
    expect(caller.heard).toBe(
      'Sorry, that code was not recognised. Please try again. Please enter your support code, followed by hash.',
    );
    await caller.press('482913');
    expect(caller.heard).toBe(
      'Thank you, Acme Dental. We will call you back on 1 2 8 1 5 5 5 0 1 4 2. To confirm, press 1. To use another number, type it now, followed by hash.',
    );
    await caller.press('1');
    expect(caller.heard).toMatch(
      /^Your callback is booked for when the office opens, Tuesday, November 24(,| at) 9:00 AM\. You are number 1 in the queue\. Goodbye\.$/,
    );

    const queue = await request(app).get('/api/callbacks').set(auth).expect(200);
    expect(queue.body).toHaveLength(1);
    expect(queue.body[0]).toMatchObject({
      phone: ACME_PHONE,
      status: 'queued',
      dueAt: '2026-11-24T15:00:00.000Z',
      position: 1,
    });
    const text = (await db.q.select().from(outbox)).find((r) => r.purpose === 'callback_confirmation')!;
    expect(text).toMatchObject({ recipient: ACME_PHONE, channel: 'sms' });
    expect(text.body).toContain('You are number 1 in the queue');
    expect((await db.q.select().from(calls)).find((c) => c.callSid === caller.callSid)?.outcome).toBe(
      'callback_queued',
    );
  });

  it('queues one callback however often Twilio retries the last step, and takes another number when typed', async () => {
    const caller = new Caller(app, BETA_PHONE);
    await caller.dial();
    await caller.press('2');
    await caller.press('777111');
    const gatherAction = caller.verbs.find((v) => v.verb === 'Gather')!.attrs.action!;
    await caller.press('3125550177');
    await twilioPost(app, gatherAction, { CallSid: caller.callSid, From: BETA_PHONE, Digits: '3125550177' }).expect(
      200,
    );
    const mine = (await db.q.select().from(callbacks)).filter((c) => c.callSid === caller.callSid);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.phone).toBe('+13125550177');
    expect(caller.heard).toContain('You are number 2 in the queue');
  });

  it('after three wrong codes, offers to take a message instead', async () => {
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    await caller.press('2');
    await caller.press('0000');
    await caller.press('0001');
    await caller.press('0002');
    expect(caller.heard).toBe(
      'We could not recognise your support code. Please leave a message after the tone, and we will get back to you. Press hash when you are done.',
    );
    expect(caller.recordVerb).toBeDefined();
  });
});

describe('3 — escalating an existing ticket', async () => {
  const { app, db } = await testApp({ env: { TWILIO_AUTH_TOKEN, PUBLIC_URL }, now: BUSINESS });
  let ticketNumber = 0;

  beforeAll(async () => {
    await seedClients(app);
    // Acme leaves an ordinary voicemail: a Medium ticket.
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    await caller.press('7');
    await caller.press('7');
    await caller.press('7');
    await caller.leaveVoicemail(10);
    ticketNumber = (await db.q.select().from(tickets))[0]!.number;
  });

  it('refuses another client’s ticket without revealing that it exists', async () => {
    const caller = new Caller(app, BETA_PHONE);
    await caller.dial();
    await caller.press('3');
    expect(caller.heard).toBe('Please enter your ticket number, followed by hash.');
    await caller.press(String(ticketNumber));
    const refusal = caller.heard;
    expect(refusal).toBe(
      'We could not find an open ticket with that number for your account. Please enter your ticket number, followed by hash.',
    );
    await caller.press('99999');
    expect(caller.heard).toBe(refusal);
    const ticket = (await db.q.select().from(tickets))[0]!;
    expect(ticket.priority).toBe('medium');
  });

  it('escalates the caller’s own open ticket to High and takes a message for it', async () => {
    const caller = new Caller(app, '+13125550188'); // unknown number: identifies by support code first
    await caller.dial();
    await caller.press('3');
    expect(caller.heard).toBe('To find your ticket, first enter your support code, followed by hash.');
    await caller.press('482913');
    await caller.press(String(ticketNumber));
    expect(caller.heard).toContain(`Ticket ${String(ticketNumber).split('').join(' ')} has been escalated.`);
    await caller.leaveVoicemail(11);
    expect(caller.heard).toBe(
      `Thank you. Your message has been added to ticket ${String(ticketNumber).split('').join(' ')}. Goodbye.`,
    );

    const res = await request(app).get(`/api/tickets/${ticketNumber}`).set(auth).expect(200);
    expect(res.body.priority).toBe('high');
    expect(res.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'voicemail',
      'requester_notified',
      'escalated',
      'voicemail',
    ]);
    expect(res.body.voicemails).toHaveLength(2);
    expect(await db.q.select().from(tickets)).toHaveLength(1);
  });
});
