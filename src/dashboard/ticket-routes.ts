import type { Router } from 'express';
import { z } from 'zod';
import { can, staffOfAccount, type Account } from '../auth/index.js';
import type { Outcome } from '../http/problems.js';
import {
  acknowledge,
  changePriority,
  changeStatus,
  logWork,
  priorityChangeSchema,
  statusChangeSchema,
  attachmentOf,
  replyToClient,
  noteForStaff,
  type Actor,
  ticketByNumber,
  ticketLabel,
  voicemailById,
} from '../tickets/index.js';
import { recordAuditAlone } from '../audit/index.js';
import { clientIp } from '../http/client-ip.js';
import { callCaller, staffReply } from '../ivr/index.js';
import { streamRecording } from '../http/stream-recording.js';
import { sendDownload } from '../http/download.js';
import { fileStream } from '../files/index.js';
import type { Kit } from './kit.js';
import { messagePage, page } from './layout.js';
import { ticketFilters, ticketPage, ticketsPage } from './tickets.js';
import { allow } from './session.js';

const numberParam = z.object({ number: z.coerce.number().int().positive().max(999_999_999) });

/** Tickets: the filtered list, a ticket's page, and what staff do to a ticket. */
export function ticketPageRoutes(router: Router, kit: Kit): void {
  const { s, org, ctxOf, actorOf, send, after, refuse, invalid } = kit;
  router.get('/tickets', allow('seeTickets'), async (req, res) => {
    const ctx = ctxOf(req, res);
    const body = await ticketsPage(s.db.q, ctx, org, ticketFilters.parse(req.query), s.clock.now());
    send(res, page(ctx, '/dashboard/tickets', 'Tickets', body));
  });
  router.get('/tickets/:number', allow('seeTickets'), async (req, res) => {
    const ctx = ctxOf(req, res);
    const p = numberParam.safeParse({ number: String(req.params.number).replace(/^tk-?/i, '') });
    const ticket = p.success ? await ticketByNumber(s.db.q, p.data.number) : undefined;
    if (!ticket)
      return void res
        .status(404)
        .type('html')
        .send(
          messagePage(
            'No such ticket',
            `There is no ticket ${String(req.params.number).slice(0, 20)}.`,
            '/dashboard/tickets',
          ),
        );
    const canChange = can(ctx.account.role, 'changeTickets');
    const isStaff = Boolean(staffOfAccount(org, ctx.account));
    const body = await ticketPage(s.db.q, ctx, { organisation: org }, ticket, { canChange, isStaff }, s.clock.now());
    send(res, page(ctx, '/dashboard/tickets', `${ticketLabel(ticket.number)} · ${ticket.summary}`, body));
  });
  // The ticket page's player: the session is the permission, so no bearer link is minted for it.
  router.get('/tickets/:number/voicemails/:id/audio', allow('seeTickets'), async (req, res) => {
    const p = numberParam.safeParse(req.params);
    const id = z.coerce.number().int().positive().safeParse(req.params.id);
    const voicemail = id.success ? await voicemailById(s.db.q, id.data) : undefined;
    const ticket = p.success ? await ticketByNumber(s.db.q, p.data.number) : undefined;
    if (!voicemail || !ticket || voicemail.ticketId !== ticket.id)
      return void res.status(404).type('text/plain').send('No such voicemail.');
    const entry = {
      at: s.clock.now(),
      action: 'voicemail_played' as const,
      actor: res.locals.signed!.account.email,
      ip: clientIp(req, s.env.CLIENT_IP_HEADER),
      detail: { voicemailId: voicemail.id, ticketId: ticket.id },
    };
    await recordAuditAlone(s.db, entry);
    await streamRecording(s.voice, voicemail.recordingSid, res, s.log);
  });
  // An attachment of the conversation: always a download (never shown inline, so a hostile HTML or SVG
  // file cannot run in the dashboard's origin), and each download is in the audit trail.
  router.get('/tickets/:number/attachments/:id', allow('seeTickets'), async (req, res) => {
    const p = numberParam.safeParse(req.params);
    const id = z.coerce.number().int().positive().max(2_147_483_647).safeParse(req.params.id);
    const ticket = p.success ? await ticketByNumber(s.db.q, p.data.number) : undefined;
    const file = ticket && id.success ? await attachmentOf(s.db.q, ticket.id, id.data) : undefined;
    if (!ticket || !file) return void res.status(404).type('text/plain').send('No such attachment.');
    if (file.fileId === null)
      return void res
        .status(410)
        .type('text/plain')
        .send(`${file.filename} was over the size limit and was not kept; ask the sender for it again.`);
    const entry = {
      at: s.clock.now(),
      action: 'attachment_downloaded' as const,
      actor: res.locals.signed!.account.email,
      ip: clientIp(req, s.env.CLIENT_IP_HEADER),
      detail: { ticketId: ticket.id, attachmentId: id.data, filename: file.filename },
    };
    await recordAuditAlone(s.db, entry);
    await sendDownload(res, file, fileStream(s.db, file.fileId));
  });
  const ticketAction = (
    path: string,
    act: (
      number: number,
      actor: Actor,
      body: Record<string, unknown>,
      account: Account,
    ) => Promise<Outcome<unknown>> | Outcome<unknown>,
    okText: string,
  ) =>
    router.post(`/tickets/:number/${path}`, allow('changeTickets'), async (req, res) => {
      const p = numberParam.safeParse(req.params);
      if (!p.success) return refuse(res, '/dashboard/tickets', 'No such ticket.');
      const back = `/dashboard/tickets/${p.data.number}`;
      after(
        res,
        await act(
          p.data.number,
          actorOf(res.locals.signed!.account),
          (req.body ?? {}) as Record<string, unknown>,
          res.locals.signed!.account,
        ),
        back,
        () => okText,
      );
    });
  ticketAction(
    'priority',
    (n, actor, body) => {
      const input = priorityChangeSchema.safeParse(body);
      return input.success ? changePriority(s.tickets, n, input.data.priority, actor) : invalid('Choose a priority.');
    },
    'Priority changed; the deadline moved and the requester was told.',
  );
  ticketAction(
    'status',
    (n, actor, body) => {
      const input = statusChangeSchema.safeParse({
        status: body.status,
        message: typeof body.message === 'string' && body.message.trim() ? body.message : undefined,
      });
      return input.success
        ? changeStatus(s.tickets, n, input.data, actor)
        : invalid(
            input.error.issues[0]?.path[0] === 'message'
              ? 'Say what you need from the requester before returning it to them.'
              : 'Choose a status.',
          );
    },
    'Status updated.',
  );
  ticketAction(
    'reply',
    (n, actor, body) => {
      const input = z.object({ text: z.string().trim().min(1).max(20_000) }).safeParse(body);
      return input.success
        ? replyToClient(s.tickets, n, input.data.text, actor)
        : invalid('Write the reply first (at most 20,000 characters).');
    },
    'Reply sent to the requester.',
  );
  ticketAction(
    'note',
    (n, actor, body) => {
      const input = z.object({ text: z.string().trim().min(1).max(20_000) }).safeParse(body);
      return input.success
        ? noteForStaff(s.tickets, n, input.data.text, actor)
        : invalid('Write the note first (at most 20,000 characters).');
    },
    'Note added; only staff see it.',
  );
  ticketAction(
    'work',
    (n, actor, body) => {
      const input = z
        .object({ minutes: z.coerce.number().int().min(1).max(1440), note: z.string().trim().max(2000).optional() })
        .safeParse(body);
      return input.success
        ? logWork(s.tickets, n, { minutes: input.data.minutes, note: input.data.note || undefined }, actor)
        : invalid('Give the minutes worked, from 1 to 1440.');
    },
    'Work logged.',
  );
  ticketAction(
    'acknowledge',
    async (n, _actor, _body, account) => {
      const staff = staffOfAccount(org, account);
      if (!staff) return invalid('Only staff in the organisation file can take tickets.');
      const result = await acknowledge(s.tickets, n, staff, 'dashboard');
      if (result.result === 'already') return invalid(`${ticketLabel(n)} was already taken by ${result.by}.`);
      if (result.result === 'not_found') return invalid(`${ticketLabel(n)} is not open.`);
      return { ok: true, value: result.ticket };
    },
    'You have taken this ticket; the others were told.',
  );
  ticketAction(
    'call',
    async (n, _actor, _body, account) => {
      const staff = staffOfAccount(org, account);
      if (!staff) return invalid('Only staff with a phone in the organisation file can be connected.');
      const answer = await callCaller(s.tickets, staff, n);
      return answer.kind === 'calling' ? { ok: true, value: answer } : invalid(staffReply(org.name, answer));
    },
    'Calling your phone now; answer and you will be connected to the customer from the helpdesk number.',
  );
}
