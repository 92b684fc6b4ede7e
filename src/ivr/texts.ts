import { identifyCaller } from '../clients/index.js';
import { callerIdOf, mayReplyTo } from '../config/index.js';
import { localTime, recordProviderStatus, ticketLabel } from '../paging/index.js';
import { ACK_ALL_MS, answerStaff, staffByPhone, type StaffAnswer, type StaffCommand } from '../tickets/index.js';
import type { CallStep, IvrDeps } from './context.js';
import { TEXT_LIMITS, textAllowance } from './text-limits.js';
import { noSmsReply, smsReply } from './twiml.js';

const NUMBER = String.raw`#?\s*(?:TK\s*-?\s*)?(\d{1,9})`;
const ACK = new RegExp(`^(?:ACK|A|OK)\\s*${NUMBER}$`);
const ACK_AFTER = new RegExp(`^(?:TK\\s*-?\\s*)?(\\d{1,9})\\s*(?:ACK|A|OK)$`);
const CONFIRM = new RegExp(`^(?:YES|Y)\\s*${NUMBER}$`);
const CALL = new RegExp(`^CALL\\s*${NUMBER}$`);
const ESCALATE = new RegExp(`^(?:ESC|ESCALATE)\\s*${NUMBER}$`);

/**
 * "ACK 1042", "ack1042", "1042 ack", "A 1042", "TK-1042 ACK", "YES 1042", "CALL 1042", "ACK ALL",
 * "ESC 1042", "HELP": forgiving of case and spaces.
 */
export function parseText(body: string): StaffCommand | undefined {
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
  const escalate = number(ESCALATE.exec(text));
  if (escalate !== undefined) return { kind: 'escalate', number: escalate };
  if (/^(ACK|A|OK)\s*ALL$/.test(text)) return { kind: 'ack_all' };
  if (/^(ACK|A|OK)$/.test(text)) return { kind: 'ack' };
  if (/^(YES|Y)$/.test(text)) return { kind: 'confirm' };
  if (/^(HELP|\?)$/.test(text)) return { kind: 'help' };
  return undefined;
}

/** What the SMS adapter itself answers, beside the staff commands' outcomes. */
export type TextReply =
  StaffAnswer | { kind: 'too_many'; limit: number; minutes: number; until: string } | { kind: 'calls_only' };

/** Ticket labels in a text: the first ten, then how many more. */
const labels = (numbers: number[]) =>
  numbers.length > 10
    ? `${numbers.slice(0, 10).map(ticketLabel).join(', ')} and ${numbers.length - 10} more`
    : numbers.map(ticketLabel).join(', ');

