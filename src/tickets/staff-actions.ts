import type { StaffMember } from '../config/index.js';
import { clientById } from '../clients/index.js';
import { hurryEscalation, localTime, pagedStaff, ticketLabel, ticketsPagedTo } from '../paging/index.js';
import { acknowledge, isOpen, isResponsibleFor, nameOf, type AckChannel } from './acknowledge.js';
import { ACK_ALL_MS, type StaffAnswer } from './answers.js';
import type { TicketDeps } from './deps.js';
import { runDueEscalations } from './escalate.js';
import * as offers from './offer-store.js';
import * as store from './store.js';
import type { Ticket } from './store.js';

/**
 * What staff can do to a ticket from wherever they are (a text, the link in a page): take it, be asked
 * to confirm taking one that is not theirs, take every emergency paged to them, hurry its escalation.
 * Each returns the outcome; the channel words it (src/tickets/answers.ts).
 */

/**
 * How long an escalation step is given to be answered before ESC may bring the next one: a phone rings
 * for up to a minute, then reads the page twice. Eight ESCs in a row are one step, not the whole schedule.
 */
const ESC_ANSWER_MS = 2 * 60_000;
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
 * confirm. The question is on the ticket's timeline.
 */
async function offerTicket(deps: TicketDeps, ticket: Ticket, staff: StaffMember): Promise<StaffAnswer> {
  await deps.db.withTransaction((tx) => store.addEvent(tx, ticket.id, deps.clock.now(), 'ack_offered', {}, staff.id));
  return { kind: 'offered', number: ticket.number, whose: await whoseTicket(deps, ticket) };
}

async function take(deps: TicketDeps, number: number, staff: StaffMember, via: AckChannel): Promise<StaffAnswer> {
  const outcome = await acknowledge(deps, number, staff, via);
  if (outcome.result === 'acknowledged') return { kind: 'acknowledged', number };
  if (outcome.result === 'already') return { kind: 'already', number, by: outcome.by };
  return { kind: 'no_open_ticket', number };
}

/** An open ticket by number. */
export async function openTicketNumbered(deps: TicketDeps, number: number): Promise<Ticket | undefined> {
  const t = await store.ticketByNumber(deps.db.q, number);
  return t && isOpen(t) ? t : undefined;
}

/**
 * "Take it" (ACK, or ACK alone for the one emergency waiting): taken at once when it is theirs to take,
 * else offered (confirmed with YES or the link's second button).
 */
export async function takeOrOffer(
  deps: TicketDeps,
  staff: StaffMember,
  number: number | undefined,
  via: AckChannel,
): Promise<StaffAnswer> {
  if (number === undefined) {
    const waiting = await store.waitingNumbers(deps.db.q, await ticketsPagedTo(deps.db.q, staff.id));
    if (waiting.length === 0) return { kind: 'nothing_waiting' };
    if (waiting.length > 1) return { kind: 'several_waiting', numbers: waiting };
    number = waiting[0]!;
  }
  const ticket = await openTicketNumbered(deps, number);
  if (ticket && !ticket.acknowledgedBy && !(await isResponsibleFor(deps, ticket, staff)))
    return offerTicket(deps, ticket, staff);
  return take(deps, number, staff, via);
}

/** The link in a page, pressed: as takeOrOffer, and the second button (`confirmed`) takes it anyway. */
export async function takeByLink(
  deps: TicketDeps,
  ticket: Ticket,
  staff: StaffMember,
  confirmed: boolean,
): Promise<StaffAnswer> {
  if (!confirmed && !ticket.acknowledgedBy && isOpen(ticket) && !(await isResponsibleFor(deps, ticket, staff)))
    return offerTicket(deps, ticket, staff);
  return take(deps, ticket.number, staff, 'link');
}

/**
 * "Take all": everything paged to this person that nobody has taken yet is named, and taken only on a
 * YES within two minutes, since one message would otherwise silence every escalation at once. The
 * question is on each timeline.
 */
