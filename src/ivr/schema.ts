import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { RATE_PERIODS } from '../calendar/calendar.js';
import { clients, clientContacts } from '../clients/schema.js';

export const CALL_OUTCOMES = [
  'in_progress',
  'voicemail',
  'emergency_voicemail',
  'callback_queued',
  'ticket_escalated',
  'transferred',
  'bridged',
  'no_selection',
  'abandoned',
  'abandoned_emergency',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Every inbound call, with what the caller did, for the after-hours log and billing. */
export const calls = sqliteTable(
  'calls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callSid: text('call_sid').notNull().unique(),
    fromNumber: text('from_number'),
    toNumber: text('to_number'),
    clientId: integer('client_id').references(() => clients.id),
    contactId: integer('contact_id').references(() => clientContacts.id),
    ratePeriod: text('rate_period', { enum: RATE_PERIODS }).notNull(),
    /** Menu choices in order, e.g. "5,voicemail". */
    path: text('path').notNull().default(''),
    outcome: text('outcome', { enum: CALL_OUTCOMES }).notNull(),
    emergency: integer('emergency', { mode: 'boolean' }).notNull().default(false),
    ticketId: integer('ticket_id'),
    /** The service line an emergency caller chose (or the only one their contract covers). */
    line: text('line'),
    /**
     * An after-hours emergency outside what the contract includes: 'billable' (the caller was told the
     * after-hours rate applies) or 'consented' (the contract excludes it and the caller pressed 1 to go
     * ahead at that rate, at `consentAt`).
     */
    afterHoursTerms: text('after_hours_terms', { enum: ['billable', 'consented'] }),
    consentAt: integer('consent_at', { mode: 'timestamp_ms' }),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('calls_started_idx').on(t.startedAt),
    index('calls_open_emergency_idx').on(t.outcome, t.emergency),
    index('calls_ticket_idx').on(t.ticketId),
  ],
);
