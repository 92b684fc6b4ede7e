import { and, asc, count, desc, eq, gte, inArray, isNull, lte, min, ne, or, sql } from 'drizzle-orm';
import type { Channel } from '../channels/index.js';
import { skipLocked, type Q, type ReadQ } from '../db/index.js';
import { outbox } from './schema.js';

export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = Omit<typeof outbox.$inferInsert, 'id' | 'status' | 'attempts'>;

/** Writes messages to send; a row whose dedupe key exists already is left as it is. Returns how many were new. */
export async function enqueue(tx: Q, rows: NewOutboxRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const written = await tx
    .insert(outbox)
    .values(rows.map((r) => ({ ...r, status: 'pending' as const, attempts: 0 })))
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  return written.length;
}

/** Which of these dedupe keys are already in the outbox (the messages were written once). */
export async function existingDedupeKeys(q: ReadQ, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await q.select({ key: outbox.dedupeKey }).from(outbox).where(inArray(outbox.dedupeKey, keys));
  return new Set(rows.map((r) => r.key));
}

/** Messages of one channel due now, oldest first; rows another instance is claiming are skipped. */
export function dueRows(tx: Q, channel: Channel, now: Date, limit: number): Promise<OutboxRow[]> {
  return skipLocked(
    tx
      .select()
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(limit),
  );
}

/**
 * Claims a pending row for sending under a lease, recording the attempt before the provider is asked:
 * a crash then leaves it `sending`, and once the lease ends it is settled rather than sent blindly.
 * False if someone else took it first.
 */
export async function claimForSending(tx: Q, id: number, by: string, now: Date, leaseUntil: Date): Promise<boolean> {
  const claimed = await tx
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
    .returning({ id: outbox.id });
  return claimed.length === 1;
}

/** The provider took it. False if the row had already been settled another way. */
export async function markSent(tx: Q, id: number, providerId: string, now: Date): Promise<boolean> {
  const sent = await tx
    .update(outbox)
    .set({ status: 'sent', providerId, sentAt: now, lastError: null, leaseUntil: null })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['sending', 'unknown', 'settling'])))
    .returning({ id: outbox.id });
  return sent.length === 1;
}

/** Refused for now (or found unsent by settlement): back in the queue at `at`. */
export async function markRetry(tx: Q, id: number, error: string | null, at: Date): Promise<void> {
  await tx
    .update(outbox)
    .set({ status: 'pending', lastError: error, nextAttemptAt: at, leaseUntil: null, claimedBy: null })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['sending', 'unknown', 'settling'])));
}

export async function markFailed(tx: Q, id: number, error: string): Promise<void> {
  await tx.update(outbox).set({ status: 'failed', lastError: error, leaseUntil: null }).where(eq(outbox.id, id));
}

/** No answer from the provider: settle it at `settleAt` by asking the provider, or by sending again. */
export async function markUnknown(tx: Q, id: number, error: string, settleAt: Date): Promise<void> {
  await tx
    .update(outbox)
    .set({ status: 'unknown', lastError: error, nextAttemptAt: settleAt, leaseUntil: null, claimedBy: null })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['sending', 'settling'])));
}

/**
 * Rows whose outcome must be settled, claimed for it: unknown ones that are due, and rows whose
 * sender's lease ran out (the process died mid-send, or is long gone).
 */
export async function claimForSettling(
  tx: Q,
  by: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<OutboxRow[]> {
  const stale = or(
    and(eq(outbox.status, 'unknown'), lte(outbox.nextAttemptAt, now)),
    // A row without a lease was being sent by a version of the service from before leases.
    and(inArray(outbox.status, ['sending', 'settling']), or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, now))),
  );
  const candidates = await skipLocked(
    tx.select({ id: outbox.id }).from(outbox).where(stale).orderBy(asc(outbox.id)).limit(limit),
  );
  if (candidates.length === 0) return [];
  return tx
    .update(outbox)
    .set({ status: 'settling', leaseUntil, claimedBy: by })
    .where(
      and(
        inArray(
          outbox.id,
          candidates.map((c) => c.id),
        ),
        stale,
      ),
    )
    .returning();
}

/**
 * When this is the only instance (SQLite), rows another instance id left being sent or settled belong
 * to a process that is gone: they may be settled as soon as the provider has had `graceMs` since the
 * attempt, rather than when their lease (sized for a live sender) runs out.
 */
export async function expireLeasesOfOthers(
  tx: Q,
  me: string,
  graceMs: number,
  /** Only rows of earlier processes of this instance (claimed under this prefix): with several instances. */
  earlierOf?: string,
): Promise<number> {
  const left = earlierOf
    ? and(sql`substr(${outbox.claimedBy}, 1, ${earlierOf.length}) = ${earlierOf}`, ne(outbox.claimedBy, me))
    : or(isNull(outbox.claimedBy), ne(outbox.claimedBy, me));
  const expired = await tx
    .update(outbox)
    .set({ leaseUntil: sql`coalesce(${outbox.attemptedAt}, ${outbox.createdAt}) + ${graceMs}` })
    .where(and(inArray(outbox.status, ['sending', 'settling']), left))
    .returning({ id: outbox.id });
  return expired.length;
}

/** Provider ids some row already holds: a message found at the provider belongs to one row only. */
export async function heldProviderIds(q: ReadQ, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q.select({ id: outbox.providerId }).from(outbox).where(inArray(outbox.providerId, ids));
  return new Set(rows.map((r) => r.id!));
}

