import { callerIdOf } from '../config/index.js';
import { recordProviderStatus, ticketLabel } from '../paging/index.js';
import { answerStaff, staffByPhone, type StaffAnswer, type StaffCommand } from '../tickets/index.js';
import type { CallStep, IvrDeps } from './context.js';
import { smsReply } from './twiml.js';

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

/** The reply to a staff member's text, in words. */
export function staffReply(org: string, answer: StaffAnswer): string {
  const label = 'number' in answer ? ticketLabel(answer.number) : '';
  switch (answer.kind) {
    case 'help':
      return `${org}: ACK 1042 takes ticket 1042; ACK ALL takes every emergency paged to you; ESC 1042 escalates it to the next step now; CALL 1042 connects you to its caller from the helpdesk number; HELP lists these.`;
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

/** A text to the helpdesk number: staff commands; anyone else is told the number takes calls. */
export async function incomingText(deps: IvrDeps, step: CallStep): Promise<string> {
  const org = deps.organisation.name;
  const staff = step.form.From
    ? staffByPhone(deps.organisation, callerIdOf(step.form.From, deps.organisation.country))
    : undefined;
  if (!step.form.From) return smsReply('Switchboard could not tell who sent this message.');
  if (!staff) return smsReply(`${org}: this number takes calls, not texts. Call us, and press 5 for an emergency.`);
  const command = parseText(step.form.Body ?? '') ?? { kind: 'help' as const };
  return smsReply(staffReply(org, await answerStaff(deps.tickets, staff, command)));
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
  return '<?xml version="1.0" encoding="UTF-8"?><Response/>';
}
