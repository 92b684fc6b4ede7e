import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { callbackAttempts, outbox } from '../../src/db/schema.js';
import { callCustomer, claimCallback, sendOverdueSummary } from '../../src/callbacks/index.js';
import { auth, testApp } from '../support/app.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';
import { twilioPost } from '../support/phone.js';
import { parseTwiml } from '../support/twiml.js';

describe('the callback work queue (API)', async () => {
  // Monday 23 November 2026, 22:00 in Chicago: after hours.
  const { app, db, clock } = await testApp({ now: '2026-11-24T04:00:00Z' });

  it('queues a staff-added callback for the next opening, or now when urgent', async () => {
    const later = await request(app)
      .post('/api/callbacks')
      .set(auth)
      .send({ phone: '(312) 555-0100', reason: 'printer' })
      .expect(201);
    expect(later.body).toMatchObject({ phone: '+13125550100', status: 'queued', dueAt: '2026-11-24T15:00:00.000Z' });
    const urgent = await request(app)
      .post('/api/callbacks')
      .set(auth)
      .send({ phone: '+13125550101', urgent: true })
      .expect(201);
    expect(urgent.body.dueAt).toBe('2026-11-24T04:00:00.000Z');
    const queue = await request(app).get('/api/callbacks').set(auth).expect(200);
    expect(queue.body.map((c: { phone: string; position: number }) => [c.phone, c.position])).toEqual([
      ['+13125550101', 1],
      ['+13125550100', 2],
    ]);
    const bad = await request(app).post('/api/callbacks').set(auth).send({ phone: '12' }).expect(400);
    expect(bad.body.error.fields).toEqual({ phone: 'is not a valid phone number' });
  });

  it('lets exactly one of two staff claiming at once win', async () => {
    const cb = await request(app)
      .post('/api/callbacks')
      .set(auth)
      .send({ phone: '+13125550102', urgent: true })
      .expect(201);
    const [a, b] = await Promise.all([
      request(app).post(`/api/callbacks/${cb.body.id}/claim`).set(auth).send({ staffId: 'olive' }),
      request(app).post(`/api/callbacks/${cb.body.id}/claim`).set(auth).send({ staffId: 'erin' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.message).toMatch(/is already being worked by (Olive Office|Erin Engineer)/);
  });

  it('re-queues after no answer, and alerts the office by email on the third failure', async () => {
    const cb = await request(app)
      .post('/api/callbacks')
      .set(auth)
      .send({ phone: '+13125550103', urgent: true })
      .expect(201);
    const id = cb.body.id;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await request(app).post(`/api/callbacks/${id}/claim`).set(auth).send({ staffId: 'olive' }).expect(200);
      const res = await request(app)
        .post(`/api/callbacks/${id}/outcome`)
        .set(auth)
        .send({ staffId: 'olive', outcome: 'no_answer' })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'queued', failedAttempts: attempt, claimedBy: null });
      // After hours, the retry waits for the next opening.
      expect(res.body.dueAt).toBe('2026-11-24T15:00:00.000Z');
      clock.advance(60_000);
    }
    const alerts = (await db.q.select().from(outbox)).filter((r) => r.dedupeKey.startsWith(`callback-failures:${id}:`));
    expect(alerts.map((r) => [r.channel, r.recipient])).toEqual([['email', 'olive@example.com']]);
    expect(alerts[0]!.subject).toContain(`Callback ${id} unanswered 3 times`);
  });

  it('closes a callback when done, and refuses an outcome from someone who has not claimed it', async () => {
    const cb = await request(app)
      .post('/api/callbacks')
      .set(auth)
      .send({ phone: '+13125550104', urgent: true })
      .expect(201);
    await request(app)
      .post(`/api/callbacks/${cb.body.id}/outcome`)
      .set(auth)
      .send({ staffId: 'olive', outcome: 'done' })
      .expect(409);
    await request(app).post(`/api/callbacks/${cb.body.id}/claim`).set(auth).send({ staffId: 'olive' }).expect(200);
    await request(app)
      .post(`/api/callbacks/${cb.body.id}/outcome`)
      .set(auth)
      .send({ staffId: 'erin', outcome: 'done' })
      .expect(409);
    await request(app)
      .post(`/api/callbacks/${cb.body.id}/outcome`)
      .set(auth)
      .send({ staffId: 'olive', outcome: 'maybe' })
      .expect(400);
    const done = await request(app)
      .post(`/api/callbacks/${cb.body.id}/outcome`)
      .set(auth)
      .send({ staffId: 'olive', outcome: 'done' })
      .expect(200);
    expect(done.body.status).toBe('done');
    const queue = await request(app).get('/api/callbacks').set(auth).expect(200);
    expect(queue.body.map((c: { id: number }) => c.id)).not.toContain(cb.body.id);
  });
});

