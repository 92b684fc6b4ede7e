import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/** Someone covering the on-call shift for a while in place of the rotation (holiday, sickness, swap). */
export const oncallOverrides = sqliteTable(
  'oncall_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    staffId: text('staff_id').notNull(),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
    reason: text('reason'),
    /** The service line whose rotation it covers; null: the organisation's own on_call rotation. */
    line: text('line'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('oncall_overrides_span_idx').on(t.startsAt, t.endsAt)],
);
