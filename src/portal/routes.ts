import { Router, type Request, type Response } from 'express';
import helmet from 'helmet';
import { formBody } from '../http/input.js';
import { shedUnderPressure } from '../http/pressure.js';
import { isMultipart } from './form.js';
import { accountRoutes } from './account-routes.js';
import { CSS } from './assets.js';
import type { PortalDeps } from './deps.js';
import type { PortalKit } from './kit.js';
import { wordsOf } from './languages.js';
import { messagePage } from './layout.js';
import { requirePortal, takeFlash } from './session.js';
import { signInRoutes, signOutRoutes } from './sign-in-routes.js';
import { ticketRoutes } from './ticket-routes.js';

/** What the portal sheds under pressure: files both ways, and the ticket list. */
const isHeavy = (req: Request) =>
  req.method === 'POST'
    ? isMultipart(req)
    : (req.method === 'GET' || req.method === 'HEAD') &&
      (req.path === '/tickets' || /^\/tickets\/[^/]+\/attachments\/[^/]+$/.test(req.path));

/**
 * The clients' portal under /portal: a contact signs in by a link emailed to them (a session of its own,
 * apart from staff's), then follows their client's tickets, opens and answers them, and reads the notices.
 */
export function portalRoutes(deps: PortalDeps): Router {
  const router = Router();
  const w = wordsOf(deps.organisation.language);
  const cookieOpts = { secure: deps.publicUrl.startsWith('https://') };
  router.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'none'"],
          styleSrc: ["'self'"],
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
  // Plain forms here; forms with files are read (within the tickets' limits) once the session is known.
  router.use(formBody({ extended: false, limit: '64kb', parameterLimit: 50 }));
  router.get(
    '/assets/portal.css',
    (_req, res) => void res.set('Cache-Control', 'public, max-age=3600').type('css').send(CSS),
  );

  const kit: PortalKit = {
    deps,
    w,
    cookieOpts,
    ctxOf: (req: Request, res: Response, withFlash = true) => {
      const signed = res.locals.portal!;
      return {
        w,
        organisation: deps.organisation.name,
        zone: deps.organisation.timezone,
        csrf: signed.csrf,
        email: signed.session.email,
        client: signed.client.name,
        flash: withFlash ? takeFlash(req, res, cookieOpts) : undefined,
      };
    },
    send: (res, [status, body]) => void res.status(status).type('html').send(body),
  };
  signInRoutes(router, deps, w, cookieOpts);
  // Downloads, uploads and the ticket list step aside under pressure, before any of their work is done.
  const shed = shedUnderPressure(
    deps.pressure,
    (_req, res) => void res.type('html').send(messagePage(w, w.portal(deps.organisation.name), w.problems.pressed)),
    (reason) =>
      deps.log.warn({ reason }, 'portal downloads, uploads and lists refused for now: service under pressure'),
  );
  router.use((req, res, next) => (isHeavy(req) ? shed(req, res, next) : next()));
  router.use(requirePortal(deps, w));
  signOutRoutes(router, deps, cookieOpts);
  ticketRoutes(router, kit);
  accountRoutes(router, kit);

  router.use((_req, res) => {
    res
      .status(404)
      .type('html')
      .send(messagePage(w, w.noSuchTicket, w.noSuchTicketText));
  });
  // Anything unexpected: a page that says so (and is logged), never a stack trace.
  router.use((err: unknown, req: Request, res: Response, next: (err?: unknown) => void) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500)
      return void res
        .status(status)
        .type('html')
        .send(
          messagePage(
            w,
            w.portal(deps.organisation.name),
            status === 413 ? w.problems.filesTooLarge : w.problems.unreadable,
          ),
        );
    deps.log.error({ err, path: req.path }, 'portal page failed');
    res
      .status(500)
      .type('html')
      .send(messagePage(w, w.portal(deps.organisation.name), w.problems.unreadable));
  });
  return router;
}
