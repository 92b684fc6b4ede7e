import { and, asc, desc, eq, gte, inArray, isNull, ne, or } from 'drizzle-orm';
import type { ReadQ } from '../db/index.js';
import { OPEN_STATUSES, ticketEvents, tickets } from './schema.js';

// The questions a staff member's text was answered with and that a YES may answer: "take it anyway?"
// after ACK for a ticket they were not paged about, and "take all of these?" after ACK ALL.

/** Open tickets a person was asked to confirm taking (a "take it anyway?" question) since an instant, newest first. */
export async function offeredSince(q: ReadQ, staffId: string, since: Date): Promise<number[]> {
  const rows = await q
    .selectDistinct({ number: tickets.number })
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .where(
      and(
        eq(ticketEvents.type, 'ack_offered'),
        eq(ticketEvents.actor, staffId),
        gte(ticketEvents.at, since),
        inArray(tickets.status, [...OPEN_STATUSES]),
      ),
    )
    .orderBy(desc(tickets.number));
  return rows.map((r) => r.number);
}

/**
 * Open tickets an ACK ALL from this person offered to take since an instant, that are not theirs yet
 * (so a YES answers one question once), lowest number first.
 */
export async function offeredToAllSince(q: ReadQ, staffId: string, since: Date): Promise<number[]> {
  const rows = await q
    .selectDistinct({ number: tickets.number })
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .where(
      and(
        eq(ticketEvents.type, 'ack_all_offered'),
        eq(ticketEvents.actor, staffId),
        gte(ticketEvents.at, since),
        inArray(tickets.status, [...OPEN_STATUSES]),
        or(isNull(tickets.acknowledgedBy), ne(tickets.acknowledgedBy, staffId)),
      ),
    )
    .orderBy(asc(tickets.number));
  return rows.map((r) => r.number);
}
