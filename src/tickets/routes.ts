import { Router } from 'express';
import { z } from 'zod';
import { sendProblem, sendOutcome, parseInput, staffNamed } from '../http/json.js';
import { clientById } from '../clients/index.js';
import type { ReadQ } from '../db/index.js';
import { ticketLabel } from '../paging/index.js';
import * as store from './store.js';
import { conversationOf, noteForStaff, replyToClient } from './conversation.js';
import { voicemailLink } from './voicemail.js';
import {
  changePriority,
  changeStatus,
  logWork,
  priorityChangeSchema,
  STATUS_ACTIONS,
  workLogSchema,
} from './changes.js';
import type { TicketDeps } from './deps.js';
import { acknowledge } from './acknowledge.js';
import { answerWords, type StaffAnswer } from './answers.js';

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

async function summary(q: ReadQ, t: store.Ticket) {
  const client = t.clientId ? await clientById(q, t.clientId) : undefined;
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

const ackBody = z.object({ staffId: z.string().trim().min(1, 'is required') });

/** A staff reply to the client (emailed, and on the portal), or with `internal` a note only staff see. */
const staffMessage = z
  .object({
    staffId: byStaff.shape.staffId,
    body: z.string().trim().min(1, 'is required').max(20_000, 'must be at most 20,000 characters'),
    internal: z.boolean({ message: 'must be true or false' }).optional(),
  })
  .strict();

export function ticketRoutes(deps: TicketDeps): Router {
  const router = Router();
  const q = deps.db.q;
  // POST /api/tickets/:number/ack {staffId}: acknowledgement on someone's behalf, by an administrator.
  router.post('/tickets/:number/ack', async (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    const body = p && parseInput(ackBody, req.body, res);
    const staff = body && staffNamed(deps.organisation, body.staffId, res);
    if (!p || !body || !staff) return;
    const outcome = await acknowledge(deps, p.number, staff, 'api');
    const words = (answer: StaffAnswer) => answerWords(answer, 'api', deps.organisation.name);
    if (outcome.result === 'not_found')
      return sendProblem(res, {
        kind: 'not_found',
        code: 'ticket_not_found',
        message: words({ kind: 'no_open_ticket', number: p.number }),
      });
    if (outcome.result === 'already')
      return sendProblem(res, {
        kind: 'conflict',
        code: 'already_acknowledged',
        message: words({ kind: 'already', number: p.number, by: outcome.by }),
      });
    res.json(outcome.ticket);
  });
  // PATCH /api/tickets/:number {staffId, priority?, status?, message?}: staff change priority or status.
  router.patch('/tickets/:number', async (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    const body = p && parseInput(ticketChange, req.body, res);
    const actor = body && staffNamed(deps.organisation, body.staffId, res);
    if (!p || !body || !actor) return;
    if (body.status) {
      const changed = await changeStatus(deps, p.number, { status: body.status, message: body.message }, actor);
      if (!changed.ok || !body.priority) return sendOutcome(res, changed);
    }
    sendOutcome(res, await changePriority(deps, p.number, body.priority!, actor));
  });
  // POST /api/tickets/:number/messages {staffId, body, internal?}: a reply to the client, or a staff note.
  router.post('/tickets/:number/messages', async (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    const body = p && parseInput(staffMessage, req.body, res);
    const actor = body && staffNamed(deps.organisation, body.staffId, res);
    if (!p || !body || !actor) return;
    const outcome = body.internal
      ? await noteForStaff(deps, p.number, body.body, actor)
      : await replyToClient(deps, p.number, body.body, actor).then((r) =>
          r.ok ? { ...r, value: r.value.message } : r,
        );
    if (!outcome.ok) return sendOutcome(res, outcome);
    const { original: _, ...message } = outcome.value;
    res.status(201).json(message);
  });
  router.post('/tickets/:number/work', async (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    const body = p && parseInput(workLogSchema.extend(byStaff.shape), req.body, res);
    const actor = body && staffNamed(deps.organisation, body.staffId, res);
    if (p && body && actor) sendOutcome(res, await logWork(deps, p.number, body, actor), 201);
  });
  router.get('/tickets', async (req, res) => {
    const query = parseInput(listQuery, req.query, res);
    if (!query) return;
    const tickets = await store.listTickets(q, query.limit, query.offset);
    res.json(await Promise.all(tickets.map((t) => summary(q, t))));
  });
  router.get('/tickets/:number', async (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    if (!p) return;
    const ticket = await store.ticketByNumber(q, p.number);
    if (!ticket)
      return sendProblem(res, {
        kind: 'not_found',
        code: 'ticket_not_found',
        message: `No ticket ${ticketLabel(p.number)}`,
      });
    const now = deps.clock.now();
    res.json({
      ...(await summary(q, ticket)),
      voicemails: (await store.voicemailsOf(q, ticket.id)).map((v) => ({ ...v, link: voicemailLink(deps, v.id, now) })),
      timeline: await store.eventsOf(q, ticket.id),
      messages: (await conversationOf(q, ticket.id)).map(({ original: _, ...m }) => m),
    });
  });
  return router;
}