export function rowsOfTicket(q: ReadQ, ticketId: number): Promise<OutboxRow[]> {
  return q.select().from(outbox).where(eq(outbox.ticketId, ticketId)).orderBy(asc(outbox.id));
}

export async function updateProviderStatus(
  tx: Q,
  providerId: string,
  status: string,
  error?: string,
): Promise<OutboxRow | undefined> {
  const [row] = await tx
    .update(outbox)
    .set({ providerStatus: status, ...(error ? { lastError: error } : {}) })
    .where(eq(outbox.providerId, providerId))
    .returning();
  return row;
}

/** When the worker next has something to do: a message falling due, or a sender's lease running out. */
export async function nextDueAt(q: ReadQ): Promise<Date | undefined> {
  const [due] = await q
    .select({ at: min(outbox.nextAttemptAt) })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'held', 'unknown']));
  const [lease] = await q
    .select({ at: min(outbox.leaseUntil) })
    .from(outbox)
    .where(inArray(outbox.status, ['sending', 'settling']));
  const times = [due?.at, lease?.at].filter((t): t is Date => t instanceof Date).map((t) => t.getTime());
  return times.length ? new Date(Math.min(...times)) : undefined;
}

const UNDELIVERED = ['pending', 'sending', 'unknown', 'settling'] as const;

/** What /healthz reports: messages not yet delivered, and when the oldest page among them was written. */
export async function backlog(q: ReadQ): Promise<{ undelivered: number; oldestPageAt?: Date }> {
  const [all] = await q
    .select({ n: count() })
    .from(outbox)
    .where(inArray(outbox.status, [...UNDELIVERED]));
  const [oldest] = await q
    .select({ at: min(outbox.createdAt) })
    .from(outbox)
    .where(and(inArray(outbox.status, [...UNDELIVERED]), inArray(outbox.purpose, ['page', 'page_summary'])));
  return { undelivered: all?.n ?? 0, oldestPageAt: oldest?.at ?? undefined };
}

/** The staff ids paged about a ticket so far. */
export async function pagedStaff(q: ReadQ, ticketId: number): Promise<string[]> {
  const rows = await q
    .select({ staffId: outbox.staffId })
    .from(outbox)
    .where(and(eq(outbox.ticketId, ticketId), eq(outbox.purpose, 'page'), sql`${outbox.staffId} is not null`))
    .groupBy(outbox.staffId)
    .orderBy(sql`min(${outbox.id})`);
  return rows.map((r) => r.staffId!);
}

/** Tickets paged to a person (newest rows first), for "ACK" with no number. */
export async function ticketsPagedTo(q: ReadQ, staffId: string): Promise<number[]> {
  const rows = await q
    .select({ ticketId: outbox.ticketId })
    .from(outbox)
    .where(and(eq(outbox.staffId, staffId), eq(outbox.purpose, 'page')))
    .groupBy(outbox.ticketId)
    .orderBy(desc(sql`max(${outbox.id})`));
  return rows.map((r) => r.ticketId!).filter(Boolean);
}

// Bundling (src/paging/bundling.ts): pages past a person's burst are held, then sent as one summary.

/**
 * When messages to one person on one channel were handed to the provider since `since` (or are being
 * handed now), in order: by when the hand-over began (a row's last attempt time), so a slow provider
 * does not stretch the window.
 */
export async function handOverTimes(q: ReadQ, staffId: string, channel: Channel, since: Date): Promise<number[]> {
  const handedOver = sql<number>`coalesce(${outbox.attemptedAt}, ${outbox.nextAttemptAt})`;
  const rows = await q
    .select({ at: handedOver })
    .from(outbox)
    .where(
      and(
        eq(outbox.staffId, staffId),
        eq(outbox.channel, channel),
        inArray(outbox.purpose, ['page', 'page_summary']),
        inArray(outbox.status, ['sending', 'sent', 'unknown', 'settling']),
        gte(handedOver, since.getTime()),
      ),
    );
  return rows.map((r) => Number(r.at)).sort((a, b) => a - b);
}

/** A pending page held back until `until`, to go out in a summary. */
export async function holdRow(tx: Q, id: number, until: Date): Promise<void> {
  await tx
    .update(outbox)
    .set({ status: 'held', nextAttemptAt: until })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
}

/** Held pages whose time has come, oldest first. */
export function heldDue(tx: Q, now: Date): Promise<OutboxRow[]> {
  // Locked until the summary is written; another instance summarising at the same moment skips them
  // rather than waiting to fail on the summary's dedupe key.
  return skipLocked(
    tx
      .select()
      .from(outbox)
      .where(and(eq(outbox.status, 'held'), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.id)),
  );
}

/** Held pages wait on until `at`. */
export async function postponeRows(tx: Q, ids: number[], at: Date): Promise<void> {
  await tx.update(outbox).set({ nextAttemptAt: at }).where(inArray(outbox.id, ids));
}

/** Writes a summary of held pages (its dedupe key names the first, so it is written once); returns its id. */
export async function insertSummary(tx: Q, row: NewOutboxRow): Promise<number> {
  const [summary] = await tx
    .insert(outbox)
    .values({ ...row, status: 'pending', attempts: 0 })
    .returning({ id: outbox.id });
  return summary!.id;
}

/** Held pages that went out in summary `summaryId`. */
export async function markBundled(tx: Q, ids: number[], summaryId: number): Promise<void> {
  await tx
    .update(outbox)
    .set({ status: 'bundled', providerId: `summary:${summaryId}` })
    .where(inArray(outbox.id, ids));
}
