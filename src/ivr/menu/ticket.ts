import { escalateTicket, isOpen, ticketByNumber } from '../../tickets/index.js';
import {
  MAX_TRIES,
  attempt,
  askForRecording,
  voiceUrl,
  type CallStep,
  type IvrDeps,
  type TwimlDeps,
} from '../context.js';
import { callOf, noteOnCall, recordOutcome, type CallRow } from '../store.js';
import { gather } from '../twiml.js';
import { askSupportCode, checkSupportCode } from './support-code.js';

/** 3: the caller's client must be known (caller ID or support code) before a ticket number means anything. */
export function askTicket(deps: TwimlDeps, _step: CallStep, call: CallRow | undefined): string {
  if (call?.clientId) return askTicketNumber(deps, 1, []);
  return askSupportCode(deps, 'ticket/code', 1, []);
}

export function askTicketNumber(deps: TwimlDeps, tryNo: number, before: string[]): string {
  return gather(deps.speech, {
    before,
    prompts: [deps.speech.say('ticket_number')],
    action: voiceUrl(deps, 'ticket/number', { try: tryNo }),
    mode: 'digits',
  });
}

/**
 * No open ticket of the caller's with that number: asked again, and after the third try an ordinary
 * message instead.
 */
export function ticketNotFound(deps: TwimlDeps, tryNo: number): string {
  const notFound = deps.speech.say('ticket_not_found');
  if (tryNo >= MAX_TRIES) return askForRecording(deps, 'general', 1, [notFound]);
  return askTicketNumber(deps, tryNo + 1, [notFound]);
}

export async function ticketCode(deps: IvrDeps, step: CallStep): Promise<string> {
  return checkSupportCode(deps, step, 'ticket/code', () => askTicketNumber(deps, 1, []));
}

/** Escalates the caller's own open ticket; any other number gets the same answer, so nothing is revealed. */
export async function ticketNumber(deps: IvrDeps, step: CallStep): Promise<string> {
  const call = await callOf(deps, step);
  const number = /^\d{1,9}$/.test(step.digits) ? Number(step.digits) : undefined;
  const ticket = number !== undefined ? await ticketByNumber(deps.db.q, number) : undefined;
  const tryNo = attempt(step);
  if (!ticket || !call?.clientId || ticket.clientId !== call.clientId || !isOpen(ticket)) {
    if (tryNo >= MAX_TRIES) await noteOnCall(deps, step, 'voicemail');
    return ticketNotFound(deps, tryNo);
  }
  await escalateTicket(deps.tickets, ticket.id, step.callSid);
  if (step.callSid) {
    await recordOutcome(deps, step, 'ticket_escalated', ticket.id);
    await noteOnCall(deps, step, `ticket:${ticket.number}`);
  }
  return askForRecording(deps, 'escalation', 1, [], ticket);
}
