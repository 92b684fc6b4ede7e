import { and, count, desc, eq, gte, inArray, or, type SQL } from 'drizzle-orm';
import { forUpdate, type Q, type ReadQ } from '../db/index.js';
import { ticketMessages, tickets, type TicketStatus } from './schema.js';
import type { Ticket } from './store.js';

/** Someone at a client, as far as which tickets they may see goes. */
export interface Viewer {
  clientId: number;
  /** The named contact they are; none for someone at the client's domain. */
  contactId?: number | null;
  /** Their address, lower case. */
  email: string;
  /** company: every ticket of their client; own: the tickets they opened or asked for. */
  visibility: 'company' | 'own';
}

/** The tickets a viewer may see: their client's, and with `own` visibility only those they opened or asked for. */
function visibleTo(v: Viewer): SQL {
  const client = eq(tickets.clientId, v.clientId);
  if (v.visibility === 'company') return client;
  const mine = v.contactId
    ? or(eq(tickets.contactId, v.contactId), eq(tickets.requesterEmail, v.email))!
    : eq(tickets.requesterEmail, v.email);
  return and(client, mine)!;
}

/** A viewer's tickets in some statuses: the most recently created (open) or changed (closed) first. */
export function visibleTickets(
  q: ReadQ,
  v: Viewer,
  statuses: readonly TicketStatus[],
  order: 'created' | 'changed',
  limit: number,
): Promise<Ticket[]> {
  return q
    .select()
    .from(tickets)
    .where(and(visibleTo(v), inArray(tickets.status, [...statuses])))
    .orderBy(order === 'created' ? desc(tickets.createdAt) : desc(tickets.updatedAt), desc(tickets.id))
    .limit(limit);
}

/** One ticket, if the viewer may see it; none whether it does not exist or is someone else's. */
export async function visibleTicket(q: ReadQ, v: Viewer, number: number): Promise<Ticket | undefined> {
  const [row] = await q
    .select()
    .from(tickets)
    .where(and(eq(tickets.number, number), visibleTo(v)));
  return row;
}

/** As visibleTicket, locked until the transaction ends: for a change the viewer makes. */
export async function visibleTicketForUpdate(tx: Q, v: Viewer, number: number): Promise<Ticket | undefined> {
  const [row] = await forUpdate(
    tx
      .select()
      .from(tickets)
      .where(and(eq(tickets.number, number), visibleTo(v))),
  );
  return row;
}

/** How many tickets an address opened in writing since an instant (its hourly limit on the portal). */
export async function openedBySince(q: ReadQ, v: Viewer, since: Date): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(tickets)
    .where(
      and(
        eq(tickets.clientId, v.clientId),
        eq(tickets.source, 'portal'),
        v.contactId ? eq(tickets.contactId, v.contactId) : eq(tickets.requesterEmail, v.email),
        gte(tickets.createdAt, since),
      ),
    );
  return Number(row?.n ?? 0);
}

/** Messages an address wrote on the portal since a time (new tickets' first messages and replies alike). */
export async function portalMessagesBySince(q: ReadQ, email: string, since: Date): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(ticketMessages)
    .where(
      and(
        eq(ticketMessages.fromAddress, email),
        gte(ticketMessages.at, since),
        eq(ticketMessages.channel, 'portal'),
        eq(ticketMessages.direction, 'in'),
      ),
    );
  return Number(row?.n ?? 0);
}
