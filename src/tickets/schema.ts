import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { clients, clientContacts } from '../clients/schema.js';
import { storedFiles } from '../files/schema.js';

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
  /** ACK ALL named the ticket among those it would take; YES within two minutes takes them. */
  'ack_all_offered',
  /** A message of the email conversation: from the requester, or sent to them. */
  'email_received',
  'email_sent',
  /** A client wrote on the portal. */
  'portal_message',
] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

/** How a ticket came in: a call, the helpdesk mailbox, the clients' portal, or the API. */
export const TICKET_SOURCES = ['phone', 'email', 'portal', 'api'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

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
    /** An after-hours emergency billed on top of the contract (told, or consented to by the caller). */
    billable: integer('billable', { mode: 'boolean' }).notNull().default(false),
    source: text('source', { enum: TICKET_SOURCES }).notNull().default('phone'),
    /** The service line (software, network operations...): from the address an email was sent to. */
    line: text('line'),
    /** Who wrote, when the ticket came by email from an address that is not a contact's. */
    requesterEmail: text('requester_email'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('tickets_source_created_idx').on(t.source, t.createdAt),
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
    /** A transcript asked of a speech service for this recording: its id there, once it has one. */
    transcriptId: text('transcript_id'),
    /** When the transcript was last asked for (or looked at): a request that failed is asked again later. */
    transcriptAskedAt: integer('transcript_asked_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('voicemails_ticket_idx').on(t.ticketId),
    index('voicemails_call_idx').on(t.callSid),
    index('voicemails_transcript_idx').on(t.transcriptId),
  ],
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

/** `in`: the client wrote it; `out`: the helpdesk wrote it (to the client, or an internal note). */
export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;
/** Where a message came from: the client's email or portal, the phone (a summary), or staff (dashboard, API). */
export const MESSAGE_CHANNELS = ['email', 'portal', 'phone', 'staff'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/**
 * A ticket's conversation, each message once, whichever way it came: what the client wrote (the text
 * shown with quoted history trimmed, the original kept), what the helpdesk sent them, and staff's
 * internal notes (never sent, never shown to the client). Messages that travel by email keep the
 * headers that thread them.
 */
export const ticketMessages = sqliteTable(
  'ticket_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: MESSAGE_DIRECTIONS }).notNull(),
    channel: text('channel', { enum: MESSAGE_CHANNELS }).notNull().default('email'),
    /** Staff only: never sent to the client, never shown on the portal. */
    internal: integer('internal', { mode: 'boolean' }).notNull().default(false),
    /**
     * The Message-ID, without angle brackets: how replies by email name this message (every message has
     * one, minted where it did not come by email). Not unique: devices such as UPS units send every
     * message as <1@localhost>, and each is a message of its own.
     */
    messageId: text('message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    /** The client's address, or `helpdesk` for what the helpdesk wrote. */
    fromAddress: text('from_address').notNull(),
    /** Where it was sent; empty for a note or a message on the portal. */
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    /** What the timeline shows: the new text, quoted history trimmed. */
    body: text('body').notNull(),
    /** The whole text as received (or sent). */
    original: text('original').notNull(),
    /** Sent by Switchboard itself (an automatic reply or a notice), not by a person. */
    automatic: integer('automatic', { mode: 'boolean' }).notNull().default(false),
    /** Its sender's address was not proven (taken under `unverified: accept`, not accepted by staff). */
    unverified: integer('unverified', { mode: 'boolean' }).notNull().default(false),
    staffId: text('staff_id'),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('ticket_messages_ticket_idx').on(t.ticketId, t.at),
    index('ticket_messages_message_id_idx').on(t.messageId),
    index('ticket_messages_from_idx').on(t.fromAddress, t.at),
  ],
);

/** A file that came with a message; one over the size limit is listed without its content. */
export const ticketAttachments = sqliteTable(
  'ticket_attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id')
      .notNull()
      .references(() => ticketMessages.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    /** Its bytes (src/files); null when the file was not kept (over the limit or the client's quota: the timeline says so). */
    fileId: integer('file_id').references(() => storedFiles.id),
  },
  (t) => [index('ticket_attachments_message_idx').on(t.messageId), index('ticket_attachments_file_idx').on(t.fileId)],
);
