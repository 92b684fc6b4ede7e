import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { RATE_PERIODS } from '../calendar/calendar.js';

/** What can be billed: the ledger's `type`. */
export const BILLABLE_TYPES = [
  'inbound_call',
  'bridged_call',
  'callback',
  'voicemail',
  'page',
  'acknowledgement',
  'work_time',
] as const;
export type BillableType = (typeof BILLABLE_TYPES)[number];

/**
 * The billing ledger: every billable event once, with the rate period of each piece as the calendar
 * said when it was recorded, so a later change of office hours never re-prices a past month.
 */
export const billableEvents = sqliteTable(
  'billable_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The event's source, e.g. "inbound_call:12"; recorded once. */
    sourceKey: text('source_key').notNull().unique(),
    type: text('type').notNull(),
    clientId: integer('client_id'),
    ticketId: integer('ticket_id'),
    startAt: integer('start_at', { mode: 'timestamp_ms' }).notNull(),
    endAt: integer('end_at', { mode: 'timestamp_ms' }).notNull(),
    /** The rate period the event started in. */
    ratePeriod: text('rate_period', { enum: RATE_PERIODS }).notNull(),
    msBusiness: integer('ms_business').notNull(),
    msAfterHours: integer('ms_after_hours').notNull(),
    msWeekend: integer('ms_weekend').notNull(),
    msHoliday: integer('ms_holiday').notNull(),
    /** [{ratePeriod, start, end}] in ms, in order. */
    pieces: text('pieces', { mode: 'json' }).$type<{ p: string; s: number; e: number }[]>().notNull(),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('billable_events_start_idx').on(t.startAt),
    index('billable_events_client_start_idx').on(t.clientId, t.startAt),
    // Covers the monthly report's sums, so they read the index and never the rows (with their pieces).
    index('billable_events_report_idx').on(
      t.startAt,
      t.clientId,
      t.type,
      t.ratePeriod,
      t.msBusiness,
      t.msAfterHours,
      t.msWeekend,
      t.msHoliday,
    ),
  ],
);