/** The reply to a text to the helpdesk number, in words. */
export function staffReply(org: string, answer: TextReply): string {
  const label = 'number' in answer ? ticketLabel(answer.number) : '';
  switch (answer.kind) {
    case 'help':
      return `${org}: ACK 1042 takes ticket 1042; ACK ALL (then YES) takes every emergency paged to you; ESC 1042 escalates it to the next step now; CALL 1042 connects you to its caller from the helpdesk number; HELP lists these.`;
    case 'ack_all_asked':
      return `ACK ALL would take ${answer.numbers.length} ${answer.numbers.length === 1 ? 'emergency' : 'emergencies'}: ${labels(answer.numbers)}. Reply YES within ${ACK_ALL_MS / 60_000} minutes to take them all.`;
    case 'ack_all_lapsed':
      return `The ACK ALL question has lapsed (YES must come within ${ACK_ALL_MS / 60_000} minutes); nothing was taken. Send ACK ALL again.`;
    case 'too_many':
      return `Too many texts from this number: Switchboard acts on ${answer.limit} every ${answer.minutes} minutes, and on none of the rest. Until ${answer.until}, take tickets by the link in the page, on Slack or on the escalation's call.`;
    case 'calls_only':
      return `${org}: this number takes calls, not texts. Call us, and press 5 for an emergency.`;
    case 'acknowledged_all':
      return [
        answer.numbers.length
          ? `${answer.numbers.map(ticketLabel).join(', ')} ${answer.numbers.length === 1 ? 'is' : 'are'} yours. The others have been told.`
          : '',
        ...answer.taken.map((t) => `${ticketLabel(t.number)} was already taken by ${t.by}.`),
      ]
        .filter(Boolean)
        .join(' ');
    case 'escalated_now':
      return `${label}: escalated to the next step now.`;
    case 'escalating_at':
      return `${label}: the last step is still being answered; the next comes at ${answer.at}.`;
    case 'not_escalating':
      return answer.by
        ? `${label} is with ${answer.by}; it is not escalating.`
        : `${label} has no escalation running (it finished, or it was never an emergency).`;
    case 'escalate_refused':
      return `ESC is for the people paged about ${label} or on call.`;
    case 'acknowledged':
      return `${label} is yours. The others have been told. Reply CALL ${answer.number} to be connected to the caller from the helpdesk number.`;
    case 'already':
      return `${label} was already taken by ${answer.by}.`;
    case 'no_open_ticket':
      return `There is no open ticket ${label}.`;
    case 'offered':
      return `${label} is ${answer.whose}. To take it anyway, reply YES ${answer.number}.`;
    case 'confirm_which':
      return `Reply YES and the ticket number: ${answer.numbers.map(ticketLabel).join(', ')}.`;
    case 'ack_first':
      return `Reply ACK ${answer.number} first.`;
    case 'nothing_waiting':
      return 'Nothing is waiting for you. To take a ticket, reply ACK and its number.';
    case 'several_waiting':
      return `Several emergencies are waiting: ${answer.numbers.map(ticketLabel).join(', ')}. Reply ACK and the number.`;
    case 'call_refused':
      return `CALL is for the people paged about ${label} or on call. Take it first: ACK ${answer.number}.`;
    case 'no_caller_number':
      return `${label} has no caller number to call back.`;
    case 'not_dialable':
      return `${label}'s caller number is not one Switchboard may dial (outside ${answer.countries.join(', ')}, or premium-rate). Call from a desk phone if it is genuine.`;
    case 'calling':
      return `Calling you now from the helpdesk number; answer and you will be connected to ${answer.phone} for ${label}.`;
  }
}

/**
 * A text to the helpdesk number: staff commands, up to their limit. A client is told once a day that the
 * number takes calls. Anyone else, and any number a reply would be costly to (premium-rate, international
 * networks), gets no reply at all: each one is paid for.
 */
export async function incomingText(deps: IvrDeps, step: CallStep): Promise<string> {
  const org = deps.organisation.name;
  const from = callerIdOf(step.form.From, deps.organisation.country);
  if (!from) return noSmsReply();
  const now = deps.clock.now();
  const staff = staffByPhone(deps.organisation, from);
  if (!staff) {
    if (!mayReplyTo(from) || !(await identifyCaller(deps.clients, from))) return noSmsReply();
    const allowed = await textAllowance(deps.db, 'client', from, now);
    return allowed.verdict === 'answer' ? smsReply(staffReply(org, { kind: 'calls_only' })) : noSmsReply();
  }
  const allowed = await textAllowance(deps.db, 'staff', from, now);
  if (allowed.verdict === 'silent') return noSmsReply();
  if (allowed.verdict === 'warn') {
    const { count, windowMs } = TEXT_LIMITS.staff;
    const until = localTime(deps.organisation, allowed.until);
    return smsReply(staffReply(org, { kind: 'too_many', limit: count, minutes: windowMs / 60_000, until }));
  }
  const command = parseText(step.form.Body ?? '') ?? { kind: 'help' as const };
  return smsReply(staffReply(org, await answerStaff(deps.tickets, staff, command)));
}

/** A text that could not be acted on: staff are told to try again; nobody else is sent anything. */
export function textNotActedOn(deps: IvrDeps, step: CallStep): string {
  const from = callerIdOf(step.form.From, deps.organisation.country);
  return staffByPhone(deps.organisation, from)
    ? smsReply('Switchboard could not act on this message just now; please try again in a minute.')
    : noSmsReply();
}

/** Twilio's delivery status for a text the service sent. */
export async function textStatus(deps: IvrDeps, step: CallStep): Promise<string> {
  if (step.form.MessageSid && step.form.MessageStatus) {
    await recordProviderStatus(
      { db: deps.db, record: deps.recordDelivery },
      step.form.MessageSid,
      step.form.MessageStatus,
      step.form.ErrorCode,
    );
  }
  return noSmsReply();
}
