import { mayDial, type StaffMember } from '../config/index.js';
import { clientById } from '../clients/index.js';
import { hurryEscalation, localTime, pagedStaff, ticketsPagedTo } from '../paging/index.js';
import { runDueEscalations } from './escalate.js';
import { acknowledge, isResponsibleFor, isOpen, nameOf } from './acknowledge.js';
import type { TicketDeps } from './deps.js';
import * as offers from './offer-store.js';
import * as store from './store.js';
import type { Ticket } from './store.js';

/** What staff can text the helpdesk number (parsed by the SMS webhook). */
export type StaffCommand =
  | { kind: 'ack'; number?: number }
  | { kind: 'confirm'; number?: number }
  | { kind: 'ack_all' }
  | { kind: 'escalate'; number: number }
  | { kind: 'call'; number: number }
  | { kind: 'help' };

/** What came of a command; the SMS webhook words the reply. */
export type StaffAnswer =
  | { kind: 'help' }
  | { kind: 'acknowledged'; number: number }
  | { kind: 'acknowledged_all'; numbers: number[]; taken: { number: number; by: string }[] }
  | { kind: 'ack_all_asked'; numbers: number[] }
  | { kind: 'ack_all_lapsed' }
  | { kind: 'escalated_now'; number: number }
  | { kind: 'escalating_at'; number: number; at: string }
  | { kind: 'not_escalating'; number: number; by?: string }
  | { kind: 'escalate_refused'; number: number }
  | { kind: 'already'; number: number; by: string }
  | { kind: 'no_open_ticket'; number: number }
  | { kind: 'offered'; number: number; whose: string }
  | { kind: 'confirm_which'; numbers: number[] }
  | { kind: 'ack_first'; number: number }
  | { kind: 'nothing_waiting' }
  | { kind: 'several_waiting'; numbers: number[] }
  | { kind: 'call_refused'; number: number }
  | { kind: 'no_caller_number'; number: number }
  | { kind: 'not_dialable'; number: number; countries: string[] }
  | { kind: 'calling'; number: number; phone: string };

/**
 * How long an escalation step is given to be answered before ESC may bring the next one: a phone rings
 * for up to a minute, then reads the page twice. Eight ESCs in a row are one step, not the whole schedule.
 */
const ESC_ANSWER_MS = 2 * 60_000;

/** How long an ACK ALL question waits for its YES. */
export const ACK_ALL_MS = 2 * 60_000;

/** How long a "take it anyway?" question stays open. */
const OFFER_MS = 30 * 60_000;

/** Whose a ticket is, in words: who was paged, and the caller. */
export async function whoseTicket(deps: TicketDeps, ticket: Ticket): Promise<string> {
  const paged = await pagedStaff(deps.db.q, ticket.id);
  const names = paged.map((id) => nameOf(deps.organisation, id)).join(' and ');
  const client = ticket.clientId ? (await clientById(deps.db.q, ticket.clientId))?.name : undefined;
  return `${paged.length ? `paged to ${names}` : 'not paged to anyone yet'}, caller ${client ?? ticket.callerNumber ?? 'an unknown caller'}`;
}

/**
 * Someone who was not paged about a ticket (nor is on call) asked to take it: a typo (ACK 1024 for
 * 1042) or the wrong person would silence a real emergency, so they are told whose it is and asked to
 * confirm with YES and the number. The question is on the ticket's timeline.
 */
export async function offerTicket(deps: TicketDeps, ticket: Ticket, staff: StaffMember): Promise<StaffAnswer> {
  await deps.db.withTransaction((tx) => store.addEvent(tx, ticket.id, deps.clock.now(), 'ack_offered', {}, staff.id));
  return { kind: 'offered', number: ticket.number, whose: await whoseTicket(deps, ticket) };
}

async function take(deps: TicketDeps, number: number, staff: StaffMember, via: 'sms' | 'link'): Promise<StaffAnswer> {
  const outcome = await acknowledge(deps, number, staff, via);
  if (outcome.result === 'acknowledged') return { kind: 'acknowledged', number };
  if (outcome.result === 'already') return { kind: 'already', number, by: outcome.by };
  return { kind: 'no_open_ticket', number };
}

/**
 * "CALL 1042": Twilio rings the engineer from the helpdesk number, then connects them to the caller,
 * who sees the helpdesk number too. The engineer's own number is never shown to a customer, and the
 * caller's number goes only to those looking after the emergency.
 */
export async function callCaller(deps: TicketDeps, staff: StaffMember, number: number): Promise<StaffAnswer> {
  const ticket = await store.ticketByNumber(deps.db.q, number);
  if (!ticket || !isOpen(ticket)) return { kind: 'no_open_ticket', number };
  if (!ticket.callerNumber) return { kind: 'no_caller_number', number };
  // Caller ID can be forged: never let it make the helpdesk ring a premium-rate or foreign line.
  const countries = deps.organisation.callbackCountries;
  if (!mayDial(countries, ticket.callerNumber)) return { kind: 'not_dialable', number, countries };
  const now = deps.clock.now();
  await deps.db.withTransaction(async (tx) => {
    const url = `${deps.publicUrl}/twilio/voice/bridge?ticket=${ticket.id}&staff=${encodeURIComponent(staff.id)}`;
    const notice = { kind: 'call' as const, url, about: `callback bridge for TK-${ticket.number}` };
    await deps.pager.ring(tx, staff, notice, {
      key: `bridge:${ticket.id}:${staff.id}:${now.getTime()}`,
      ticketId: ticket.id,
    });
    await store.addEvent(tx, ticket.id, now, 'note', { text: 'callback requested', by: staff.id }, staff.id);
  });
  deps.onOutbox();
  return { kind: 'calling', number, phone: ticket.callerNumber };
}

