import { DateTime } from 'luxon';
import { RATE_PERIODS, type BusinessCalendar, type RatePeriod } from '../calendar/index.js';
import type { Db } from '../db/index.js';
import { packagesOf, type PackageBalance } from '../clients/packages.js';
import { billableEvents, BILLABLE_TYPES, type BillableEvent, type BillableType } from './events.js';

export interface PeriodFigures {
  /** Events that began in the period. */
  count: number;
  /** Minutes spent in the period (pieces of longer events included). */
  minutes: number;
}

export interface ReportLine {
  type: BillableType;
  periods: Record<RatePeriod, PeriodFigures>;
  count: number;
  minutes: number;
}

export interface ClientLine {
  clientId: number | null;
  client: string;
  count: number;
  afterHoursCount: number;
  minutes: Record<RatePeriod, number>;
}

export interface MonthlyReport {
  month: string;
  from: Date;
  to: Date;
  clientId?: number;
  lines: ReportLine[];
  totals: Record<RatePeriod, PeriodFigures>;
  /** Per client (the whole organisation's report only). */
  clients: ClientLine[];
  afterHours: BillableEvent[];
  afterHoursTotal: number;
  packages: (PackageBalance & { usedThisMonth: number })[];
}

const round = (ms: number) => Math.round((ms / 60_000) * 100) / 100;
const empty = (): Record<RatePeriod, PeriodFigures> => ({ business: { count: 0, minutes: 0 }, after_hours: { count: 0, minutes: 0 }, weekend: { count: 0, minutes: 0 }, holiday: { count: 0, minutes: 0 } });

/** The first instant of a local month (YYYY-MM) and of the next one. */
export function monthBounds(cal: BusinessCalendar, month: string): { from: Date; to: Date } | undefined {
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone: cal.zone });
  if (!start.isValid) return undefined;
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
}

/**
 * A month's billing, for one client or everyone: counts and minutes per type and rate period (sums
 * in SQL over the ledger), the after-hours events themselves (the first `listLimit`), and prepaid
 * package usage.
 */
export function monthlyReport(db: Db, cal: BusinessCalendar, month: string, clientId?: number, listLimit = 500): MonthlyReport | undefined {
  const bounds = monthBounds(cal, month);
  if (!bounds) return undefined;
  const params = { from: bounds.from.getTime(), to: bounds.to.getTime(), clientId: clientId ?? null };
  const byClient = clientId === undefined ? '' : 'and client_id = @clientId';
  const sums = db.$client
    .prepare(
      `select type, rate_period as period, count(*) as n, sum(ms_business) as business, sum(ms_after_hours) as after_hours, sum(ms_weekend) as weekend, sum(ms_holiday) as holiday
         from billable_events where start_at >= @from and start_at < @to ${byClient}
        group by type, rate_period`,
    )
    .all(params) as ({ type: BillableType; period: RatePeriod; n: number } & Record<RatePeriod, number>)[];
  const lines = new Map<BillableType, ReportLine>();
  const totals = empty();
  for (const s of sums) {
    const line = lines.get(s.type) ?? { type: s.type, periods: empty(), count: 0, minutes: 0 };
    lines.set(s.type, line);
    line.periods[s.period].count += s.n;
    totals[s.period].count += s.n;
    line.count += s.n;
    for (const p of RATE_PERIODS) {
      line.periods[p].minutes += round(s[p]);
      totals[p].minutes += round(s[p]);
      line.minutes += round(s[p]);
    }
  }
  const afterHoursWhere = `(rate_period <> 'business' or ms_after_hours + ms_weekend + ms_holiday > 0)`;
  const afterHoursTotal = (db.$client.prepare(`select count(*) as n from billable_events where start_at >= @from and start_at < @to ${byClient} and ${afterHoursWhere}`).get(params) as { n: number }).n;
  const clients =
    clientId === undefined
      ? (db.$client
          .prepare(
            `select b.client_id as clientId, coalesce(c.name, 'Unidentified callers') as client, count(*) as count,
                    sum(case when ${afterHoursWhere.replace(/rate_period|ms_/g, (m) => `b.${m}`)} then 1 else 0 end) as afterHoursCount,
                    sum(b.ms_business) as business, sum(b.ms_after_hours) as after_hours, sum(b.ms_weekend) as weekend, sum(b.ms_holiday) as holiday
               from billable_events b left join clients c on c.id = b.client_id
              where b.start_at >= @from and b.start_at < @to
              group by b.client_id order by client`,
          )
          .all(params) as (Omit<ClientLine, 'minutes'> & Record<RatePeriod, number>)[]).map((r) => ({
          clientId: r.clientId,
          client: r.client,
          count: r.count,
          afterHoursCount: r.afterHoursCount,
          minutes: { business: round(r.business), after_hours: round(r.after_hours), weekend: round(r.weekend), holiday: round(r.holiday) },
        }))
      : [];
  const packages = clientId === undefined ? [] : packagesOf(db, clientId).map((p) => ({ ...p, usedThisMonth: usedIn(db, p.id, params.from, params.to) }));
  return {
    month,
    ...bounds,
    clientId,
    lines: BILLABLE_TYPES.flatMap((t) => (lines.has(t) ? [lines.get(t)!] : [])),
    totals,
    clients,
    afterHours: billableEvents(db, { ...bounds, clientId, afterHoursOnly: true, limit: listLimit }),
    afterHoursTotal,
    packages,
  };
}

function usedIn(db: Db, packageId: number, from: number, to: number): number {
  return (db.$client.prepare('select coalesce(sum(amount), 0) as n from package_usage where package_id = ? and at >= ? and at < ?').get(packageId, from, to) as { n: number }).n;
}
