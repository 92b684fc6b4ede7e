import { identifyCaller } from '../clients/index.js';
import { callerIdOf, mayReplyTo } from '../config/index.js';
import { localTime, recordProviderStatus } from '../paging/index.js';
import { answerWords, staffByPhone, type StaffAnswer, type StaffCommand } from '../tickets/index.js';
import { answerStaff } from './staff-commands.js';
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

/** The reply to a text to the helpdesk number, in words. */
export const staffReply = (org: string, answer: StaffAnswer): string => answerWords(answer, 'sms', org);

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
    ? smsReply(staffReply(deps.organisation.name, { kind: 'not_acted_on' }))
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
