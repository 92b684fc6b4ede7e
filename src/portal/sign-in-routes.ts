import type { Request, RequestHandler, Response, Router } from 'express';
import { ipKeyGenerator, rateLimit, type AugmentedRequest } from 'express-rate-limit';
import { recordAuditAlone } from '../audit/index.js';
import { sharedLimitStore } from '../db/index.js';
import { clientIp } from '../http/client-ip.js';
import type { PortalDeps } from './deps.js';
import { confirmSignInPage, messagePage, signInPage } from './layout.js';
import { linkAddress, redeemLink, requestLink, sessionOf, signOut, typedAddress } from './sign-in.js';
import {
  clearCookie,
  cookiesOf,
  FORM_COOKIE,
  formToken,
  PORTAL_COOKIE,
  sameToken,
  setCookie,
  type CookieOptions,
} from './session.js';
import type { Words } from './words.js';

const WINDOW_MS = 15 * 60_000;
/** Links one address may be sent in 15 minutes, and links asked for from one place (an office behind one address). */
export const LINKS_PER_ADDRESS = 5;
export const LINKS_PER_PLACE = 30;

const typedOf = (req: Request) => (typeof req.body?.email === 'string' ? req.body.email.slice(0, 320) : '');

/**
 * Limits on asking for links, by the address asked for and by where the request came from, with
 * express-rate-limit, counted in the database (shared by every instance on PostgreSQL). Past a limit,
 * the answer says so: it is the same whether the address is registered or not.
 */
function linkLimits(deps: PortalDeps, w: Words, cookieOpts: CookieOptions): RequestHandler[] {
  const limiter = (by: 'address' | 'place', limit: number, keyOf: (req: Request) => string) => {
    const property = `portal${by}Limit`;
    return rateLimit({
      windowMs: WINDOW_MS,
      limit,
      keyGenerator: keyOf,
      store: sharedLimitStore(deps.db, `portal-links-${by}`),
      passOnStoreError: true,
      requestPropertyName: property,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // The address comes from clientIp (CLIENT_IP_HEADER or the socket), never req.ip.
      validate: { trustProxy: false, xForwardedForHeader: false, forwardedHeader: false },
      handler: (req, res) => {
        const info = (req as AugmentedRequest)[property]!;
        // A flood past the limit costs one audit row and one log line per window, not one per request.
        if (info.used === info.limit + 1) {
          const ip = clientIp(req, deps.clientIpHeader);
          const entry = {
            at: deps.clock.now(),
            action: 'portal_link_requested' as const,
            actor: typedAddress(typedOf(req)),
            ip,
          };
          recordAuditAlone(deps.db, { ...entry, detail: { sent: false, throttled: by, limit } }).catch((err: unknown) =>
            deps.log.error({ err }, 'audit entry not saved'),
          );
          deps.log.warn({ ip, by, limit }, 'portal sign-in links throttled');
        }
        res
          .status(429)
          .type('html')
          .send(
            signInPage(w, deps.organisation.name, formToken(req, res, cookieOpts), {
              kind: 'error',
              text: w.throttled,
            }),
          );
      },
    });
  };
  return [
    limiter('place', LINKS_PER_PLACE, (req) => ipKeyGenerator(clientIp(req, deps.clientIpHeader))),
    limiter('address', LINKS_PER_ADDRESS, (req) => `address:${typedAddress(typedOf(req))}`),
  ];
}

/** GET/POST /portal (ask for a link), GET /portal/link (use it): before a session exists. */
export function signInRoutes(router: Router, deps: PortalDeps, w: Words, cookieOpts: CookieOptions): void {
  const org = deps.organisation.name;
  const ipOf = (req: Request) => clientIp(req, deps.clientIpHeader);
  router.get('/', async (req, res) => {
    const token = cookiesOf(req)[PORTAL_COOKIE];
    if (token && (await sessionOf(deps, token))) return res.redirect(303, '/portal/tickets');
    res.type('html').send(signInPage(w, org, formToken(req, res, cookieOpts)));
  });
  // A forged or stale form is refused before it counts against anyone's limit, and sends nothing.
  const formChecked: RequestHandler = (req, res, next) => {
    if (sameToken(req.body?._csrf, cookiesOf(req)[FORM_COOKIE])) return next();
    res
      .status(403)
      .type('html')
      .send(signInPage(w, org, formToken(req, res, cookieOpts), { kind: 'error', text: w.formExpired }));
  };
  router.post('/', formChecked, ...linkLimits(deps, w, cookieOpts), async (req, res) => {
    const typed = typedOf(req);
    await requestLink(deps, typed, ipOf(req));
    res
      .type('html')
      .send(
        signInPage(w, org, formToken(req, res, cookieOpts), { kind: 'ok', text: w.linkSent(typedAddress(typed), org) }),
      );
  });
  const spent = (res: Response) =>
    void res
      .status(410)
      .type('html')
      .send(messagePage(w, w.portal(org), w.linkSpent, '/portal', w.askForLink));
  // Opening the link (GET or HEAD) names the address and asks; only the button's POST signs in.
  router.get('/link', async (req, res) => {
    const token = typeof req.query.t === 'string' ? req.query.t.slice(0, 100) : '';
    const address = await linkAddress(deps, token);
    if (!address) {
      const entry = { at: deps.clock.now(), action: 'portal_link_refused' as const, ip: ipOf(req) };
      await recordAuditAlone(deps.db, { ...entry, detail: { reason: 'used, expired or unknown', opened: true } });
      return spent(res);
    }
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    res.type('html').send(confirmSignInPage(w, org, formToken(req, res, cookieOpts), token, address));
  });
  router.post('/link', async (req, res) => {
    // The form's token (a strict cookie) proves the button was pressed on this site, not posted from another.
    if (!sameToken(req.body?._csrf, cookiesOf(req)[FORM_COOKIE]))
      return void res
        .status(403)
        .type('html')
        .send(signInPage(w, org, formToken(req, res, cookieOpts), { kind: 'error', text: w.formExpired }));
    const token = typeof req.body?.t === 'string' ? req.body.t : '';
    const started = await redeemLink(deps, token, ipOf(req));
    if (!started) return spent(res);
    setCookie(res, PORTAL_COOKIE, started.token, { ...cookieOpts, maxAgeSeconds: started.maxAgeSeconds });
    clearCookie(res, FORM_COOKIE, cookieOpts);
    res.redirect(303, '/portal/tickets');
  });
}

/** POST /portal/sign-out (this browser) and /portal/sign-out-everywhere (every session of the address). */
export function signOutRoutes(router: Router, deps: PortalDeps, cookieOpts: CookieOptions): void {
  const out = (everywhere: boolean) => async (req: Request, res: Response) => {
    await signOut(deps, res.locals.portal!.session, everywhere, clientIp(req, deps.clientIpHeader));
    clearCookie(res, PORTAL_COOKIE, cookieOpts);
    res.redirect(303, '/portal');
  };
  router.post('/sign-out', out(false));
  router.post('/sign-out-everywhere', out(true));
}
