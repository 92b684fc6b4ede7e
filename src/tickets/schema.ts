import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { clients, clientContacts } from '../clients/schema.js';

import { PRIORITIES, type Priority } from '../config/organisation.js';

export { PRIORITIES, type Priority };

export const TICKET_STATUSES = [
  'new',
  'acknowledged',
  'in_progress',
  'waiting_on_customer',
  'resolved',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'acknowledged', 'in_progress', 'waiting_on_customer'];

export const TICKET_EVENT_TYPES = [
  'created',
  'voicemail',
  'escalated',
  'transcription',
  'priority_changed',
  'status_changed',
  'acknowledged',
  'paged',
  'transcription_sent',
  'page_delivered',
  'page_failed',
  'note',
  'work_logged',
  'sla_warning',
  'sla_breached',
  'requester_notified',
  /** Someone not paged about the ticket asked to take it, and was asked to confirm. */
  'ack_offered',
] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

export const tickets = sqliteTable(
  'tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** What callers type on the keypad and staff say on the phone (shown as TK-1042). */
    number: integer('number').notNull().unique(),
    clientId: integer('client_id').references(() => clients.id),
    contactId: integer('contact_id').references(() => clientContacts.id),
    callerNumber: text('caller_number'),
    /** Nobody could tell who called: no known caller ID and no support code. */
    unidentified: integer('unidentified', { mode: 'boolean' }).notNull(),
    emergency: integer('emergency', { mode: 'boolean' }).notNull(),
    priority: text('priority', { enum: PRIORITIES }).notNull(),
    status: text('status', { enum: TICKET_STATUSES }).notNull(),
    summary: text('summary').notNull(),
    transcription: text('transcription'),
    slaDueAt: integer('sla_due_at', { mode: 'timestamp_ms' }),
    /** When 75% of the SLA time has run (in the same clock as the deadline): the assignee is warned. */
    slaWarnAt: integer('sla_warn_at', { mode: 'timestamp_ms' }),
    slaWarnedAt: integer('sla_warned_at', { mode: 'timestamp_ms' }),
    slaBreachedAt: integer('sla_breached_at', { mode: 'timestamp_ms' }),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: integer('acknowledged_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('tickets_client_status_idx').on(t.clientId, t.status),
    index('tickets_caller_status_idx').on(t.callerNumber, t.status),
    index('tickets_status_created_idx').on(t.status, t.createdAt),
    index('tickets_sla_idx').on(t.slaDueAt),
  ],
);

/** The ticket's timeline: every call, voicemail, page, acknowledgement and change, in order. */
export const ticketEvents = sqliteTable(
  'ticket_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    type: text('type', { enum: TICKET_EVENT_TYPES }).notNull(),
    actor: text('actor'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.at)],
);

export const VOICEMAIL_KINDS = ['emergency', 'general', 'escalation'] as const;
export type VoicemailKind = (typeof VOICEMAIL_KINDS)[number];
/** What became of a recording: a ticket's voicemail, or set aside (too short, the caller was asked again). */
export const VOICEMAIL_DISPOSITIONS = ['ticket', 'too_short'] as const;
export const VOICEMAIL_SOURCES = ['record_action', 'recording_status', 'reconciliation'] as const;

/** Every recording Twilio told us about, once: keyed on RecordingSid so repeated webhooks change nothing. */
export const voicemails = sqliteTable(
  'voicemails',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recordingSid: text('recording_sid').notNull().unique(),
    callSid: text('call_sid'),
    ticketId: integer('ticket_id').references(() => tickets.id),
    kind: text('kind', { enum: VOICEMAIL_KINDS }).notNull(),
    disposition: text('disposition', { enum: VOICEMAIL_DISPOSITIONS }).notNull(),
    source: text('source', { enum: VOICEMAIL_SOURCES }).notNull(),
    callerNumber: text('caller_number'),
    recordingUrl: text('recording_url'),
    durationSeconds: integer('duration_seconds').notNull(),
    transcription: text('transcription'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('voicemails_ticket_idx').on(t.ticketId), index('voicemails_call_idx').on(t.callSid)],
);

/** Time staff spent on a ticket; billable, split by rate period like every other event. */
export const workLogs = sqliteTable(
  'work_logs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    staff: text('staff').notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }).notNull(),
    note: text('note'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('work_logs_ticket_idx').on(t.ticketId), index('work_logs_started_idx').on(t.startedAt)],
);
