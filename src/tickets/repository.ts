import { and, asc, desc, eq, gte, inArray, max } from 'drizzle-orm';
import type { Conn } from '../db/index.js';
import { OPEN_STATUSES, ticketEvents, tickets, voicemails, type TicketEventType } from './schema.js';

export type Ticket = typeof tickets.$inferSelect;
export type TicketEvent = typeof ticketEvents.$inferSelect;
export type Voicemail = typeof voicemails.$inferSelect;
export type NewTicket = Omit<typeof tickets.$inferInsert, 'id' | 'number'>;
export type NewVoicemail = Omit<typeof voicemails.$inferInsert, 'id'>;

const FIRST_NUMBER = 1001;

/** Inserts a ticket with the next keypad number; run inside a transaction so numbers never collide. */
export function insertTicket(db: Conn, input: NewTicket): Ticket {
  const top = db.select({ top: max(tickets.number) }).from(tickets).get()?.top;
  const number = top ? top + 1 : FIRST_NUMBER;
  return db.insert(tickets).values({ ...input, number }).returning().get();
}

export function updateTicket(db: Conn, id: number, changes: Partial<NewTicket>): Ticket {
  return db.update(tickets).set(changes).where(eq(tickets.id, id)).returning().get();
}

export function addEvent(db: Conn, ticketId: number, at: Date, type: TicketEventType, detail?: Record<string, unknown>, actor?: string): TicketEvent {
  return db
    .insert(ticketEvents)
    .values({ ticketId, at, type, detail: detail ?? null, actor: actor ?? null })
    .returning()
    .get();
}

export const ticketById = (db: Conn, id: number) => db.select().from(tickets).where(eq(tickets.id, id)).get();
export const ticketByNumber = (db: Conn, number: number) => db.select().from(tickets).where(eq(tickets.number, number)).get();

export function listTickets(db: Conn, limit: number, offset: number): Ticket[] {
  return db.select().from(tickets).orderBy(desc(tickets.createdAt), desc(tickets.id)).limit(limit).offset(offset).all();
}

export function eventsOf(db: Conn, ticketId: number): TicketEvent[] {
  return db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.at), asc(ticketEvents.id)).all();
}

export function voicemailsOf(db: Conn, ticketId: number): Voicemail[] {
  return db.select().from(voicemails).where(eq(voicemails.ticketId, ticketId)).orderBy(asc(voicemails.createdAt)).all();
}

/** The newest open emergency ticket of a client (or, for an unknown caller, of a number) since an instant. */
export function openEmergencySince(db: Conn, who: { clientId?: number | null; callerNumber?: string | null }, since: Date): Ticket | undefined {
  const byWho = who.clientId ? eq(tickets.clientId, who.clientId) : who.callerNumber ? eq(tickets.callerNumber, who.callerNumber) : undefined;
  if (!byWho) return undefined;
  return db
    .select()
    .from(tickets)
    .where(and(byWho, eq(tickets.emergency, true), inArray(tickets.status, [...OPEN_STATUSES]), gte(tickets.createdAt, since)))
    .orderBy(desc(tickets.createdAt))
    .get();
}

export const voicemailBySid = (db: Conn, recordingSid: string) => db.select().from(voicemails).where(eq(voicemails.recordingSid, recordingSid)).get();
export const voicemailById = (db: Conn, id: number) => db.select().from(voicemails).where(eq(voicemails.id, id)).get();

export function insertVoicemail(db: Conn, input: NewVoicemail): Voicemail {
  return db.insert(voicemails).values(input).returning().get();
}

export function updateVoicemail(db: Conn, id: number, changes: Partial<NewVoicemail>): Voicemail {
  return db.update(voicemails).set(changes).where(eq(voicemails.id, id)).returning().get();
}

export function knownRecordingSids(db: Conn, sids: string[]): Set<string> {
  if (sids.length === 0) return new Set();
  return new Set(db.select({ sid: voicemails.recordingSid }).from(voicemails).where(inArray(voicemails.recordingSid, sids)).all().map((r) => r.sid));
}

