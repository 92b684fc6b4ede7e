import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, type SQL } from 'drizzle-orm';
import { forUpdate, nextNumber, type Q, type ReadQ } from '../db/index.js';
import { clients } from '../clients/schema.js';
import {
  OPEN_STATUSES,
  ticketEvents,
  tickets,
  voicemails,
  workLogs,
  type Priority,
  type TicketEventType,
  type TicketSource,
  type TicketStatus,
} from './schema.js';

export type Ticket = typeof tickets.$inferSelect;
export type TicketEvent = typeof ticketEvents.$inferSelect;
export type Voicemail = typeof voicemails.$inferSelect;
export type NewTicket = Omit<typeof tickets.$inferInsert, 'id' | 'number'>;
export type NewVoicemail = Omit<typeof voicemails.$inferInsert, 'id'>;
export type WorkLog = typeof workLogs.$inferSelect;

const FIRST_NUMBER = 1001;

/** Inserts a ticket with the next keypad number; the counter is locked until the caller's transaction commits. */
export async function insertTicket(tx: Q, input: NewTicket): Promise<Ticket> {
  const number = await nextNumber(tx, 'ticket_number', tickets.number, FIRST_NUMBER);
  const [row] = await tx
    .insert(tickets)
    .values({ ...input, number })
    .returning();
  return row!;
}

export async function updateTicket(tx: Q, id: number, changes: Partial<NewTicket>): Promise<Ticket> {
  const [row] = await tx.update(tickets).set(changes).where(eq(tickets.id, id)).returning();
  return row!;
}

/**
 * The first acknowledgement wins: one conditional update, so two at once (on two instances) cannot
 * both take the ticket. Undefined when it was already taken or is closed.
 */
export async function takeTicket(tx: Q, id: number, staffId: string, now: Date): Promise<Ticket | undefined> {
  const [row] = await tx
    .update(tickets)
    .set({ status: 'acknowledged', acknowledgedBy: staffId, acknowledgedAt: now, updatedAt: now })
    .where(and(eq(tickets.id, id), isNull(tickets.acknowledgedBy), inArray(tickets.status, [...OPEN_STATUSES])))
    .returning();
  return row;
}

export async function addEvent(
  tx: Q,
  ticketId: number,
  at: Date,
  type: TicketEventType,
  detail?: Record<string, unknown>,
  actor?: string,
): Promise<TicketEvent> {
  const [row] = await tx
    .insert(ticketEvents)
    .values({ ticketId, at, type, detail: detail ?? null, actor: actor ?? null })
    .returning();
  return row!;
}

const one = async <T>(rows: Promise<T[]>) => (await rows)[0];

export const ticketById = (q: ReadQ, id: number) => one(q.select().from(tickets).where(eq(tickets.id, id)));
export const ticketByNumber = (q: ReadQ, number: number) =>
  one(q.select().from(tickets).where(eq(tickets.number, number)));
/** The ticket, locked until the transaction ends: for a change that reads it first. */
export const ticketByNumberForUpdate = (tx: Q, number: number) =>
  one(forUpdate(tx.select().from(tickets).where(eq(tickets.number, number))));
export const ticketByIdForUpdate = (tx: Q, id: number) =>
  one(forUpdate(tx.select().from(tickets).where(eq(tickets.id, id))));

export function listTickets(q: ReadQ, limit: number, offset: number): Promise<Ticket[]> {
  return q.select().from(tickets).orderBy(desc(tickets.createdAt), desc(tickets.id)).limit(limit).offset(offset);
}

export function eventsOf(q: ReadQ, ticketId: number): Promise<TicketEvent[]> {
  return q
    .select()
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.at), asc(ticketEvents.id));
}

export function voicemailsOf(q: ReadQ, ticketId: number): Promise<Voicemail[]> {
  return q.select().from(voicemails).where(eq(voicemails.ticketId, ticketId)).orderBy(asc(voicemails.createdAt));
}

/** The newest open emergency ticket of a client (or, for an unknown caller, of a number) since an instant. */
export async function openEmergencySince(
  tx: Q,
  who: { clientId?: number | null; callerNumber?: string | null },
  since: Date,
): Promise<Ticket | undefined> {
  const byWho = who.clientId
    ? eq(tickets.clientId, who.clientId)
    : who.callerNumber
      ? eq(tickets.callerNumber, who.callerNumber)
      : undefined;
  if (!byWho) return undefined;
  return one(
    forUpdate(
      tx
        .select()
        .from(tickets)
        .where(
          and(
            byWho,
            eq(tickets.emergency, true),
            inArray(tickets.status, [...OPEN_STATUSES]),
            gte(tickets.createdAt, since),
          ),
        )
        .orderBy(desc(tickets.createdAt))
        .limit(1),
    ),
  );
}

/** A recording's row, locked: webhooks for one recording take turns (the action and the status callback race). */
export const voicemailBySid = (tx: Q, recordingSid: string) =>
  one(forUpdate(tx.select().from(voicemails).where(eq(voicemails.recordingSid, recordingSid))));
export const voicemailById = (q: ReadQ, id: number) => one(q.select().from(voicemails).where(eq(voicemails.id, id)));

/** Inserts a recording's row unless one exists (another webhook got there first): undefined then. */
export async function claimRecording(tx: Q, input: NewVoicemail): Promise<Voicemail | undefined> {
  const [row] = await tx
    .insert(voicemails)
    .values(input)
    .onConflictDoNothing({ target: voicemails.recordingSid })
    .returning();
  return row;
}

