import { canText } from '../config/index.js';
import { errorMessage, type Q } from '../db/index.js';
import type { RequesterChange } from '../paging/index.js';
import type { TicketDeps } from './deps.js';
import { keepSent } from './conversation.js';
import { factsOf, requesterOf } from './facts.js';
import { addEvent, type Ticket } from './store.js';

/**
 * Tells the requester about a change, by email and (where the number takes texts) SMS, in the
 * caller's transaction. `eventId` (the timeline entry of the change) keys the messages, so a change
 * is announced once. `skipSms` leaves out the text when the caller already got one (a new voicemail).
 */
export async function notifyRequester(
  deps: Pick<TicketDeps, 'pager' | 'conversationMail'>,
  tx: Q,
  ticket: Ticket,
  change: RequesterChange,
  eventId: number,
  now: Date,
  options: { skipSms?: boolean } = {},
): Promise<void> {
  const who = await requesterOf(tx, ticket);
  const phone = who.phone && !options.skipSms && canText(who.phone) ? who.phone : undefined;
  const notice = { kind: 'requester' as const, change, ticket: await factsOf(tx, ticket), name: who.name };
  // A ticket asked for in writing (email, the portal) answers in its conversation: "Re: [TK-1042] …", threaded.
  const written = ticket.source === 'email' || ticket.source === 'portal';
  const thread = written && who.email ? await deps.conversationMail.threadFor(tx, ticket) : undefined;
  const channels = await deps.pager.tellCustomer(tx, { email: who.email, phone }, notice, {
    key: `requester:${eventId}`,
    ticketId: ticket.id,
    thread,
  });
  if (thread && channels.includes('email'))
    await keepSent(tx, ticket, {
      thread,
      to: who.email!,
      body: `Notice to the requester: ${change.kind.replace(/_/g, ' ')}.`,
      at: now,
    });
  if (channels.length) await addEvent(tx, ticket.id, now, 'requester_notified', { change: change.kind, channels });
}

/**
 * For the paths that must never fail because of a courtesy message (a voicemail becoming a ticket, an
 * acknowledgement): the notice is written in a savepoint, and if anything in it fails, only it is
 * undone and the timeline says so; the caller's transaction goes on.
 */
export async function notifyRequesterSafely(
  deps: Pick<TicketDeps, 'pager' | 'db' | 'conversationMail'>,
  tx: Q,
  ticket: Ticket,
  change: RequesterChange,
  eventId: number,
  now: Date,
  options: { skipSms?: boolean } = {},
): Promise<void> {
  try {
    await deps.db.savepoint(tx, (inner) => notifyRequester(deps, inner, ticket, change, eventId, now, options));
  } catch (err) {
    await addEvent(tx, ticket.id, now, 'note', {
      text: `the requester could not be told (${change.kind})`,
      error: errorMessage(err).slice(0, 300),
    });
  }
}
