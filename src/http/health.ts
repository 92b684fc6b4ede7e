import { Router } from 'express';
import type { Clock } from '../calendar/index.js';
import type { Channel, Channels } from '../channels/index.js';
import { errorMessage, readState, writeState, type Database } from '../db/index.js';
import { backlog, type ChannelHealth } from '../paging/index.js';

/** A page not delivered after this long means paging is stuck: /healthz says 503 so a monitor notices. */
export const PAGE_STALE_MS = 3 * 60_000;

export interface HealthDeps {
  db: Database;
  clock: Clock;
  channels: Channels;
  unsignedWebhooks: boolean;
  outbox?: { health?(): Record<Channel, ChannelHealth> };
}

/** The database takes a write (a read alone would pass while the disk is full or the file locked). */
async function databaseWritable(deps: HealthDeps): Promise<{ writable: boolean; error?: string }> {
  try {
    // One try: a database that is locked now is unavailable now.
    await deps.db.withTransaction(
      (tx) => writeState(tx, 'health_checked_at', deps.clock.now().toISOString(), deps.clock.now()),
      { retryForMs: 0, lockTimeoutMs: 2_000 },
    );
    return { writable: true };
  } catch (err) {
    return { writable: false, error: errorMessage(err).slice(0, 200) };
  }
}

const LIVE: Record<Channel, (c: Channels) => boolean> = {
  sms: (c) => c.sms.live,
  voice: (c) => c.voice.live,
  email: (c) => c.mail.live,
  slack: (c) => c.chat.live,
};

/**
 * GET /healthz: 200 {"status":"ok", ...} when the database takes a write and no page has waited more
 * than three minutes; 503 otherwise, for uptime monitors. GET /readyz: only whether the database takes
 * a write, for a load balancer's routing check (a provider outage is no reason to stop taking calls).
 */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const now = deps.clock.now();
    const database = await databaseWritable(deps);
    let outbox: { undelivered: number; oldestPageAgeSeconds: number | null } | { error: string };
    try {
      const b = await backlog(deps.db.q);
      outbox = {
        undelivered: b.undelivered,
        oldestPageAgeSeconds: b.oldestPageAt
          ? Math.max(0, Math.round((now.getTime() - b.oldestPageAt.getTime()) / 1000))
          : null,
      };
    } catch (err) {
      outbox = { error: errorMessage(err).slice(0, 200) };
    }
    // The last test of the helpdesk line (written by the line test in src/ivr): a failed one means callers
    // may not be reaching the service at all.
    let line: { status: string; startedAt?: string; why?: string } | undefined;
    try {
      const raw = database.writable ? await readState(deps.db.q, 'line_test') : undefined;
      if (raw) {
        const test = JSON.parse(raw) as { status: string; startedAt: string; why?: string };
        line = { status: test.status, startedAt: test.startedAt, ...(test.why ? { why: test.why } : {}) };
      }
    } catch {
      line = undefined;
    }
    const stats = deps.outbox?.health?.();
    const channels = Object.fromEntries(
      (Object.keys(LIVE) as Channel[]).map((c) => [
        c,
        { mode: LIVE[c](deps.channels) ? 'live' : 'log-only', ...(stats?.[c] ?? {}) },
      ]),
    );
    const problems = [
      ...(database.writable ? [] : [`the database does not take writes: ${database.error}`]),
      ...('oldestPageAgeSeconds' in outbox &&
      outbox.oldestPageAgeSeconds !== null &&
      outbox.oldestPageAgeSeconds * 1000 > PAGE_STALE_MS
        ? [`a page has waited ${outbox.oldestPageAgeSeconds} s to be delivered`]
        : []),
      ...(line?.status === 'failed'
        ? [
            `the helpdesk line is not reaching Switchboard: the test call at ${line.startedAt} failed (${line.why ?? 'not seen'})`,
          ]
        : []),
    ];
    const body = {
      status: problems.length ? 'unavailable' : 'ok',
      ...(problems.length ? { problems } : {}),
      database,
      outbox,
      channels,
      ...(line ? { lineTest: line } : {}),
      unsignedWebhooks: deps.unsignedWebhooks,
    };
    res
      .status(problems.length ? 503 : 200)
      .set('Cache-Control', 'no-store')
      .json(body);
  });
  router.get('/readyz', async (_req, res) => {
    const database = await databaseWritable(deps);
    res
      .status(database.writable ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: database.writable ? 'ok' : 'unavailable', database });
  });
  return router;
}