describe('callback windows, overdue callbacks and calling from the helpdesk number', async () => {
  let h: Awaited<ReturnType<typeof pagingHarness>>;
  beforeAll(async () => {
    // The office returns calls 10:00–16:00 on weekdays, not all office hours.
    const organisation = organisationFrom(undefined, (doc) => {
      doc.callback_hours = Object.fromEntries(
        ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((d) => [d, ['10:00-16:00']]),
      );
    });
    // Tuesday 24 November 2026, 08:00 in Chicago.
    h = await pagingHarness({ organisation, now: '2026-11-24T14:00:00Z' });
  });

  it('makes a callback due when the next callback window opens, which may differ from office hours', async () => {
    const res = await request(h.app)
      .post('/api/callbacks')
      .set(auth)
      .send({ phone: '+13125550110', reason: 'VPN' })
      .expect(201);
    expect(res.body.dueAt).toBe('2026-11-24T16:00:00.000Z'); // 10:00, not the office's 09:00
  });

  it('marks callbacks past their due time as overdue and emails the office a summary, once an hour', async () => {
    h.clock.set('2026-11-24T17:30:00Z'); // 11:30, an hour and a half late
    const queue = await request(h.app).get('/api/callbacks').set(auth).expect(200);
    expect(queue.body[0]).toMatchObject({ phone: '+13125550110', overdue: true, position: 1 });
    expect(await sendOverdueSummary(h.services.callbacks)).toBe(1);
    expect(await sendOverdueSummary(h.services.callbacks)).toBe(1); // same hour: no second email
    await h.settle();
    const mails = h.smtp.mails.filter((m) => m.raw.includes('overdue callback'));
    expect(mails.map((m) => m.to[0])).toEqual(['olive@example.com']);
    expect(mails[0]!.raw).toContain('Subject: [Omnipotech] 1 overdue callback');
    expect(mails[0]!.raw.replace(/=\r?\n/g, '')).toContain('+13125550110  due 2026-11-24T16:00:00.000Z  queued  VPN');
  });

  it('rings the staff member first and bridges to the customer from the helpdesk number, keeping the attempt', async () => {
    const [cb] = (await request(h.app).get('/api/callbacks').set(auth).expect(200)).body;
    const olive = { id: 'olive', name: 'Olive Office' };
    expect(await callCustomer(h.services.callbacks, cb.id, olive)).toMatchObject({
      ok: false,
      problem: { code: 'not_yours' },
    });
    expect((await claimCallback(h.services.callbacks, cb.id, olive)).ok).toBe(true);
    expect(await callCustomer(h.services.callbacks, cb.id, olive)).toMatchObject({
      ok: true,
      value: { status: 'calling' },
    });
    await h.settle();
    const call = h.twilio.calls.at(-1)!;
    expect(call).toMatchObject({ to: '+15550200004', from: '+12817684800' }); // Olive's phone, from the helpdesk number
    // Olive answers: Twilio fetches the TwiML, which dials the customer showing the helpdesk number.
    const answered = await twilioPost(h.app, call.url, {
      CallSid: 'CA99000000000000000000000000000001',
      From: '+12817684800',
      To: '+15550200004',
      CallStatus: 'in-progress',
    }).expect(200);
    const [dial] = parseTwiml(answered.text).filter((v) => v.verb === 'Dial');
    expect(dial?.attrs.callerId).toBe('+12817684800');
    expect(dial?.children?.map((c) => c.text)).toEqual(['+13125550110']);
    h.clock.advance(4 * 60_000);
    await twilioPost(h.app, dial!.attrs.action!, {
      CallSid: 'CA99000000000000000000000000000001',
      DialCallStatus: 'completed',
      DialCallDuration: '240',
    }).expect(200);
    const done = await request(h.app)
      .post(`/api/callbacks/${cb.id}/outcome`)
      .set(auth)
      .send({ staffId: 'olive', outcome: 'done', note: 'sorted' })
      .expect(200);
    expect(done.body.status).toBe('done');
    const attempts = (await h.db.q.select().from(callbackAttempts)).filter((a) => a.callbackId === cb.id);
    expect(attempts.map((a) => [a.outcome, a.note])).toEqual([
      ['called', 'connected for 240 s'],
      ['done', 'sorted'],
    ]);
    // Billed: the bridged call (4 minutes of business time) and the callback itself.
    const events = await request(h.app).get('/api/billing/events?from=2026-11-24&to=2026-11-24').set(auth).expect(200);
    expect(
      events.body.map((e: { type: string; minutes: number; ratePeriod: string }) => [e.type, e.minutes, e.ratePeriod]),
    ).toEqual([
      ['bridged_call', 4, 'business'],
      ['callback', 0, 'business'],
    ]);
  });
});
