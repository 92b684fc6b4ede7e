import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/**
 * A known outage or planned work: callers (all, or those of the named clients or lines) hear its text
 * right after the welcome, between its start and end. Deleting one ends it; the row stays for the record.
 */
export const announcements = sqliteTable(
  'announcements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    text: text('text').notNull(),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }),
    /** Null: every caller. */
    clientIds: text('client_ids', { mode: 'json' }).$type<number[]>(),
    /** Null: every line. */
    lines: text('lines', { mode: 'json' }).$type<string[]>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    createdBy: text('created_by').notNull(),
    /** Set when it was taken down before its end. */
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
    /** The affected clients' contacts are emailed when it is posted and when it ends. */
    notify: integer('notify', { mode: 'boolean' }).notNull().default(false),
    /** When the contacts were told it is over (once, by whichever instance first sees it end). */
    endNoticeAt: integer('end_notice_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('announcements_live_idx').on(t.deletedAt, t.endsAt)],
);
