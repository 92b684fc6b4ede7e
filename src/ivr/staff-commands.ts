import { mayDial, type StaffMember } from '../config/index.js';
import {
  askToTakeAll,
  confirmTaking,
  escalateSooner,
  isResponsibleFor,
  openTicketNumbered,
  ringForCallBack,
  takeOrOffer,
  type StaffAnswer,
  type StaffCommand,
  type TicketDeps,
} from '../tickets/index.js';

/**
 * "CALL 1042": Twilio rings the engineer from the helpdesk number, then connects them to the caller,
 * who sees the helpdesk number too. The engineer's own number is never shown to a customer, and the
 * caller's number goes only to those looking after the emergency.
 */
export async function callCaller(deps: TicketDeps, staff: StaffMember, number: number): Promise<StaffAnswer> {
  const ticket = await openTicketNumbered(deps, number);
  if (!ticket) return { kind: 'no_open_ticket', number };
  if (!ticket.callerNumber) return { kind: 'no_caller_number', number };
  // Caller ID can be forged: never let it make the helpdesk ring a premium-rate or foreign line.
  const countries = deps.organisation.callbackCountries;
  if (!mayDial(countries, ticket.callerNumber)) return { kind: 'not_dialable', number, countries };
  const url = `${deps.publicUrl}/twilio/voice/bridge?ticket=${ticket.id}&staff=${encodeURIComponent(staff.id)}`;
  await ringForCallBack(deps, ticket, staff, url);
  return { kind: 'calling', number, phone: ticket.callerNumber };
}

/** A staff member's text to the helpdesk number, parsed: each command to what the tickets do with it. */
export async function answerStaff(deps: TicketDeps, staff: StaffMember, command: StaffCommand): Promise<StaffAnswer> {
  switch (command.kind) {
    case 'help':
      return { kind: 'help' };
    case 'ack':
      return takeOrOffer(deps, staff, command.number, 'sms');
    case 'confirm':
      return confirmTaking(deps, staff, command.number);
    case 'ack_all':
      return askToTakeAll(deps, staff);
    case 'escalate':
      return escalateSooner(deps, staff, command.number);
    case 'call': {
      const ticket = await openTicketNumbered(deps, command.number);
      if (!ticket) return { kind: 'no_open_ticket', number: command.number };
      if (!(await isResponsibleFor(deps, ticket, staff))) return { kind: 'call_refused', number: ticket.number };
      return callCaller(deps, staff, command.number);
    }
  }
}
