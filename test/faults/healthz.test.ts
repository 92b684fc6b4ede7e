import Database from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { auth, testApp } from '../support/app.js';
import { execDatabase, freshDatabaseUrl, onSqlite, queryDatabase } from '../support/db.js';
import { pagingHarness } from '../support/paging.js';
import { emergencyFromUnknown as emergency, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../support/phone.js';
import { stallingProxy } from '../support/stalling-proxy.js';

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

/** Counts the health check's writes (a trigger on its row), as an operator could. */
async function countHealthWrites(url: string): Promise<() => Promise<number>> {
  await execDatabase(
    url,
    onSqlite
      ? `create table health_writes (n integer);
         create trigger health_written after update on service_state when new.key = 'health_checked_at'
           begin insert into health_writes values (1); end;
         create trigger health_first after insert on service_state when new.key = 'health_checked_at'
           begin insert into health_writes values (1); end;`
      : `create table health_writes (n integer);
         create function health_written() returns trigger language plpgsql as
           $$ begin insert into health_writes values (1); return new; end $$;
         create trigger health_written after insert or update on service_state
           for each row when (new.key = 'health_checked_at') execute function health_written();`,
  );
  return async () => Number((await queryDatabase<{ n: number }>(url, 'select count(*) as n from health_writes'))[0]!.n);
}

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: string[] = [];
  return { lines, log: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) };
}

describe('/healthz', async () => {
  it('answers {"status":"ok"} to anyone, and the details to the API token', async () => {
    const { app } = await testApp();
    const healthy = await request(app).get('/healthz').expect(200);
    expect(healthy.body).toEqual({ status: 'ok' });
    expect(healthy.headers['cache-control']).toBe('no-store');
    const detailed = await request(app).get('/healthz').set(auth).expect(200);
    expect(detailed.body).toEqual({
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
    // A wrong token is no token: the public answer.
    expect((await request(app).get('/healthz').set('Authorization', 'Bearer nope').expect(200)).body).toEqual({
      status: 'ok',
    });
  });

  it('writes to the database once a second at most, however many ask at once', async () => {
    const { app, url, clock } = await testApp();
    const writes = await countHealthWrites(url);
    const answers = await Promise.all(Array.from({ length: 50 }, () => request(app).get('/healthz')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await request(app).get('/readyz').expect(200);
    expect(await writes()).toBe(1);
    clock.advance(1_500);
    await Promise.all(Array.from({ length: 50 }, () => request(app).get('/healthz').expect(200)));
    expect(await writes()).toBe(2);
  });

  it('answers 503 in words when the database cannot take a write; the error goes to the log and the token', async () => {
    const { lines, log } = capturedLog();
    const { app, path, url, clock } = await testApp({ log });
    await request(app).get('/healthz').expect(200);
    // Another process holds the write lock (reads still work, which a read-only check would miss).
    const other = await lockForWrites(url, path);
    try {
      clock.advance(1_500); // the last check has served its second
      const down = await request(app).get('/healthz').expect(503);
      expect(down.body).toEqual({ status: 'unavailable', problems: ['the database does not take writes'] });
      const detailed = await request(app).get('/healthz').set(auth).expect(503);
      expect(detailed.body.database.writable).toBe(false);
      expect(detailed.body.database.error).toMatch(/lock/i);
      expect(lines.join('\n')).toMatch(
        /the database does not take writes.*lock|lock.*the database does not take writes/i,
      );
      await request(app)
        .get('/readyz')
        .expect(503, { status: 'unavailable', database: { writable: false } });
    } finally {
      await other.release();
    }
    clock.advance(1_500);
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app)
      .get('/readyz')
      .expect(200, { status: 'ok', database: { writable: true } });
  });

  it.skipIf(onSqlite)('never shows the database server’s address to the public', async () => {
    const { url } = await freshDatabaseUrl();
    const proxy = await stallingProxy(new URL(url));
    afterAll(() => proxy.close());
    const { app, clock } = await testApp({ databaseUrl: proxy.url });
    await request(app).get('/healthz').expect(200);
    await proxy.close(); // the server is gone: connections are refused
    clock.advance(1_500);
    const down = await request(app).get('/healthz').expect(503);
    const port = new URL(proxy.url).port;
    expect(down.text).not.toContain(port);
    expect(down.text).not.toContain('127.0.0.1');
    expect(down.body.problems).toEqual(['the database does not take writes']);
    const detailed = await request(app).get('/healthz').set(auth).expect(503);
    expect(detailed.body.database.error).toContain(port);
  });

  it('answers 503 when a page has waited more than three minutes, while /readyz keeps the service in routing', async () => {
    const { app, clock } = await testApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN } }); // no outbox worker: pages are written and wait
    await emergency(app, '+13125551001');
    const fresh = await request(app).get('/healthz').set(auth).expect(200);
    expect(fresh.body.outbox.undelivered).toBeGreaterThan(0);
    clock.advance(4 * 60_000);
    const stuck = await request(app).get('/healthz').expect(503);
    expect(stuck.body).toEqual({ status: 'unavailable', problems: ['a page has waited 240 s to be delivered'] });
    const detailed = await request(app).get('/healthz').set(auth).expect(503);
    expect(detailed.body.outbox.oldestPageAgeSeconds).toBe(240);
    await request(app).get('/readyz').expect(200);
  });

  it('shows each channel’s last success and last failure, with the provider’s words, to the API token only', async () => {
    const h = await pagingHarness();
    h.twilio.failWith = (kind) =>
      kind === 'message' ? { status: 503, code: 20500, message: 'Service unavailable' } : undefined;
    await emergency(h.app, '+13125551002');
    await h.settle();
    expect((await request(h.app).get('/healthz').expect(200)).text).not.toContain('Service unavailable');
    const body = (await request(h.app).get('/healthz').set(auth).expect(200)).body;
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
