import type { Request, Response, Router } from 'express';
import type { Client } from '../clients/index.js';
import { openedBySince, openForClient, type Priority } from '../tickets/index.js';
import { page } from './layout.js';
import { refusalOf, type PortalKit } from './kit.js';
import { newTicketPage, type NewTicketForm } from './tickets-page.js';

import { flash, TICKETS_PER_HOUR } from './session.js';
const PRIORITIES_ON_THE_PORTAL: readonly Priority[] = ['low', 'medium', 'high'];

/** A subject says something: two words at least (a word has a letter or a digit). */
const meaningful = (subject: string) => subject.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length >= 2;

/** The lines a client's contract covers, by name: those it names, or every line of the organisation. */
export const linesOf = (kit: PortalKit, client: Client) =>
  kit.deps.organisation.serviceLines
    .filter((l) => !client.lines || client.lines.includes(l.id))
    .map((l) => ({ id: l.id, name: l.name }));

/** GET /portal/tickets/new and POST /portal/tickets: the form that opens a ticket, and opening it. */
export function newTicketRoutes(router: Router, kit: PortalKit): void {
  const { deps, w, ctxOf, send, cookieOpts } = kit;
  const org = deps.organisation;
  const form = (req: Request, res: Response, values: NewTicketForm, status = 200, problem?: string) => {
    const ctx = ctxOf(req, res);
    const lines = linesOf(kit, res.locals.portal!.client);
    send(res, page(ctx, '/portal/tickets/new', w.newTicket, newTicketPage(ctx, org, lines, values, problem), status));
  };

  router.get('/tickets/new', (req, res) => form(req, res, { subject: '', body: '', priority: 'medium' }));

  router.post('/tickets', async (req, res) => {
    const { fields, files, formProblem, viewer, client } = res.locals.portal!;
    const values: NewTicketForm = {
      subject: (fields.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, 200),
      body: (fields.body ?? '').replace(/\r\n/g, '\n').trim(),
      line: fields.line,
      priority: fields.priority ?? 'medium',
    };
    // Storage full: the ticket is opened with its words, without the files, and the page says so.
    const noRoom = formProblem?.kind === 'no_room';
    if (formProblem && !noRoom) {
      const refusal = refusalOf(w, formProblem);
      return form(req, res, values, refusal.status, refusal.text);
    }
    if (!meaningful(values.subject)) return form(req, res, values, 400, w.problems.subject);
    if (values.body.length > 20_000) return form(req, res, values, 400, w.problems.body);
    const priority = PRIORITIES_ON_THE_PORTAL.find((p) => p === values.priority);
    if (!priority) return form(req, res, values, 400, w.problems.priority(org.helpdeskNumber));
    const lines = linesOf(kit, client);
    const line = values.line
      ? lines.find((l) => l.id === values.line)?.id
      : lines.length === 1
        ? lines[0]!.id
        : undefined;
    if (lines.length > 0 && !line) return form(req, res, values, 400, w.problems.line);
    const hourAgo = new Date(deps.clock.now().getTime() - 3_600_000);
    if ((await openedBySince(deps.db.q, viewer, hourAgo)) >= TICKETS_PER_HOUR)
      return form(req, res, values, 429, w.problems.tooManyTickets);
    const ticket = await openForClient(deps.tickets, viewer, {
      subject: values.subject,
      body: values.body,
      line,
      priority,
      attachments: files,
    });
    if (noRoom) flash(res, 'error', w.problems.storageFull, cookieOpts);
    else flash(res, 'ok', w.done.opened, cookieOpts);
    res.redirect(303, `/portal/tickets/${ticket.number}`);
  });
}
