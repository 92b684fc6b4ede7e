import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { CHANNELS } from '../channels/types.js';

/** `held`: past a burst, waiting for the summary; `bundled`: covered by a summary message instead. */
/**
 * `sending`: handed to the provider under a lease; `unknown`: the provider may or may not have taken it
 * (a timeout, a crash), to be settled by asking the provider or sending again; `settling`: being settled.
 */
export const OUTBOX_STATUSES = [
  'pending',
  'sending',
  'sent',
  'unknown',
  'settling',
  'failed',
  'held',
  'bundled',
] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
export const OUTBOX_PURPOSES = [
  'page',
  'page_summary',
  'caller_confirmation',
  'callback_confirmation',
  'notice',
  'requester',
  'report',
] as const;
export type OutboxPurpose = (typeof OUTBOX_PURPOSES)[number];

/**
 * A message is a row before it is sent: written in the same transaction as the ticket that needs it,
 * then delivered by a worker that can crash and resume.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Makes enqueueing the same message twice (a retried webhook) a no-op. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    purpose: text('purpose', { enum: OUTBOX_PURPOSES }).notNull(),
    recipient: text('recipient').notNull(),
    staffId: text('staff_id'),
    ticketId: integer('ticket_id'),
    subject: text('subject'),
    body: text('body').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    /** When the last hand-over to the provider began (what settlement asks the provider about). */
    attemptedAt: integer('attempted_at', { mode: 'timestamp_ms' }),
    /** A `sending` or `settling` row belongs to `claimedBy` until then; after it, anyone may settle it. */
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    claimedBy: text('claimed_by'),
    providerId: text('provider_id'),
    providerStatus: text('provider_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('outbox_provider_idx').on(t.providerId),
    index('outbox_ticket_idx').on(t.ticketId),
  ],
);

/** `exhausted` is kept for rows of earlier releases, whose schedule ended after its rounds; none ends so now. */
export const ESCALATION_STATUSES = ['active', 'stopped', 'exhausted'] as const;

/**
 * The escalation schedule of an unacknowledged emergency: which step comes next and when. It lives
 * here, not in a timer, so a restart resumes it where it was; acknowledgement stops it.
 */
export const escalations = sqliteTable(
  'escalations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id').notNull().unique(),
    step: integer('step').notNull().default(0),
    nextAt: integer('next_at', { mode: 'timestamp_ms' }).notNull(),
    status: text('status', { enum: ESCALATION_STATUSES }).notNull(),
    /** While active, when the current step began (ESC counts from it); once ended, when it ended. */
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('escalations_due_idx').on(t.status, t.nextAt)],
);
