import type { Router } from 'express';
import { DateTime } from 'luxon';
import { endSession, signIn, startSession, SESSION_MS } from '../auth/index.js';
import type { Kit } from './kit.js';
import { homeOf, signInPage } from './layout.js';
import { clearCookie, cookiesOf, loginToken, LOGIN_COOKIE, sameToken, SESSION_COOKIE, setCookie } from './session.js';

/** Where to go after signing in: a dashboard page the visitor was sent away from, never anywhere else. */
function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/dashboard(\/[\w\-./?=&%]*)?$/.test(value) && !value.includes('..') && !value.startsWith('/dashboard/login') ? value : undefined;
}

/** GET/POST /dashboard/login, before a session exists. */
export function signInRoutes(router: Router, { s, org, cookieOpts }: Kit): void {
  router.get('/login', (req, res) => {
    res.type('html').send(signInPage(org.name, loginToken(req, res, cookieOpts), undefined, '', safeNext(req.query.next)));
  });
  router.post('/login', async (req, res) => {
    const token = cookiesOf(req)[LOGIN_COOKIE];
    const email = typeof req.body?.email === 'string' ? req.body.email.slice(0, 320) : '';
    const password = typeof req.body?.password === 'string' ? req.body.password.slice(0, 1000) : '';
    if (!sameToken(typeof req.body?._csrf === 'string' ? req.body._csrf : undefined, token)) {
      res.status(403).type('html').send(signInPage(org.name, loginToken(req, res, cookieOpts), 'This sign-in form had expired. Please try again.', email, safeNext(req.body?.next)));
      return;
    }
    const result = await signIn(s.db, email, password, s.clock.now());
    if (!result.ok) {
      const message =
        result.reason === 'locked'
          ? `Too many failed sign-ins: this account is locked until ${DateTime.fromJSDate(result.until!, { zone: org.timezone }).toFormat('HH:mm')}. Ask an administrator to reset it if you need in sooner.`
          : 'That email and password do not match an account.';
      res.status(result.reason === 'locked' ? 423 : 401).type('html').send(signInPage(org.name, token!, message, email, safeNext(req.body?.next)));
      return;
    }
    const session = startSession(s.db, result.account.id, s.clock.now());
    setCookie(res, SESSION_COOKIE, session.token, { ...cookieOpts, maxAgeSeconds: SESSION_MS / 1000 });
    clearCookie(res, LOGIN_COOKIE, cookieOpts);
    s.log.info({ account: result.account.id, role: result.account.role }, 'dashboard sign-in');
    res.redirect(303, safeNext(req.body?.next) ?? homeOf(result.account));
  });
}

/** POST /dashboard/logout: the session ends here and in the browser. */
export function signOutRoute(router: Router, { s, cookieOpts }: Kit): void {
  router.post('/logout', (req, res) => {
    const token = cookiesOf(req)[SESSION_COOKIE];
    if (token) endSession(s.db, token);
    clearCookie(res, SESSION_COOKIE, cookieOpts);
    res.redirect(303, '/dashboard/login');
  });

}
