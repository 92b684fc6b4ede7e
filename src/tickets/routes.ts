import { Router } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Voice } from '../channels/index.js';
import type { Db } from '../db/index.js';
import { sendProblem, sendOutcome, parseInput, staffNamed } from '../http/json.js';
import { verifyLink } from '../http/signed-links.js';
import type { Clock } from '../calendar/index.js';
import { clientById } from '../clients/repository.js';
import * as repo from './repository.js';
import { voicemailLink } from './voicemail.js';
import { streamRecording } from './audio.js';
import { recordAudit } from '../audit/index.js';
import { clientIp } from '../http/client-ip.js';
import { ticketLabel } from './label.js';
import {
  changePriority,
  changeStatus,
  logWork,
  priorityChangeSchema,
  STATUS_ACTIONS,
  workLogSchema,
  type ChangeDeps,
} from './changes.js';

export interface TicketRouteDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  linkSecret: string;
}

const byStaff = z.object({ staffId: z.string().trim().min(1, 'is required') });
/** A status change, a priority change, or both; returning a ticket to the requester needs the question. */
const ticketChange = z
  .object({
    staffId: byStaff.shape.staffId,
    priority: priorityChangeSchema.shape.priority.optional(),
    status: z.enum(STATUS_ACTIONS, { message: `must be one of ${STATUS_ACTIONS.join(', ')}` }).optional(),
    message: z.string().trim().max(2000).optional(),
  })
  .refine((c) => c.priority || c.status, { message: 'give a priority or a status', path: ['priority'] })
  .refine((c) => c.status !== 'waiting_on_customer' || Boolean(c.message), {
    message: 'say what you need from the requester',
    path: ['message'],
  });

function summary(db: Db, t: repo.Ticket) {
  const client = t.clientId ? clientById(db, t.clientId) : undefined;
  return { ...t, label: ticketLabel(t.number), client: client ? { id: client.id, name: client.name } : null };
}

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** "1042", "TK-1042" and "tk1042" all name ticket 1042. */
export const ticketNumberParam = z.object({
  number: z
    .string()
    .trim()
    .transform((v) => v.replace(/^tk-?/i, ''))
    .pipe(z.string().regex(/^\d{1,9}$/, 'must be a ticket number such as 1042 or TK-1042'))
    .transform(Number),
});

export function ticketRoutes(deps: TicketRouteDeps & { changes: ChangeDeps }): Router {
  const router = Router();
  // PATCH /api/tickets/:number {staffId, priority?, status?, message?}: staff change priority or status.
  router.patch('/tickets/:number', (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    const body = p && parseInput(ticketChange, req.body, res);
    const actor = body && staffNamed(deps.changes.organisation, body.staffId, res);
    if (!p || !body || !actor) return;
    if (body.status) {
      const changed = changeStatus(deps.changes, p.number, { status: body.status, message: body.message }, actor);
      if (!changed.ok || !body.priority) return sendOutcome(res, changed);
    }
    sendOutcome(res, changePriority(deps.changes, p.number, body.priority!, actor));
  });
  router.post('/tickets/:number/work', (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    const body = p && parseInput(workLogSchema.extend(byStaff.shape), req.body, res);
    const actor = body && staffNamed(deps.changes.organisation, body.staffId, res);
    if (p && body && actor) sendOutcome(res, logWork(deps.changes, p.number, body, actor), 201);
  });
  router.get('/tickets', (req, res) => {
    const q = parseInput(listQuery, req.query, res);
    if (q) res.json(repo.listTickets(deps.db, q.limit, q.offset).map((t) => summary(deps.db, t)));
  });
  router.get('/tickets/:number', (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    if (!p) return;
    const ticket = repo.ticketByNumber(deps.db, p.number);
    if (!ticket)
      return sendProblem(res, {
        kind: 'not_found',
        code: 'ticket_not_found',
        message: `No ticket ${ticketLabel(p.number)}`,
      });
    const now = deps.clock.now();
    res.json({
      ...summary(deps.db, ticket),
      voicemails: repo.voicemailsOf(deps.db, ticket.id).map((v) => ({ ...v, link: voicemailLink(deps, v.id, now) })),
      timeline: repo.eventsOf(deps.db, ticket.id),
    });
  });
  return router;
}

/** GET /voicemails/:id?t=… : the signed link in a page streams the audio from Twilio; no account needed. */
export function voicemailRoutes(
  deps: TicketRouteDeps & { voice: Voice; log: Logger; clientIpHeader?: string },
): Router {
  const router = Router();
  router.get('/voicemails/:id', async (req, res) => {
    const now = deps.clock.now();
    const check = verifyLink(deps.linkSecret, 'voicemail', String(req.query.t ?? ''), now);
    const ip = clientIp(req, deps.clientIpHeader);
    res.set('Cache-Control', 'no-store');
    if (!check.ok || check.id !== req.params.id) {
      const expired = check.ok === false && check.reason === 'expired';
      recordAudit(deps.db, {
        at: now,
        action: 'link_refused',
        ip,
        detail: {
          link: 'voicemail',
          id: String(req.params.id).slice(0, 20),
          reason: check.ok ? 'other id' : check.reason,
        },
      });
      res
        .status(expired ? 410 : 403)
        .type('text/plain')
        .send(
          expired
            ? 'This voicemail link has expired. Open the ticket in the dashboard to hear it.'
            : 'This voicemail link is not valid.',
        );
      return;
    }
    const voicemail = repo.voicemailById(deps.db, Number(check.id));
    if (!voicemail) return void res.status(404).type('text/plain').send('This voicemail no longer exists.');
    recordAudit(deps.db, {
      at: now,
      action: 'voicemail_link_used',
      ip,
      detail: { voicemailId: voicemail.id, ticketId: voicemail.ticketId },
    });
    await streamRecording(deps.voice, voicemail.recordingSid, res, deps.log);
  });
  return router;
}
