import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { Clock } from './calendar/index.js';
import type { Channel, Channels } from './channels/index.js';
import { errorMessage, readState, writeState, type Database } from './db/index.js';
import { sameSecret } from './http/auth.js';
import { mailboxProblems, type MailboxProblem } from './email/index.js';
import { backlog, type ChannelHealth } from './paging/index.js';

/** A page not delivered after this long means paging is stuck: /healthz says 503 so a monitor notices. */
export const PAGE_STALE_MS = 3 * 60_000;
/**
 * How long one look at the database serves /healthz and /readyz (measured on the service's clock). A
 * look writes, and a hundred monitors asking at once must not take SQLite's one writer from the calls.
 */
export const CHECK_SERVES_MS = 1_000;

export interface HealthDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  channels: Channels;
  unsignedWebhooks: boolean;
  /** With `Authorization: Bearer $API_TOKEN`, /healthz shows its details (errors, hosts, providers' words). */
  apiToken?: string;
  outbox?: { health?(): Record<Channel, ChannelHealth> };
  /** The helpdesk mailbox IMAP_URL names (src/email/status.ts), when email intake is on. */
  mailbox?: string;
}

/** What one look at the database found. */
interface DatabaseLook {
  writable: boolean;
  /** Why not, in the driver's words (it may name hosts and ports): for the log and the API token only. */
  error?: string;
  outbox: { undelivered: number; oldestPageAt: Date | null } | { error: string };
  lineTest?: { status: string; startedAt?: string; why?: string };
  mailbox?: MailboxProblem;
}

async function lookAtDatabase(deps: HealthDeps): Promise<DatabaseLook> {
  const now = deps.clock.now();
  let writable = true;
  let error: string | undefined;
  try {
    // A write (a read alone would pass while the disk is full or the file locked), tried once: a
    // database that is locked now is unavailable now.
    await deps.db.withTransaction((tx) => writeState(tx, 'health_checked_at', now.toISOString(), now), {
      retryForMs: 0,
      lockTimeoutMs: 2_000,
    });
  } catch (err) {
    writable = false;
    error = errorMessage(err).slice(0, 200);
  }
  let outbox: DatabaseLook['outbox'];
  try {
    const b = await backlog(deps.db.q);
    outbox = { undelivered: b.undelivered, oldestPageAt: b.oldestPageAt ?? null };
  } catch (err) {
    outbox = { error: errorMessage(err).slice(0, 200) };
  }
  // The last test of the helpdesk line (written by the line test in src/ivr): a failed one means callers
  // may not be reaching the service at all.
  let lineTest: DatabaseLook['lineTest'];
  try {
    const raw = writable ? await readState(deps.db.q, 'line_test') : undefined;
    if (raw) {
      const test = JSON.parse(raw) as { status: string; startedAt: string; why?: string };
      lineTest = { status: test.status, startedAt: test.startedAt, ...(test.why ? { why: test.why } : {}) };
    }
  } catch {
    lineTest = undefined;
  }
  // Whether the helpdesk mailbox is being read (its reader reports every 10 s, src/email/status.ts).
  const [mailbox] = deps.mailbox ? await mailboxProblems(deps.db.q, now, [deps.mailbox]).catch(() => []) : [];
  return {
    writable,
    ...(error ? { error } : {}),
    outbox,
    ...(lineTest ? { lineTest } : {}),
    ...(mailbox ? { mailbox } : {}),
  };
}

/**
 * One look at a time, shared by every request that asks while it runs, and kept for CHECK_SERVES_MS.
 * A change in whether the database takes writes is logged with the driver's words, once.
 */
