import type { RatePeriod } from '../calendar/index.js';
import type { Db } from '../db/index.js';
import type { BillableType } from './events.js';

/** A billable thing the service recorded, not yet in the ledger. */
export interface SourceRow {
  type: BillableType;
  id: number;
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
const SOURCES_SQL = `
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

const INSERT_SQL = `insert into billable_events
  (source_key, type, client_id, ticket_id, start_at, end_at, rate_period, ms_business, ms_after_hours, ms_weekend, ms_holiday, pieces, recorded_at)
  values (@key, @type, @clientId, @ticketId, @start, @end, @ratePeriod, @business, @after_hours, @weekend, @holiday, @pieces, @now)
  on conflict (source_key) do nothing`;

export function unrecordedSources(db: Db, since: number): SourceRow[] {
  return db.$client.prepare(SOURCES_SQL).all({ since }) as SourceRow[];
}

export interface LedgerInsert extends Record<RatePeriod, number> {
  key: string;
  type: BillableType;
  clientId: number | null;
  ticketId: number | null;
  start: number;
  end: number;
  ratePeriod: RatePeriod;
  pieces: string;
  now: number;
}

/** Writes ledger rows; one already recorded (same source) is left as it was. */
export function recordLedgerRows(db: Db, rows: LedgerInsert[]): number {
  const insert = db.$client.prepare(INSERT_SQL);
  let recorded = 0;
  for (const row of rows) recorded += insert.run(row).changes;
  return recorded;
}

export interface LedgerRow {
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
  if (q.afterHoursOnly)
    where.push(`(b.rate_period <> 'business' or b.ms_after_hours + b.ms_weekend + b.ms_holiday > 0)`);
  return where;
}

export function countLedger(db: Db, q: LedgerQuery): number {
  const row = db.$client
    .prepare(`select count(*) as n from billable_events b where ${whereOf(q).join(' and ')}`)
    .get({ from: q.from.getTime(), to: q.to.getTime(), clientId: q.clientId ?? null }) as { n: number };
  return row.n;
}

const params = (q: LedgerQuery) => ({ from: q.from.getTime(), to: q.to.getTime(), clientId: q.clientId ?? null });

/** Ledger rows that began in [from, to), in time order, with client name and ticket number. */
export function ledgerRows(db: Db, q: LedgerQuery): LedgerRow[] {
  return db.$client
    .prepare(
      `select b.source_key, b.type, b.client_id, c.name as client, t.number as ticket_number, b.start_at, b.end_at, b.rate_period, b.pieces
         from billable_events b left join clients c on c.id = b.client_id left join tickets t on t.id = b.ticket_id
        where ${whereOf(q).join(' and ')}
        order by b.start_at, b.id ${q.limit ? 'limit @limit' : ''}`,
    )
    .all({ ...params(q), ...(q.limit ? { limit: q.limit } : {}) }) as LedgerRow[];
}

export type MonthGroup = {
  clientId: number | null;
  type: BillableType;
  period: RatePeriod;
  n: number;
  afterHours: number;
} & Record<RatePeriod, number>;

/** One pass over a period (read from the covering index): counts and ms per client, type and starting period. */
export function ledgerGroups(db: Db, q: LedgerQuery): MonthGroup[] {
  return db.$client
    .prepare(
      `select client_id as clientId, type, rate_period as period, count(*) as n,
              sum(case when rate_period <> 'business' or ms_after_hours + ms_weekend + ms_holiday > 0 then 1 else 0 end) as afterHours,
              sum(ms_business) as business, sum(ms_after_hours) as after_hours, sum(ms_weekend) as weekend, sum(ms_holiday) as holiday
         from billable_events where start_at >= @from and start_at < @to ${q.clientId === undefined ? '' : 'and client_id = @clientId'}
        group by client_id, type, rate_period`,
    )
    .all(params(q)) as MonthGroup[];
}
