import type { Request, Response } from 'express';
import type { DashboardDeps } from './deps.js';
import type { Organisation } from '../config/index.js';
import { staffOfAccount, type Account } from '../auth/index.js';
import type { Outcome } from '../http/problems.js';
import type { Actor } from '../tickets/index.js';
import type { PageContext } from './layout.js';
import { flash, takeFlash, type CookieOptions } from './session.js';

/** What every dashboard route needs: the services, and the small helpers of a signed-in page. */
export interface Kit {
  s: DashboardDeps;
  org: Organisation;
  cookieOpts: CookieOptions;
  /** A staff member's name by id (or the id, for someone no longer in the file). */
  names(id: string): string;
  ctxOf(req: Request, res: Response): PageContext;
  actorOf(account: Account): Actor;
  send(res: Response, body: string): void;
  /** Post/redirect/get: the result as a message on the page the form came from. */
  after<T>(res: Response, outcome: Outcome<T>, back: string, okText: (v: T) => string): void;
  refuse(res: Response, back: string, text: string): void;
  invalid(message: string): Outcome<never>;
}

export function kitOf(s: DashboardDeps): Kit {
  const org = s.organisation;
  const cookieOpts = { secure: s.publicUrl.startsWith('https://') };
  const refuse = (res: Response, back: string, text: string) => {
    flash(res, 'error', text, cookieOpts);
    res.redirect(303, back);
  };
  return {
    s,
    org,
    cookieOpts,
    names: (id) => org.staff.find((p) => p.id === id)?.name ?? id,
    ctxOf: (req, res) => ({
      account: res.locals.signed!.account,
      csrf: res.locals.signed!.csrf,
      organisation: org.name,
      zone: org.timezone,
      flash: takeFlash(req, res, cookieOpts),
      lineProblem: res.locals.lineProblem,
      mailboxProblem: res.locals.mailboxProblem,
    }),
    actorOf: (account) => {
      const staff = staffOfAccount(org, account);
      return staff ? { id: staff.id, name: staff.name } : { id: account.email, name: account.name };
    },
    send: (res, body) => void res.type('html').send(body),
    after: (res, outcome, back, okText) => {
      if (outcome.ok) {
        flash(res, 'ok', okText(outcome.value), cookieOpts);
        res.redirect(303, back);
      } else refuse(res, back, outcome.problem.message);
    },
    refuse,
    invalid: (message) => ({ ok: false, problem: { kind: 'invalid', code: 'invalid_input', message } }),
  };
}
