import type { Q } from '../db/index.js';
import type { TicketDeps } from './deps.js';
import type { Priority, TicketSource } from './schema.js';
import { slaClock, slaTargetsFor } from './sla.js';
import * as store from './store.js';
import type { Ticket } from './store.js';

/** A ticket someone asked for in writing (by email or the portal): who, about what, on which line. */
export interface WrittenRequest {
  source: Exclude<TicketSource, 'phone'>;
  clientId?: number;
  contactId?: number;
  /** The address that asked, when it is not a contact's (a colleague at the client's domain, or a stranger). */
  requesterEmail?: string;
  line?: string;
  summary: string;
  priority: Priority;
  at: Date;
}

/**
 * Opens a ticket for a written request: the next number, the SLA of the client's contract level for its
 * priority, and the timeline's first entry. A request from nobody the clients know is flagged
 * "sender not identified".
 */
export async function openTicket(deps: TicketDeps, tx: Q, r: WrittenRequest): Promise<Ticket> {
  const unidentified = !r.clientId;
  const ticket = await store.insertTicket(tx, {
    clientId: r.clientId ?? null,
    contactId: r.contactId ?? null,
    callerNumber: null,
    unidentified,
    emergency: false,
    priority: r.priority,
    status: 'new',
    summary: (r.summary.trim() || '(no subject)').slice(0, 200),
    source: r.source,
    line: r.line ?? null,
    requesterEmail: r.contactId ? null : (r.requesterEmail?.toLowerCase() ?? null),
    ...slaClock(deps.calendar, await slaTargetsFor(tx, deps.organisation, r.clientId), r.priority, r.at),
    createdAt: r.at,
    updatedAt: r.at,
  });
  await store.addEvent(tx, ticket.id, r.at, 'created', {
    priority: r.priority,
    emergency: false,
    unidentified,
    source: r.source,
    line: r.line ?? null,
    ...(unidentified ? { note: 'sender not identified' } : {}),
  });
  return ticket;
}
