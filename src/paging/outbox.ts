import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
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
  return new Set(db.select({ key: outbox.dedupeKey }).from(outbox).where(inArray(outbox.dedupeKey, keys)).all().map((r) => r.key));
}

export function dueRows(db: Conn, now: Date, limit: number): OutboxRow[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(limit)
    .all();
}

/** Claims a pending row for sending; false if another worker took it first. */
export function markSending(db: Conn, id: number, now: Date): boolean {
  return (
    db
      .update(outbox)
      .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: now })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')))
      .run().changes === 1
  );
}

export function markSent(db: Conn, id: number, providerId: string, now: Date): void {
  db.update(outbox).set({ status: 'sent', providerId, sentAt: now, lastError: null }).where(eq(outbox.id, id)).run();
}

export function markRetry(db: Conn, id: number, error: string, at: Date): void {
  db.update(outbox).set({ status: 'pending', lastError: error, nextAttemptAt: at }).where(eq(outbox.id, id)).run();
}

export function markFailed(db: Conn, id: number, error: string): void {
  db.update(outbox).set({ status: 'failed', lastError: error }).where(eq(outbox.id, id)).run();
}

/**
 * Rows left in `sending` by a crash: the provider may or may not have taken them. They are counted
 * as sent (`unknown`) rather than sent twice; an unacknowledged page is re-sent by escalation anyway.
 */
export function settleInterruptedSends(db: Conn): number {
  return db.update(outbox).set({ status: 'unknown', lastError: 'interrupted while sending; outcome unknown' }).where(eq(outbox.status, 'sending')).run().changes;
}

export function rowsOfTicket(db: Conn, ticketId: number): OutboxRow[] {
  return db.select().from(outbox).where(eq(outbox.ticketId, ticketId)).orderBy(asc(outbox.id)).all();
}

export function updateProviderStatus(db: Conn, providerId: string, status: string, error?: string): OutboxRow | undefined {
  return db
    .update(outbox)
    .set({ providerStatus: status, ...(error ? { lastError: error } : {}) })
    .where(eq(outbox.providerId, providerId))
    .returning()
    .get();
}

/** When the next pending or held message falls due, if any. */
export function nextDueAt(db: Conn): Date | undefined {
  const row = db
    .select({ at: sql<number | null>`min(${outbox.nextAttemptAt})` })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'held']))
    .get();
  return row?.at ? new Date(Number(row.at)) : undefined;
}
