import { pgSequence } from 'drizzle-orm/pg-core';
import { postgresTables } from './postgres-schema.js';

/**
 * Ticket numbers on PostgreSQL: a sequence hands them out without a lock held to the commit, so
 * instances (and one instance's concurrent work) open tickets side by side. A number taken by a
 * transaction that then fails is skipped. SQLite, with one writer, uses the `counters` row.
 */
export const ticketNumberSeq = pgSequence('ticket_number_seq');

// drizzle-kit finds tables among a module's exports, one export each (a test checks none is missing).
export const {
  accounts,
  announcements,
  auditLog,
  billableEvents,
  callbackAttempts,
  callbacks,
  calls,
  clientContacts,
  clientDomains,
  clients,
  counters,
  escalations,
  inboundMail,
  jobLeases,
  oncallOverrides,
  outbox,
  packageUsage,
  serviceState,
  sessions,
  supportPackages,
  ticketAttachments,
  ticketEvents,
  ticketMessages,
  tickets,
  voicemails,
  workLogs,
} = postgresTables;
