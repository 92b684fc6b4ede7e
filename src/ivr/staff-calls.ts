import { callbackById, noteCallbackCall } from '../callbacks/index.js';
import { acknowledge, noteOnTicket, ticketById } from '../tickets/index.js';
import { connectToCustomer, endConnection } from './connect.js';
import {
  answeredByMachine,
  attempt,
  callerName,
  spellNumber,
  staffOf,
  voiceUrl,
  type CallStep,
  type IvrDeps,
} from './context.js';
import { empty, gather, sayAndHangUp } from './twiml.js';

/**
 * The escalation's phone call to an engineer or architect: it reads the emergency and asks for 1.
 * An answering machine, or no key, is not an acknowledgement; the schedule goes on.
 */
export async function pageCall(deps: IvrDeps, step: CallStep): Promise<string> {
  const s = deps.speech;
  const ticket = await ticketById(deps.db.q, Number(step.query.ticket));
  const staff = staffOf(deps, step);
  if (!ticket || !staff) return sayAndHangUp(s, [s.say('page_not_valid')]);
  const number = spellNumber(ticket.number);
  const about = s.say('page_about', { number, client: await callerName(deps, ticket), org: deps.organisation.name });
  if (answeredByMachine(step)) return sayAndHangUp(s, [`${about} ${s.say('page_check_messages', { number })}`]);
  if (ticket.acknowledgedBy) return sayAndHangUp(s, [`${about} ${s.say('page_already_taken')}`]);
  const action = `${deps.publicUrl}/twilio/voice/page-ack?ticket=${ticket.id}&staff=${encodeURIComponent(staff.id)}`;
  const press = s.say('page_press_1');
  return gather(s, { prompts: [about, press, about, press], action, mode: 'key', timeoutSeconds: 8 });
}

/**
 * 1 on the escalation's call takes the ticket, and says so. Any other key is said back ("You pressed
 * 2…") and the question asked once more, so a slip of the finger at 3 a.m. is heard, not guessed at.
 */
export async function pageAck(deps: IvrDeps, step: CallStep): Promise<string> {
  const s = deps.speech;
  const ticket = await ticketById(deps.db.q, Number(step.query.ticket));
  const staff = staffOf(deps, step);
  const key = step.digits.slice(0, 1);
  if (ticket && staff && key && key !== '1' && attempt(step) < 2) {
    return gather(s, {
      before: [s.say('page_key_heard', { key })],
      prompts: [s.say('page_press_1')],
      action: voiceUrl(deps, 'page-ack', { ticket: ticket.id, staff: staff.id, try: 2 }),
      mode: 'key',
      timeoutSeconds: 8,
    });
  }
  if (!ticket || !staff || key !== '1')
    return sayAndHangUp(s, [
      ...(key && key !== '1' ? [s.say('page_key_heard', { key })] : []),
      s.say('page_not_acknowledged'),
    ]);
  const outcome = await acknowledge(deps.tickets, ticket.number, staff, 'phone');
  const number = spellNumber(ticket.number);
  if (outcome.result === 'acknowledged') return sayAndHangUp(s, [s.say('page_taken', { number })]);
  if (outcome.result === 'already') return sayAndHangUp(s, [s.say('page_taken_by', { number, name: outcome.by })]);
  return sayAndHangUp(s, [s.say('page_closed')]);
}

/** How an outgoing call ended: nothing to do (the escalation goes on until someone takes the ticket). */
export const outboundStatus = async (): Promise<string> => empty();

/** "CALL 1042": the engineer has answered; connect them to the caller from the helpdesk number. */
export async function bridge(deps: IvrDeps, step: CallStep): Promise<string> {
  const ticket = await ticketById(deps.db.q, Number(step.query.ticket));
  const staff = staffOf(deps, step);
  if (!ticket?.callerNumber || !staff) return sayAndHangUp(deps.speech, [deps.speech.say('bridge_not_valid')]);
  return connectToCustomer(deps, step, {
    to: ticket.callerNumber,
    clientId: ticket.clientId,
    contactId: ticket.contactId,
    ticketId: ticket.id,
    path: `bridge:${staff.id}`,
    before: [deps.speech.say('bridge_connecting', { number: spellNumber(ticket.number) })],
    action: `${deps.publicUrl}/twilio/voice/bridge-done?ticket=${ticket.id}`,
  });
}

export async function bridgeDone(deps: IvrDeps, step: CallStep): Promise<string> {
  const ended = await endConnection(deps, step);
  const ticketId = Number(step.query.ticket);
  if (Number.isInteger(ticketId)) {
    await noteOnTicket(deps.tickets, ticketId, {
      text: ended.answered ? 'called the customer back' : `callback not answered (${ended.status})`,
      seconds: ended.seconds,
    });
  }
  return sayAndHangUp(deps.speech, ended.answered ? [] : [deps.speech.say('customer_no_answer')]);
}

/**
 * The staff member has answered the helpdesk's call for a queued callback: dial the customer with the
 * helpdesk number as caller ID, and note the call (billed as a bridged call).
 */
export async function callbackCall(deps: IvrDeps, step: CallStep): Promise<string> {
  const callback = await callbackById(deps.callbacks, Number(step.query.callback));
  const staff = staffOf(deps, step);
  if (!callback || !staff || callback.claimedBy !== staff.id || !['claimed', 'calling'].includes(callback.status)) {
    return sayAndHangUp(deps.speech, [deps.speech.say('callback_not_yours')]);
  }
  return connectToCustomer(deps, step, {
    to: callback.phone,
    clientId: callback.clientId,
    contactId: callback.contactId,
    ticketId: callback.ticketId,
    path: `callback:${callback.id}:${staff.id}`,
    before: [deps.speech.say('callback_connecting')],
    action: `${deps.publicUrl}/twilio/voice/callback-done?callback=${callback.id}&staff=${encodeURIComponent(staff.id)}`,
  });
}

export async function callbackDone(deps: IvrDeps, step: CallStep): Promise<string> {
  const ended = await endConnection(deps, step);
  const id = Number(step.query.callback);
  if (Number.isInteger(id) && step.query.staff) await noteCallbackCall(deps.callbacks, id, step.query.staff, ended);
  return sayAndHangUp(deps.speech, ended.answered ? [] : [deps.speech.say('callback_no_answer')]);
}
