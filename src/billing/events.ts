import { ratePeriodAt, splitByRatePeriod, type BusinessCalendar, type RatePeriod } from '../calendar/index.js';
import type { Db } from '../db/index.js';
import { readState, writeState } from '../db/state.js';
import { ticketLabel } from '../tickets/label.js';

export const BILLABLE_TYPES = ['inbound_call', 'bridged_call', 'callback', 'voicemail', 'page', 'acknowledgement', 'work_time'] as const;
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

interface Source {
  key: string;
  type: BillableType;
  clientId: number | null;
  ticketId: number | null;
  start: number;
  end: number;
}

/**
 * What the service already records that is billable, read from its own tables: calls that have ended
 * (inbound; bridged by an engineer or a callback), voicemails that became tickets, pages a provider
 * took, acknowledgements, callback attempts, and logged work. Each query leaves out what the ledger has.
 */
const SOURCES = `
  select case when c.path like 'bridge:%' or c.path like 'callback:%' then 'bridged_call' else 'inbound_call' end as type,
         c.id as id, c.client_id as clientId, c.ticket_id as ticketId, c.started_at as start, c.ended_at as "end"
    from calls c
   where c.started_at >= @since and c.ended_at is not null
     and not exists (select 1 from billable_events b where b.source_key in ('inbound_call:' || c.id, 'bridged_call:' || c.id))
  union all
  select 'voicemail', v.id, t.client_id, v.ticket_id, v.created_at - v.duration_seconds * 1000, v.created_at
    from voicemails v left join tickets t on t.id = v.ticket_id
   where v.created_at >= @since and v.disposition = 'ticket'
     and not exists (select 1 from billable_events b where b.source_key = 'voicemail:' || v.id)
  union all
  select 'page', o.id, t.client_id, o.ticket_id, coalesce(o.sent_at, o.created_at), coalesce(o.sent_at, o.created_at)
    from outbox o left join tickets t on t.id = o.ticket_id
   where o.created_at >= @since and o.purpose in ('page', 'page_summary') and o.status in ('sent', 'unknown')
     and not exists (select 1 from billable_events b where b.source_key = 'page:' || o.id)
  union all
  select 'acknowledgement', e.id, t.client_id, e.ticket_id, e.at, e.at
    from ticket_events e join tickets t on t.id = e.ticket_id
   where e.at >= @since and e.type = 'acknowledged'
     and not exists (select 1 from billable_events b where b.source_key = 'acknowledgement:' || e.id)
  union all
  select 'callback', a.id, cb.client_id, cb.ticket_id, a.at, a.at
    from callback_attempts a join callbacks cb on cb.id = a.callback_id
   where a.at >= @since and a.outcome in ('done', 'no_answer')
     and not exists (select 1 from billable_events b where b.source_key = 'callback:' || a.id)
  union all
  select 'work_time', w.id, t.client_id, w.ticket_id, w.started_at, w.ended_at
    from work_logs w join tickets t on t.id = w.ticket_id
   where w.created_at >= @since
     and not exists (select 1 from billable_events b where b.source_key = 'work_time:' || w.id)`;

const INSERT = `insert into billable_events
  (source_key, type, client_id, ticket_id, start_at, end_at, rate_period, ms_business, ms_after_hours, ms_weekend, ms_holiday, pieces, recorded_at)
  values (@key, @type, @clientId, @ticketId, @start, @end, @ratePeriod, @business, @after_hours, @weekend, @holiday, @pieces, @now)
  on conflict (source_key) do nothing`;

const BOOKMARK = 'billing_ledger_synced_at';
/**
 * How far before the last sync to look again: a call is billed once it has ended (at the latest two
 * hours on, when the stale-call job closes it) and a page once a provider took it (minutes, or an
 * hour for a held summary). A day covers both with room to spare.
 */
const LOOK_BACK_MS = 86_400_000;

