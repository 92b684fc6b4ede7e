import Database from 'better-sqlite3';
import pg from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from '../support/app.js';
import { onSqlite } from '../support/db.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown as emergency, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../support/phone.js';

/** Another connection takes the lock writers need and holds it: SQLite's write lock, or the state table on PostgreSQL. */
async function lockForWrites(url: string, path?: string): Promise<{ release(): Promise<void> }> {
  if (onSqlite) {
    const other = new Database(path!);
    other.exec('BEGIN IMMEDIATE');
    return {
      release: async () => {
        other.exec('ROLLBACK');
        other.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  await client.query('lock table service_state in exclusive mode');
  return {
    release: async () => {
      await client.query('rollback');
      await client.end();
    },
  };
}

describe('/healthz', async () => {
  it('reports the database, the outbox and each channel, and 503 when the database cannot take a write', async () => {
    const { app, path, url } = await testApp();
    const healthy = await request(app).get('/healthz').expect(200);
    expect(healthy.body).toEqual({
      status: 'ok',
      database: { writable: true },
      outbox: { undelivered: 0, oldestPageAgeSeconds: null },
      channels: {
        sms: { mode: 'log-only' },
        voice: { mode: 'log-only' },
        email: { mode: 'log-only' },
        slack: { mode: 'log-only' },
      },
      unsignedWebhooks: true,
    });
    expect(healthy.headers['cache-control']).toBe('no-store');
    // Another process holds the write lock (reads still work, which a read-only check would miss).
    const other = await lockForWrites(url, path);
    try {
      const down = await request(app).get('/healthz').expect(503);
      expect(down.body.status).toBe('unavailable');
      expect(down.body.problems).toEqual([expect.stringContaining('the database does not take writes')]);
      await request(app).get('/readyz').expect(503);
    } finally {
      await other.release();
    }
    await request(app).get('/healthz').expect(200);
    await request(app)
      .get('/readyz')
      .expect(200, { status: 'ok', database: { writable: true } });
  });

  it('answers 503 when a page has waited more than three minutes, while /readyz keeps the service in routing', async () => {
    const { app, clock } = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } }); // no outbox worker: pages are written and wait
    await emergency(app, '+13125551001');
    const fresh = await request(app).get('/healthz').expect(200);
    expect(fresh.body.outbox.undelivered).toBeGreaterThan(0);
    clock.advance(4 * 60_000);
    const stuck = await request(app).get('/healthz').expect(503);
    expect(stuck.body.problems).toEqual(['a page has waited 240 s to be delivered']);
    expect(stuck.body.outbox.oldestPageAgeSeconds).toBe(240);
    await request(app).get('/readyz').expect(200);
  });

  it('shows each channel’s last success and last failure', async () => {
    const h = await pagingHarness();
    h.twilio.failWith = (kind) =>
      kind === 'message' ? { status: 503, code: 20500, message: 'Service unavailable' } : undefined;
    await emergency(h.app, '+13125551002');
    await h.settle();
    const body = (await request(h.app).get('/healthz').expect(200)).body;
    expect(body.channels.sms).toMatchObject({
      mode: 'live',
      lastSuccessAt: null,
      lastFailureAt: h.clock.now().toISOString(),
      inFlight: 0,
    });
    expect(body.channels.sms.lastError).toContain('Service unavailable');
    expect(body.channels.email).toMatchObject({
      mode: 'live',
      lastSuccessAt: h.clock.now().toISOString(),
      lastFailureAt: null,
    });
    expect(body.unsignedWebhooks).toBe(false);
  });
});
