import express, { Router, type Request, type Response } from 'express';
import helmet from 'helmet';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Services } from '../app.js';
import { endSession, signIn, staffOfAccount, startSession, can, SESSION_MS, type Account } from '../auth/accounts.js';
import { billableEvents, billingCsv, countBillable, monthlyReport, reportCsv, syncLedger } from '../billing/index.js';
import { dayRange } from '../billing/routes.js';
import { addCallback, callCustomer, claimCallback, outcomeSchema, recordOutcome, releaseCallback } from '../callbacks/index.js';
import { clientNames } from '../clients/repository.js';
import { onCallNowAndNext, currentAndFutureOverrides } from '../oncall/service.js';
import { acknowledge } from '../paging/ack.js';
import { requestBridge } from '../paging/bridge.js';
import { changePriority, changeStatus, logWork, priorityChangeSchema, statusChangeSchema, type Actor } from '../tickets/changes.js';
import { ticketByNumber } from '../tickets/repository.js';
import { ticketLabel } from '../tickets/label.js';
import type { Outcome } from '../http/problems.js';
import { CSS, JS } from './assets.js';
import { html } from './html.js';
import { homeOf, messagePage, page, signInPage, when, type PageContext } from './layout.js';
import { queuePage, queueRows } from './queue.js';
import { ticketFilters, ticketPage, ticketsPage } from './tickets.js';
import { afterHoursPage, reportPage } from './billing.js';
import { allow, clearCookie, cookiesOf, flash, loginToken, LOGIN_COOKIE, requireSession, sameToken, SESSION_COOKIE, setCookie, takeFlash } from './session.js';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const numberParam = z.object({ number: z.coerce.number().int().positive().max(999_999_999) });
const MAX_LIST = 500;

