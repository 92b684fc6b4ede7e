import cron from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../calendar/index.js';
import { DeliveryError, type Channel, type Channels, type Email, type Sent } from '../channels/index.js';
import type { Db } from '../db/index.js';
import { addEvent, ticketById } from '../tickets/repository.js';
import { holdIfBursting, summariseHeld, type BundlingRules } from './bundling.js';
import { dueRows, enqueue, nextDueAt, markFailed, markRetry, markSending, markSent, rowsOfTicket, settleInterruptedSends, type OutboxRow } from './outbox.js';
import { ticketLabel } from '../tickets/label.js';

export interface OutboxDeps {
  db: Db;
  channels: Channels;
  clock: Clock;
  log: Logger;
  publicUrl: string;
  /** Burst and hourly limits per person; without them every page goes at once. */
  rules?: BundlingRules;
  organisation?: string;
}

const MAX_ATTEMPTS = 8;
/** 5 s, 10 s, 20 s … capped at 5 minutes: a Twilio or SMTP outage is retried until it recovers. */
export const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 300_000);

type Sender = (row: OutboxRow, deps: OutboxDeps) => Promise<Sent>;

const SENDERS: Record<Channel, Sender> = {
  sms: (row, d) => d.channels.sms.send({ to: row.recipient, body: row.body, statusCallback: `${d.publicUrl}/twilio/sms/status` }),
  email: (row, d) => d.channels.mail.send({ to: row.recipient, subject: row.subject ?? '(no subject)', text: row.body, attachments: row.payload?.attachments as Email['attachments'] }),
  slack: (row, d) => d.channels.chat.post({ text: row.body, blocks: (row.payload?.blocks as unknown[] | undefined) ?? undefined }),
  voice: (row, d) =>
    d.channels.voice.call({ to: row.recipient, url: String(row.payload?.url ?? ''), statusCallback: `${d.publicUrl}/twilio/voice/outbound-status`, detectMachine: true }),
};

/**
 * When every page to a person about a ticket has failed for good (opted out of SMS and mail bouncing,
 * say), everyone else paged is told, so nobody assumes that person has it.
 */
function tellOthersIfUnreachable(db: Db, ticketId: number, staffId: string, now: Date): boolean {
  const rows = rowsOfTicket(db, ticketId).filter((r) => r.purpose === 'page');
  const mine = rows.filter((r) => r.staffId === staffId && r.channel !== 'voice');
  if (mine.length === 0 || mine.some((r) => r.status !== 'failed')) return false;
  const others = [...new Map(rows.filter((r) => r.staffId && r.staffId !== staffId && r.channel === 'sms').map((r) => [r.staffId!, r.recipient])).entries()];
  const text = `Could not reach ${staffId} about ${ticketLabel(ticketById(db, ticketId)?.number ?? ticketId)} on any channel. Make sure someone takes it.`;
  return (
    enqueue(db, [
      ...others.map(([id, phone]) => ({ dedupeKey: `unreachable:${ticketId}:${staffId}:${id}`, channel: 'sms' as const, purpose: 'notice' as const, recipient: phone, staffId: id, ticketId, body: text, nextAttemptAt: now, createdAt: now })),
      { dedupeKey: `unreachable:${ticketId}:${staffId}:slack`, channel: 'slack' as const, purpose: 'notice' as const, recipient: 'channel', ticketId, body: `:warning: ${text}`, nextAttemptAt: now, createdAt: now },
    ]) > 0
  );
}

async function deliverOne(deps: OutboxDeps, row: OutboxRow): Promise<void> {
  const { db, clock, log } = deps;
  if (deps.rules && holdIfBursting(db, deps.rules, row, clock.now())) return;
  // The attempt is on record before the provider is asked, so a crash cannot lead to a blind resend.
  if (!markSending(db, row.id, clock.now())) return;
  const attempts = row.attempts + 1;
  try {
    const sent = await SENDERS[row.channel](row, deps);
    markSent(db, row.id, sent.providerId, clock.now());
    const covered = row.purpose === 'page' && row.ticketId ? [row.ticketId] : row.purpose === 'page_summary' ? ((row.payload?.ticketIds as number[]) ?? []) : [];
    for (const ticketId of covered) {
      addEvent(db, ticketId, clock.now(), 'paged', { channel: row.channel, to: row.staffId ?? row.recipient, providerId: sent.providerId, ...(row.purpose === 'page_summary' ? { summary: true } : {}) }, 'switchboard');
    }
  } catch (err) {
    const retryable = err instanceof DeliveryError ? err.retryable : true;
    const message = err instanceof Error ? err.message : String(err);
    if (retryable && attempts < MAX_ATTEMPTS) {
      markRetry(db, row.id, message, new Date(clock.now().getTime() + backoffMs(attempts)));
      log.warn({ outboxId: row.id, channel: row.channel, attempts, err: message }, 'delivery failed; will retry');
    } else {
      markFailed(db, row.id, message);
      log.error({ outboxId: row.id, channel: row.channel, attempts, err: message }, 'delivery failed for good');
      if (row.ticketId && row.purpose === 'page') {
        addEvent(db, row.ticketId, clock.now(), 'page_failed', { channel: row.channel, to: row.staffId ?? row.recipient, error: message }, 'switchboard');
        if (row.staffId) tellOthersIfUnreachable(db, row.ticketId, row.staffId, clock.now());
      }
    }
  }
}

/** Sends everything due now; returns how many rows it tried. */
export async function deliverDue(deps: OutboxDeps, limit = 200): Promise<number> {
  if (deps.rules) summariseHeld(deps.db, deps.rules, deps.organisation ?? 'Switchboard', deps.clock.now());
  const rows = dueRows(deps.db, deps.clock.now(), limit);
  await Promise.all(rows.map((row) => deliverOne(deps, row)));
  return rows.length;
}

export interface OutboxWorker {
  /** Deliver now (after a commit that wrote rows); calls while a run is going coalesce into one more run. */
  kick(): void;
  /** Resolves when nothing is being delivered. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs the outbox: once at start (after settling interrupted sends), on every kick, and every second. */
export function startOutboxWorker(deps: OutboxDeps, options: { schedule?: boolean } = {}): OutboxWorker {
  const interrupted = settleInterruptedSends(deps.db);
  if (interrupted) deps.log.warn({ rows: interrupted }, 'messages interrupted mid-send by a restart are counted as sent (outcome unknown)');
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let wake: NodeJS.Timeout | undefined;

  // The per-second schedule is the guarantee; this wakes the worker on the very millisecond a retry or a
  // burst summary falls due, so a summary goes out at the end of its window rather than up to 1 s later.
  const wakeAtNextDue = () => {
    if (wake) clearTimeout(wake);
    const at = nextDueAt(deps.db);
    const delay = at ? at.getTime() - deps.clock.now().getTime() : Infinity;
    if (!stopped && delay > 0 && delay < 120_000) {
      wake = setTimeout(() => void run(), delay);
      wake.unref();
    }
  };

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          // Until a pass finds nothing due (rows retried later or held for a summary are not due).
          while (!stopped && (await deliverDue(deps)) > 0);
        } catch (err) {
          deps.log.error({ err }, 'outbox run failed');
        }
      } while (again && !stopped);
      if (options.schedule !== false) wakeAtNextDue();
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const task = options.schedule === false ? undefined : cron.schedule('* * * * * *', () => void run(), { noOverlap: true });
  void run();
  return {
    kick: () => void run(),
    idle: async () => {
      while (running) await running;
    },
    stop: async () => {
      stopped = true;
      if (wake) clearTimeout(wake);
      await task?.stop();
      while (running) await running;
    },
  };
}
