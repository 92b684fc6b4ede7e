import type { ReadQ } from '../db/index.js';
import { clientById } from '../clients/index.js';
import type { TicketFacts } from '../paging/index.js';
import type { Ticket } from './store.js';

/** What messages say about a ticket: its own fields, and who the client and contact are. */
export async function factsOf(q: ReadQ, ticket: Ticket): Promise<TicketFacts> {
  const client = ticket.clientId ? await clientById(q, ticket.clientId) : undefined;
  const contact = client?.contacts.find((c) => c.id === ticket.contactId);
  return {
    number: ticket.number,
    priority: ticket.priority,
    emergency: ticket.emergency,
    callerNumber: ticket.callerNumber,
    client: client?.name,
    contact: contact?.name,
    transcription: ticket.transcription,
    createdAt: ticket.createdAt,
    slaDueAt: ticket.slaDueAt,
  };
}

/** Who asked: the ticket's contact (email and phone), or for an unknown caller the number they called from. */
export async function requesterOf(
  q: ReadQ,
  ticket: Ticket,
): Promise<{ name?: string; email?: string; phone?: string }> {
  const client = ticket.clientId ? await clientById(q, ticket.clientId) : undefined;
  const contact = client?.contacts.find((c) => c.id === ticket.contactId);
  return {
    name: contact?.name,
    email: contact?.email ?? ticket.requesterEmail ?? undefined,
    phone: contact?.phone ?? ticket.callerNumber ?? undefined,
  };
}
