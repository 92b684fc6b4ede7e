import { Router, type Request, type Response } from 'express';
import helmet from 'helmet';
import { DateTime } from 'luxon';
import { formBody } from '../http/input.js';
import { shedUnderPressure } from '../http/pressure.js';
import type { DashboardDeps } from './deps.js';
import { CSS, JS } from './assets.js';
import { kitOf } from './kit.js';
import { homeOf, messagePage } from './layout.js';
import { billingPages, onCallPage } from './office-routes.js';
import { feedRoutes } from './feed-routes.js';
import { auditPage } from './audit-routes.js';
import { lineTestState } from '../ivr/index.js';
import { announcementPages } from './announcement-routes.js';
import { mailboxName, mailboxProblems } from '../email/index.js';
import { mailRoutes } from './mail-routes.js';
import { queueRoutes } from './queue-routes.js';
import { requireSession } from './session.js';
import { signInRoutes, signOutRoute } from './sign-in.js';
import { ticketPageRoutes } from './ticket-routes.js';

/** The staff dashboard: server-rendered pages under /dashboard for staff who sign in. */
/** What the dashboard sheds under pressure: the ticket list, attachments, the audit trail and the reports. */
const isHeavy = (req: Request) =>
  (req.method === 'GET' || req.method === 'HEAD') &&
  (req.path === '/tickets' ||
    req.path === '/audit' ||
    /^\/(after-hours|reports)(\.csv)?$/.test(req.path) ||
    /^\/tickets\/[^/]+\/attachments\/[^/]+$/.test(req.path));

export function dashboardRoutes(s: DashboardDeps): Router {
  const router = Router();
  const kit = kitOf(s);
  const { cookieOpts } = kit;

  router.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          mediaSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      strictTransportSecurity: cookieOpts.secure,
    }),
  );
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(formBody({ extended: false, limit: '64kb', parameterLimit: 50 }));
  router.get(
    '/assets/app.css',
    (_req, res) => void res.set('Cache-Control', 'public, max-age=3600').type('css').send(CSS),
  );
  router.get(
    '/assets/app.js',
    (_req, res) => void res.set('Cache-Control', 'public, max-age=3600').type('js').send(JS),
  );

  signInRoutes(router, kit);
  // Ticket lists, downloads and reports step aside under pressure, before any of their work is done.
  const shed = shedUnderPressure(
    s.pressure,
    (_req, res) =>
      void res
        .type('html')
        .send(
          messagePage(
            'Busy',
            'The service is very busy just now; this page is held back so that calls and pages go on. Try again in a minute.',
          ),
        ),
    (reason) =>
      s.log.warn({ reason }, 'dashboard lists, downloads and reports refused for now: service under pressure'),
  );
  router.use((req, res, next) => (isHeavy(req) ? shed(req, res, next) : next()));
  router.use(requireSession(s));
  // A failed test of the helpdesk line is on every page until a test passes: callers may not be getting through.
  router.use(async (_req, res, next) => {
    try {
      const test = await lineTestState(s.db.q);
      if (test?.status === 'failed')
        res.locals.lineProblem = `The helpdesk line is not reaching Switchboard: the test call at ${test.startedAt} failed (${test.why ?? 'not seen'}). Callers may not be getting through. Check the number's Voice URL and the Twilio account, then test the line again on the On call page.`;
      next();
    } catch (err) {
      next(err);
    }
  });
  // A helpdesk mailbox nobody can read is on every page too: clients' mail is not becoming tickets.
  router.use(async (_req, res, next) => {
    try {
      if (s.env.mailbox) {
        const [problem] = await mailboxProblems(s.db.q, s.clock.now(), [mailboxName(s.env.mailbox)]);
        if (problem)
          res.locals.mailboxProblem = `${problem.text} since ${DateTime.fromJSDate(problem.since, { zone: s.organisation.timezone }).toFormat('ccc d LLL HH:mm')}${problem.error ? ` (${problem.error})` : ''}: clients' mail is not becoming tickets. Check IMAP_URL and the mailbox's password.`;
      }
      next();
    } catch (err) {
      next(err);
    }
  });
  signOutRoute(router, kit);
  router.get('/', (_req, res) => res.redirect(303, homeOf(res.locals.signed!.account)));
  queueRoutes(router, kit);
  ticketPageRoutes(router, kit);
  onCallPage(router, kit);
  feedRoutes(router, kit);
  announcementPages(router, kit);
  billingPages(router, kit);
  auditPage(router, kit);
  mailRoutes(router, kit);

  router.use((req, res) => {
    res
      .status(404)
      .type('html')
      .send(messagePage('No such page', `There is nothing at ${req.originalUrl.slice(0, 100)}.`));
  });

  // Anything unexpected: a page that says so (and is logged), never a stack trace or a JSON body.
  router.use((err: unknown, req: Request, res: Response, next: (err?: unknown) => void) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      res
        .status(status)
        .type('html')
        .send(
          messagePage(
            'That did not work',
            status === 413 ? 'What you sent is too large.' : 'The request could not be read. Go back and try again.',
          ),
        );
      return;
    }
    s.log.error({ err, path: req.path }, 'dashboard page failed');
    res
      .status(500)
      .type('html')
      .send(
        messagePage(
          'Something went wrong',
          'This page could not be shown. Try again in a moment; if it keeps happening, tell your administrator (the error is in the service log).',
        ),
      );
  });
  return router;
}
