import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileRecordings } from '../../src/ivr/index.js';
import { outbox, tickets } from '../../src/db/schema.js';
import { auth, testApp } from '../support/app.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { Caller, PUBLIC_URL } from '../support/phone.js';
import { ACME_PHONE, seedClients } from '../support/seed.js';

const fake: FakeTwilio = await startFakeTwilio();
afterAll(() => fake.close());

describe('voicemails Twilio holds', async () => {
  const { app, db, clock, services, channels } = await testApp({
    env: { ...fake.env, PUBLIC_URL },
    realChannels: true,
    now: '2026-11-24T04:00:00Z',
  });
  let link = '';

  beforeAll(async () => {
    await seedClients(app);
    const caller = new Caller(app, ACME_PHONE);
    await caller.dial();
    await caller.press('5');
    const { sid } = await caller.leaveVoicemail(20, { sid: 'RE000000000000000000000000000known' });
    const ticket = await request(app).get('/api/tickets').set(auth).expect(200);
    const detail = await request(app).get(`/api/tickets/${ticket.body[0].number}`).set(auth).expect(200);
    link = detail.body.voicemails.find((v: { recordingSid: string }) => v.recordingSid === sid).link;
  });

  it('streams a voicemail through its signed link, with the account’s credentials', async () => {
    expect(link.startsWith(`${PUBLIC_URL}/voicemails/`)).toBe(true);
    const res = await request(app).get(link.slice(PUBLIC_URL.length)).buffer(true).expect(200);
    expect(res.headers['content-type']).toBe('audio/mpeg');
    expect(Buffer.from(res.body).toString()).toBe('ID3-fake-audio-of-RE000000000000000000000000000known');
  });

  it('refuses an altered or expired link', async () => {
    const path = link.slice(PUBLIC_URL.length);
    const altered = path.replace(/t=(\d+)\./, (_m, id) => `t=${Number(id) + 1}.`);
    await request(app).get(altered).expect(403);
    await request(app)
      .get(path.replace(/\/voicemails\/(\d+)/, (_m, id) => `/voicemails/${Number(id) + 1}`))
      .expect(403);
    await request(app).get('/voicemails/1?t=garbage').expect(403);
    // A link in a page works for a day; after that the dashboard plays the voicemail.
    clock.advance(23 * 3_600_000);
    await request(app).get(path).expect(200);
    clock.advance(2 * 3_600_000);
    const expired = await request(app).get(path).expect(410);
    expect(expired.text).toContain('expired');
    clock.advance(-25 * 3_600_000);
  });

  it('ingests recordings no webhook delivered (the fallback document took them), once, as emergencies', async () => {
    const now = clock.now();
    // A caller still on the line, whose recording's own webhooks may yet arrive.
    const onTheLine = new Caller(app, '+13125550188');
    await onTheLine.dial();
    fake.recordings.push(
      {
        sid: 'RE000000000000000000000000000known',
        callSid: 'CA1',
        duration: 20,
        createdAt: new Date(now.getTime() - 10 * 60_000),
      },
      // Taken by the fallback document seconds ago, from a call the service never saw: no wait.
      {
        sid: 'RE0000000000000000000000000000down',
        callSid: 'CA00000000000000000000000000000down',
        duration: 42,
        createdAt: new Date(now.getTime() - 20_000),
        from: '+13125550199',
      },
      {
        sid: 'RE00000000000000000000000000000new',
        callSid: onTheLine.callSid,
        duration: 30,
        createdAt: new Date(now.getTime() - 30_000),
      },
    );
    const before = (await db.q.select().from(tickets)).length;
    const first = await reconcileRecordings(services.ivr, channels.voice);
    expect(first).toEqual({ found: 3, ingested: 1 });
    const ticket = (await db.q.select().from(tickets)).at(-1)!;
    expect(await db.q.select().from(tickets)).toHaveLength(before + 1);
    expect(ticket).toMatchObject({
      emergency: true,
      priority: 'critical',
      unidentified: true,
      callerNumber: '+13125550199',
    });
    expect(
      (await db.q.select().from(outbox)).filter((r) => r.ticketId === ticket.id && r.purpose === 'page').length,
    ).toBe(5);

    // Run again: nothing new. The one of the call in progress is left to its own webhooks for three minutes.
    expect(await reconcileRecordings(services.ivr, channels.voice)).toEqual({ found: 3, ingested: 0 });
    clock.advance(3 * 60_000 + 1000);
    expect((await reconcileRecordings(services.ivr, channels.voice)).ingested).toBe(1);
  });
});
