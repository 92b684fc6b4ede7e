import { ratePeriodAt } from '../calendar/index.js';
import type { CallStep, IvrDeps } from './context.js';
import { startCall, updateCall } from './store.js';
import { dial } from './twiml.js';

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
export async function connectToCustomer(deps: IvrDeps, step: CallStep, c: Connection): Promise<string> {
  if (step.callSid) {
    const now = deps.clock.now();
    const callSid = step.callSid;
    await deps.db.withTransaction(async (tx) => {
      await startCall(tx, {
        callSid,
        fromNumber: deps.organisation.helpdeskNumber,
        toNumber: c.to,
        clientId: c.clientId,
        contactId: c.contactId,
        ratePeriod: ratePeriodAt(deps.calendar, now),
        startedAt: now,
      });
      await updateCall(tx, callSid, { path: c.path, ticketId: c.ticketId });
    });
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
export async function endConnection(
  deps: IvrDeps,
  step: CallStep,
): Promise<{ answered: boolean; seconds: number; status: string }> {
  const answered = step.form.DialCallStatus === 'completed';
  if (step.callSid) {
    const callSid = step.callSid;
    await deps.db.withTransaction((tx) =>
      updateCall(tx, callSid, { outcome: answered ? 'bridged' : 'abandoned', endedAt: deps.clock.now() }),
    );
  }
  return {
    answered,
    seconds: Number(step.form.DialCallDuration ?? 0) || 0,
    status: step.form.DialCallStatus ?? 'unknown',
  };
}