/** YES to an ACK ALL: each ticket it named is taken, unless someone took it meanwhile (the reply names them). */
async function takeEvery(deps: TicketDeps, staff: StaffMember, offered: number[]): Promise<StaffAnswer> {
  const numbers: number[] = [];
  const taken: { number: number; by: string }[] = [];
  for (const number of offered) {
    const outcome = await acknowledge(deps, number, staff, 'sms');
    if (outcome.result === 'acknowledged') numbers.push(number);
    else if (outcome.result === 'already' && outcome.ticket.acknowledgedBy !== staff.id)
      taken.push({ number, by: outcome.by });
  }
  return { kind: 'acknowledged_all', numbers, taken };
}

/** Answers a staff member's text to the helpdesk number. */
export async function answerStaff(deps: TicketDeps, staff: StaffMember, command: StaffCommand): Promise<StaffAnswer> {
  const open = async (n: number) => {
    const t = await store.ticketByNumber(deps.db.q, n);
    return t && isOpen(t) ? t : undefined;
  };
  switch (command.kind) {
    case 'help':
      return { kind: 'help' };
    case 'call': {
      const ticket = await open(command.number);
      if (!ticket) return { kind: 'no_open_ticket', number: command.number };
      if (!(await isResponsibleFor(deps, ticket, staff))) return { kind: 'call_refused', number: ticket.number };
      return callCaller(deps, staff, command.number);
    }
    case 'ack_all': {
      // Everything paged to this person that nobody has taken yet: named first, taken only on YES, since
      // one text would otherwise silence every escalation at once. The question is on each timeline.
      const waiting = await store.waitingTickets(deps.db.q, await ticketsPagedTo(deps.db.q, staff.id));
      if (waiting.length === 0) return { kind: 'nothing_waiting' };
      const now = deps.clock.now();
      await deps.db.withTransaction(async (tx) => {
        for (const t of waiting) await store.addEvent(tx, t.id, now, 'ack_all_offered', {}, staff.id);
      });
      return { kind: 'ack_all_asked', numbers: waiting.map((t) => t.number).sort((a, b) => a - b) };
    }
    case 'escalate': {
      const ticket = await open(command.number);
      if (!ticket) return { kind: 'no_open_ticket', number: command.number };
      if (!(await isResponsibleFor(deps, ticket, staff))) return { kind: 'escalate_refused', number: ticket.number };
      if (ticket.acknowledgedBy)
        return { kind: 'not_escalating', number: ticket.number, by: nameOf(deps.organisation, ticket.acknowledgedBy) };
      const now = deps.clock.now();
      const hurried = await deps.db.withTransaction(async (tx) => {
        const next = await hurryEscalation(tx, ticket.id, now, ESC_ANSWER_MS);
        if (next?.moved) {
          const text = `${staff.name} asked to escalate now (ESC)`;
          await store.addEvent(tx, ticket.id, now, 'note', { text }, staff.id);
        }
        return next;
      });
      if (!hurried) return { kind: 'not_escalating', number: ticket.number };
      if (hurried.nextAt > now)
        return { kind: 'escalating_at', number: ticket.number, at: localTime(deps.organisation, hurried.nextAt) };
      await runDueEscalations(deps);
      return { kind: 'escalated_now', number: ticket.number };
    }
    case 'confirm': {
      const now = deps.clock.now().getTime();
      // A bare YES first answers an ACK ALL of the last two minutes.
      if (command.number === undefined) {
        const toAll = await offers.offeredToAllSince(deps.db.q, staff.id, new Date(now - ACK_ALL_MS));
        if (toAll.length) return takeEvery(deps, staff, toAll);
      }
      const offered = await offers.offeredSince(deps.db.q, staff.id, new Date(now - OFFER_MS));
      const number = command.number ?? (offered.length === 1 ? offered[0] : undefined);
      if (number === undefined && offered.length) return { kind: 'confirm_which', numbers: offered };
      if (number === undefined) {
        const lapsed = await offers.offeredToAllSince(deps.db.q, staff.id, new Date(now - OFFER_MS));
        return lapsed.length ? { kind: 'ack_all_lapsed' } : { kind: 'help' };
      }
      if (!offered.includes(number)) return { kind: 'ack_first', number };
      return take(deps, number, staff, 'sms');
    }
    case 'ack': {
      let number = command.number;
      if (number === undefined) {
        const waiting = await store.waitingNumbers(deps.db.q, await ticketsPagedTo(deps.db.q, staff.id));
        if (waiting.length === 0) return { kind: 'nothing_waiting' };
        if (waiting.length > 1) return { kind: 'several_waiting', numbers: waiting };
        number = waiting[0]!;
      }
      const ticket = await open(number);
      if (ticket && !ticket.acknowledgedBy && !(await isResponsibleFor(deps, ticket, staff)))
        return offerTicket(deps, ticket, staff);
      return take(deps, number, staff, 'sms');
    }
  }
}

/** An acknowledgement link pressed by someone who may no longer be responsible (the shift changed since the page). */
export async function acknowledgeByLink(
  deps: TicketDeps,
  ticket: Ticket,
  staff: StaffMember,
  confirmed: boolean,
): Promise<StaffAnswer> {
  if (!confirmed && !ticket.acknowledgedBy && isOpen(ticket) && !(await isResponsibleFor(deps, ticket, staff)))
    return offerTicket(deps, ticket, staff);
  return take(deps, ticket.number, staff, 'link');
}