/** The staff dashboard: server-rendered pages under /dashboard for staff who sign in. */
export function dashboardRoutes(s: Services): Router {
  const router = Router();
  const org = s.config.organisation;
  const cookieOpts = { secure: s.publicUrl.startsWith('https://') };
  const names = (id: string) => org.staff.find((p) => p.id === id)?.name ?? id;

  router.use(
    helmet({
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], mediaSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"], upgradeInsecureRequests: null } },
      strictTransportSecurity: cookieOpts.secure,
    }),
  );
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }));
  router.get('/assets/app.css', (_req, res) => void res.set('Cache-Control', 'public, max-age=3600').type('css').send(CSS));
  router.get('/assets/app.js', (_req, res) => void res.set('Cache-Control', 'public, max-age=3600').type('js').send(JS));

  // Signing in and out.
  router.get('/login', (req, res) => {
    res.type('html').send(signInPage(org.name, loginToken(req, res, cookieOpts)));
  });
  router.post('/login', async (req, res) => {
    const token = cookiesOf(req)[LOGIN_COOKIE];
    const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 320) : '';
    const password = typeof req.body?.password === 'string' ? req.body.password.slice(0, 1000) : '';
    if (!sameToken(typeof req.body?._csrf === 'string' ? req.body._csrf : undefined, token)) {
      res.status(403).type('html').send(signInPage(org.name, loginToken(req, res, cookieOpts), 'This sign-in form had expired. Please try again.', email));
      return;
    }
    const result = await signIn(s.db, email, password, s.clock.now());
    if (!result.ok) {
      const message =
        result.reason === 'locked'
          ? `Too many failed sign-ins: this account is locked until ${DateTime.fromJSDate(result.until!, { zone: org.timezone }).toFormat('HH:mm')}. Ask an administrator to reset it if you need in sooner.`
          : 'That email and password do not match an account.';
      res.status(result.reason === 'locked' ? 423 : 401).type('html').send(signInPage(org.name, token!, message, email));
      return;
    }
    const session = startSession(s.db, result.account.id, s.clock.now());
    setCookie(res, SESSION_COOKIE, session.token, { ...cookieOpts, maxAgeSeconds: SESSION_MS / 1000 });
    clearCookie(res, LOGIN_COOKIE, cookieOpts);
    s.log.info({ account: result.account.id, role: result.account.role }, 'dashboard sign-in');
    const next = typeof req.query.next === 'string' && /^\/dashboard(\/[\w\-./?=&%]*)?$/.test(req.query.next) && !req.query.next.startsWith('/dashboard/login') ? req.query.next : homeOf(result.account);
    res.redirect(303, next);
  });

  router.use(requireSession(s));

  router.post('/logout', (req, res) => {
    const token = cookiesOf(req)[SESSION_COOKIE];
    if (token) endSession(s.db, token);
    clearCookie(res, SESSION_COOKIE, cookieOpts);
    res.redirect(303, '/dashboard/login');
  });

  const ctxOf = (req: Request, res: Response): PageContext => ({
    account: res.locals.signed!.account,
    csrf: res.locals.signed!.csrf,
    organisation: org.name,
    zone: org.timezone,
    flash: takeFlash(req, res, cookieOpts),
  });
  const actorOf = (account: Account): Actor => {
    const staff = staffOfAccount(org, account);
    return staff ? { id: staff.id, name: staff.name } : { id: account.email, name: account.name };
  };
  const send = (res: Response, body: string) => void res.type('html').send(body);
  /** Post/redirect/get: the result as a message on the page the form came from. */
  const after = <T>(res: Response, outcome: Outcome<T>, back: string, okText: (v: T) => string) => {
    if (outcome.ok) flash(res, 'ok', okText(outcome.value), cookieOpts);
    else flash(res, 'error', outcome.problem.message, cookieOpts);
    res.redirect(303, back);
  };
  const refuse = (res: Response, back: string, text: string) => {
    flash(res, 'error', text, cookieOpts);
    res.redirect(303, back);
  };

  router.get('/', (_req, res) => res.redirect(303, homeOf(res.locals.signed!.account)));

  // The callback queue.
  router.get('/queue', allow('workQueue'), (req, res) => {
    const ctx = ctxOf(req, res);
    send(res, page(ctx, '/dashboard/queue', 'Callback queue', queuePage(s.db, ctx, actorOf(ctx.account).id, names, s.clock.now())));
  });
  router.get('/queue/rows', allow('workQueue'), (req, res) => {
    const ctx = ctxOf(req, res);
    send(res, queueRows(s.db, ctx, actorOf(ctx.account).id, names, s.clock.now()).value);
  });
  router.post('/callbacks', allow('workQueue'), (req, res) => {
    const body = req.body as Record<string, unknown>;
    const phone = typeof body.phone === 'string' ? body.phone : '';
    const reason = typeof body.reason === 'string' && body.reason.trim() ? body.reason.trim().slice(0, 2000) : undefined;
    const client = z.coerce.number().int().positive().safeParse(body.client);
    after(res, addCallback(s.callbacks, { phone, reason, urgent: body.urgent === '1', clientId: client.success ? client.data : undefined }), '/dashboard/queue', (cb) => `Callback to ${cb.phone} added.`);
  });
  const callbackAction = (path: string, act: (id: number, actor: Actor, body: Record<string, unknown>) => Outcome<unknown> | undefined, okText: string) =>
    router.post(`/callbacks/:id/${path}`, allow('workQueue'), (req, res) => {
      const p = idParam.safeParse(req.params);
      if (!p.success) return refuse(res, '/dashboard/queue', 'No such callback.');
      const outcome = act(p.data.id, actorOf(res.locals.signed!.account), req.body as Record<string, unknown>);
      if (outcome) after(res, outcome, '/dashboard/queue', () => okText.replace('#', `#${p.data.id}`));
    });
  callbackAction('claim', (id, actor) => claimCallback(s.callbacks, id, actor), 'Callback # is yours.');
  callbackAction('release', (id, actor) => releaseCallback(s.callbacks, id, actor), 'Callback # is back in the queue.');
  callbackAction('call', (id, actor) => callCustomer(s.callbacks, id, actor), 'Calling your phone now for callback #; answer and you will be connected from the helpdesk number.');
  router.post('/callbacks/:id/outcome', allow('workQueue'), (req, res) => {
    const p = idParam.safeParse(req.params);
    const body = outcomeSchema.safeParse({ outcome: req.body?.outcome, note: typeof req.body?.note === 'string' && req.body.note.trim() ? req.body.note : undefined });
    if (!p.success || !body.success) return refuse(res, '/dashboard/queue', 'Choose an outcome: done, no answer or cancelled.');
    const texts = { done: 'Callback # is done.', no_answer: 'Callback # will be retried later.', cancelled: 'Callback # is cancelled.' };
    after(res, recordOutcome(s.callbacks, p.data.id, body.data, actorOf(res.locals.signed!.account)), '/dashboard/queue', () => texts[body.data.outcome].replace('#', `#${p.data.id}`));
  });

  // Tickets.
  router.get('/tickets', (req, res) => {
    const ctx = ctxOf(req, res);
    send(res, page(ctx, '/dashboard/tickets', 'Tickets', ticketsPage(s.db, ctx, org, ticketFilters.parse(req.query), s.clock.now())));
  });
  router.get('/tickets/:number', (req, res) => {
    const ctx = ctxOf(req, res);
    const p = numberParam.safeParse({ number: String(req.params.number).replace(/^tk-?/i, '') });
    const ticket = p.success ? ticketByNumber(s.db, p.data.number) : undefined;
    if (!ticket) return void res.status(404).type('html').send(messagePage('No such ticket', `There is no ticket ${String(req.params.number).slice(0, 20)}.`, '/dashboard/tickets'));
    const canChange = can(ctx.account.role, 'changeTickets');
    const isStaff = Boolean(staffOfAccount(org, ctx.account));
    send(res, page(ctx, '/dashboard/tickets', `${ticketLabel(ticket.number)} · ${ticket.summary}`, ticketPage(s.db, ctx, { organisation: org, publicUrl: s.publicUrl, linkSecret: s.linkSecret }, ticket, { canChange, isStaff }, s.clock.now())));
  });
  const ticketAction = (path: string, act: (number: number, actor: Actor, body: Record<string, unknown>, account: Account) => Outcome<unknown>, okText: string) =>
    router.post(`/tickets/:number/${path}`, allow('changeTickets'), (req, res) => {
      const p = numberParam.safeParse(req.params);
      if (!p.success) return refuse(res, '/dashboard/tickets', 'No such ticket.');
      const back = `/dashboard/tickets/${p.data.number}`;
      after(res, act(p.data.number, actorOf(res.locals.signed!.account), (req.body ?? {}) as Record<string, unknown>, res.locals.signed!.account), back, () => okText);
    });
  const invalid = (message: string): Outcome<never> => ({ ok: false, problem: { kind: 'invalid', code: 'invalid_input', message } });
  ticketAction(
    'priority',
    (n, actor, body) => {
      const input = priorityChangeSchema.safeParse(body);
      return input.success ? changePriority(s.changes, n, input.data.priority, actor) : invalid('Choose a priority.');
    },
    'Priority changed; the deadline moved and the requester was told.',
  );
  ticketAction(
    'status',
    (n, actor, body) => {
      const input = statusChangeSchema.safeParse({ status: body.status, message: typeof body.message === 'string' && body.message.trim() ? body.message : undefined });
      return input.success ? changeStatus(s.changes, n, input.data, actor) : invalid(input.error.issues[0]?.path[0] === 'message' ? 'Say what you need from the requester before returning it to them.' : 'Choose a status.');
    },
    'Status updated.',
  );
  ticketAction(
    'work',
    (n, actor, body) => {
      const input = z.object({ minutes: z.coerce.number().int().min(1).max(1440), note: z.string().trim().max(2000).optional() }).safeParse(body);
      return input.success ? logWork(s.changes, n, { minutes: input.data.minutes, note: input.data.note || undefined }, actor) : invalid('Give the minutes worked, from 1 to 1440.');
    },
    'Work logged.',
  );
  ticketAction(
    'acknowledge',
    (n, _actor, _body, account) => {
      const staff = staffOfAccount(org, account);
      if (!staff) return invalid('Only staff in the organisation file can take tickets.');
      const result = acknowledge({ db: s.db, clock: s.clock, organisation: org, onOutbox: s.tickets.onOutbox }, n, staff, 'link');
      if (result.result === 'already') return invalid(`${ticketLabel(n)} was already taken by ${result.by}.`);
      if (result.result === 'not_found') return invalid(`${ticketLabel(n)} is not open.`);
      return { ok: true, value: result.ticket };
    },
    'You have taken this ticket; the others were told.',
  );
  ticketAction(
    'call',
    (n, _actor, _body, account) => {
      const staff = staffOfAccount(org, account);
      if (!staff) return invalid('Only staff with a phone in the organisation file can be connected.');
      const said = requestBridge({ db: s.db, clock: s.clock, organisation: org, onOutbox: s.tickets.onOutbox, publicUrl: s.publicUrl, speech: s.ivr.speech, calendar: s.calendar }, staff, n);
      return said.startsWith('Calling') ? { ok: true, value: said } : invalid(said);
    },
    'Calling your phone now; answer and you will be connected to the customer from the helpdesk number.',
  );

  // Who is on call.
  router.get('/oncall', (req, res) => {
    const ctx = ctxOf(req, res);
    const deps = { db: s.db, clock: s.clock, organisation: org };
    const { now, next } = onCallNowAndNext(deps);
    const overrides = currentAndFutureOverrides(deps);
    const architects = org.staff.filter((p) => p.role === 'architect');
    const body = html`
      <div class="grid">
        <section class="card"><h2 style="margin-top:0">On call now</h2><p><strong>${now.staff.name}</strong> <a href="tel:${now.staff.phone}">${now.staff.phone}</a>${now.source === 'override' ? html` <span class="badge warning">override</span>` : ''}</p><p class="muted">until ${when(ctx, now.until)}</p></section>
        <section class="card"><h2 style="margin-top:0">Next</h2>${next ? html`<p><strong>${next.staff.name}</strong>${next.source === 'override' ? html` <span class="badge warning">override</span>` : ''}</p><p class="muted">from ${when(ctx, next.from)}</p>` : html`<p class="muted">No change ahead.</p>`}</section>
        <section class="card"><h2 style="margin-top:0">System Architects</h2><p class="muted">Paged for every emergency.</p><ul>${architects.map((a) => html`<li>${a.name} <a href="tel:${a.phone}">${a.phone}</a></li>`)}</ul></section>
      </div>
      <h2>Overrides</h2>
      <table class="stack"><thead><tr><th>Who</th><th>From</th><th>Until</th><th>Why</th></tr></thead><tbody>
      ${overrides.length === 0 ? html`<tr><td colspan="4" class="muted">None now or ahead.</td></tr>` : ''}
      ${overrides.map((o) => html`<tr><td data-label="Who">${names(o.staffId)}</td><td data-label="From">${when(ctx, o.startsAt)}</td><td data-label="Until">${when(ctx, o.endsAt)}</td><td data-label="Why">${o.reason ?? ''}</td></tr>`)}
      </tbody></table>
      <p class="muted">Rotation: ${org.onCall.rotation.map(names).join(' → ')}, ${org.onCall.shift}.</p>`;
    send(res, page(ctx, '/dashboard/oncall', 'Who is on call', body));
  });

  // Billing: the after-hours log and monthly reports.
  const localToday = () => DateTime.fromJSDate(s.clock.now(), { zone: org.timezone });
  const rangeOf = (req: Request) => {
    const today = localToday();
    const q = z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).safeParse(req.query);
    const from = q.success ? q.data.from : today.startOf('month').toISODate()!;
    const to = q.success ? q.data.to : today.toISODate()!;
    const range = from <= to ? dayRange(s.calendar, from, to) : undefined;
    return range ? { days: { from, to }, ...range } : undefined;
  };
  router.get('/after-hours', allow('seeAfterHours'), (req, res) => {
    const ctx = ctxOf(req, res);
    const range = rangeOf(req);
    if (!range) return void res.status(400).type('html').send(messagePage('Check the dates', 'Give real dates, with "from" no later than "to".', '/dashboard/after-hours'));
    syncLedger(s.db, s.calendar, s.clock.now());
    const query = { from: range.from, to: range.to, afterHoursOnly: true };
    const events = billableEvents(s.db, { ...query, limit: MAX_LIST });
    send(res, page(ctx, '/dashboard/after-hours', 'After-hours log', afterHoursPage(ctx, range.days, events, countBillable(s.db, query))));
  });
  router.get('/after-hours.csv', allow('seeAfterHours'), (req, res) => {
    const range = rangeOf(req);
    if (!range) return void res.status(400).type('text/plain').send('Give real dates, with from no later than to.');
    syncLedger(s.db, s.calendar, s.clock.now());
    const events = billableEvents(s.db, { from: range.from, to: range.to, afterHoursOnly: true });
    res.type('text/csv; charset=utf-8').attachment(`after-hours-${range.days.from}-to-${range.days.to}.csv`).send(billingCsv(events));
  });
  const reportOf = (req: Request) => {
    const month = typeof req.query.month === 'string' && /^\d{4}-\d{2}$/.test(req.query.month) ? req.query.month : localToday().toFormat('yyyy-MM');
    const client = z.coerce.number().int().positive().safeParse(req.query.client);
    syncLedger(s.db, s.calendar, s.clock.now());
    return monthlyReport(s.db, s.calendar, month, client.success ? client.data : undefined);
  };
  router.get('/reports', allow('seeReports'), (req, res) => {
    const ctx = ctxOf(req, res);
    const report = reportOf(req);
    if (!report) return void res.status(400).type('html').send(messagePage('Check the month', 'Give a month like 2026-11.', '/dashboard/reports'));
    const all = clientNames(s.db);
    const name = all.find((c) => c.id === report.clientId)?.name;
    send(res, page(ctx, '/dashboard/reports', `Billing report ${report.month}${name ? ` · ${name}` : ''}`, reportPage(ctx, report, all)));
  });
  router.get('/reports.csv', allow('seeReports'), (req, res) => {
    const report = reportOf(req);
    if (!report) return void res.status(400).type('text/plain').send('Give a month like 2026-11.');
    const name = report.clientId ? clientNames(s.db).find((c) => c.id === report.clientId)?.name : undefined;
    res.type('text/csv; charset=utf-8').attachment(`report-${report.month}${report.clientId ? `-client-${report.clientId}` : ''}.csv`).send(reportCsv(report, name));
  });

  router.use((req, res) => {
    res.status(404).type('html').send(messagePage('No such page', `There is nothing at ${req.originalUrl.slice(0, 100)}.`));
  });

  // Anything unexpected: a page that says so (and is logged), never a stack trace or a JSON body.
  router.use((err: unknown, req: Request, res: Response, next: (err?: unknown) => void) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      res.status(status).type('html').send(messagePage('That did not work', status === 413 ? 'What you sent is too large.' : 'The request could not be read. Go back and try again.'));
      return;
    }
    s.log.error({ err, path: req.path }, 'dashboard page failed');
    res.status(500).type('html').send(messagePage('Something went wrong', 'This page could not be shown. Try again in a moment; if it keeps happening, tell your administrator (the error is in the service log).'));
  });
  return router;
}
