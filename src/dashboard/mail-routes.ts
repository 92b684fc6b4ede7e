import type { Router } from 'express';
import { z } from 'zod';
import { acceptHeld, discardHeld } from '../email/index.js';
import { clientIp } from '../http/client-ip.js';
import { ticketLabel } from '../tickets/index.js';
import type { Kit } from './kit.js';
import { allow } from './session.js';

const BACK = '/dashboard/tickets';

/** Accept or discard a held message: each decision is on the audit trail with who made it. */
export function mailRoutes(router: Router, { s, after, refuse, actorOf }: Kit): void {
  const deps = { db: s.db, log: s.log, organisation: s.organisation, tickets: s.tickets };
  const idOf = (value: unknown) => z.coerce.number().int().positive().max(2_147_483_647).safeParse(value);
  router.post('/mail/:id/accept', allow('changeTickets'), async (req, res) => {
    const id = idOf(req.params.id);
    if (!id.success) return refuse(res, BACK, 'No such message.');
    const by = actorOf(res.locals.signed!.account);
    const outcome = await acceptHeld(deps, id.data, { id: by.id, ip: clientIp(req, s.env.CLIENT_IP_HEADER) });
    after(res, outcome, BACK, (taken) =>
      taken.ticketNumber
        ? `Accepted: ${taken.outcome === 'ticket' ? 'it opened' : 'it was added to'} ${ticketLabel(taken.ticketNumber)}.`
        : 'Accepted.',
    );
  });
  router.post('/mail/:id/discard', allow('changeTickets'), async (req, res) => {
    const id = idOf(req.params.id);
    if (!id.success) return refuse(res, BACK, 'No such message.');
    const by = actorOf(res.locals.signed!.account);
    const outcome = await discardHeld(deps, id.data, { id: by.id, ip: clientIp(req, s.env.CLIENT_IP_HEADER) });
    after(res, outcome, BACK, (m) => `Discarded the message from ${m.from}.`);
  });
}
