import { and, asc, eq, lte } from 'drizzle-orm';
import { forUpdate, skipLocked, type Q } from '../db/index.js';
import { escalations } from './schema.js';

export type Escalation = typeof escalations.$inferSelect;

/** Starts the schedule for an emergency (once per ticket; a repeat emergency keeps the running one). */
export async function startEscalation(tx: Q, ticketId: number, ackTimeoutMs: number, now: Date): Promise<void> {
  await tx
    .insert(escalations)
    .values({ ticketId, step: 0, nextAt: new Date(now.getTime() + ackTimeoutMs), status: 'active', updatedAt: now })
    .onConflictDoNothing({ target: escalations.ticketId });
}

export async function stopEscalation(tx: Q, ticketId: number, now: Date): Promise<void> {
  await tx
    .update(escalations)
    .set({ status: 'stopped', updatedAt: now })
    .where(and(eq(escalations.ticketId, ticketId), eq(escalations.status, 'active')));
}

/**
 * The next due step, locked for the caller's transaction (another instance skips it, and takes it over
 * at once should this one die before committing).
 */
export async function nextDueEscalation(tx: Q, now: Date): Promise<Escalation | undefined> {
  const [row] = await skipLocked(
    tx
      .select()
      .from(escalations)
      .where(and(eq(escalations.status, 'active'), lte(escalations.nextAt, now)))
      .orderBy(asc(escalations.nextAt))
      .limit(1),
  );
  return row;
}

export async function advanceEscalation(tx: Q, id: number, step: number, nextAt: Date, now: Date): Promise<void> {
  await tx.update(escalations).set({ step, nextAt, updatedAt: now }).where(eq(escalations.id, id));
}

export async function endEscalation(tx: Q, id: number, status: 'stopped', now: Date): Promise<void> {
  await tx.update(escalations).set({ status, updatedAt: now }).where(eq(escalations.id, id));
}

/**
 * Brings an active escalation's next step forward (a person texted ESC), but never sooner than `answerMs`
 * after the current step began (`updatedAt`), so that step can still be answered. Answers when the next
 * step is now due, and whether that moved; undefined when no escalation is running.
 */
export async function hurryEscalation(
  tx: Q,
  ticketId: number,
  now: Date,
  answerMs: number,
): Promise<{ nextAt: Date; moved: boolean } | undefined> {
  const [row] = await forUpdate(
    tx
      .select()
      .from(escalations)
      .where(and(eq(escalations.ticketId, ticketId), eq(escalations.status, 'active'))),
  );
  if (!row) return undefined;
  const earliest = new Date(Math.max(now.getTime(), row.updatedAt.getTime() + answerMs));
  if (row.nextAt <= earliest) return { nextAt: row.nextAt, moved: false };
  // updatedAt stays the current step's start: a second ESC counts from the same moment.
  await tx.update(escalations).set({ nextAt: earliest }).where(eq(escalations.id, row.id));
  return { nextAt: earliest, moved: true };
}
