import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import { callerIdOf, type StaffMember } from '../config/index.js';
import { tickets, ticketEvents } from '../tickets/schema.js';
import { addEvent, ticketByNumber, type Ticket } from '../tickets/repository.js';
import { OPEN_STATUSES } from '../tickets/schema.js';
import { clientById } from '../clients/repository.js';
import { acknowledge, isResponsibleFor, pagedStaff, staffByPhone, type AckDeps } from './ack.js';
import { requestBridge, type BridgeDeps } from './bridge.js';
import { outbox } from './schema.js';
import { ticketLabel } from '../tickets/label.js';

/** What staff can text the helpdesk number. */
export type TextCommand =
  | { kind: 'ack'; number?: number }
  | { kind: 'confirm'; number?: number }
  | { kind: 'call'; number: number }
  | { kind: 'help' }
  | { kind: 'unknown' };

const NUMBER = String.raw`#?\s*(?:TK\s*-?\s*)?(\d{1,9})`;
const ACK = new RegExp(`^(?:ACK|A|OK)\\s*${NUMBER}$`);
const ACK_AFTER = new RegExp(`^(?:TK\\s*-?\\s*)?(\\d{1,9})\\s*(?:ACK|A|OK)$`);
const CONFIRM = new RegExp(`^(?:YES|Y)\\s*${NUMBER}$`);
const CALL = new RegExp(`^CALL\\s*${NUMBER}$`);

