import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { verifyLink } from '../http/signed-links.js';
import { parseInput, sendProblem, staffNamed } from '../http/json.js';
import { clientIp } from '../http/client-ip.js';
import { formBody, withoutNul } from '../http/input.js';
import { recordAudit, type AuditAction } from '../audit/index.js';
import { ticketLabel } from '../paging/index.js';
import { acknowledge, nameOf, staffBySlack, type AckOutcome } from './acknowledge.js';
import { acknowledgeByLink } from './staff-texts.js';
import type { TicketDeps } from './deps.js';
import { ticketNumberParam } from './routes.js';
import * as store from './store.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:18px/1.4 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}button{font-size:1.2rem;padding:.8rem 1.6rem;background:#b00020;color:#fff;border:0;border-radius:.4rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function describe(outcome: AckOutcome, number?: number): string {
  if (outcome.result === 'acknowledged')
    return `${ticketLabel(outcome.ticket.number)} is yours. Everyone else paged has been told.`;
  if (outcome.result === 'already') return `${ticketLabel(outcome.ticket.number)} was already taken by ${outcome.by}.`;
  return `There is no open ticket${number ? ` ${ticketLabel(number)}` : ''}.`;
}

export interface AckRouteDeps extends TicketDeps {
  log: Logger;
  slackSigningSecret?: string;
  clientIpHeader?: string;
}

/**
 * The acknowledgement link from a page. Opening it (GET) only shows a button, because mail and chat
 * apps open links to preview them; pressing the button (POST) takes the ticket. Every use is audited.
 */
export function ackLinkRoutes(deps: AckRouteDeps): Router {
  const router = Router();
  const check = async (req: Request) => {
    const staff = deps.organisation.staff.find((s) => s.id === req.params.staffId);
    const verdict = staff
      ? verifyLink(deps.linkSecret, `ack:${staff.id}`, String(req.query.t ?? ''), deps.clock.now())
      : undefined;
    const ticket =
      verdict?.ok && verdict.id === req.params.ticketId
        ? await store.ticketById(deps.db.q, Number(verdict.id))
        : undefined;
    const expired = verdict?.ok === false && verdict.reason === 'expired';
    const audit = (action: AuditAction, detail: Record<string, unknown> = {}) =>
      deps.db.withTransaction((tx) =>
        recordAudit(tx, {
          at: deps.clock.now(),
          action,
          actor: staff?.id ?? null,
          ip: clientIp(req, deps.clientIpHeader),
          detail: { link: 'ack', ticketId: ticket?.id ?? String(req.params.ticketId).slice(0, 20), ...detail },
        }),
      );
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
      const confirmed = req.body?.confirm === 'yes';
      const answer = await acknowledgeByLink(deps, ticket, staff, confirmed);
      await audit('ack_link_used', { confirmed: answer.kind !== 'offered' });
      const label = ticketLabel(ticket.number);
      // Someone no longer responsible for it (the shift changed since the page) confirms first.
      if (answer.kind === 'offered') {
        return void res
          .type('html')
          .send(
            page(
              label,
              `<p>${escapeHtml(`${label} is ${answer.whose}.`)}</p><form method="post"><input type="hidden" name="confirm" value="yes"><button type="submit">Take it anyway</button></form>`,
            ),
          );
      }
      const text =
        answer.kind === 'acknowledged'
          ? `${label} is yours. Everyone else paged has been told.`
          : answer.kind === 'already'
            ? `${label} was already taken by ${answer.by}.`
            : `There is no open ticket ${label}.`;
      res
        .status(answer.kind === 'acknowledged' ? 200 : 409)
        .type('html')
        .send(page(label, `<p>${escapeHtml(text)}</p>`));
    },
  );
  return router;
}

/** What the service reads of an interactivity payload; Slack sends more, which is left alone. */
const slackPayloadSchema = z.object({
  type: z.string().optional(),
  user: z.object({ id: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string().optional(), value: z.string().optional() })).optional(),
});

