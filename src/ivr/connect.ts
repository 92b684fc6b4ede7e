import { ratePeriodAt, type BusinessCalendar, type Clock } from '../calendar/index.js';
import type { Organisation } from '../config/index.js';
import type { Db } from '../db/index.js';
import { startCall, updateCall } from './calls.js';
import type { CallStep } from './context.js';
import type { Speech } from './prompts.js';
import { dial } from './twiml.js';

export interface ConnectDeps {
  db: Db;
  clock: Clock;
  organisation: Organisation;
  calendar: BusinessCalendar;
  speech: Speech;
}

export interface Connection {
  /** The customer's number. */
  to: string;
  clientId: number | null;
  contactId: number | null;
  ticketId: number | null;
  /** What the call was for, kept on its row (e.g. "bridge:erin", "callback:12:olive"); billed as a bridged call. */
  path: string;
  before: string[];
  /** Where Twilio reports how the dial ended. */
  action: string;
}

/**
 * A staff member has answered the helpdesk's call to them: note the call (with its rate period) and
 * dial the customer showing the helpdesk number, never the staff member's own.
 */
export function connectToCustomer(deps: ConnectDeps, step: CallStep, c: Connection): string {
  if (step.callSid) {
    const now = deps.clock.now();
    startCall(deps.db, {
      callSid: step.callSid,
      fromNumber: deps.organisation.helpdeskNumber,
      toNumber: c.to,
      clientId: c.clientId,
      contactId: c.contactId,
      ratePeriod: ratePeriodAt(deps.calendar, now),
      startedAt: now,
    });
    updateCall(deps.db, step.callSid, { path: c.path, ticketId: c.ticketId });
  }
  return dial(deps.speech, {
    before: c.before,
    numbers: [c.to],
    callerId: deps.organisation.helpdeskNumber,
    timeoutSeconds: 30,
    action: c.action,
  });
}

/** How the dial to the customer ended, written on the call: whether they answered, and for how long. */
export function endConnection(
  deps: Pick<ConnectDeps, 'db' | 'clock'>,
  step: CallStep,
): { answered: boolean; seconds: number; status: string } {
  const answered = step.form.DialCallStatus === 'completed';
  if (step.callSid)
    updateCall(deps.db, step.callSid, { outcome: answered ? 'bridged' : 'abandoned', endedAt: deps.clock.now() });
  return {
    answered,
    seconds: Number(step.form.DialCallDuration ?? 0) || 0,
    status: step.form.DialCallStatus ?? 'unknown',
  };
}
