import { DateTime } from 'luxon';
import { type Account, type Permission, can } from '../auth/index.js';
import { html, type Html } from './html.js';

export interface PageContext {
  account: Account;
  csrf: string;
  organisation: string;
  zone: string;
  flash?: { kind: 'ok' | 'error'; text: string };
  /** A fault everyone must see (the helpdesk line not reaching the service). */
  lineProblem?: string;
  mailboxProblem?: string;
}

const NAV: { path: string; label: string; need?: Permission }[] = [
  { path: '/dashboard/queue', label: 'Callbacks', need: 'workQueue' },
  { path: '/dashboard/tickets', label: 'Tickets', need: 'seeTickets' },
  { path: '/dashboard/oncall', label: 'On call' },
  { path: '/dashboard/announcements', label: 'Announcements', need: 'manageAnnouncements' },
  { path: '/dashboard/after-hours', label: 'After-hours log', need: 'seeAfterHours' },
  { path: '/dashboard/reports', label: 'Billing reports', need: 'seeReports' },
  { path: '/dashboard/audit', label: 'Audit trail', need: 'seeAudit' },
];

/** Where an account lands: billing at the after-hours log, everyone else at the first page they may see. */
export const homeOf = (account: Account) =>
  account.role === 'billing' ? '/dashboard/after-hours' : NAV.find((n) => !n.need || can(account.role, n.need))!.path;

export function page(ctx: PageContext, current: string, title: string, body: Html): string {
  const nav = NAV.filter((n) => !n.need || can(ctx.account.role, n.need));
  return documentOf(
    `${title} · ${ctx.organisation}`,
    html`<header class="top">
  <span class="brand">${ctx.organisation}</span>
  <nav>${nav.map((n) => html`<a href="${n.path}"${n.path === current ? html` aria-current="page"` : ''}>${n.label}</a> `)}</nav>
  <form method="post" action="/dashboard/logout" class="inline">
    <span>${ctx.account.name} (${ctx.account.role})</span>
    ${csrfField(ctx)}<button type="submit">Sign out</button>
  </form>
</header>
<main>
${ctx.lineProblem ? html`<p class="flash error" role="alert" data-line-problem><strong>${ctx.lineProblem}</strong></p>` : ''}
${ctx.mailboxProblem ? html`<p class="flash error" role="alert" data-mailbox-problem><strong>${ctx.mailboxProblem}</strong></p>` : ''}
${ctx.flash ? html`<p class="flash ${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</p>` : ''}
<h1>${title}</h1>
${body}
</main>
<script src="/dashboard/assets/app.js" defer></script>`,
  );
}

/** Every page's document: its title, the one stylesheet, and what goes in the body. */
function documentOf(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Switchboard</title>
<link rel="stylesheet" href="/dashboard/assets/app.css">
</head>
<body>
${body}
</body>
</html>`.value;
}

export const csrfField = (ctx: Pick<PageContext, 'csrf'>) =>
  html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

/** A local time staff read at a glance: "Tue 24 Nov 17:50". */
export function when(ctx: Pick<PageContext, 'zone'>, at: Date | null | undefined): Html {
  if (!at) return html`<span class="muted">—</span>`;
  const local = DateTime.fromJSDate(at, { zone: ctx.zone });
  return html`<time datetime="${at.toISOString()}">${local.toFormat('ccc d LLL HH:mm')}</time>`;
}

/** "in 3 h 20 min", "45 min ago". */
export function relative(from: Date, to: Date): string {
  const ms = to.getTime() - from.getTime();
  const abs = Math.abs(ms);
  const mins = Math.round(abs / 60_000);
  const text =
    mins < 60
      ? `${mins} min`
      : mins < 48 * 60
        ? `${Math.floor(mins / 60)} h${mins % 60 ? ` ${mins % 60} min` : ''}`
        : `${Math.round(mins / 1440)} days`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

export function signInPage(organisation: string, csrf: string, message?: string, email = '', next?: string): string {
  return documentOf(
    `Sign in · ${organisation}`,
    html`<main class="login">
<div class="card">
<h1>${organisation}</h1>
<p class="muted">Switchboard staff sign-in</p>
${message ? html`<p class="flash error" role="alert">${message}</p>` : ''}
<form method="post" action="/dashboard/login">
  ${csrfField({ csrf })}
  ${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="${email}" autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
</div>
</main>`,
  );
}

export function messagePage(title: string, text: string, link = '/dashboard'): string {
  return documentOf(
    title,
    html`<main class="login"><div class="card"><h1>${title}</h1><p>${text}</p><p><a href="${link}">Back to the dashboard</a></p></div></main>`,
  );
}