function ledgerRow(cal: BusinessCalendar, s: Source, now: number) {
  const ms = { business: 0, after_hours: 0, weekend: 0, holiday: 0 } as Record<RatePeriod, number>;
  const start = new Date(s.start);
  const pieces = s.end > s.start ? splitByRatePeriod(cal, start, new Date(s.end)) : [];
  for (const p of pieces) ms[p.period] += p.ms;
  const ratePeriod = pieces[0]?.period ?? ratePeriodAt(cal, start);
  return {
    key: `${s.type}:${s.key}`,
    type: s.type,
    clientId: s.clientId,
    ticketId: s.ticketId,
    start: s.start,
    end: Math.max(s.end, s.start),
    ratePeriod,
    ...ms,
    pieces: JSON.stringify(pieces.length ? pieces.map((p) => ({ p: p.period, s: p.start.getTime(), e: p.end.getTime() })) : [{ p: ratePeriod, s: s.start, e: s.start }]),
    now,
  };
}

/**
 * Records every billable event not yet in the ledger, priced by the calendar as it is now; once
 * recorded an event keeps its rate periods. Idempotent: run it every minute and before each report.
 */
export function syncLedger(db: Db, cal: BusinessCalendar, now: Date): number {
  const client = db.$client;
  return client.transaction(() => {
    const last = Number(readState(db, BOOKMARK) ?? 0);
    const since = last ? last - LOOK_BACK_MS : 0;
    const found = client.prepare(SOURCES).all({ since }) as (Omit<Source, 'key'> & { id: number })[];
    const insert = client.prepare(INSERT);
    let recorded = 0;
    for (const f of found) recorded += insert.run(ledgerRow(cal, { ...f, key: String(f.id) }, now.getTime())).changes;
    writeState(db, BOOKMARK, String(now.getTime()), now);
    return recorded;
  })();
}

interface LedgerRow {
  source_key: string;
  type: BillableType;
  client_id: number | null;
  client: string | null;
  ticket_number: number | null;
  start_at: number;
  end_at: number;
  rate_period: RatePeriod;
  pieces: string;
}

const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;
const iso = (ms: number) => new Date(ms).toISOString();

function toEvent(r: LedgerRow): BillableEvent {
  const pieces = (JSON.parse(r.pieces) as { p: RatePeriod; s: number; e: number }[]).map((p) => ({ ratePeriod: p.p, start: iso(p.s), end: iso(p.e), minutes: minutes(p.e - p.s) }));
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

export interface LedgerQuery {
  from: Date;
  to: Date;
  clientId?: number;
  /** Only events with some time outside business hours (or that began outside them). */
  afterHoursOnly?: boolean;
  limit?: number;
}

function whereOf(q: LedgerQuery): string[] {
  const where = ['b.start_at >= @from', 'b.start_at < @to'];
  if (q.clientId !== undefined) where.push('b.client_id = @clientId');
  if (q.afterHoursOnly) where.push(`(b.rate_period <> 'business' or b.ms_after_hours + b.ms_weekend + b.ms_holiday > 0)`);
  return where;
}

/** How many events a query matches (for "the first 500 of 12,000"). */
export function countBillable(db: Db, q: LedgerQuery): number {
  const row = db.$client.prepare(`select count(*) as n from billable_events b where ${whereOf(q).join(' and ')}`).get({ from: q.from.getTime(), to: q.to.getTime(), clientId: q.clientId ?? null }) as { n: number };
  return row.n;
}

/** Billable events that began in [from, to), in time order, from the ledger. */
export function billableEvents(db: Db, q: LedgerQuery): BillableEvent[] {
  const where = whereOf(q);
  const rows = db.$client
    .prepare(
      `select b.source_key, b.type, b.client_id, c.name as client, t.number as ticket_number, b.start_at, b.end_at, b.rate_period, b.pieces
         from billable_events b left join clients c on c.id = b.client_id left join tickets t on t.id = b.ticket_id
        where ${where.join(' and ')}
        order by b.start_at, b.id ${q.limit ? 'limit @limit' : ''}`,
    )
    .all({ from: q.from.getTime(), to: q.to.getTime(), clientId: q.clientId ?? null, ...(q.limit ? { limit: q.limit } : {}) }) as LedgerRow[];
  return rows.map(toEvent);
}
