import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { auth, testApp } from '../support/app.js';

describe('the callback work queue (API)', () => {
  // Monday 23 November 2026, 22:00 in Chicago: after hours.
  const { app, db, clock } = testApp({ now: '2026-11-24T04:00:00Z' });

  it('queues a staff-added callback for the next opening, or now when urgent', async () => {
    const later = await request(app).post('/api/callbacks').set(auth).send({ phone: '(312) 555-0100', reason: 'printer' }).expect(201);
    expect(later.body).toMatchObject({ phone: '+13125550100', status: 'queued', dueAt: '2026-11-24T15:00:00.000Z' });
    const urgent = await request(app).post('/api/callbacks').set(auth).send({ phone: '+13125550101', urgent: true }).expect(201);
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
    const cb = await request(app).post('/api/callbacks').set(auth).send({ phone: '+13125550102', urgent: true }).expect(201);
    const [a, b] = await Promise.all([
      request(app).post(`/api/callbacks/${cb.body.id}/claim`).set(auth).send({ staffId: 'olive' }),
      request(app).post(`/api/callbacks/${cb.body.id}/claim`).set(auth).send({ staffId: 'erin' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.message).toMatch(/is already being worked by (Olive Office|Erin Engineer)/);
  });

  it('re-queues after no answer, and alerts the office by email on the third failure', async () => {
    const cb = await request(app).post('/api/callbacks').set(auth).send({ phone: '+13125550103', urgent: true }).expect(201);
    const id = cb.body.id;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await request(app).post(`/api/callbacks/${id}/claim`).set(auth).send({ staffId: 'olive' }).expect(200);
      const res = await request(app).post(`/api/callbacks/${id}/outcome`).set(auth).send({ staffId: 'olive', outcome: 'no_answer' }).expect(200);
      expect(res.body).toMatchObject({ status: 'queued', failedAttempts: attempt, claimedBy: null });
      // After hours, the retry waits for the next opening.
      expect(res.body.dueAt).toBe('2026-11-24T15:00:00.000Z');
      clock.advance(60_000);
    }
    const alerts = db.select().from(outbox).all().filter((r) => r.dedupeKey.startsWith(`callback-failures:${id}:`));
    expect(alerts.map((r) => [r.channel, r.recipient])).toEqual([['email', 'olive@example.com']]);
    expect(alerts[0]!.subject).toContain(`Callback ${id} unanswered 3 times`);
  });

  it('closes a callback when done, and refuses an outcome from someone who has not claimed it', async () => {
    const cb = await request(app).post('/api/callbacks').set(auth).send({ phone: '+13125550104', urgent: true }).expect(201);
    await request(app).post(`/api/callbacks/${cb.body.id}/outcome`).set(auth).send({ staffId: 'olive', outcome: 'done' }).expect(409);
    await request(app).post(`/api/callbacks/${cb.body.id}/claim`).set(auth).send({ staffId: 'olive' }).expect(200);
    await request(app).post(`/api/callbacks/${cb.body.id}/outcome`).set(auth).send({ staffId: 'erin', outcome: 'done' }).expect(409);
    await request(app).post(`/api/callbacks/${cb.body.id}/outcome`).set(auth).send({ staffId: 'olive', outcome: 'maybe' }).expect(400);
    const done = await request(app).post(`/api/callbacks/${cb.body.id}/outcome`).set(auth).send({ staffId: 'olive', outcome: 'done' }).expect(200);
    expect(done.body.status).toBe('done');
    const queue = await request(app).get('/api/callbacks').set(auth).expect(200);
    expect(queue.body.map((c: { id: number }) => c.id)).not.toContain(cb.body.id);
  });
});
