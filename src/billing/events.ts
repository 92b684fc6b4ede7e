import { ratePeriodAt, splitByRatePeriod, type BusinessCalendar, type RatePeriod } from '../calendar/index.js';
import { readState, writeState, type Database, type ReadQ } from '../db/index.js';
import { ticketLabel } from '../paging/index.js';
import {
  countLedger,
  ledgerRows,
  recordLedgerRows,
  unrecordedSources,
  type LedgerInsert,
  type LedgerQuery,
  type LedgerRow,
  type SourceRow,
} from './store.js';
import type { BillableType } from './schema.js';

export type { LedgerQuery } from './store.js';
export { BILLABLE_TYPES, type BillableType } from './schema.js';

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

const BOOKMARK = 'billing_ledger_synced_at';
/**
 * How far before the last sync to look again: a call is billed once it has ended (at the latest
 * about 2 h 10 min after it began, when the stale-call job closes it), and a page once a provider took
 * it (retries end within the hour, as do held summaries). Three hours covers both, and keeps the
 * catch-up before each report small.
 */
const LOOK_BACK_MS = 3 * 3_600_000;

function ledgerRow(cal: BusinessCalendar, s: SourceRow, now: Date): LedgerInsert {
  const ms = { business: 0, after_hours: 0, weekend: 0, holiday: 0 } as Record<RatePeriod, number>;
  const start = new Date(s.start);
  const pieces = s.end > s.start ? splitByRatePeriod(cal, start, new Date(s.end)) : [];
  for (const p of pieces) ms[p.period] += p.ms;
  const ratePeriod = pieces[0]?.period ?? ratePeriodAt(cal, start);
  return {
    sourceKey: `${s.type}:${s.id}`,
    type: s.type,
    clientId: s.clientId === null ? null : Number(s.clientId),
    ticketId: s.ticketId === null ? null : Number(s.ticketId),
    startAt: start,
    endAt: new Date(Math.max(s.end, s.start)),
    ratePeriod,
    msBusiness: ms.business,
    msAfterHours: ms.after_hours,
    msWeekend: ms.weekend,
    msHoliday: ms.holiday,
    pieces: pieces.length
      ? pieces.map((p) => ({ p: p.period, s: p.start.getTime(), e: p.end.getTime() }))
      : [{ p: ratePeriod, s: s.start, e: s.start }],
    recordedAt: now,
  };
}

/**
 * Records every billable event not yet in the ledger, priced by the calendar as it is now; once
 * recorded an event keeps its rate periods. Idempotent: run it every few minutes and before each report,
 * on any instance.
 */
export async function syncLedger(db: Database, cal: BusinessCalendar, now: Date): Promise<number> {
  return db.withTransaction(async (tx) => {
    const last = Number((await readState(tx, BOOKMARK)) ?? 0);
    const since = last ? last - LOOK_BACK_MS : 0;
    const sources = await unrecordedSources(tx, since);
    const recorded = await recordLedgerRows(
      tx,
      sources.map((source) => ledgerRow(cal, source, now)),
    );
    await writeState(tx, BOOKMARK, String(now.getTime()), now);
    return recorded;
  });
}

const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;
const iso = (ms: number) => new Date(ms).toISOString();

function toEvent(r: LedgerRow): BillableEvent {
  const pieces = (JSON.parse(r.pieces) as { p: RatePeriod; s: number; e: number }[]).map((p) => ({
    ratePeriod: p.p,
    start: iso(p.s),
    end: iso(p.e),
    minutes: minutes(p.e - p.s),
  }));
  return {
    type: r.type,
    id: r.source_key,
    clientId: r.client_id,
    client: r.client,
    ticket: r.ticket_number ? ticketLabel(r.ticket_number) : null,
    start: iso(r.start_at),
    end: iso(r.end_at),
    minutes: minutes(r.end_at - r.start_at),
    ratePeriod: r.rate_period,
    pieces,
  };
}

/** Billable events that began in [from, to), in time order, from the ledger. */
export async function billableEvents(q: ReadQ, query: LedgerQuery): Promise<BillableEvent[]> {
  return (await ledgerRows(q, query)).map(toEvent);
}

/** How many events a query matches (for "the first 500 of 12,000"). */
export const countBillable = (q: ReadQ, query: LedgerQuery): Promise<number> => countLedger(q, query);
