import type { Q } from '../db/index.js';
import { drawFromPackage } from '../clients/index.js';
import { fail, ok, type Outcome } from '../http/problems.js';
import { stopEscalation, ticketLabel } from '../paging/index.js';
import { clientWrote, keepClientMessage, keepSent, type ClientMessage, type NewAttachment } from './conversation.js';
import type { TicketDeps } from './deps.js';
import { factsOf, requesterOf } from './facts.js';
import { openTicket } from './open.js';
import { OPEN_STATUSES, type Priority, type TicketStatus } from './schema.js';
import * as store from './store.js';
import type { Ticket } from './store.js';
import { visibleTicketForUpdate, type Viewer } from './visible-store.js';

/**
 * What a client's contact does to their tickets in writing, on the portal: open one, write on one, say the
 * problem is solved, or reopen one. Each reaches the ticket as the same act by email would; a ticket the
 * viewer may not see is `not_found`, exactly like one that does not exist.
 */

/** A person at a client, signed in: who they are and what they may see. */
export type ClientViewer = Viewer & { name?: string };

/** What a client writes: the text and the files (already within the limits). */
export interface ClientWriting {
  body: string;
  attachments: NewAttachment[];
}

export interface NewClientTicket extends ClientWriting {
  subject: string;
  line?: string;
  priority: Priority;
}

/** How long after it was closed a client may reopen a ticket. */
export const REOPEN_WITHIN_MS = 14 * 24 * 3_600_000;

const noSuchTicket = () => fail('not_found', 'ticket_not_found', 'No such ticket');

const messageOf = (
  deps: TicketDeps,
  ticket: Ticket,
  who: ClientViewer,
  w: ClientWriting & { subject: string },
  at: Date,
): ClientMessage => {
  const messageId = deps.conversationMail.newMessageId(ticket.number);
  return {
    key: `portal:${messageId}`,
    channel: 'portal',
    from: who.email,
    fromName: who.name,
    subject: w.subject,
    body: w.body,
    messageId,
    attachments: w.attachments,
    at,
  };
};

/**
 * Opens a ticket for the viewer's client: the contract's SLA for its priority, the first message with its
 * files, and the same automatic reply as a ticket opened by email ("Re: [TK-1042] …", threaded to the
 * conversation, so that replies by email join it).
 */
export async function openForClient(deps: TicketDeps, who: ClientViewer, input: NewClientTicket): Promise<Ticket> {
  const at = deps.clock.now();
  const ticket = await deps.db.withTransaction(async (tx) => {
    const opened = await openTicket(deps, tx, {
      source: 'portal',
      clientId: who.clientId,
      contactId: who.contactId ?? undefined,
      requesterEmail: who.email,
      line: input.line,
      summary: input.subject,
      priority: input.priority,
      at,
    });
    await keepClientMessage(tx, opened.id, messageOf(deps, opened, who, input, at));
    const thread = await deps.conversationMail.threadFor(tx, opened);
    const requester = await requesterOf(tx, opened);
    await deps.pager.tellCustomer(
      tx,
      { email: who.email },
      { kind: 'email_reply', ticket: await factsOf(tx, opened), name: requester.name ?? who.name },
      { key: `portal-reply:${opened.id}`, ticketId: opened.id, thread },
    );
    await keepSent(tx, opened, {
      thread,
      to: who.email,
      body: `Automatic reply: ${ticketLabel(opened.number)} opened.`,
      at,
    });
    return opened;
  });
  deps.onOutbox();
  return ticket;
}

/** The viewer writes on a ticket: as an email reply would (a ticket waiting on them goes back in progress). */
export async function replyFromClient(
  deps: TicketDeps,
  who: ClientViewer,
  number: number,
  input: ClientWriting,
): Promise<Outcome<Ticket>> {
  const at = deps.clock.now();
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<Ticket>> => {
    const ticket = await visibleTicketForUpdate(tx, who, number);
    if (!ticket) return noSuchTicket();
    const subject = `Re: ${ticket.summary}`;
    return ok(await clientWrote(deps, tx, ticket, messageOf(deps, ticket, who, { ...input, subject }, at)));
  });
  if (result.ok) deps.onOutbox();
  return result;
}

