import { DateTime } from 'luxon';
import { RATE_PERIODS, type BusinessCalendar, type RatePeriod } from '../calendar/index.js';
import type { ReadQ } from '../db/index.js';
import { packagesOf, packageUsedBetween, type PackageBalance } from '../clients/index.js';
import { clientNames } from '../clients/index.js';
import { billableEmergenciesBetween } from '../tickets/index.js';
import { supportLevelOf } from '../config/index.js';
import { ledgerGroups } from './store.js';
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
  /** The client's support level (unidentified callers: the first level); absent without support levels. */
  level?: string;
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
  /** Per support level (when the organisation has levels; the whole organisation's report only). */
  levels: { level: string; clients: number; count: number; afterHoursCount: number }[];
  /** Emergencies billed beyond the contract: the caller was told, or consented (when, from which number). */
  billableEmergencies: Awaited<ReturnType<typeof billableEmergenciesBetween>>;
}

const round = (ms: number) => Math.round((ms / 60_000) * 100) / 100;
const empty = (): Record<RatePeriod, PeriodFigures> => ({
  business: { count: 0, minutes: 0 },
  after_hours: { count: 0, minutes: 0 },
  weekend: { count: 0, minutes: 0 },
  holiday: { count: 0, minutes: 0 },
});

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
export async function monthlyReport(
  db: ReadQ,
  cal: BusinessCalendar,
  month: string,
  clientId?: number,
  listLimit = 500,
  /** The organisation's support levels, the default first. */
  supportLevels: readonly { name: string }[] = [],
): Promise<MonthlyReport | undefined> {
  const bounds = monthBounds(cal, month);
  if (!bounds) return undefined;
  const groups = await ledgerGroups(db, { ...bounds, clientId });
  const lines = new Map<BillableType, ReportLine>();
  const totals = empty();
  const perClient = new Map<number | null, ClientLine>();
  let afterHoursTotal = 0;
  for (const g of groups) {
    const line = lines.get(g.type) ?? { type: g.type, periods: empty(), count: 0, minutes: 0 };
    lines.set(g.type, line);
    line.periods[g.period].count += g.n;
    totals[g.period].count += g.n;
    line.count += g.n;
    afterHoursTotal += g.afterHours;
    const c = perClient.get(g.clientId) ?? {
      clientId: g.clientId,
      client: '',
      count: 0,
      afterHoursCount: 0,
      minutes: { business: 0, after_hours: 0, weekend: 0, holiday: 0 },
    };
    perClient.set(g.clientId, c);
    c.count += g.n;
    c.afterHoursCount += g.afterHours;
    for (const p of RATE_PERIODS) {
      line.periods[p].minutes += g[p];
      totals[p].minutes += g[p];
      line.minutes += g[p];
      c.minutes[p] += g[p];
    }
  }
  // Sums were in ms; minutes are rounded once, at the end.
  for (const line of lines.values()) {
    line.minutes = round(line.minutes);
    for (const p of RATE_PERIODS) line.periods[p].minutes = round(line.periods[p].minutes);
  }
  for (const p of RATE_PERIODS) totals[p].minutes = round(totals[p].minutes);
  const known = await clientNames(db);
  const names = new Map(known.map((c) => [c.id, c.name]));
  const levelOf = (id: number | null) =>
    supportLevelOf(supportLevels, id ? known.find((c) => c.id === id)?.level : undefined)?.name;
  const clients =
    clientId === undefined
      ? [...perClient.values()]
          .map((c) => ({
            ...c,
            client: c.clientId ? (names.get(c.clientId) ?? `Client ${c.clientId}`) : 'Unidentified callers',
            ...(supportLevels.length ? { level: levelOf(c.clientId) } : {}),
            minutes: Object.fromEntries(RATE_PERIODS.map((p) => [p, round(c.minutes[p])])) as Record<
              RatePeriod,
              number
            >,
          }))
          .sort((a, b) => a.client.localeCompare(b.client))
      : [];
  const packages =
    clientId === undefined
      ? []
      : await Promise.all(
          (await packagesOf(db, clientId)).map(async (p) => ({
            ...p,
            usedThisMonth: await packageUsedBetween(db, p.id, bounds.from, bounds.to),
          })),
        );
  const levels = supportLevels
    .map(({ name: level }) => {
      const of = clients.filter((c) => c.level === level);
      return {
        level,
        clients: of.filter((c) => c.clientId).length,
        count: of.reduce((n, c) => n + c.count, 0),
        afterHoursCount: of.reduce((n, c) => n + c.afterHoursCount, 0),
      };
    })
    .filter(() => clientId === undefined);
  return {
    month,
    ...bounds,
    clientId,
    levels,
    billableEmergencies: await billableEmergenciesBetween(db, bounds.from, bounds.to, clientId),
    lines: BILLABLE_TYPES.flatMap((t) => (lines.has(t) ? [lines.get(t)!] : [])),
    totals,
    clients,
    afterHours: await billableEvents(db, { ...bounds, clientId, afterHoursOnly: true, limit: listLimit }),
    afterHoursTotal,
    packages,
  };
}
