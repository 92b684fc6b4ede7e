import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

/** Small named values the service keeps across restarts (the link secret, job bookmarks). */
export const serviceState = sqliteTable('service_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Numbers handed out one by one (ticket numbers): one row each, incremented in the writer's transaction. */
export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});

/**
 * Scheduled jobs that must run on one instance at a time (reconciliation, SLA checks, the monthly
 * summary): the instance holding an unexpired lease runs it; a dead instance's lease runs out and
 * another takes the job over.
 */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  heldBy: text('held_by').notNull(),
  leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Counts for rate limits every instance shares (sign-in attempts, sign-in links): one row per limiter and
 * key, its hits in the window that ends at `resetAt`.
 */
export const rateLimitHits = sqliteTable('rate_limit_hits', {
  key: text('key').primaryKey(),
  hits: integer('hits').notNull(),
  resetAt: integer('reset_at', { mode: 'timestamp_ms' }).notNull(),
});
