import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { parse, serialize } from 'cookie';
import type { Database } from '../db/index.js';
import type { Clock } from '../calendar/index.js';
import { can, sessionOf, type Account, type Permission } from '../auth/index.js';
import { messagePage, type PageContext } from './layout.js';

export const SESSION_COOKIE = 'switchboard_session';
export const LOGIN_COOKIE = 'switchboard_login';
const FLASH_COOKIE = 'switchboard_flash';

export interface CookieOptions {
  secure: boolean;
}

export function cookiesOf(req: Request): Record<string, string | undefined> {
  return parse(req.headers.cookie ?? '');
}

export function setCookie(
  res: Response,
  name: string,
  value: string,
  opts: CookieOptions & { maxAgeSeconds?: number; sameSite?: 'lax' | 'strict' },
): void {
  res.append(
    'Set-Cookie',
    serialize(name, value, {
      httpOnly: true,
      sameSite: opts.sameSite ?? 'lax',
      secure: opts.secure,
      path: '/dashboard',
      ...(opts.maxAgeSeconds !== undefined ? { maxAge: opts.maxAgeSeconds } : {}),
    }),
  );
}

export const clearCookie = (res: Response, name: string, opts: CookieOptions) =>
  setCookie(res, name, '', { ...opts, maxAgeSeconds: 0 });

export const sameToken = (a: string | undefined, b: string | undefined): boolean => {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A one-off token for the sign-in form (double-submit: a cookie and a hidden field that must match). */
export function loginToken(req: Request, res: Response, opts: CookieOptions): string {
  const existing = cookiesOf(req)[LOGIN_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(res, LOGIN_COOKIE, token, { ...opts, sameSite: 'strict', maxAgeSeconds: 3600 });
  return token;
}

export interface Signed {
  account: Account;
  csrf: string;
}

declare module 'express-serve-static-core' {
  interface Locals {
    signed?: Signed;
    /** Set when the last test of the helpdesk line failed: every page says so at the top. */
    lineProblem?: string;
    /** Set when the helpdesk mailbox is not being read: every page says so at the top. */
    mailboxProblem?: string;
  }
}

/**
 * Every dashboard page: a valid session cookie, or off to sign in (a fetch gets 401). Every POST
 * carries the session's CSRF token in `_csrf`, or it is refused with 403 and nothing changes.
 */
export function requireSession(deps: { db: Database; clock: Clock }) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = cookiesOf(req)[SESSION_COOKIE];
    const session = token ? await sessionOf(deps.db.q, token, deps.clock.now()) : undefined;
    if (!session) {
      if (req.method === 'GET' && !req.path.endsWith('/rows')) {
        res.redirect(303, `/dashboard/login?next=${encodeURIComponent(req.originalUrl)}`);
      } else
        res
          .status(401)
          .type('html')
          .send(messagePage('Signed out', 'Your session has ended. Sign in again to continue.', '/dashboard/login'));
      return;
    }
    if (
      req.method === 'POST' &&
      !sameToken(typeof req.body?._csrf === 'string' ? req.body._csrf : undefined, session.csrfToken)
    ) {
      res
        .status(403)
        .type('html')
        .send(
          messagePage(
            'Form expired',
            'This form could not be accepted (its security token is missing or out of date), so nothing was changed. Go back, reload the page and try again.',
          ),
        );
      return;
    }
    res.locals.signed = { account: session.account, csrf: session.csrfToken };
    next();
  };
}

/** A page or action for some roles only. */
export function allow(what: Permission) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (can(res.locals.signed!.account.role, what)) return next();
    res
      .status(403)
      .type('html')
      .send(
        messagePage('Not for your role', 'Your account cannot open this page. Ask an administrator if you need it.'),
      );
  };
}

/** A message for the next page, after a redirect. */
export function flash(res: Response, kind: 'ok' | 'error', text: string, opts: CookieOptions): void {
  setCookie(res, FLASH_COOKIE, Buffer.from(JSON.stringify({ kind, text })).toString('base64url'), {
    ...opts,
    maxAgeSeconds: 60,
  });
}

export function takeFlash(req: Request, res: Response, opts: CookieOptions): PageContext['flash'] {
  const value = cookiesOf(req)[FLASH_COOKIE];
  if (!value) return undefined;
  clearCookie(res, FLASH_COOKIE, opts);
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { kind?: unknown; text?: unknown };
    if ((parsed.kind === 'ok' || parsed.kind === 'error') && typeof parsed.text === 'string')
      return { kind: parsed.kind, text: parsed.text.slice(0, 500) };
  } catch {
    // A mangled cookie is simply ignored.
  }
  return undefined;
}