/** "ACK 1042", "ack1042", "1042 ack", "A 1042", "TK-1042 ACK", "YES 1042", "CALL 1042": forgiving of case and spaces. */
export function parseText(body: string): TextCommand {
  const text = body
    .toUpperCase()
    .replace(/[^A-Z0-9#-]+/g, ' ')
    .trim();
  const number = (m: RegExpExecArray | null) => (m ? Number(m[1]) : undefined);
  const ack = number(ACK.exec(text)) ?? number(ACK_AFTER.exec(text));
  if (ack !== undefined) return { kind: 'ack', number: ack };
  const confirm = number(CONFIRM.exec(text));
  if (confirm !== undefined) return { kind: 'confirm', number: confirm };
  const call = number(CALL.exec(text));
  if (call !== undefined) return { kind: 'call', number: call };
  if (/^(ACK|A|OK)$/.test(text)) return { kind: 'ack' };
  if (/^(YES|Y)$/.test(text)) return { kind: 'confirm' };
  if (/^(HELP|\?)$/.test(text) || text === '') return text ? { kind: 'help' } : { kind: 'unknown' };
  return { kind: 'unknown' };
}

/** The acknowledgement half of parseText, as the acknowledgement tests read it. */
export function parseAckReply(body: string): { kind: 'ack'; number?: number } | { kind: 'unknown' } {
  const parsed = parseText(body);
  return parsed.kind === 'ack' ? parsed : { kind: 'unknown' };
}

/** Emergencies paged to this person that nobody has taken yet, newest first. */
function waitingFor(deps: AckDeps, staffId: string): number[] {
  const paged = deps.db
    .selectDistinct({ ticketId: outbox.ticketId })
    .from(outbox)
    .where(and(eq(outbox.staffId, staffId), eq(outbox.purpose, 'page')))
    .all();
  const ids = paged.map((r) => r.ticketId!).filter(Boolean);
  if (ids.length === 0) return [];
  return deps.db
    .select({ number: tickets.number })
    .from(tickets)
    .where(and(inArray(tickets.id, ids), eq(tickets.status, 'new')))
    .orderBy(desc(tickets.createdAt))
    .all()
    .map((t) => t.number);
}

/** How long a "take it anyway?" question stays open. */
const OFFER_MS = 30 * 60_000;

/** Tickets this person was asked to confirm taking, within the last half hour, newest first. */
function offeredTo(deps: AckDeps, staffId: string): number[] {
  const since = new Date(deps.clock.now().getTime() - OFFER_MS);
  return deps.db
    .selectDistinct({ number: tickets.number })
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .where(
      and(
        eq(ticketEvents.type, 'ack_offered'),
        eq(ticketEvents.actor, staffId),
        gte(ticketEvents.at, since),
        inArray(tickets.status, [...OPEN_STATUSES]),
      ),
    )
    .orderBy(desc(tickets.number))
    .all()
    .map((r) => r.number);
}

/** Whose a ticket is, in words: who was paged (or is on it), and the caller. */
export function whoseTicket(deps: AckDeps, ticket: Ticket): string {
  const names = (ids: string[]) =>
    ids.map((id) => deps.organisation.staff.find((s) => s.id === id)?.name ?? id).join(' and ');
  const paged = pagedStaff(deps.db, ticket.id);
  const caller =
    (ticket.clientId ? clientById(deps.db, ticket.clientId)?.name : undefined) ??
    ticket.callerNumber ??
    'an unknown caller';
  return `${paged.length ? `paged to ${names(paged)}` : 'not paged to anyone yet'}, caller ${caller}`;
}

/**
 * Someone who was not paged about a ticket (nor is on call) asked to take it: a typo (ACK 1024 for
 * 1042) or the wrong person would silence a real emergency, so they are told whose it is and asked
 * to confirm with YES and the number. The question is on the ticket's timeline.
 */
export function offerTicket(deps: AckDeps, ticket: Ticket, staff: StaffMember): string {
  addEvent(deps.db, ticket.id, deps.clock.now(), 'ack_offered', {}, staff.id);
  return `${ticketLabel(ticket.number)} is ${whoseTicket(deps, ticket)}. To take it anyway, reply YES ${ticket.number}.`;
}

function take(deps: AckDeps, number: number, staff: StaffMember): string {
  const outcome = acknowledge(deps, number, staff, 'sms');
  if (outcome.result === 'acknowledged')
    return `${ticketLabel(number)} is yours. The others have been told. Reply CALL ${number} to be connected to the caller from the helpdesk number.`;
  if (outcome.result === 'already') return `${ticketLabel(number)} was already taken by ${outcome.by}.`;
  return `There is no open ticket ${ticketLabel(number)}.`;
}

const HELP = (org: string) =>
  `${org}: reply ACK and a ticket number to take an emergency (ACK 1042), CALL 1042 to be connected to its caller from the helpdesk number.`;

/** Answers a text sent to the helpdesk number; only staff can act on tickets. */
export function replyToText(deps: BridgeDeps, from: string, body: string): string {
  const staff = staffByPhone(deps.organisation, callerIdOf(from, deps.organisation.country));
  if (!staff)
    return `${deps.organisation.name}: this number takes calls, not texts. Call us, and press 5 for an emergency.`;
  const command = parseText(body);
  const open = (n: number) => {
    const t = ticketByNumber(deps.db, n);
    return t && OPEN_STATUSES.includes(t.status) ? t : undefined;
  };
  switch (command.kind) {
    case 'help':
    case 'unknown':
      return HELP(deps.organisation.name);
    case 'call': {
      const ticket = open(command.number);
      if (!ticket) return `There is no open ticket ${ticketLabel(command.number)}.`;
      // The caller's number is theirs to share only with the people looking after the emergency.
      if (!isResponsibleFor(deps, ticket, staff))
        return `CALL is for the people paged about ${ticketLabel(ticket.number)} or on call. Take it first: ACK ${ticket.number}.`;
      return requestBridge(deps, staff, command.number);
    }
    case 'confirm': {
      const offered = offeredTo(deps, staff.id);
      const number = command.number ?? (offered.length === 1 ? offered[0] : undefined);
      if (number === undefined)
        return offered.length
          ? `Reply YES and the ticket number: ${offered.map(ticketLabel).join(', ')}.`
          : HELP(deps.organisation.name);
      if (!offered.includes(number)) return `Reply ACK ${number} first.`;
      return take(deps, number, staff);
    }
    case 'ack': {
      let number = command.number;
      if (number === undefined) {
        const waiting = waitingFor(deps, staff.id);
        if (waiting.length === 0) return 'Nothing is waiting for you. To take a ticket, reply ACK and its number.';
        if (waiting.length > 1)
          return `Several emergencies are waiting: ${waiting.map(ticketLabel).join(', ')}. Reply ACK and the number.`;
        number = waiting[0]!;
      }
      const ticket = open(number);
      if (ticket && !ticket.acknowledgedBy && !isResponsibleFor(deps, ticket, staff))
        return offerTicket(deps, ticket, staff);
      return take(deps, number, staff);
    }
  }
}
