import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { calls } from '../../src/db/schema.js';
import { testApp } from '../support/app.js';
import { freshDatabaseUrl, onSqlite } from '../support/db.js';
import { pagingHarness } from '../support/paging.js';
import { Caller, emergencyFromUnknown, PUBLIC_URL, TWILIO_AUTH_TOKEN, twilioPost } from '../support/phone.js';
import { stallingProxy } from '../support/stalling-proxy.js';
import { parseTwiml } from '../support/twiml.js';

/** Twilio gives up on a webhook after 15 s; the service must answer well before, so Twilio falls back at once. */
const WITHIN_MS = 6_000;

const incoming = (n: number) => ({
  CallSid: `CA${String(n).padStart(32, '0')}`,
  From: `+1312555${String(n).padStart(4, '0')}`,
  To: '+12817684800',
});

/** Runs a request and says how long it took to be answered. */
async function timed<T>(work: () => PromiseLike<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe.skipIf(onSqlite)('PostgreSQL with the calls table locked by another session', async () => {
  it('answers webhooks within a few seconds, writes no row for calls sent to the fallback, and pages still go out', async () => {
    const h = await pagingHarness();
    await h.stopWorker();
    await emergencyFromUnknown(h.app, '+13125550401'); // its pages wait in the outbox
    const onTheLine = new Caller(h.app, '+13125550402');
    await onTheLine.dial();

    const other = new pg.Client({ connectionString: h.url });
    await other.connect();
    await other.query('begin');
    await other.query('lock table calls in access exclusive mode');
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => timed(() => twilioPost(h.app, '/twilio/voice', incoming(9100 + i)))),
      );
      for (const a of answers) {
        expect(a.value.status).toBe(503); // Twilio plays the number's fallback document, which takes a voicemail
        expect(a.ms).toBeLessThan(WITHIN_MS);
      }
      // A caller already on the line pressing 5 still hears the emergency voicemail prompt.
      const pressed = await timed(() => onTheLine.press('5'));
      expect(pressed.ms).toBeLessThan(WITHIN_MS);
      expect(onTheLine.verbs.map((v) => v.verb)).toContain('Record');

      // The pager's own connections have no such limits: the waiting pages go out meanwhile.
      h.startWorker();
      await h.settle();
      expect(h.twilio.messages.map((m) => m.to)).toEqual(expect.arrayContaining(['+15550200003', '+15550200002']));
    } finally {
      await other.query('rollback');
      await other.end();
    }
    const rows = await h.db.q.select().from(calls);
    expect(rows.map((r) => r.callSid)).not.toContain(incoming(9100).CallSid);
    const after = await twilioPost(h.app, '/twilio/voice', incoming(9200));
    expect(after.status).toBe(200);
  }, 60_000);
});

describe.skipIf(onSqlite)('PostgreSQL that stops answering (paused, or the network path gone)', async () => {
  it('answers webhooks within a few seconds, and works again once the server answers', async () => {
    const { url } = await freshDatabaseUrl();
    const proxy = await stallingProxy(new URL(url));
    afterAll(() => proxy.close());
    const { app } = await testApp({ databaseUrl: proxy.url, env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } });
    const onTheLine = new Caller(app, '+13125550403');
    await onTheLine.dial();

    proxy.stall();
    const [call, pressed] = await Promise.all([
      timed(() => twilioPost(app, '/twilio/voice', incoming(9300))),
      timed(() =>
        twilioPost(app, onTheLine.verbs.find((v) => v.verb === 'Gather')!.attrs.action!, {
          CallSid: onTheLine.callSid,
          From: onTheLine.from,
          To: '+12817684800',
          Digits: '5',
        }),
      ),
    ]);
    expect(call.value.status).toBe(503);
    expect(call.ms).toBeLessThan(WITHIN_MS);
    expect(pressed.value.status).toBe(200);
    expect(pressed.ms).toBeLessThan(WITHIN_MS);
    expect(parseTwiml(pressed.value.text).map((v) => v.verb)).toContain('Record');

    proxy.resume();
    const after = await timed(() => twilioPost(app, '/twilio/voice', incoming(9301)));
    expect(after.value.status).toBe(200);
  }, 90_000);
});
