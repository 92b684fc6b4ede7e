import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../calendar/index.js';
import type { Db } from '../db/index.js';
import { addEvent } from '../tickets/repository.js';
import { smsReply } from '../ivr/twiml.js';
import { callStep } from '../ivr/routes.js';
import { updateProviderStatus } from './outbox.js';

export interface SmsRouteDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Answers a text sent to the helpdesk number (ACK 1042...). */
  reply: (from: string, body: string) => string;
}

const FAILED = new Set(['failed', 'undelivered']);

/** Incoming texts and delivery status callbacks for the texts we sent. */
export function smsRoutes(deps: SmsRouteDeps): (router: Router) => void {
  return (router) => {
    router.post('/sms', (req, res) => {
      const step = callStep(req);
      const text = step.form.From
        ? deps.reply(step.form.From, step.form.Body ?? '')
        : 'Switchboard could not tell who sent this message.';
      res.type('text/xml').send(smsReply(text));
    });
    router.post('/sms/status', (req, res) => {
      const { form } = callStep(req);
      if (form.MessageSid && form.MessageStatus) {
        const failed = FAILED.has(form.MessageStatus);
        const row = updateProviderStatus(
          deps.db,
          form.MessageSid,
          form.MessageStatus,
          failed ? `Twilio ${form.ErrorCode ?? ''} ${form.MessageStatus}`.trim() : undefined,
        );
        if (row?.ticketId && row.purpose === 'page' && (failed || form.MessageStatus === 'delivered')) {
          addEvent(deps.db, row.ticketId, deps.clock.now(), failed ? 'page_failed' : 'page_delivered', {
            channel: 'sms',
            to: row.staffId ?? row.recipient,
            ...(failed ? { errorCode: form.ErrorCode ?? null } : {}),
          });
        }
      }
      res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    });
  };
}
