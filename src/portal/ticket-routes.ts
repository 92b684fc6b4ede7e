import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { recordAuditAlone } from '../audit/index.js';
import { recentNotices } from '../announcements/index.js';
import { clientIp } from '../http/client-ip.js';
import { sendDownload } from '../http/download.js';
import { fileStream } from '../files/index.js';
import type { Outcome } from '../http/problems.js';
import {
  attachmentOf,
  conversationOf,
  mayReopen,
  OPEN_STATUSES,
  reopenedByClient,
  replyFromClient,
  solvedByClient,
  visibleTicket,
  visibleTickets,
  voicemailsOf,
  type Ticket,
} from '../tickets/index.js';
import { html } from '../http/html.js';
import { refusalOf, type PortalKit, type Refusal } from './kit.js';
import { page } from './layout.js';
import { newTicketRoutes } from './new-ticket-routes.js';
import { flash } from './session.js';
import { ticketPage, ticketTitle, type TicketView } from './ticket-page.js';
import { LIST_FILTERS, ticketsPage, type ListFilter } from './tickets-page.js';

const CLOSED = ['resolved', 'closed'] as const;
/** "1042" and "TK-1042" name ticket 1042; anything else names no ticket. */
const numberOf = (raw: unknown): number | undefined => {
  const m = /^(?:tk-?)?(\d{1,9})$/i.exec(String(raw));
  return m ? Number(m[1]) : undefined;
};
const listFilter = z.enum(LIST_FILTERS).catch('all');

