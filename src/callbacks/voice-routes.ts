import type { Router } from 'express';
import { eq } from 'drizzle-orm';
import { ratePeriodAt } from '../calendar/index.js';
import { callStep } from '../ivr/routes.js';
import { dial, sayAndHangUp } from '../ivr/twiml.js';
import type { Speech } from '../ivr/prompts.js';
import { startCall, updateCall } from '../ivr/calls.js';
import { callbackAttempts, callbacks } from './schema.js';
import { callbackById, type CallbackDeps } from './service.js';

/**
 * The staff member has answered the helpdesk's call: dial the customer with the helpdesk number as
 * caller ID, and note the call (billed as a bridged call) and the attempt on the callback.
 */
export function callbackVoiceRoutes(deps: CallbackDeps & { speech: Speech }): (router: Router) => void {
  return (router) => {
    router.post('/voice/callback', (req, res) => {
      const step = callStep(req);
      const callback = callbackById(deps.db, Number(step.query.callback));
      const staff = deps.organisation.staff.find((s) => s.id === step.query.staff);
      if (!callback || !staff || callback.claimedBy !== staff.id || !['claimed', 'calling'].includes(callback.status)) {
        return void res.type('text/xml').send(sayAndHangUp(deps.speech, ['This callback is no longer yours to make. Goodbye.']));
      }
      const now = deps.clock.now();
      if (step.callSid) {
        startCall(deps.db, {
          callSid: step.callSid,
          fromNumber: deps.organisation.helpdeskNumber,
          toNumber: callback.phone,
          clientId: callback.clientId,
          contactId: callback.contactId,
          ratePeriod: ratePeriodAt(deps.calendar, now),
          startedAt: now,
        });
        updateCall(deps.db, step.callSid, { path: `callback:${callback.id}:${staff.id}`, ticketId: callback.ticketId });
      }
      res.type('text/xml').send(
        dial(deps.speech, {
          before: ['Connecting you to the customer.'],
          numbers: [callback.phone],
          callerId: deps.organisation.helpdeskNumber,
          timeoutSeconds: 30,
          action: `${deps.publicUrl}/twilio/voice/callback-done?callback=${callback.id}&staff=${encodeURIComponent(staff.id)}`,
        }),
      );
    });
    router.post('/voice/callback-done', (req, res) => {
      const step = callStep(req);
      const callback = callbackById(deps.db, Number(step.query.callback));
      const answered = step.form.DialCallStatus === 'completed';
      const now = deps.clock.now();
      if (step.callSid) updateCall(deps.db, step.callSid, { outcome: answered ? 'bridged' : 'abandoned', endedAt: now });
      if (callback && typeof step.query.staff === 'string') {
        const seconds = Number(step.form.DialCallDuration ?? 0) || 0;
        deps.db.transaction((tx) => {
          tx.insert(callbackAttempts).values({ callbackId: callback.id, staff: step.query.staff as string, at: now, outcome: 'called', note: answered ? `connected for ${seconds} s` : `not answered (${step.form.DialCallStatus ?? 'unknown'})` }).run();
          // Back to the claimer, who records what came of it.
          if (callback.status === 'calling') tx.update(callbacks).set({ status: 'claimed' }).where(eq(callbacks.id, callback.id)).run();
        });
      }
      res.type('text/xml').send(sayAndHangUp(deps.speech, answered ? [] : ['The customer did not answer. Record the outcome in the dashboard. Goodbye.']));
    });
  };
}
