import { and, count, desc, eq, gte } from 'drizzle-orm';
import type { Q, ReadQ } from '../db/index.js';
import { inboundMail, type InboundOutcome } from './schema.js';

export type InboundMail = typeof inboundMail.$inferSelect;

/**
 * Claims a message by inserting its key: false when it was taken already. On PostgreSQL a second
 * instance inserting the same key waits for the first to commit and then finds it, so only one of
 * them goes on to open the ticket.
 */
export async function claim(
  tx: Q,
  key: string,
  mail: { from?: string; to?: string; subject?: string },
  outcome: InboundOutcome,
  now: Date,
  error?: string,
): Promise<boolean> {
  const inserted = await tx
    .insert(inboundMail)
    .values({
      key,
      fromAddress: mail.from ?? null,
      toAddress: mail.to ?? null,
      subject: mail.subject?.slice(0, 300) ?? null,
      outcome,
      error: error ?? null,
      receivedAt: now,
    })
    .onConflictDoNothing({ target: inboundMail.key })
    .returning({ id: inboundMail.id });
  return inserted.length === 1;
}

/** What became of a claimed message. */
export async function settle(tx: Q, key: string, outcome: InboundOutcome, ticketId?: number): Promise<void> {
  await tx
    .update(inboundMail)
    .set({ outcome, ticketId: ticketId ?? null })
    .where(eq(inboundMail.key, key));
}

/** Tickets a sender opened by email since a moment (their hourly limit). */
export async function ticketsOpenedSince(q: ReadQ, from: string, since: Date): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(inboundMail)
    .where(
      and(eq(inboundMail.fromAddress, from), eq(inboundMail.outcome, 'ticket'), gte(inboundMail.receivedAt, since)),
    );
  return Number(row?.n ?? 0);
}

/** Messages that could not be read since a moment, newest first: what the dashboard reports. */
export function unreadableSince(q: ReadQ, since: Date, limit = 50): Promise<InboundMail[]> {
  return q
    .select()
    .from(inboundMail)
    .where(and(eq(inboundMail.outcome, 'failed'), gte(inboundMail.receivedAt, since)))
    .orderBy(desc(inboundMail.receivedAt), desc(inboundMail.id))
    .limit(limit);
}
