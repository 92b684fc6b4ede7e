import { and, asc, count, eq, inArray, isNull, lte, min, ne, or, sql } from 'drizzle-orm';
import type { Channel } from '../channels/index.js';
import type { Conn } from '../db/index.js';
import { outbox } from './schema.js';

export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = Omit<typeof outbox.$inferInsert, 'id' | 'status' | 'attempts'>;

/** Writes messages to send; a row whose dedupe key exists already is left as it is. */
export function enqueue(db: Conn, rows: NewOutboxRow[]): number {
  if (rows.length === 0) return 0;
  return db
    .insert(outbox)
    .values(rows.map((r) => ({ ...r, status: 'pending' as const, attempts: 0 })))
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .run().changes;
}

/** Which of these dedupe keys are already in the outbox (the messages were written once). */
export function existingDedupeKeys(db: Conn, keys: string[]): Set<string> {
  if (keys.length === 0) return new Set();
  return new Set(
    db
      .select({ key: outbox.dedupeKey })
      .from(outbox)
      .where(inArray(outbox.dedupeKey, keys))
      .all()
      .map((r) => r.key),
  );
}

/** Messages of one channel due now, oldest first. */
export function dueRows(db: Conn, channel: Channel, now: Date, limit: number): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.channel, channel), eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(limit)
    .all();
}

/**
 * Claims a pending row for sending under a lease, recording the attempt before the provider is asked:
 * a crash then leaves it `sending`, and once the lease ends it is settled rather than sent blindly.
 * False if someone else took it first.
 */
export function claimForSending(db: Conn, id: number, by: string, now: Date, leaseUntil: Date): boolean {
  return (
    db
      .update(outbox)
      .set({
        status: 'sending',
        attempts: sql`${outbox.attempts} + 1`,
        attemptedAt: now,
        nextAttemptAt: now,
        leaseUntil,
        claimedBy: by,
      })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')))
      .run().changes === 1
  );
}

/** The provider took it. False if the row had already been settled another way. */
export function markSent(db: Conn, id: number, providerId: string, now: Date): boolean {
  return (
    db
      .update(outbox)
      .set({ status: 'sent', providerId, sentAt: now, lastError: null, leaseUntil: null })
      .where(and(eq(outbox.id, id), inArray(outbox.status, ['sending', 'unknown', 'settling'])))
      .run().changes === 1
  );
}

/** Refused for now (or found unsent by settlement): back in the queue at `at`. */
export function markRetry(db: Conn, id: number, error: string | null, at: Date): void {
  db.update(outbox)
    .set({ status: 'pending', lastError: error, nextAttemptAt: at, leaseUntil: null, claimedBy: null })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['sending', 'unknown', 'settling'])))
    .run();
}

export function markFailed(db: Conn, id: number, error: string): void {
  db.update(outbox).set({ status: 'failed', lastError: error, leaseUntil: null }).where(eq(outbox.id, id)).run();
}

/** No answer from the provider: settle it at `settleAt` by asking the provider, or by sending again. */
export function markUnknown(db: Conn, id: number, error: string, settleAt: Date): void {
  db.update(outbox)
    .set({ status: 'unknown', lastError: error, nextAttemptAt: settleAt, leaseUntil: null, claimedBy: null })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['sending', 'settling'])))
    .run();
}

/**
 * Rows whose outcome must be settled, claimed for it: unknown ones that are due, and rows whose
 * sender's lease ran out (the process died mid-send, or is long gone).
 */
export function claimForSettling(db: Conn, by: string, now: Date, leaseUntil: Date, limit: number): OutboxRow[] {
  const stale = or(
    and(eq(outbox.status, 'unknown'), lte(outbox.nextAttemptAt, now)),
    // A row without a lease was being sent by a version of the service from before leases.
    and(inArray(outbox.status, ['sending', 'settling']), or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, now))),
  );
  const candidates = db.select().from(outbox).where(stale).orderBy(asc(outbox.id)).limit(limit).all();
  return candidates.filter(
    (row) =>
      db
        .update(outbox)
        .set({ status: 'settling', leaseUntil, claimedBy: by })
        .where(and(eq(outbox.id, row.id), eq(outbox.status, row.status)))
        .run().changes === 1,
  );
}

/**
 * When this is the only instance (SQLite), rows another instance id left being sent or settled belong
 * to a process that is gone: they may be settled as soon as the provider has had `graceMs` since the
 * attempt, rather than when their lease (sized for a live sender) runs out.
 */
export function expireLeasesOfOthers(db: Conn, me: string, graceMs: number): number {
  return db
    .update(outbox)
    .set({ leaseUntil: sql`coalesce(${outbox.attemptedAt}, ${outbox.createdAt}) + ${graceMs}` })
    .where(and(inArray(outbox.status, ['sending', 'settling']), or(isNull(outbox.claimedBy), ne(outbox.claimedBy, me))))
    .run().changes;
}

/** Provider ids some row already holds: a message found at the provider belongs to one row only. */
export function heldProviderIds(db: Conn, ids: string[]): Set<string> {
  if (ids.length === 0) return new Set();
  return new Set(
    db
      .select({ id: outbox.providerId })
      .from(outbox)
      .where(inArray(outbox.providerId, ids))
      .all()
      .map((r) => r.id!),
  );
}

export function rowsOfTicket(db: Conn, ticketId: number): OutboxRow[] {
  return db.select().from(outbox).where(eq(outbox.ticketId, ticketId)).orderBy(asc(outbox.id)).all();
}

export function updateProviderStatus(
  db: Conn,
  providerId: string,
  status: string,
  error?: string,
): OutboxRow | undefined {
  return db
    .update(outbox)
    .set({ providerStatus: status, ...(error ? { lastError: error } : {}) })
    .where(eq(outbox.providerId, providerId))
    .returning()
    .get();
}

/** When the worker next has something to do: a message falling due, or a sender's lease running out. */
export function nextDueAt(db: Conn): Date | undefined {
  const due = db
    .select({ at: min(outbox.nextAttemptAt) })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'held', 'unknown']))
    .get()?.at;
  const lease = db
    .select({ at: min(outbox.leaseUntil) })
    .from(outbox)
    .where(inArray(outbox.status, ['sending', 'settling']))
    .get()?.at;
  const times = [due, lease].filter((t): t is Date => t instanceof Date).map((t) => t.getTime());
  return times.length ? new Date(Math.min(...times)) : undefined;
}

const UNDELIVERED = ['pending', 'sending', 'unknown', 'settling'] as const;

/** What /healthz reports: messages not yet delivered, and when the oldest page among them was written. */
export function backlog(db: Conn): { undelivered: number; oldestPageAt?: Date } {
  const undelivered =
    db
      .select({ n: count() })
      .from(outbox)
      .where(inArray(outbox.status, [...UNDELIVERED]))
      .get()?.n ?? 0;
  const oldest = db
    .select({ at: min(outbox.createdAt) })
    .from(outbox)
    .where(and(inArray(outbox.status, [...UNDELIVERED]), inArray(outbox.purpose, ['page', 'page_summary'])))
    .get()?.at;
  return { undelivered, oldestPageAt: oldest ?? undefined };
}
