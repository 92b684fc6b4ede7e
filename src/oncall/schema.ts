import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

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

/**
 * Calendar feeds of who is on call (`/oncall/<token>.ics`): one per staff member (their own shifts) and
 * one per rotation (`line` = a service line's id, or `default` for the organisation's own), each under a
 * secret token kept only as its hash. Rotating a feed replaces its token; the old address stops working.
 */
export const oncallFeeds = sqliteTable(
  'oncall_feeds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['staff', 'line'] }).notNull(),
    subject: text('subject').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The account (its email) that made it: a rotation's feed stops once its maker may no longer manage on call. */
    madeBy: text('made_by'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('oncall_feeds_subject_idx').on(t.kind, t.subject)],
);
