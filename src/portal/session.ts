import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { parse, serialize } from 'cookie';
import { storageOf, type Client } from '../clients/index.js';
import { discardUnheld } from '../files/index.js';
import { openedBySince, portalMessagesBySince, type NewAttachment, type ClientViewer } from '../tickets/index.js';
import type { PortalDeps } from './deps.js';
import { enterUpload, isMultipart, readMultipart, type FormProblem } from './form.js';
import type { Words } from './words.js';
import { messagePage, type Flash } from './layout.js';
import { sessionOf } from './sign-in.js';
import type { PortalSession } from './store.js';

/** The portal's own cookies, apart from staff's: its session, the sign-in form's token, a message for the next page. */
export const PORTAL_COOKIE = 'switchboard_portal';
export const FORM_COOKIE = 'switchboard_portal_form';
const FLASH_COOKIE = 'switchboard_portal_flash';

export interface CookieOptions {
  secure: boolean;
}

export const cookiesOf = (req: Request) => parse(req.headers.cookie ?? '');

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
      path: '/portal',
      ...(opts.maxAgeSeconds !== undefined ? { maxAge: opts.maxAgeSeconds } : {}),
    }),
  );
}

export const clearCookie = (res: Response, name: string, opts: CookieOptions) =>
  setCookie(res, name, '', { ...opts, maxAgeSeconds: 0 });

export const sameToken = (a: unknown, b: string | undefined): boolean => {
  if (typeof a !== 'string' || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The sign-in form's token (double-submit: a cookie and a hidden field that must match). */
export function formToken(req: Request, res: Response, opts: CookieOptions): string {
  const existing = cookiesOf(req)[FORM_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(res, FORM_COOKIE, token, { ...opts, sameSite: 'strict', maxAgeSeconds: 3600 });
  return token;
}

/** Who is signed in, for the portal's pages and actions. */
export interface Signed {
  session: PortalSession;
  client: Client;
  viewer: ClientViewer;
  csrf: string;
  /** A posted form's fields and files (multipart forms are read here, so their token is checked like any). */
  fields: Record<string, string>;
  files: NewAttachment[];
  /** Why a multipart form's files were refused, if they were (the fields are still read). */
  formProblem?: FormProblem;
}

declare module 'express-serve-static-core' {
  interface Locals {
    portal?: Signed;
  }
}

const stringFields = (body: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );

/**
 * Every page past sign-in: a live portal session, or off to sign in (an action is refused with 401). Every
 * POST carries the session's token in `_csrf`, or it is refused with 403 and nothing changes.
 */
export function requirePortal(deps: PortalDeps, w: Words) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = cookiesOf(req)[PORTAL_COOKIE];
    const signed = token ? await sessionOf(deps, token) : undefined;
    if (!signed) {
      if (req.method === 'GET') return void res.redirect(303, '/portal');
      return void res
        .status(401)
        .type('html')
        .send(messagePage(w, w.signedOut, w.sessionEnded, '/portal'));
    }
    const { session, client } = signed;
    const viewer: ClientViewer = {
      clientId: client.id,
      contactId: session.contactId,
      email: session.email,
      name: client.contacts.find((c) => c.id === session.contactId)?.name,
      visibility: deps.organisation.portal.visibility,
    };
    // Past its hourly limit, a reply or a new ticket is refused before a byte of its files is read.
    const limited = req.method === 'POST' && isMultipart(req) ? await overLimit(deps, req.path, viewer) : undefined;
    if (limited)
      return void res
        .status(429)
        .type('html')
        .send(messagePage(w, w.portal(deps.organisation.name), w.problems[limited], '/portal/tickets'));
    let fields = stringFields(req.body);
    let files: NewAttachment[] = [];
    let formProblem: FormProblem | undefined;
    if (req.method === 'POST' && isMultipart(req)) {
      // Reading, storing and keeping the files all happen inside the upload guard, which is let go only
      // once the answer is sent; files written that nothing came to hold (a refused form) are removed then.
      const release = enterUpload(client.id);
      if (!release) formProblem = { kind: 'busy' };
      else {
        const written: number[] = [];
        res.once('close', () => {
          release();
          if (written.length)
            void deps.db
              .withTransaction((tx) => discardUnheld(tx, written))
              .catch((err: unknown) => deps.log.error({ err }, 'unheld uploads not removed; the sweep will'));
        });
        const { room } = await storageOf(deps.db.q, client.id);
        const form = await readMultipart(req, {
          db: deps.db,
          clientId: client.id,
          at: deps.clock.now(),
          roomBytes: room,
          written: (id) => written.push(id),
        });
        if (form.ok) ({ fields, files } = form);
        formProblem = form.problem;
      }
    }
    if (req.method === 'POST' && !sameToken(fields._csrf, session.csrfToken)) {
      const [status, text] =
        formProblem?.kind === 'busy'
          ? [503, w.problems.busy]
          : formProblem?.kind === 'unreadable'
            ? [400, w.problems.unreadable]
            : formProblem?.kind === 'too_large'
              ? [413, w.problems.filesTooLarge]
              : [403, w.formExpired];
      return void res
        .status(status)
        .type('html')
        .send(messagePage(w, w.portal(deps.organisation.name), text));
    }
    res.locals.portal = {
      session,
      client,
      viewer,
      csrf: session.csrfToken,
      fields,
      files,
      formProblem,
    };
    next();
  };
}

/** Replies (and new tickets' first messages) one address may write on the portal in an hour. */
export const PORTAL_MESSAGES_PER_HOUR = 30;
/** New tickets one address may open on the portal in an hour (as by email). */
export const TICKETS_PER_HOUR = 10;

/** Whether this post is past its hourly limit, and which. */
async function overLimit(
  deps: PortalDeps,
  path: string,
  viewer: ClientViewer,
): Promise<'tooManyTickets' | 'tooManyReplies' | undefined> {
  const hourAgo = new Date(deps.clock.now().getTime() - 3_600_000);
  if (path === '/tickets' && (await openedBySince(deps.db.q, viewer, hourAgo)) >= TICKETS_PER_HOUR)
    return 'tooManyTickets';
  if (
    (path === '/tickets' || /^\/tickets\/[^/]+\/replies$/.test(path)) &&
    (await portalMessagesBySince(deps.db.q, viewer.email, hourAgo)) >= PORTAL_MESSAGES_PER_HOUR
  )
    return 'tooManyReplies';
  return undefined;
}

/** A message for the next page, after a redirect. */
export function flash(res: Response, kind: 'ok' | 'error', text: string, opts: CookieOptions): void {
  setCookie(res, FLASH_COOKIE, Buffer.from(JSON.stringify({ kind, text })).toString('base64url'), {
    ...opts,
    maxAgeSeconds: 60,
  });
}

export function takeFlash(req: Request, res: Response, opts: CookieOptions): Flash | undefined {
  const value = cookiesOf(req)[FLASH_COOKIE];
  if (!value) return undefined;
  clearCookie(res, FLASH_COOKIE, opts);
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { kind?: unknown; text?: unknown };
    if ((parsed.kind === 'ok' || parsed.kind === 'error') && typeof parsed.text === 'string')
      return { kind: parsed.kind, text: parsed.text.slice(0, 500) };
  } catch {
    // A mangled cookie is ignored.
  }
  return undefined;
}
