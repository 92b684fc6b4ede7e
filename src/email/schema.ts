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
] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];

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
    toAddress: text('to_address'),
    subject: text('subject'),
    outcome: text('outcome', { enum: INBOUND_OUTCOMES }).notNull(),
    ticketId: integer('ticket_id'),
    error: text('error'),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('inbound_mail_from_idx').on(t.fromAddress, t.receivedAt),
    index('inbound_mail_outcome_idx').on(t.outcome, t.receivedAt),
  ],
);
