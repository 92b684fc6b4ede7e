import { and, asc, count, desc, eq, gte, inArray, isNull, lte, max, type SQL } from 'drizzle-orm';
import type { Conn } from '../db/index.js';
import { clients } from '../clients/schema.js';
import {
  OPEN_STATUSES,
  ticketEvents,
  tickets,
  voicemails,
  workLogs,
  type Priority,
  type TicketEventType,
  type TicketStatus,
} from './schema.js';

export type Ticket = typeof tickets.$inferSelect;
export type TicketEvent = typeof ticketEvents.$inferSelect;
export type Voicemail = typeof voicemails.$inferSelect;
export type NewTicket = Omit<typeof tickets.$inferInsert, 'id' | 'number'>;
export type NewVoicemail = Omit<typeof voicemails.$inferInsert, 'id'>;

const FIRST_NUMBER = 1001;

/** Inserts a ticket with the next keypad number; run inside a transaction so numbers never collide. */
export function insertTicket(db: Conn, input: NewTicket): Ticket {
  const top = db
    .select({ top: max(tickets.number) })
    .from(tickets)
    .get()?.top;
  const number = top ? top + 1 : FIRST_NUMBER;
  return db
    .insert(tickets)
    .values({ ...input, number })
    .returning()
    .get();
}

export function updateTicket(db: Conn, id: number, changes: Partial<NewTicket>): Ticket {
  return db.update(tickets).set(changes).where(eq(tickets.id, id)).returning().get();
}

export function addEvent(
  db: Conn,
  ticketId: number,
  at: Date,
  type: TicketEventType,
  detail?: Record<string, unknown>,
  actor?: string,
): TicketEvent {
  return db
    .insert(ticketEvents)
    .values({ ticketId, at, type, detail: detail ?? null, actor: actor ?? null })
    .returning()
    .get();
}

export const ticketById = (db: Conn, id: number) => db.select().from(tickets).where(eq(tickets.id, id)).get();
export const ticketByNumber = (db: Conn, number: number) =>
  db.select().from(tickets).where(eq(tickets.number, number)).get();

export function listTickets(db: Conn, limit: number, offset: number): Ticket[] {
  return db.select().from(tickets).orderBy(desc(tickets.createdAt), desc(tickets.id)).limit(limit).offset(offset).all();
}

export function eventsOf(db: Conn, ticketId: number): TicketEvent[] {
  return db
    .select()
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.at), asc(ticketEvents.id))
    .all();
}

export function voicemailsOf(db: Conn, ticketId: number): Voicemail[] {
  return db.select().from(voicemails).where(eq(voicemails.ticketId, ticketId)).orderBy(asc(voicemails.createdAt)).all();
}

/** The newest open emergency ticket of a client (or, for an unknown caller, of a number) since an instant. */
export function openEmergencySince(
  db: Conn,
  who: { clientId?: number | null; callerNumber?: string | null },
  since: Date,
): Ticket | undefined {
  const byWho = who.clientId
    ? eq(tickets.clientId, who.clientId)
    : who.callerNumber
      ? eq(tickets.callerNumber, who.callerNumber)
      : undefined;
  if (!byWho) return undefined;
  return db
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
    .get();
}

export const voicemailBySid = (db: Conn, recordingSid: string) =>
  db.select().from(voicemails).where(eq(voicemails.recordingSid, recordingSid)).get();
export const voicemailById = (db: Conn, id: number) => db.select().from(voicemails).where(eq(voicemails.id, id)).get();

export function insertVoicemail(db: Conn, input: NewVoicemail): Voicemail {
  return db.insert(voicemails).values(input).returning().get();
}

export function updateVoicemail(db: Conn, id: number, changes: Partial<NewVoicemail>): Voicemail {
  return db.update(voicemails).set(changes).where(eq(voicemails.id, id)).returning().get();
}

export function knownRecordingSids(db: Conn, sids: string[]): Set<string> {
  if (sids.length === 0) return new Set();
  return new Set(
    db
      .select({ sid: voicemails.recordingSid })
      .from(voicemails)
      .where(inArray(voicemails.recordingSid, sids))
      .all()
      .map((r) => r.sid),
  );
}

export interface TicketSearch {
  status: 'open' | 'all' | TicketStatus;
  priority: 'any' | Priority;
  clientId?: number;
  limit: number;
  offset: number;
}

/** Tickets matching the dashboard's filters, newest first, with the client's name and the total. */
export function searchTickets(
  db: Conn,
  q: TicketSearch,
): { total: number; rows: (Ticket & { client: string | null })[] } {
  const where: SQL[] = [];
  if (q.status === 'open') where.push(inArray(tickets.status, [...OPEN_STATUSES]));
  else if (q.status !== 'all') where.push(eq(tickets.status, q.status));
  if (q.priority !== 'any') where.push(eq(tickets.priority, q.priority));
  if (q.clientId) where.push(eq(tickets.clientId, q.clientId));
  const filter = where.length ? and(...where) : undefined;
  const total = db.select({ n: count() }).from(tickets).where(filter).get()?.n ?? 0;
  const rows = db
    .select({ t: tickets, client: clients.name })
    .from(tickets)
    .leftJoin(clients, eq(clients.id, tickets.clientId))
    .where(filter)
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(q.limit)
    .offset(q.offset)
    .all();
  return { total, rows: rows.map((r) => ({ ...r.t, client: r.client })) };
}

export type WorkLog = typeof workLogs.$inferSelect;
export const workLogsOf = (db: Conn, ticketId: number): WorkLog[] =>
  db.select().from(workLogs).where(eq(workLogs.ticketId, ticketId)).orderBy(asc(workLogs.startedAt)).all();
export const insertWorkLog = (db: Conn, log: Omit<typeof workLogs.$inferInsert, 'id'>): WorkLog =>
  db.insert(workLogs).values(log).returning().get();

/** Open tickets whose deadline has passed and whose breach has not been announced, earliest first. */
export function ticketsPastDeadline(db: Conn, now: Date, limit: number): Ticket[] {
  return db
    .select()
    .from(tickets)
    .where(and(inArray(tickets.status, [...OPEN_STATUSES]), isNull(tickets.slaBreachedAt), lte(tickets.slaDueAt, now)))
    .orderBy(asc(tickets.slaDueAt))
    .limit(limit)
    .all();
}

/** Open tickets past 75% of their SLA time whose warning has not gone out, earliest first. */
export function ticketsDueForWarning(db: Conn, now: Date, limit: number): Ticket[] {
  return db
    .select()
    .from(tickets)
    .where(and(inArray(tickets.status, [...OPEN_STATUSES]), isNull(tickets.slaWarnedAt), lte(tickets.slaWarnAt, now)))
    .orderBy(asc(tickets.slaWarnAt))
    .limit(limit)
    .all();
}
