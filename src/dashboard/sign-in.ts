import type { Request, RequestHandler, Router } from 'express';
import { ipKeyGenerator, rateLimit, type AugmentedRequest } from 'express-rate-limit';
import { DateTime } from 'luxon';
import { signIn, signInThrottled, signOut, startSession, typedEmail, SESSION_MS } from '../auth/index.js';
import { sharedLimitStore } from '../db/index.js';
import { clientIp } from '../http/client-ip.js';
import { maskEmail } from '../logging.js';
import type { Kit } from './kit.js';
import { homeOf, signInPage } from './layout.js';
import { clearCookie, cookiesOf, loginToken, LOGIN_COOKIE, sameToken, SESSION_COOKIE, setCookie } from './session.js';

/** Where to go after signing in: a dashboard page the visitor was sent away from, never anywhere else. */
function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' &&
    /^\/dashboard(\/[\w\-./?=&%]*)?$/.test(value) &&
    !value.includes('..') &&
    !value.startsWith('/dashboard/login')
    ? value
    : undefined;
}

const THROTTLED = 'Too many sign-in attempts from here; wait a minute and try again.';
const BUSY = 'The service is busy checking other sign-ins; wait a few seconds and try again.';

/** What the sign-in form sent, cut to size. */
const formOf = (req: Request) => ({
  email: typeof req.body?.email === 'string' ? req.body.email.slice(0, 320) : '',
  password: typeof req.body?.password === 'string' ? req.body.password.slice(0, 1000) : '',
  next: safeNext(req.body?.next),
});

/**
 * Two limits on sign-in posts: per client address (only attempts that fail or are refused count, so a whole
 * office behind one address can still sign in at nine), and overall, which bounds the work a flood from many
 * addresses can cause. The counts are kept in the database, so on PostgreSQL every instance counts against
 * the same limits, and a restart forgets nothing. Should the count itself fail, the attempt goes on to the
 * password check (the per-account lockout still holds).
 */
function signInLimits({ s, org, cookieOpts }: Kit): RequestHandler[] {
  const header = s.env.CLIENT_IP_HEADER;
  type Limit = { by: 'address' | 'overall'; limit: number; keyOf: (req: Request) => string; onlyRefusals: boolean };
  const limiter = ({ by, limit, keyOf, onlyRefusals }: Limit) => {
    const property = `${by}SignInLimit`;
    return rateLimit({
      windowMs: 60_000,
      limit,
      keyGenerator: keyOf,
      skipSuccessfulRequests: onlyRefusals,
      store: sharedLimitStore(s.db, `dashboard-sign-in-${by}`),
      passOnStoreError: true,
      requestPropertyName: property,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // The address comes from clientIp (CLIENT_IP_HEADER or the socket), never req.ip, so `trust proxy` is not ours to set.
      validate: { trustProxy: false, xForwardedForHeader: false, forwardedHeader: false },
      handler: (req, res) => {
        const { email, next } = formOf(req);
        const ip = clientIp(req, header);
        const info = (req as AugmentedRequest)[property]!;
        // A flood past the limit costs one audit row and one log line per window, not one per request.
        if (info.used === info.limit + 1) {
          signInThrottled(s.db, { email, ip, by, limit }, s.clock.now()).catch((err: unknown) =>
            s.log.error({ err }, 'audit entry not saved'),
          );
          s.log.warn({ ip, by, limit }, 'dashboard sign-in throttled');
        }
        res
          .status(429)
          .type('html')
          .send(signInPage(org.name, loginToken(req, res, cookieOpts), THROTTLED, email, next));
      },
    });
  };
  return [
    limiter({ by: 'address', limit: 10, keyOf: (req) => ipKeyGenerator(clientIp(req, header)), onlyRefusals: true }),
    limiter({ by: 'overall', limit: 60, keyOf: () => 'everyone', onlyRefusals: false }),
  ];
}

/** GET/POST /dashboard/login, before a session exists. */
export function signInRoutes(router: Router, kit: Kit): void {
  const { s, org, cookieOpts } = kit;
  router.get('/login', (req, res) => {
    res
      .type('html')
      .send(signInPage(org.name, loginToken(req, res, cookieOpts), undefined, '', safeNext(req.query.next)));
  });
  router.post('/login', ...signInLimits(kit), async (req, res) => {
    const token = cookiesOf(req)[LOGIN_COOKIE];
    const { email, password, next } = formOf(req);
    if (!sameToken(typeof req.body?._csrf === 'string' ? req.body._csrf : undefined, token)) {
      res
        .status(403)
        .type('html')
        .send(
          signInPage(
            org.name,
            loginToken(req, res, cookieOpts),
            'This sign-in form had expired. Please try again.',
            email,
            next,
          ),
        );
      return;
    }
    const ip = clientIp(req, s.env.CLIENT_IP_HEADER);
    const result = await signIn(s.db, { email, password, ip }, s.clock.now());
    if (!result.ok) {
      s.log.info({ email: maskEmail(typedEmail(email)), ip, reason: result.reason }, 'dashboard sign-in refused');
      if (result.reason === 'busy') res.set('Retry-After', '5');
      const until =
        result.reason === 'locked' ? DateTime.fromJSDate(result.until, { zone: org.timezone }).toFormat('HH:mm') : '';
      const [status, message] =
        result.reason === 'locked'
          ? [
              423,
              `Too many failed sign-ins: this account is locked until ${until}. Ask an administrator to reset it if you need in sooner.`,
            ]
          : result.reason === 'busy'
            ? [503, BUSY]
            : [401, 'That email and password do not match an account.'];
      res
        .status(status)
        .type('html')
        .send(signInPage(org.name, token!, message, email, next));
      return;
    }
    const session = await startSession(s.db, result.account.id, s.clock.now());
    setCookie(res, SESSION_COOKIE, session.token, { ...cookieOpts, maxAgeSeconds: SESSION_MS / 1000 });
    clearCookie(res, LOGIN_COOKIE, cookieOpts);
    s.log.info({ account: result.account.id, role: result.account.role }, 'dashboard sign-in');
    res.redirect(303, next ?? homeOf(result.account));
  });
}

/** POST /dashboard/logout: the session ends here and in the browser. */
export function signOutRoute(router: Router, { s, cookieOpts }: Kit): void {
  router.post('/logout', async (req, res) => {
    const token = cookiesOf(req)[SESSION_COOKIE];
    const ip = clientIp(req, s.env.CLIENT_IP_HEADER);
    // requireSession let this through, so the session and its account exist.
    if (token) await signOut(s.db, token, { email: res.locals.signed!.account.email, ip }, s.clock.now());
    clearCookie(res, SESSION_COOKIE, cookieOpts);
    res.redirect(303, '/dashboard/login');
  });
}