export async function updateVoicemail(tx: Q, id: number, changes: Partial<NewVoicemail>): Promise<Voicemail> {
  const [row] = await tx.update(voicemails).set(changes).where(eq(voicemails.id, id)).returning();
  return row!;
}

export async function knownRecordingSids(q: ReadQ, sids: string[]): Promise<Set<string>> {
  if (sids.length === 0) return new Set();
  const rows = await q
    .select({ sid: voicemails.recordingSid })
    .from(voicemails)
    .where(inArray(voicemails.recordingSid, sids));
  return new Set(rows.map((r) => r.sid));
}

export interface TicketSearch {
  status: 'open' | 'all' | TicketStatus;
  priority: 'any' | Priority;
  clientId?: number;
  source?: TicketSource;
  limit: number;
  offset: number;
}

/** Tickets matching the dashboard's filters, newest first, with the client's name and the total. */
export async function searchTickets(
  q: ReadQ,
  s: TicketSearch,
): Promise<{ total: number; rows: (Ticket & { client: string | null })[] }> {
  const where: SQL[] = [];
  if (s.status === 'open') where.push(inArray(tickets.status, [...OPEN_STATUSES]));
  else if (s.status !== 'all') where.push(eq(tickets.status, s.status));
  if (s.priority !== 'any') where.push(eq(tickets.priority, s.priority));
  if (s.clientId) where.push(eq(tickets.clientId, s.clientId));
  if (s.source) where.push(eq(tickets.source, s.source));
  const filter = where.length ? and(...where) : undefined;
  const [total] = await q.select({ n: count() }).from(tickets).where(filter);
  const rows = await q
    .select({ t: tickets, client: clients.name })
    .from(tickets)
    .leftJoin(clients, eq(clients.id, tickets.clientId))
    .where(filter)
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(s.limit)
    .offset(s.offset);
  return { total: total?.n ?? 0, rows: rows.map((r) => ({ ...r.t, client: r.client })) };
}

export const workLogsOf = (q: ReadQ, ticketId: number): Promise<WorkLog[]> =>
  q.select().from(workLogs).where(eq(workLogs.ticketId, ticketId)).orderBy(asc(workLogs.startedAt));

export async function insertWorkLog(tx: Q, log: Omit<typeof workLogs.$inferInsert, 'id'>): Promise<WorkLog> {
  const [row] = await tx.insert(workLogs).values(log).returning();
  return row!;
}

/** Open tickets whose deadline has passed and whose breach has not been announced, earliest first. */
export function ticketsPastDeadline(tx: Q, now: Date, limit: number): Promise<Ticket[]> {
  return tx
    .select()
    .from(tickets)
    .where(and(inArray(tickets.status, [...OPEN_STATUSES]), isNull(tickets.slaBreachedAt), lte(tickets.slaDueAt, now)))
    .orderBy(asc(tickets.slaDueAt))
    .limit(limit);
}

/** Open tickets past 75% of their SLA time whose warning has not gone out, earliest first. */
export function ticketsDueForWarning(tx: Q, now: Date, limit: number): Promise<Ticket[]> {
  return tx
    .select()
    .from(tickets)
    .where(and(inArray(tickets.status, [...OPEN_STATUSES]), isNull(tickets.slaWarnedAt), lte(tickets.slaWarnAt, now)))
    .orderBy(asc(tickets.slaWarnAt))
    .limit(limit);
}

/** Which of these tickets are still waiting for someone to take them (new), newest first. */
export async function waitingTickets(q: ReadQ, ids: number[]): Promise<{ id: number; number: number }[]> {
  if (ids.length === 0) return [];
  return q
    .select({ id: tickets.id, number: tickets.number })
    .from(tickets)
    .where(and(inArray(tickets.id, ids), eq(tickets.status, 'new')))
    .orderBy(desc(tickets.createdAt));
}

export const waitingNumbers = async (q: ReadQ, ids: number[]): Promise<number[]> =>
  (await waitingTickets(q, ids)).map((t) => t.number);

/**
 * Emergencies billed on top of the contract that were opened in [from, to): the caller was told the
 * after-hours rate applies, or consented to it (with the time and number of the consent).
 */
export async function billableEmergenciesBetween(
  q: ReadQ,
  from: Date,
  to: Date,
  clientId?: number,
): Promise<
  {
    number: number;
    clientId: number | null;
    createdAt: Date;
    terms: string;
    consentAt: string | null;
    caller: string | null;
  }[]
> {
  const rows = await q
    .select({ t: tickets, detail: ticketEvents.detail })
    .from(tickets)
    .innerJoin(ticketEvents, and(eq(ticketEvents.ticketId, tickets.id), eq(ticketEvents.type, 'created')))
    .where(
      and(
        eq(tickets.billable, true),
        gte(tickets.createdAt, from),
        lt(tickets.createdAt, to),
        clientId ? eq(tickets.clientId, clientId) : undefined,
      ),
    )
    .orderBy(asc(tickets.createdAt), asc(tickets.id));
  return rows.map(({ t, detail }) => {
    const terms = (detail?.afterHours ?? {}) as { terms?: string; consentAt?: string | null; number?: string | null };
    return {
      number: t.number,
      clientId: t.clientId,
      createdAt: t.createdAt,
      terms: terms.terms ?? 'billable',
      consentAt: terms.consentAt ?? null,
      caller: terms.number ?? t.callerNumber,
    };
  });
}
