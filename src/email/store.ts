import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { forUpdate, type Q, type ReadQ } from '../db/index.js';
import { inboundMail, mailBounces, mailInFlight, type InboundOutcome, type SenderKind } from './schema.js';

export type InboundMail = typeof inboundMail.$inferSelect;

/**
 * Claims a message by inserting its key: false when it was taken already. On PostgreSQL a second
 * instance inserting the same key waits for the first to commit and then finds it, so only one of
 * them goes on to open the ticket.
 */
export async function claim(
  tx: Q,
  key: string,
  mail: { from?: string; to?: string; subject?: string; verified?: boolean; verdict?: string; sender?: SenderKind },
  outcome: InboundOutcome,
  now: Date,
  error?: string,
): Promise<boolean> {
  const inserted = await tx
    .insert(inboundMail)
    .values({
      key,
      fromAddress: mail.from ?? null,
      fromDomain: mail.from?.split('@')[1] ?? null,
      toAddress: mail.to ?? null,
      subject: mail.subject?.slice(0, 300) ?? null,
      outcome,
      error: error ?? null,
      receivedAt: now,
      verified: mail.verified ?? null,
      verdict: mail.verdict?.slice(0, 300) ?? null,
      sender: mail.sender ?? null,
    })
    .onConflictDoNothing({ target: inboundMail.key })
    .returning({ id: inboundMail.id });
  return inserted.length === 1;
}

/** What became of a claimed message (with `error`, why: a refusal, a hold, an unreadable message). */
export async function settle(
  tx: Q,
  key: string,
  outcome: InboundOutcome,
  ticketId?: number,
  error?: string,
): Promise<void> {
  await tx
    .update(inboundMail)
    .set({ outcome, ticketId: ticketId ?? null, ...(error ? { error: error.slice(0, 500) } : {}) })
    .where(eq(inboundMail.key, key));
}

/** Holds a claimed message for staff to accept or discard, with what it would become (JSON) and why it is held. */
export async function hold(tx: Q, key: string, held: string, why: string): Promise<void> {
  await tx
    .update(inboundMail)
    .set({ outcome: 'quarantined', held, error: why.slice(0, 500) })
    .where(eq(inboundMail.key, key));
}

/** Takes a held message out of the quarantine, once: its key and content, or nothing when it is no longer held. */
export async function takeHeld(tx: Q, id: number): Promise<{ key: string; held: string } | undefined> {
  const held = and(eq(inboundMail.id, id), eq(inboundMail.outcome, 'quarantined'), isNotNull(inboundMail.held));
  const [row] = await forUpdate(
    tx.select({ key: inboundMail.key, held: inboundMail.held }).from(inboundMail).where(held),
  );
  if (!row?.held) return undefined;
  const taken = await tx.update(inboundMail).set({ held: null }).where(held).returning({ id: inboundMail.id });
  return taken.length ? { key: row.key, held: row.held } : undefined;
}

/** Records a person's decision on a held message. */
export async function decided(tx: Q, key: string, by: string, now: Date): Promise<void> {
  await tx.update(inboundMail).set({ decidedBy: by, decidedAt: now }).where(eq(inboundMail.key, key));
}

/** Held messages, oldest first: what the dashboard lists for staff to decide. */
export function heldMail(q: ReadQ, limit = 50): Promise<InboundMail[]> {
  return q
    .select()
    .from(inboundMail)
    .where(eq(inboundMail.outcome, 'quarantined'))
    .orderBy(asc(inboundMail.receivedAt), asc(inboundMail.id))
    .limit(limit);
}

/** One held message, while it is held. */
export async function heldById(q: ReadQ, id: number): Promise<InboundMail | undefined> {
  const [row] = await q
    .select()
    .from(inboundMail)
    .where(and(eq(inboundMail.id, id), eq(inboundMail.outcome, 'quarantined')));
  return row;
}

/** Tickets opened by email since a moment by senders at a domain who are not a client's named contacts (its hourly limit). */
export async function domainTicketsSince(q: ReadQ, domain: string, since: Date): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(inboundMail)
    .where(
      and(
        eq(inboundMail.fromDomain, domain),
        eq(inboundMail.outcome, 'ticket'),
        gte(inboundMail.receivedAt, since),
        inArray(inboundMail.sender, ['domain', 'stranger']),
      ),
    );
  return Number(row?.n ?? 0);
}

/**
 * Senders whose address is not proven that were answered automatically since a moment: each refusal,
 * and each ticket opened by one (their hourly limit: an answer to a forged address is mail to a stranger).
 */
export async function answeredUnprovenSince(q: ReadQ, since: Date): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(inboundMail)
    .where(
      and(
        inArray(inboundMail.outcome, ['ticket', 'refused']),
        gte(inboundMail.receivedAt, since),
        or(isNull(inboundMail.verified), eq(inboundMail.verified, false)),
      ),
    );
  return Number(row?.n ?? 0);
}

/** A delivery report of our mail: counted against the address it could not reach. */
export async function recordBounce(tx: Q, address: string, report: string, now: Date): Promise<void> {
  await tx
    .insert(mailBounces)
    .values({ address, bounces: 1, firstAt: now, lastAt: now, lastReport: report.slice(0, 300) })
    .onConflictDoUpdate({
      target: mailBounces.address,
      set: { bounces: sql`${mailBounces.bounces} + 1`, lastAt: now, lastReport: report.slice(0, 300) },
    });
}

/** Addresses our mail bounced from since a moment, most recent first. */
export function bouncesSince(q: ReadQ, since: Date, limit = 20) {
  return q
    .select()
    .from(mailBounces)
    .where(gte(mailBounces.lastAt, since))
    .orderBy(desc(mailBounces.lastAt))
    .limit(limit);
}

/** Notes that the mailbox's reader is taking a message now (committed before the message is read). */
export async function markTaking(tx: Q, uid: string, now: Date): Promise<void> {
  await tx
    .insert(mailInFlight)
    .values({ uid, startedAt: now })
    .onConflictDoUpdate({ target: mailInFlight.uid, set: { startedAt: now, suspect: false } });
}

/** The message is taken (or set aside): in the transaction that records what became of it. */
export async function doneTaking(tx: Q, uid: string): Promise<void> {
  await tx.delete(mailInFlight).where(eq(mailInFlight.uid, uid));
}

/** Messages of a mailbox that were being taken when its last reader stopped (a handful at most). */
export async function inFlight(q: ReadQ, mailbox: string) {
  return (await q.select().from(mailInFlight)).filter((m) => m.uid.startsWith(`${mailbox}|`));
}

/** After a reader died with several in flight: each is taken again on its own, so a second death names the one. */
export async function suspect(tx: Q, uids: string[]): Promise<void> {
  if (uids.length) await tx.update(mailInFlight).set({ suspect: true }).where(inArray(mailInFlight.uid, uids));
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