export async function askToTakeAll(deps: TicketDeps, staff: StaffMember): Promise<StaffAnswer> {
  const waiting = await store.waitingTickets(deps.db.q, await ticketsPagedTo(deps.db.q, staff.id));
  if (waiting.length === 0) return { kind: 'nothing_waiting' };
  const now = deps.clock.now();
  await deps.db.withTransaction(async (tx) => {
    for (const t of waiting) await store.addEvent(tx, t.id, now, 'ack_all_offered', {}, staff.id);
  });
  return { kind: 'ack_all_asked', numbers: waiting.map((t) => t.number).sort((a, b) => a - b) };
}

/** YES to a take-all question: each ticket it named is taken, unless someone took it meanwhile (the answer names them). */
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

/** YES (with or without a number): answers the question this person was last asked. */
export async function confirmTaking(deps: TicketDeps, staff: StaffMember, number?: number): Promise<StaffAnswer> {
  const now = deps.clock.now().getTime();
  // A bare YES first answers a take-all question of the last two minutes.
  if (number === undefined) {
    const toAll = await offers.offeredToAllSince(deps.db.q, staff.id, new Date(now - ACK_ALL_MS));
    if (toAll.length) return takeEvery(deps, staff, toAll);
  }
  const offered = await offers.offeredSince(deps.db.q, staff.id, new Date(now - OFFER_MS));
  const chosen = number ?? (offered.length === 1 ? offered[0] : undefined);
  if (chosen === undefined && offered.length) return { kind: 'confirm_which', numbers: offered };
  if (chosen === undefined) {
    const lapsed = await offers.offeredToAllSince(deps.db.q, staff.id, new Date(now - OFFER_MS));
    return lapsed.length ? { kind: 'ack_all_lapsed' } : { kind: 'help' };
  }
  if (!offered.includes(chosen)) return { kind: 'ack_first', number: chosen };
  return take(deps, chosen, staff, 'sms');
}

/** "Escalate now": the next step, never sooner than the current one can be answered; an escalation never runs out. */
export async function escalateSooner(deps: TicketDeps, staff: StaffMember, number: number): Promise<StaffAnswer> {
  const ticket = await openTicketNumbered(deps, number);
  if (!ticket) return { kind: 'no_open_ticket', number };
  if (!(await isResponsibleFor(deps, ticket, staff))) return { kind: 'escalate_refused', number: ticket.number };
  if (ticket.acknowledgedBy)
    return { kind: 'not_escalating', number: ticket.number, by: nameOf(deps.organisation, ticket.acknowledgedBy) };
  const now = deps.clock.now();
  const hurried = await deps.db.withTransaction(async (tx) => {
    const next = await hurryEscalation(tx, ticket.id, now, ESC_ANSWER_MS);
    if (next?.moved)
      await store.addEvent(tx, ticket.id, now, 'note', { text: `${staff.name} asked to escalate now (ESC)` }, staff.id);
    return next;
  });
  if (!hurried) return { kind: 'not_escalating', number: ticket.number };
  if (hurried.nextAt > now)
    return { kind: 'escalating_at', number: ticket.number, at: localTime(deps.organisation, hurried.nextAt) };
  await runDueEscalations(deps);
  return { kind: 'escalated_now', number: ticket.number };
}

/**
 * Rings a staff member from the helpdesk number (Twilio fetches `bridgeUrl` when they answer, which
 * connects them to the caller). The request is on the ticket's timeline.
 */
export async function ringForCallBack(
  deps: TicketDeps,
  ticket: Ticket,
  staff: StaffMember,
  bridgeUrl: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.withTransaction(async (tx) => {
    const notice = {
      kind: 'call' as const,
      url: bridgeUrl,
      about: `callback bridge for ${ticketLabel(ticket.number)}`,
    };
    await deps.pager.ring(tx, staff, notice, {
      key: `bridge:${ticket.id}:${staff.id}:${now.getTime()}`,
      ticketId: ticket.id,
    });
    await store.addEvent(tx, ticket.id, now, 'note', { text: 'callback requested', by: staff.id }, staff.id);
  });
  deps.onOutbox();
}
