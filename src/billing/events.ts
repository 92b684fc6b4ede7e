import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { ratePeriodAt, splitByRatePeriod, type BusinessCalendar, type RatePeriod } from '../calendar/index.js';
import type { Db } from '../db/index.js';
import { clients } from '../clients/schema.js';
import { calls } from '../ivr/schema.js';
import { outbox } from '../paging/schema.js';
import { ticketEvents, tickets, voicemails } from '../tickets/schema.js';
import { ticketLabel } from '../tickets/label.js';

export const BILLABLE_TYPES = ['inbound_call', 'bridged_call', 'voicemail', 'page', 'acknowledgement'] as const;
export type BillableType = (typeof BILLABLE_TYPES)[number];

export interface BillablePiece {
  ratePeriod: RatePeriod;
  start: string;
  end: string;
  minutes: number;
}

export interface BillableEvent {
  type: BillableType;
  id: string;
  clientId: number | null;
  client: string | null;
  ticket: string | null;
  start: string;
  end: string;
  minutes: number;
  /** The rate period the event started in; `pieces` split a longer one where the period changes. */
  ratePeriod: RatePeriod;
  pieces: BillablePiece[];
}

const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

function event(cal: BusinessCalendar, base: Omit<BillableEvent, 'start' | 'end' | 'minutes' | 'ratePeriod' | 'pieces'>, start: Date, end: Date): BillableEvent {
  const pieces = end > start ? splitByRatePeriod(cal, start, end) : [];
  return {
    ...base,
    start: start.toISOString(),
    end: end.toISOString(),
    minutes: minutes(end.getTime() - start.getTime()),
    ratePeriod: ratePeriodAt(cal, start),
    pieces: pieces.length
      ? pieces.map((p) => ({ ratePeriod: p.period, start: p.start.toISOString(), end: p.end.toISOString(), minutes: minutes(p.ms) }))
      : [{ ratePeriod: ratePeriodAt(cal, start), start: start.toISOString(), end: end.toISOString(), minutes: 0 }],
  };
}

/**
 * Billable events between two instants, from what the service already records: calls (inbound and
 * bridged), voicemails, pages handed to a provider, and acknowledgements. Each is split at rate-period
 * boundaries by the calendar.
 */
export function billableEvents(db: Db, cal: BusinessCalendar, from: Date, to: Date, clientId?: number): BillableEvent[] {
  const clientNames = new Map(db.select({ id: clients.id, name: clients.name }).from(clients).all().map((c) => [c.id, c.name]));
  const ticketRows = db.select({ id: tickets.id, number: tickets.number, clientId: tickets.clientId }).from(tickets).all();
  const ticketOf = new Map(ticketRows.map((t) => [t.id, t]));
  const label = (ticketId: number | null | undefined) => (ticketId && ticketOf.get(ticketId) ? `${ticketLabel(ticketOf.get(ticketId)!.number)}` : null);
  const out: BillableEvent[] = [];
  const base = (type: BillableType, id: string | number, client: number | null | undefined, ticketId: number | null | undefined) => ({
    type,
    id: `${type}:${id}`,
    clientId: client ?? null,
    client: client ? (clientNames.get(client) ?? null) : null,
    ticket: label(ticketId),
  });

  for (const c of db.select().from(calls).where(and(gte(calls.startedAt, from), lt(calls.startedAt, to))).all()) {
    const type: BillableType = c.path.startsWith('bridge:') ? 'bridged_call' : 'inbound_call';
    out.push(event(cal, base(type, c.id, c.clientId, c.ticketId), c.startedAt, c.endedAt ?? c.startedAt));
  }
  for (const v of db.select().from(voicemails).where(and(eq(voicemails.disposition, 'ticket'), gte(voicemails.createdAt, from), lt(voicemails.createdAt, to))).all()) {
    const end = v.createdAt;
    const start = new Date(end.getTime() - v.durationSeconds * 1000);
    out.push(event(cal, base('voicemail', v.id, ticketOf.get(v.ticketId!)?.clientId, v.ticketId), start, end));
  }
  const pages = db
    .select()
    .from(outbox)
    .where(and(inArray(outbox.purpose, ['page', 'page_summary']), inArray(outbox.status, ['sent', 'unknown']), gte(outbox.createdAt, from), lt(outbox.createdAt, to)))
    .all();
  for (const p of pages) {
    const at = p.sentAt ?? p.createdAt;
    out.push(event(cal, base('page', p.id, p.ticketId ? ticketOf.get(p.ticketId)?.clientId : null, p.ticketId), at, at));
  }
  for (const e of db.select().from(ticketEvents).where(and(eq(ticketEvents.type, 'acknowledged'), gte(ticketEvents.at, from), lt(ticketEvents.at, to))).all()) {
    out.push(event(cal, base('acknowledgement', e.id, ticketOf.get(e.ticketId)?.clientId, e.ticketId), e.at, e.at));
  }
  return out.filter((e) => clientId === undefined || e.clientId === clientId).sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
}
