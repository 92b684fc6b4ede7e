import { stringify } from 'csv-stringify/sync';
import { RATE_PERIODS } from '../calendar/index.js';
import type { BillableEvent } from './events.js';
import type { MonthlyReport } from './report.js';

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is prefixed
 * with an apostrophe, so an export never executes what a caller or client name put into it.
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: quoted where needed, CRLF line ends, every cell neutralised. */
function table(rows: string[][]): string {
  return stringify(
    rows.map((r) => r.map(neutralise)),
    { record_delimiter: 'windows', quoted_match: /[",\r\n]/ },
  );
}

const COLUMNS = ['type', 'event_id', 'client', 'ticket', 'start', 'end', 'minutes', 'rate_period'];

/** One row per rate-period piece, so a call that ran past closing shows both of its parts. */
export function billingCsv(events: BillableEvent[]): string {
  const rows = events.flatMap((e) =>
    e.pieces.map((p) => [
      e.type,
      e.id,
      e.client ?? '',
      e.ticket ?? '',
      p.start,
      p.end,
      String(p.minutes),
      p.ratePeriod,
    ]),
  );
  return table([COLUMNS, ...rows]);
}

/** The month's figures: per type and rate period, then per client when the report covers everyone. */
export function reportCsv(report: MonthlyReport, clientName?: string): string {
  const rows: string[][] = [['month', 'client', 'item', 'rate_period', 'count', 'minutes']];
  for (const line of report.lines) {
    for (const p of RATE_PERIODS) {
      const f = line.periods[p];
      if (f.count || f.minutes)
        rows.push([
          report.month,
          clientName ?? 'all clients',
          line.type,
          p,
          String(f.count),
          String(Math.round(f.minutes * 100) / 100),
        ]);
    }
  }
  for (const c of report.clients) {
    for (const p of RATE_PERIODS)
      if (c.minutes[p]) rows.push([report.month, c.client, 'all', p, '', String(c.minutes[p])]);
  }
  for (const pk of report.packages) {
    const who = clientName ?? '';
    if (pk.unit === 'tickets') {
      rows.push([report.month, who, `prepaid tickets used (package ${pk.id})`, '', String(pk.usedThisMonth), '']);
      rows.push([report.month, who, `prepaid tickets left (package ${pk.id})`, '', String(pk.remaining), '']);
    } else {
      rows.push([report.month, who, `prepaid hours used (package ${pk.id})`, '', '', String(pk.usedThisMonth)]);
      rows.push([report.month, who, `prepaid hours left (package ${pk.id})`, '', '', String(pk.remaining)]);
    }
  }
  return table(rows);
}
