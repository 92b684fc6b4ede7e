import type { Router } from 'express';
import { callStep } from '../ivr/routes.js';
import { spellDigits, type Speech } from '../ivr/index.js';
import { empty, gather, sayAndHangUp } from '../ivr/twiml.js';
import { ticketById } from '../tickets/repository.js';
import { clientById } from '../clients/repository.js';
import { acknowledge, type AckDeps } from './ack.js';

const spell = (n: number) => spellDigits(String(n));

/**
 * The escalation's phone call to an engineer or architect: it reads the emergency and asks for 1.
 * An answering machine, or no key, is not an acknowledgement; the schedule goes on.
 */
export function pageCallRoutes(deps: AckDeps & { speech: Speech; publicUrl: string }): (router: Router) => void {
  return (router) => {
    router.post('/voice/page', (req, res) => {
      const step = callStep(req);
      const ticket = ticketById(deps.db, Number(step.query.ticket));
      const staff = deps.organisation.staff.find((s) => s.id === step.query.staff);
      const s = deps.speech;
      if (!ticket || !staff)
        return void res.type('text/xml').send(sayAndHangUp(s, ['This page is no longer valid. Goodbye.']));
      const client = ticket.clientId ? clientById(deps.db, ticket.clientId)?.name : undefined;
      const about = `Emergency ticket ${spell(ticket.number)} for ${client ?? 'an unidentified caller'}, from ${deps.organisation.name}.`;
      if ((step.form.AnsweredBy ?? '').startsWith('machine') || step.form.AnsweredBy === 'fax') {
        return void res
          .type('text/xml')
          .send(sayAndHangUp(s, [`${about} Check your messages and reply ACK ${spell(ticket.number)}.`]));
      }
      if (ticket.acknowledgedBy)
        return void res.type('text/xml').send(sayAndHangUp(s, [`${about} It has already been taken. Goodbye.`]));
      const action = `${deps.publicUrl}/twilio/voice/page-ack?ticket=${ticket.id}&staff=${encodeURIComponent(staff.id)}`;
      res
        .type('text/xml')
        .send(
          gather(s, {
            prompts: [about, 'To take it, press 1.', about, 'To take it, press 1.'],
            action,
            mode: 'key',
            timeoutSeconds: 8,
          }),
        );
    });
    router.post('/voice/page-ack', (req, res) => {
      const step = callStep(req);
      const ticket = ticketById(deps.db, Number(step.query.ticket));
      const staff = deps.organisation.staff.find((s) => s.id === step.query.staff);
      const s = deps.speech;
      if (!ticket || !staff || step.digits !== '1')
        return void res.type('text/xml').send(sayAndHangUp(s, ['Not acknowledged. We will keep trying. Goodbye.']));
      const outcome = acknowledge(deps, ticket.number, staff, 'phone');
      const text =
        outcome.result === 'acknowledged'
          ? `Ticket ${spell(ticket.number)} is yours. The caller's number is in your text messages. Goodbye.`
          : outcome.result === 'already'
            ? `Ticket ${spell(ticket.number)} was already taken by ${outcome.by}. Goodbye.`
            : 'That ticket is closed. Goodbye.';
      res.type('text/xml').send(sayAndHangUp(s, [text]));
    });
    router.post('/voice/outbound-status', (_req, res) => {
      res.type('text/xml').send(empty());
    });
  };
}
