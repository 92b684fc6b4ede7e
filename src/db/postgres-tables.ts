import { postgresTables } from './postgres-schema.js';

// drizzle-kit finds tables among a module's exports, one export each (a test checks none is missing).
export const {
  accounts,
  auditLog,
  billableEvents,
  callbackAttempts,
  callbacks,
  calls,
  clientContacts,
  clients,
  counters,
  escalations,
  jobLeases,
  oncallOverrides,
  outbox,
  packageUsage,
  serviceState,
  sessions,
  supportPackages,
  ticketEvents,
  tickets,
  voicemails,
  workLogs,
} = postgresTables;
