import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { recordAuditAlone, type AuditAction } from '../audit/index.js';
import { clientIp } from '../http/client-ip.js';
import { formBody } from '../http/input.js';
import { verifyLink } from '../http/signed-links.js';
import type { Voice } from '../channels/index.js';
import { streamRecording } from '../http/stream-recording.js';
import {
  answerWords,
  nameOf,
  takeByLink,
  ticketById,
  ticketLabel,
  voicemailById,
  type TicketDeps,
} from '../tickets/index.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:18px/1.4 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}button{font-size:1.2rem;padding:.8rem 1.6rem;background:#b00020;color:#fff;border:0;border-radius:.4rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export interface AckPageDeps extends TicketDeps {
  log: Logger;
  clientIpHeader?: string;
}

/**
 * The acknowledgement link from a page (/ack/<ticket>/<staff>?t=…), signed for one person. Opening it
 * (GET) only shows a button, because mail and chat apps open links to preview them; pressing the button
 * (POST) takes the ticket. Every use is audited.
 */
export function ackLinkRoutes(deps: AckPageDeps): Router {
  const router = Router();
  const check = async (req: Request) => {
    const staff = deps.organisation.staff.find((s) => s.id === req.params.staffId);
    const verdict = staff
      ? verifyLink(deps.linkSecret, `ack:${staff.id}`, String(req.query.t ?? ''), deps.clock.now())
      : undefined;
    const ticket =
      verdict?.ok && verdict.id === req.params.ticketId ? await ticketById(deps.db.q, Number(verdict.id)) : undefined;
    const expired = verdict?.ok === false && verdict.reason === 'expired';
    const audit = (action: AuditAction, detail: Record<string, unknown> = {}) =>
      recordAuditAlone(deps.db, {
        at: deps.clock.now(),
        action,
        actor: staff?.id ?? null,
        ip: clientIp(req, deps.clientIpHeader),
        detail: { link: 'ack', ticketId: ticket?.id ?? String(req.params.ticketId).slice(0, 20), ...detail },
      });
    if (!staff || !ticket) await audit('link_refused', { reason: expired ? 'expired' : 'invalid' });
    return { staff, ticket, expired, audit };
  };
  const refuse = (res: Response, expired: boolean) =>
    res
      .status(expired ? 410 : 403)
      .type('html')
      .send(
        page(
          'Link not valid',
          `<p>${expired ? 'This link has expired.' : 'This acknowledgement link is not valid.'} Reply ACK and the ticket number to the text instead.</p>`,
        ),
      );
  router.use('/ack', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.get('/ack/:ticketId/:staffId', async (req, res) => {
    const { staff, ticket, expired, audit } = await check(req);
    if (!staff || !ticket) return void refuse(res, expired);
    await audit('ack_link_opened');
    const taken = ticket.acknowledgedBy
      ? `<p>Already taken by ${escapeHtml(nameOf(deps.organisation, ticket.acknowledgedBy))}.</p>`
      : '';
    res
      .type('html')
      .send(
        page(
          `Emergency ${ticketLabel(ticket.number)}`,
          `<p>Caller: ${escapeHtml(ticket.callerNumber ?? 'unknown number')}</p>${taken}<form method="post"><button type="submit">Take ${ticketLabel(ticket.number)} as ${escapeHtml(staff.name)}</button></form>`,
        ),
      );
  });
  router.post(
    '/ack/:ticketId/:staffId',
    ...formBody({ extended: false, limit: '4kb', parameterLimit: 5 }),
    async (req, res) => {
      const { staff, ticket, expired, audit } = await check(req);
      if (!staff || !ticket) return void refuse(res, expired);
      const answer = await takeByLink(deps, ticket, staff, req.body?.confirm === 'yes');
      await audit('ack_link_used', { confirmed: answer.kind !== 'offered' });
      const label = ticketLabel(ticket.number);
      const words = `<p>${escapeHtml(answerWords(answer, 'link', deps.organisation.name))}</p>`;
      // Someone no longer responsible for it (the shift changed since the page) confirms first.
      if (answer.kind === 'offered')
        return void res
          .type('html')
          .send(
            page(
              label,
              `${words}<form method="post"><input type="hidden" name="confirm" value="yes"><button type="submit">Take it anyway</button></form>`,
            ),
          );
      res
        .status(answer.kind === 'acknowledged' ? 200 : 409)
        .type('html')
        .send(page(label, words));
    },
  );
  return router;
}

/** GET /voicemails/:id?t=… : the signed link in a page streams the audio from Twilio; no account needed. */
export function voicemailRoutes(deps: AckPageDeps & { voice: Voice }): Router {
  const router = Router();
  router.get('/voicemails/:id', async (req, res) => {
    const now = deps.clock.now();
    const check = verifyLink(deps.linkSecret, 'voicemail', String(req.query.t ?? ''), now);
    const ip = clientIp(req, deps.clientIpHeader);
    res.set('Cache-Control', 'no-store');
    if (!check.ok || check.id !== req.params.id) {
      const expired = check.ok === false && check.reason === 'expired';
      const detail = {
        link: 'voicemail',
        id: String(req.params.id).slice(0, 20),
        reason: check.ok ? 'other id' : check.reason,
      };
      await recordAuditAlone(deps.db, { at: now, action: 'link_refused', ip, detail });
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
    const voicemail = await voicemailById(deps.db.q, Number(check.id));
    if (!voicemail) return void res.status(404).type('text/plain').send('This voicemail no longer exists.');
    const used = { voicemailId: voicemail.id, ticketId: voicemail.ticketId };
    await recordAuditAlone(deps.db, { at: now, action: 'voicemail_link_used', ip, detail: used });
    await streamRecording(deps.voice, voicemail.recordingSid, res, deps.log);
  });
  return router;
}