/** Tells whoever has the ticket what the client did (by email, as a reply would be told). */
async function tellHolder(deps: TicketDeps, tx: Q, ticket: Ticket, who: ClientViewer, what: string, key: string) {
  const holder = ticket.acknowledgedBy ? deps.pager.staff(ticket.acknowledgedBy) : undefined;
  if (!holder) return;
  await deps.pager.tellStaff(
    tx,
    [holder],
    {
      kind: 'customer_replied',
      ticket: { number: ticket.number },
      from: who.name ? `${who.name} <${who.email}>` : who.email,
      excerpt: what,
    },
    { key, ticketId: ticket.id },
    ['email'],
  );
}

/** "The problem is solved": the client closes the ticket as resolved; the timeline says it was them. */
export async function solvedByClient(deps: TicketDeps, who: ClientViewer, number: number): Promise<Outcome<Ticket>> {
  const now = deps.clock.now();
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<Ticket>> => {
    const ticket = await visibleTicketForUpdate(tx, who, number);
    if (!ticket) return noSuchTicket();
    if (!OPEN_STATUSES.includes(ticket.status))
      return fail('conflict', 'ticket_closed', `${ticketLabel(number)} is already closed.`);
    const updated = await store.updateTicket(tx, ticket.id, { status: 'resolved', resolvedAt: now, updatedAt: now });
    const event = await store.addEvent(
      tx,
      ticket.id,
      now,
      'status_changed',
      { from: ticket.status, to: 'resolved', by: 'client', reason: 'the client said the problem is solved' },
      who.email,
    );
    await stopEscalation(tx, ticket.id, now);
    const drawn = await drawFromPackage(tx, ticket.clientId, 'tickets', `ticket:${ticket.id}`, 1, now);
    if (drawn)
      await store.addEvent(tx, ticket.id, now, 'note', {
        text: `billed to prepaid package (${drawn.remaining} tickets left)`,
        packageId: drawn.id,
      });
    await tellHolder(
      deps,
      tx,
      ticket,
      who,
      'The problem is solved (closed on the portal).',
      `client-solved:${event.id}`,
    );
    return ok(updated);
  });
  if (result.ok) deps.onOutbox();
  return result;
}

/** When a closed ticket was closed, for the reopening window. */
export const closedAt = (t: Ticket): Date => t.resolvedAt ?? t.updatedAt;

/** Whether the client may still reopen a closed ticket (within 14 days of its closing). */
export const mayReopen = (t: Ticket, now: Date): boolean =>
  !OPEN_STATUSES.includes(t.status) && now.getTime() - closedAt(t).getTime() <= REOPEN_WITHIN_MS;

/** The client reopens a ticket closed within the last 14 days: back with whoever had it, or new. */
export async function reopenedByClient(deps: TicketDeps, who: ClientViewer, number: number): Promise<Outcome<Ticket>> {
  const now = deps.clock.now();
  const result = await deps.db.withTransaction(async (tx): Promise<Outcome<Ticket>> => {
    const ticket = await visibleTicketForUpdate(tx, who, number);
    if (!ticket) return noSuchTicket();
    if (OPEN_STATUSES.includes(ticket.status))
      return fail('conflict', 'ticket_open', `${ticketLabel(number)} is still open.`);
    if (!mayReopen(ticket, now))
      return fail('conflict', 'reopen_too_late', `${ticketLabel(number)} was closed more than 14 days ago.`);
    const status: TicketStatus = ticket.acknowledgedBy ? 'in_progress' : 'new';
    const updated = await store.updateTicket(tx, ticket.id, { status, resolvedAt: null, updatedAt: now });
    const event = await store.addEvent(
      tx,
      ticket.id,
      now,
      'status_changed',
      { from: ticket.status, to: status, by: 'client', reason: 'reopened by the client on the portal' },
      who.email,
    );
    await tellHolder(
      deps,
      tx,
      ticket,
      who,
      'The client reopened the ticket on the portal.',
      `client-reopened:${event.id}`,
    );
    return ok(updated);
  });
  if (result.ok) deps.onOutbox();
  return result;
}
