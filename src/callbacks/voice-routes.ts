import type { Router } from 'express';
import { eq } from 'drizzle-orm';
import { callStep } from '../ivr/routes.js';
import { sayAndHangUp } from '../ivr/twiml.js';
import type { Speech } from '../ivr/prompts.js';
import { connectToCustomer, endConnection } from '../ivr/connect.js';
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
        return void res
          .type('text/xml')
          .send(sayAndHangUp(deps.speech, ['This callback is no longer yours to make. Goodbye.']));
      }
      res.type('text/xml').send(
        connectToCustomer(deps, step, {
          to: callback.phone,
          clientId: callback.clientId,
          contactId: callback.contactId,
          ticketId: callback.ticketId,
          path: `callback:${callback.id}:${staff.id}`,
          before: ['Connecting you to the customer.'],
          action: `${deps.publicUrl}/twilio/voice/callback-done?callback=${callback.id}&staff=${encodeURIComponent(staff.id)}`,
        }),
      );
    });
    router.post('/voice/callback-done', (req, res) => {
      const step = callStep(req);
      const callback = callbackById(deps.db, Number(step.query.callback));
      const { answered, seconds, status } = endConnection(deps, step);
      const now = deps.clock.now();
      if (callback && typeof step.query.staff === 'string') {
        deps.db.transaction((tx) => {
          tx.insert(callbackAttempts)
            .values({
              callbackId: callback.id,
              staff: step.query.staff as string,
              at: now,
              outcome: 'called',
              note: answered ? `connected for ${seconds} s` : `not answered (${status})`,
            })
            .run();
          // Back to the claimer, who records what came of it.
          if (callback.status === 'calling')
            tx.update(callbacks).set({ status: 'claimed' }).where(eq(callbacks.id, callback.id)).run();
        });
      }
      res
        .type('text/xml')
        .send(
          sayAndHangUp(
            deps.speech,
            answered ? [] : ['The customer did not answer. Record the outcome in the dashboard. Goodbye.'],
          ),
        );
    });
  };
}
