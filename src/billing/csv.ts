import { stringify } from 'csv-stringify/sync';
import type { BillableEvent } from './events.js';

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is prefixed
 * with an apostrophe, so an export never executes what a caller or client name put into it.
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const COLUMNS = ['type', 'event_id', 'client', 'ticket', 'start', 'end', 'minutes', 'rate_period'] as const;

/** One row per rate-period piece, RFC 4180 quoting, CRLF line ends, as spreadsheets expect. */
export function billingCsv(events: BillableEvent[]): string {
  const rows = events.flatMap((e) =>
    e.pieces.map((p) => [e.type, e.id, e.client ?? '', e.ticket ?? '', p.start, p.end, String(p.minutes), p.ratePeriod].map(neutralise)),
  );
  return stringify([[...COLUMNS], ...rows], { record_delimiter: 'windows', quoted_match: /[",\r\n]/ });
}
