import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/** What became of a message in the helpdesk mailbox. */
export const INBOUND_OUTCOMES = [
  /** It opened a ticket. */
  'ticket',
  /** It was added to an existing ticket (a reply, or past the sender's hourly limit). */
  'added',
  /** An unregistered sender: told how to reach support, no ticket. */
  'refused',
  /** Automatic mail (a bounce, an out-of-office, a list): kept, never answered. */
  'ignored',
  /** It could not be read; kept in the mailbox and reported. */
  'failed',
  /** From a registered address, its sender not proven (or past its domain's hourly limit): held for staff to accept or discard. */
  'quarantined',
  /** Held, then discarded by staff. */
  'discarded',
  /** From a registered address, its sender not proven, with `unverified: refuse`: dropped, logged. */
  'dropped',
  /** Our own mail come back (it carries our X-Loop): dropped. */
  'loop',
  /** A delivery failure of our mail: recorded against the address it could not reach. */
  'bounce',
] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];

/** Who wrote, as the clients know them. */
export const SENDER_KINDS = ['contact', 'domain', 'stranger'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];

/**
 * Every message read from the mailbox, once: keyed on its Message-ID (or, without one, a digest of its
 * content), so a restart, a reconnect or a new UIDVALIDITY never takes a message twice.
 */
export const inboundMail = sqliteTable(
  'inbound_mail',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull().unique(),
    fromAddress: text('from_address'),
    /** The sender's domain: its hourly limit of new tickets counts by it. */
    fromDomain: text('from_domain'),
    /** A client's named contact, someone at a client's domain, or neither (what the domain's limit counts). */
    sender: text('sender', { enum: SENDER_KINDS }),
    toAddress: text('to_address'),
    subject: text('subject'),
    outcome: text('outcome', { enum: INBOUND_OUTCOMES }).notNull(),
    ticketId: integer('ticket_id'),
    error: text('error'),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    /** Whether its sender was proven (DKIM or DMARC), when that was checked; and how it was judged. */
    verified: integer('verified', { mode: 'boolean' }),
    verdict: text('verdict'),
    /** A held message as the tickets would take it (JSON), until staff accept or discard it. */
    held: text('held'),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('inbound_mail_from_idx').on(t.fromAddress, t.receivedAt),
    index('inbound_mail_domain_idx').on(t.fromDomain, t.receivedAt),
    index('inbound_mail_outcome_idx').on(t.outcome, t.receivedAt),
  ],
);

/** Addresses our mail could not reach, from the delivery reports that came back: recorded here, never in a conversation. */
export const mailBounces = sqliteTable('mail_bounces', {
  address: text('address').primaryKey(),
  bounces: integer('bounces').notNull(),
  firstAt: integer('first_at', { mode: 'timestamp_ms' }).notNull(),
  lastAt: integer('last_at', { mode: 'timestamp_ms' }).notNull(),
  /** The subject of the last report. */
  lastReport: text('last_report'),
});

/**
 * The message the mailbox's reader is taking, by folder, UIDVALIDITY and UID, written before it is read
 * and removed once it is taken: one still here when a reader starts was being taken when its reader died,
 * and is set aside instead of being read again.
 */
export const mailInFlight = sqliteTable('mail_in_flight', {
  uid: text('uid').primaryKey(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  /** In flight when a reader died beside others: to be taken again on its own, so that a second death names it. */
  suspect: integer('suspect', { mode: 'boolean' }).notNull().default(false),
});