/** The `payload` form field as the object Slack sends, or why it is not one (a signed request can still be malformed). */
function slackPayload(field: unknown): z.infer<typeof slackPayloadSchema> | string {
  let json: unknown;
  try {
    json = withoutNul(JSON.parse(typeof field === 'string' ? field : ''));
  } catch {
    return 'payload is not JSON';
  }
  const parsed = slackPayloadSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `payload${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')} ${
    issue.path.length ? 'has the wrong shape' : 'must be a JSON object'
  }`;
}

/** Slack's Interactivity Request URL: the Acknowledge button. Signed with the signing secret, five-minute window. */
export function slackRoutes(deps: AckRouteDeps): Router {
  const router = Router();
  router.post(
    '/slack/actions',
    ...formBody({
      extended: false,
      limit: '64kb',
      verify: (req, _res, buf) => {
        (req as Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
    async (req, res) => {
      const raw = (req as Request & { rawBody?: Buffer }).rawBody?.toString('utf8') ?? '';
      const timestamp = Number(req.get('x-slack-request-timestamp'));
      const given = req.get('x-slack-signature') ?? '';
      const fresh = Number.isFinite(timestamp) && Math.abs(deps.clock.now().getTime() / 1000 - timestamp) <= 300;
      const expected = deps.slackSigningSecret
        ? `v0=${createHmac('sha256', deps.slackSigningSecret).update(`v0:${timestamp}:${raw}`).digest('hex')}`
        : '';
      const valid =
        expected !== '' &&
        given.length === expected.length &&
        timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (!fresh || !valid) {
        deps.log.warn(
          { fresh, configured: Boolean(deps.slackSigningSecret) },
          'refused a Slack request with a wrong or stale signature',
        );
        return void res
          .status(401)
          .json({ error: { code: 'bad_signature', message: 'Missing, wrong or stale X-Slack-Signature' } });
      }
      const payload = slackPayload(req.body?.payload);
      if (typeof payload === 'string')
        return void res.status(400).json({ error: { code: 'bad_payload', message: payload } });
      const action = payload.actions?.[0];
      if (payload.type !== 'block_actions' || action?.action_id !== 'acknowledge')
        return void res.status(200).json({ text: 'Nothing to do.' });
      const staff = staffBySlack(deps.organisation, payload.user?.id);
      if (!staff) {
        return void res.status(200).json({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'Your Slack account is not linked to anyone on the staff list, so it cannot take tickets.',
        });
      }
      const number = Number(action.value);
      const outcome = Number.isInteger(number)
        ? await acknowledge(deps, number, staff, 'slack')
        : ({ result: 'not_found' } as const);
      res.status(200).json({ response_type: 'ephemeral', replace_original: false, text: describe(outcome, number) });
    },
  );
  return router;
}

const ackBody = z.object({ staffId: z.string().trim().min(1, 'is required') });

/** POST /api/tickets/:number/ack {staffId}: acknowledgement on someone's behalf, by an administrator. */
export function ackApiRoutes(deps: TicketDeps): Router {
  const router = Router();
  router.post('/tickets/:number/ack', async (req, res) => {
    const p = parseInput(ticketNumberParam, req.params, res);
    const body = p && parseInput(ackBody, req.body, res);
    if (!p || !body) return;
    const staff = staffNamed(deps.organisation, body.staffId, res);
    if (!staff) return;
    const outcome = await acknowledge(deps, p.number, staff, 'api');
    if (outcome.result === 'not_found')
      return sendProblem(res, { kind: 'not_found', code: 'ticket_not_found', message: describe(outcome, p.number) });
    if (outcome.result === 'already')
      return sendProblem(res, { kind: 'conflict', code: 'already_acknowledged', message: describe(outcome) });
    res.json(outcome.ticket);
  });
  return router;
}
