import type { Router } from 'express';
import { mayDial, type StaffMember } from '../config/index.js';
import type { BusinessCalendar } from '../calendar/index.js';
import { callStep } from '../ivr/routes.js';
import { sayAndHangUp } from '../ivr/twiml.js';
import { spellDigits, type Speech } from '../ivr/index.js';
import { connectToCustomer, endConnection } from '../ivr/connect.js';
import { addEvent, ticketById, ticketByNumber } from '../tickets/repository.js';
import { OPEN_STATUSES } from '../tickets/schema.js';
import { enqueue } from './outbox.js';
import type { AckDeps } from './ack.js';
import { ticketLabel } from '../tickets/label.js';

export interface BridgeDeps extends AckDeps {
  publicUrl: string;
  speech: Speech;
  calendar: BusinessCalendar;
}

/**
 * "CALL 1042": Twilio rings the engineer from the helpdesk number, then connects them to the caller,
 * who sees the helpdesk number too. The engineer's own number is never shown to a customer.
 */
export function requestBridge(deps: BridgeDeps, staff: StaffMember, ticketNumber: number): string {
  const ticket = ticketByNumber(deps.db, ticketNumber);
  if (!ticket || !OPEN_STATUSES.includes(ticket.status)) return `There is no open ticket ${ticketLabel(ticketNumber)}.`;
  if (!ticket.callerNumber) return `${ticketLabel(ticketNumber)} has no caller number to call back.`;
  // Caller ID can be forged: never let it make the helpdesk ring a premium-rate or foreign line.
  if (!mayDial(deps.organisation.callbackCountries, ticket.callerNumber)) {
    return `${ticketLabel(ticketNumber)}'s caller number is not one Switchboard may dial (outside ${deps.organisation.callbackCountries.join(', ')}, or premium-rate). Call from a desk phone if it is genuine.`;
  }
  const now = deps.clock.now();
  enqueue(deps.db, [
    {
      dedupeKey: `bridge:${ticket.id}:${staff.id}:${now.getTime()}`,
      channel: 'voice',
      purpose: 'notice',
      recipient: staff.phone,
      staffId: staff.id,
      ticketId: ticket.id,
      body: `callback bridge for ${ticketLabel(ticket.number)}`,
      payload: {
        url: `${deps.publicUrl}/twilio/voice/bridge?ticket=${ticket.id}&staff=${encodeURIComponent(staff.id)}`,
      },
      nextAttemptAt: now,
      createdAt: now,
    },
  ]);
  addEvent(deps.db, ticket.id, now, 'note', { text: 'callback requested', by: staff.id }, staff.id);
  deps.onOutbox();
  return `Calling you now from the helpdesk number; answer and you will be connected to ${ticket.callerNumber} for ${ticketLabel(ticket.number)}.`;
}

export function bridgeRoutes(deps: BridgeDeps): (router: Router) => void {
  return (router) => {
    router.post('/voice/bridge', (req, res) => {
      const step = callStep(req);
      const ticket = ticketById(deps.db, Number(step.query.ticket));
      const staff = deps.organisation.staff.find((s) => s.id === step.query.staff);
      if (!ticket?.callerNumber || !staff)
        return void res
          .type('text/xml')
          .send(sayAndHangUp(deps.speech, ['This callback is no longer valid. Goodbye.']));
      res.type('text/xml').send(
        connectToCustomer(deps, step, {
          to: ticket.callerNumber,
          clientId: ticket.clientId,
          contactId: ticket.contactId,
          ticketId: ticket.id,
          path: `bridge:${staff.id}`,
          before: [`Connecting you to the caller of ticket ${spellDigits(String(ticket.number))}.`],
          action: `${deps.publicUrl}/twilio/voice/bridge-done?ticket=${ticket.id}`,
        }),
      );
    });
    router.post('/voice/bridge-done', (req, res) => {
      const step = callStep(req);
      const ticket = ticketById(deps.db, Number(step.query.ticket));
      const { answered, seconds, status } = endConnection(deps, step);
      if (ticket)
        addEvent(deps.db, ticket.id, deps.clock.now(), 'note', {
          text: answered ? 'called the customer back' : `callback not answered (${status})`,
          seconds,
        });
      res.type('text/xml').send(sayAndHangUp(deps.speech, answered ? [] : ['The customer did not answer. Goodbye.']));
    });
  };
}
