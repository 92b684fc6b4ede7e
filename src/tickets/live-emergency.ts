import { pagedStaff } from '../paging/index.js';
import type { TicketDeps } from './deps.js';
import { isOpen } from './acknowledge.js';
import * as store from './store.js';
import type { Ticket } from './store.js';
import type { Q } from '../db/index.js';
import { newTicket, openedByCall, pageFor, type IncomingRecording } from './voicemail.js';

/** An emergency caller being put through to the on-call engineer (live connect), as the call knows them. */
export type LiveCall = Pick<
  IncomingRecording,
  'callerNumber' | 'clientId' | 'contactId' | 'line' | 'afterHoursTerms' | 'consentAt'
> & { callSid: string };

/**
 * Live connect: the ticket the engineer's phone announces, before anyone is paged. A caller with an open
 * emergency (within the duplicate window) keeps it; otherwise a new one is opened, its creation naming
 * the call, so that if nobody accepts, the voicemail (or the caller hanging up) pages it as new.
 */
export async function openLiveEmergency(
  deps: TicketDeps,
  call: LiveCall,
  /** Written in the same transaction (the call's note of its ticket), so neither is kept without the other. */
  alongside: (tx: Q, ticket: Ticket) => Promise<void>,
): Promise<Ticket> {
  const now = deps.clock.now();
  return deps.db.withTransaction(async (tx) => {
    const since = new Date(now.getTime() - deps.organisation.emergency.duplicateWindowMs);
    const who = { clientId: call.clientId, callerNumber: call.clientId ? undefined : call.callerNumber };
    const input = { ...call, kind: 'emergency' as const };
    const ticket =
      (await store.openEmergencySince(tx, who, since)) ??
      (await newTicket(tx, deps, input, now, { summary: 'Emergency call', detail: { liveConnect: true } })).ticket;
    await alongside(tx, ticket);
    return ticket;
  });
}

/**
 * The caller hung up while the on-call engineer's phone rang (or before it was answered and accepted),
 * so there is no voicemail to trigger the pages: the ticket this call opened is paged now, as new, to
 * everyone. Keyed on the ticket's creation, so a repeated report pages once; a ticket someone has
 * taken, one already paged, or one this call did not open, is left alone.
 */
export async function pageUnansweredLive(deps: TicketDeps, ticketId: number, callSid: string): Promise<boolean> {
  const now = deps.clock.now();
  const paged = await deps.db.withTransaction(async (tx) => {
    const live = await openedByCall(tx, ticketId, callSid);
    if (live) {
      if (!isOpen(live.ticket) || (await pagedStaff(tx, live.ticket.id)).length) return false;
      await pageFor(tx, deps, live.ticket, 'new', live.cause, undefined, now);
      // The caller hung up without hearing a ticket number: a text tells them it, as after a voicemail.
      if (live.ticket.callerNumber)
        await deps.pager.tellCustomer(
          tx,
          { phone: live.ticket.callerNumber },
          {
            kind: 'caller_confirmation',
            ticket: { number: live.ticket.number, emergency: true },
            noMessage: true,
          },
          { key: `caller:live:${callSid}`, ticketId: live.ticket.id },
        );
      return true;
    }
    // The caller's open emergency, from an earlier call: their ringing again is an escalation, as a
    // second voicemail would be; once per call.
    const open = await store.ticketByIdForUpdate(tx, ticketId);
    if (!open || !isOpen(open)) return false;
    const events = await store.eventsOf(tx, open.id);
    if (events.some((e) => e.detail?.callSid === callSid)) return false;
    const event = await store.addEvent(tx, open.id, now, 'escalated', {
      reason: 'the caller rang again and hung up before being put through',
      callSid,
    });
    await pageFor(tx, deps, open, 'escalated', event.id, undefined, now);
    return true;
  });
  if (paged) deps.onOutbox();
  return paged;
}
