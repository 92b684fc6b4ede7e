import { sql, type SQL } from 'drizzle-orm';
import type { RatePeriod } from '../calendar/index.js';
import { rowsOf, type Q, type ReadQ } from '../db/index.js';
import { billableEvents } from './schema.js';
import type { BillableType } from './schema.js';

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
 * (inbound; bridged by an engineer, a callback, or an emergency caller put through live), voicemails that became tickets, pages a provider
 * took, acknowledgements, callback attempts, and logged work. Each part leaves out what the ledger has.
 */
const sourcesSince = (since: number) => sql`
  select case when c.path like 'bridge:%' or c.path like 'callback:%' or c.outcome = 'bridged' then 'bridged_call' else 'inbound_call' end as "type",
         c.id as "id", c.client_id as "clientId", c.ticket_id as "ticketId", c.started_at as "start", c.ended_at as "end"
    from calls c
   where c.started_at >= ${since} and c.ended_at is not null
     and not exists (select 1 from billable_events b where b.source_key in ('inbound_call:' || c.id, 'bridged_call:' || c.id))
  union all
  select 'voicemail', v.id, t.client_id, v.ticket_id, v.created_at - v.duration_seconds * 1000, v.created_at
    from voicemails v left join tickets t on t.id = v.ticket_id
   where v.created_at >= ${since} and v.disposition = 'ticket'
     and not exists (select 1 from billable_events b where b.source_key = 'voicemail:' || v.id)
  union all
  select 'page', o.id, t.client_id, o.ticket_id, coalesce(o.sent_at, o.created_at), coalesce(o.sent_at, o.created_at)
    from outbox o left join tickets t on t.id = o.ticket_id
   where o.created_at >= ${since} and o.purpose in ('page', 'page_summary') and o.status in ('sent', 'unknown')
     and not exists (select 1 from billable_events b where b.source_key = 'page:' || o.id)
  union all
  select 'acknowledgement', e.id, t.client_id, e.ticket_id, e.at, e.at
    from ticket_events e join tickets t on t.id = e.ticket_id
   where e.at >= ${since} and e.type = 'acknowledged'
     and not exists (select 1 from billable_events b where b.source_key = 'acknowledgement:' || e.id)
  union all
  select 'callback', a.id, cb.client_id, cb.ticket_id, a.at, a.at
    from callback_attempts a join callbacks cb on cb.id = a.callback_id
   where a.at >= ${since} and a.outcome in ('done', 'no_answer')
     and not exists (select 1 from billable_events b where b.source_key = 'callback:' || a.id)
  union all
  select 'work_time', w.id, t.client_id, w.ticket_id, w.started_at, w.ended_at
    from work_logs w join tickets t on t.id = w.ticket_id
   where w.created_at >= ${since}
     and not exists (select 1 from billable_events b where b.source_key = 'work_time:' || w.id)`;

export async function unrecordedSources(q: ReadQ, since: number): Promise<SourceRow[]> {
  const rows = await rowsOf<SourceRow>(q, sourcesSince(since));
  return rows.map((r) => ({ ...r, id: Number(r.id), start: Number(r.start), end: Number(r.end) }));
}

export type LedgerInsert = typeof billableEvents.$inferInsert;

/** Writes ledger rows; one already recorded (same source) is left as it was. */
export async function recordLedgerRows(tx: Q, rows: LedgerInsert[]): Promise<number> {
  let recorded = 0;
  // In slices: a month's catch-up can be a hundred thousand rows, and statements have a parameter limit.
  for (let i = 0; i < rows.length; i += 500) {
    const written = await tx
      .insert(billableEvents)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing({ target: billableEvents.sourceKey })
      .returning({ id: billableEvents.id });
    recorded += written.length;
  }
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

function whereOf(q: LedgerQuery, alias = 'b'): SQL {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const parts = [sql`${col('start_at')} >= ${q.from.getTime()}`, sql`${col('start_at')} < ${q.to.getTime()}`];
  if (q.clientId !== undefined) parts.push(sql`${col('client_id')} = ${q.clientId}`);
  if (q.afterHoursOnly)
    parts.push(
      sql`(${col('rate_period')} <> 'business' or ${col('ms_after_hours')} + ${col('ms_weekend')} + ${col('ms_holiday')} > 0)`,
    );
  return sql.join(parts, sql` and `);
}

export async function countLedger(q: ReadQ, l: LedgerQuery): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(q, sql`select count(*) as "n" from billable_events b where ${whereOf(l)}`);
  return Number(row?.n ?? 0);
}

/** Ledger rows that began in [from, to), in time order, with client name and ticket number. */
export async function ledgerRows(q: ReadQ, l: LedgerQuery): Promise<LedgerRow[]> {
  const rows = await rowsOf<LedgerRow>(
    q,
    sql`select b.source_key, b.type, b.client_id, c.name as client, t.number as ticket_number, b.start_at, b.end_at, b.rate_period, b.pieces
          from billable_events b left join clients c on c.id = b.client_id left join tickets t on t.id = b.ticket_id
         where ${whereOf(l)}
         order by b.start_at, b.id ${l.limit ? sql`limit ${l.limit}` : sql``}`,
  );
  return rows.map((r) => ({ ...r, start_at: Number(r.start_at), end_at: Number(r.end_at) }));
}

export type MonthGroup = {
  clientId: number | null;
  type: BillableType;
  period: RatePeriod;
  n: number;
  afterHours: number;
} & Record<RatePeriod, number>;

/** One pass over a period (read from the covering index): counts and ms per client, type and starting period. */
export async function ledgerGroups(q: ReadQ, l: LedgerQuery): Promise<MonthGroup[]> {
  const rows = await rowsOf<MonthGroup>(
    q,
    sql`select client_id as "clientId", type, rate_period as "period", count(*) as "n",
               sum(case when rate_period <> 'business' or ms_after_hours + ms_weekend + ms_holiday > 0 then 1 else 0 end) as "afterHours",
               sum(ms_business) as "business", sum(ms_after_hours) as "after_hours", sum(ms_weekend) as "weekend", sum(ms_holiday) as "holiday"
          from billable_events b where ${whereOf({ ...l, afterHoursOnly: false })}
         group by client_id, type, rate_period`,
  );
  // PostgreSQL sums bigints as numerics (strings to the driver).
  return rows.map((r) => ({
    ...r,
    clientId: r.clientId === null ? null : Number(r.clientId),
    n: Number(r.n),
    afterHours: Number(r.afterHours),
    business: Number(r.business),
    after_hours: Number(r.after_hours),
    weekend: Number(r.weekend),
    holiday: Number(r.holiday),
  }));
}