/** Tickets on the portal: the list, a ticket's page and files, and what a contact does to a ticket. */
export function ticketRoutes(router: Router, kit: PortalKit): void {
  const { deps, w, ctxOf, send, cookieOpts } = kit;
  const org = deps.organisation;
  const q = deps.db.q;
  const viewerOf = (res: Response) => res.locals.portal!.viewer;

  /** The same answer, byte for byte, for a ticket that does not exist and one the contact may not see. */
  const noSuchTicket = (req: Request, res: Response) =>
    send(res, page(ctxOf(req, res, false), '', w.noSuchTicket, html`<p>${w.noSuchTicketText}</p>`, 404));
  const ticketOf = async (req: Request, res: Response): Promise<Ticket | undefined> => {
    const number = numberOf(req.params.number);
    return number === undefined ? undefined : visibleTicket(q, viewerOf(res), number);
  };

  const viewOf = async (t: Ticket): Promise<TicketView> => {
    const messages = (await conversationOf(q, t.id, { withInternal: false })).filter((m) => !m.automatic);
    const phone =
      t.source === 'phone'
        ? {
            voicemails: (await voicemailsOf(q, t.id)).map((v) => ({
              at: v.createdAt,
              emergency: v.kind === 'emergency',
            })),
            takenBy: t.acknowledgedBy
              ? (org.staff.find((s) => s.id === t.acknowledgedBy)?.name ?? undefined)
              : undefined,
            takenAt: t.acknowledgedAt,
          }
        : undefined;
    return { ticket: t, messages, phone, mayReopen: mayReopen(t, deps.clock.now()) };
  };
  const showTicket = async (req: Request, res: Response, t: Ticket, status = 200, problem?: string) => {
    const ctx = ctxOf(req, res);
    if (problem) ctx.flash = { kind: 'error', text: problem };
    send(res, page(ctx, '', ticketTitle(t), ticketPage(ctx, org, await viewOf(t)), status));
  };

  router.get('/tickets', async (req, res) => {
    const filter: ListFilter = listFilter.parse(req.query.status);
    const viewer = viewerOf(res);
    const open = filter === 'closed' ? [] : await visibleTickets(q, viewer, OPEN_STATUSES, 'created', 200);
    const closed =
      filter === 'open' ? [] : await visibleTickets(q, viewer, CLOSED, 'changed', filter === 'all' ? 50 : 200);
    const { client } = res.locals.portal!;
    const notices = await recentNotices(q, deps.clock.now(), { clientId: client.id, lines: client.lines });
    const ctx = ctxOf(req, res);
    send(res, page(ctx, '/portal/tickets', w.yourTickets, ticketsPage(ctx, org, filter, open, closed, notices)));
  });

  newTicketRoutes(router, kit);

  router.get('/tickets/:number', async (req, res) => {
    const t = await ticketOf(req, res);
    if (!t) return noSuchTicket(req, res);
    await showTicket(req, res, t);
  });

  // A file of the conversation: only ever a download, in a sandbox, so that nothing in it runs in this origin.
  router.get('/tickets/:number/attachments/:id', async (req, res) => {
    const t = await ticketOf(req, res);
    const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(req.params.id);
    const file = t && id.success ? await attachmentOf(q, t.id, id.data, { withInternal: false }) : undefined;
    if (!t || !file || file.fileId === null) return noSuchTicket(req, res);
    const viewer = viewerOf(res);
    await recordAuditAlone(deps.db, {
      at: deps.clock.now(),
      action: 'attachment_downloaded',
      actor: viewer.email,
      ip: clientIp(req, deps.clientIpHeader),
      detail: { portal: true, ticketId: t.id, attachmentId: id.data, filename: file.filename },
    });
    await sendDownload(res, file, fileStream(deps.db, file.fileId, viewer.clientId));
  });

  /** An action on a ticket: done (back to its page, saying so), refused (its page, saying why), or no such ticket. */
  const act = (
    path: string,
    run: (req: Request, res: Response, number: number) => Promise<Outcome<Ticket> | Refusal>,
    done: string | ((res: Response) => string | ['ok' | 'error', string]),
  ) =>
    router.post(`/tickets/:number/${path}`, async (req, res) => {
      const number = numberOf(req.params.number);
      const t = number === undefined ? undefined : await visibleTicket(q, viewerOf(res), number);
      if (!t || number === undefined) return noSuchTicket(req, res);
      const outcome = await run(req, res, number);
      if ('text' in outcome) return showTicket(req, res, t, outcome.status, outcome.text);
      if (outcome.ok) {
        const said = typeof done === 'string' ? done : done(res);
        const [kind, text] = typeof said === 'string' ? (['ok', said] as const) : said;
        flash(res, kind, text, cookieOpts);
        return res.redirect(303, `/portal/tickets/${number}`);
      }
      if (outcome.problem.kind === 'not_found') return noSuchTicket(req, res);
      const current = (await visibleTicket(q, viewerOf(res), number)) ?? t;
      const why =
        outcome.problem.code === 'reopen_too_late'
          ? w.tooLateToReopen
          : outcome.problem.code === 'ticket_closed'
            ? w.problems.closed
            : w.problems.open;
      await showTicket(req, res, current, 409, why);
    });

  act(
    'replies',
    async (_req, res, number) => {
      const { fields, files, formProblem } = res.locals.portal!;
      // Storage full: the words are taken without the files, and the page says so.
      const noRoom = formProblem?.kind === 'no_room';
      if (formProblem && !noRoom) return refusalOf(w, formProblem);
      const body = (fields.body ?? '').replace(/\r\n/g, '\n').trim();
      if (body.length > 20_000) return { status: 400, text: w.problems.body };
      if (!body && noRoom) return refusalOf(w, formProblem);
      if (!body && files.length === 0) return { status: 400, text: w.problems.emptyReply };
      return replyFromClient(deps.tickets, viewerOf(res), number, { body, attachments: files });
    },
    (res) => (res.locals.portal!.formProblem?.kind === 'no_room' ? ['error', w.problems.storageFull] : w.done.replied),
  );
  act('solved', (_req, res, number) => solvedByClient(deps.tickets, viewerOf(res), number), w.done.solved);
  act('reopen', (_req, res, number) => reopenedByClient(deps.tickets, viewerOf(res), number), w.done.reopened);
}