function databaseLooks(deps: HealthDeps): () => Promise<DatabaseLook> {
  let last: { at: number; look: DatabaseLook } | undefined;
  let running: Promise<DatabaseLook> | undefined;
  let wasWritable = true;
  return () => {
    const now = deps.clock.now().getTime();
    if (last && now - last.at >= 0 && now - last.at < CHECK_SERVES_MS) return Promise.resolve(last.look);
    running ??= lookAtDatabase(deps)
      .then((look) => {
        if (look.writable !== wasWritable || (!look.writable && look.error !== last?.look.error))
          if (look.writable) deps.log.info('health: the database takes writes again');
          else deps.log.warn({ error: look.error }, 'health: the database does not take writes');
        wasWritable = look.writable;
        last = { at: deps.clock.now().getTime(), look };
        return look;
      })
      .finally(() => (running = undefined));
    return running;
  };
}

const LIVE: Record<Channel, (c: Channels) => boolean> = {
  sms: (c) => c.sms.live,
  voice: (c) => c.voice.live,
  email: (c) => c.mail.live,
  slack: (c) => c.chat.live,
};

/** The request carries the API token: it may see hosts, ports and providers' own error text. */
function maySeeDetails(req: Request, token: string | undefined): boolean {
  const match = /^Bearer\s+(.+)$/i.exec((req.get('authorization') ?? '').trim());
  return Boolean(token && match && sameSecret(match[1]!, token));
}

/**
 * GET /healthz, for uptime monitors: 200 {"status":"ok"} when the database takes a write and no page has
 * waited more than three minutes; 503 with the problems in words otherwise. With the API token, the
 * details: the database's error, the outbox, each channel (its provider's last error), the line test.
 * GET /readyz: only whether the database takes a write, for a load balancer's routing check (a provider
 * outage is no reason to stop taking calls).
 */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  const look = databaseLooks(deps);
  router.get('/healthz', async (req, res) => {
    const now = deps.clock.now();
    const found = await look();
    const outbox =
      'error' in found.outbox
        ? found.outbox
        : {
            undelivered: found.outbox.undelivered,
            oldestPageAgeSeconds: found.outbox.oldestPageAt
              ? Math.max(0, Math.round((now.getTime() - found.outbox.oldestPageAt.getTime()) / 1000))
              : null,
          };
    const line = found.lineTest;
    const details = maySeeDetails(req, deps.apiToken);
    const problems = [
      ...(found.writable ? [] : [`the database does not take writes${details ? `: ${found.error}` : ''}`]),
      ...('oldestPageAgeSeconds' in outbox &&
      outbox.oldestPageAgeSeconds !== null &&
      outbox.oldestPageAgeSeconds * 1000 > PAGE_STALE_MS
        ? [`a page has waited ${outbox.oldestPageAgeSeconds} s to be delivered`]
        : []),
      ...(found.mailbox
        ? [
            `${found.mailbox.text.replace(/^The h/, 'the h')} since ${found.mailbox.since.toISOString()}${details && found.mailbox.error ? `: ${found.mailbox.error}` : ''}`,
          ]
        : []),
      ...(line?.status === 'failed'
        ? [
            details
              ? `the helpdesk line is not reaching Switchboard: the test call at ${line.startedAt} failed (${line.why ?? 'not seen'})`
              : 'the helpdesk line is not reaching Switchboard: its last test call failed',
          ]
        : []),
    ];
    const status = problems.length ? 'unavailable' : 'ok';
    const summary = { status, ...(problems.length ? { problems } : {}) };
    res.status(problems.length ? 503 : 200).set('Cache-Control', 'no-store');
    if (!details) return void res.json(summary);
    const stats = deps.outbox?.health?.();
    const channels = Object.fromEntries(
      (Object.keys(LIVE) as Channel[]).map((c) => [
        c,
        { mode: LIVE[c](deps.channels) ? 'live' : 'log-only', ...(stats?.[c] ?? {}) },
      ]),
    );
    res.json({
      ...summary,
      database: { writable: found.writable, ...(found.error ? { error: found.error } : {}) },
      outbox,
      channels,
      ...(line ? { lineTest: line } : {}),
      unsignedWebhooks: deps.unsignedWebhooks,
    });
  });
  router.get('/readyz', async (_req, res) => {
    const { writable } = await look();
    res
      .status(writable ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: writable ? 'ok' : 'unavailable', database: { writable } });
  });
  return router;
}
