import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { clients, clientContacts } from '../clients/schema.js';

export const CALLBACK_STATUSES = ['queued', 'claimed', 'calling', 'done', 'no_answer', 'cancelled'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** A promise to call someone back from the helpdesk number. */
export const callbacks = sqliteTable(
  'callbacks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id').references(() => clients.id),
    contactId: integer('contact_id').references(() => clientContacts.id),
    phone: text('phone').notNull(),
    reason: text('reason'),
    status: text('status', { enum: CALLBACK_STATUSES }).notNull(),
    dueAt: integer('due_at', { mode: 'timestamp_ms' }).notNull(),
    callSid: text('call_sid').unique(),
    ticketId: integer('ticket_id'),
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
    /** Who is working it now; one person at a time. */
    claimedBy: text('claimed_by'),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    /** Calls made that found nobody; three alert the office. */
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lastOutcome: text('last_outcome'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('callbacks_status_due_idx').on(t.status, t.dueAt)],
);

export const ATTEMPT_OUTCOMES = ['done', 'no_answer', 'cancelled', 'called'] as const;

/** Every try at a callback: who, when, what happened (and the bridged call, when Switchboard placed it). */
export const callbackAttempts = sqliteTable(
  'callback_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callbackId: integer('callback_id')
      .notNull()
      .references(() => callbacks.id, { onDelete: 'cascade' }),
    staff: text('staff').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    outcome: text('outcome', { enum: ATTEMPT_OUTCOMES }).notNull(),
    note: text('note'),
  },
  (t) => [index('callback_attempts_callback_idx').on(t.callbackId)],
);
