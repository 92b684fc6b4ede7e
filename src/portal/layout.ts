import { DateTime } from 'luxon';
import { html, type Html } from '../http/html.js';
import type { Words } from './words.js';

/** A message for the page after a form: it worked, or why not. */
export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** What every signed-in portal page shows: who is signed in, for which client, and the page's token. */
export interface PageContext {
  w: Words;
  organisation: string;
  zone: string;
  csrf: string;
  email: string;
  client: string;
  flash?: Flash;
}

const NAV = ['tickets', 'newTicket', 'notices', 'account'] as const;
const PATHS: Record<(typeof NAV)[number], string> = {
  tickets: '/portal/tickets',
  newTicket: '/portal/tickets/new',
  notices: '/portal/notices',
  account: '/portal/account',
};

/** A page's document: its language, title, the one stylesheet, and its body. */
export function documentOf(w: Words, title: string, body: Html): string {
  return html`<!doctype html>
<html lang="${w.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/portal/assets/portal.css">
</head>
<body>
${body}
</body>
</html>`.value;
}

export const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

export function flashOf(flash: Flash | undefined): Html {
  if (!flash) return html``;
  return html`<p class="flash ${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</p>`;
}

/** A signed-in page: the header with the portal's pages and the sign-out button, then the page. */
export function page(ctx: PageContext, current: string, title: string, body: Html, status = 200): [number, string] {
  const { w } = ctx;
  return [
    status,
    documentOf(
      w,
      `${title} · ${w.portal(ctx.organisation)}`,
      html`<header class="top">
  <span class="brand">${w.portal(ctx.organisation)}</span>
  <nav>${NAV.map((n) => html`<a href="${PATHS[n]}"${PATHS[n] === current ? html` aria-current="page"` : ''}>${w.nav[n]}</a> `)}</nav>
  <form method="post" action="/portal/sign-out" class="who">
    <span>${ctx.email} · ${ctx.client}</span>
    ${csrfField(ctx.csrf)}<button type="submit" class="link">${w.nav.signOut}</button>
  </form>
</header>
<main>
${flashOf(ctx.flash)}
<h1>${title}</h1>
${body}
<p class="muted foot"><a href="/status">${w.nav.status}</a></p>
</main>`,
    ),
  ];
}

/** A page for someone not signed in (or a refusal): a title, a sentence, and where to go. */
export function messagePage(w: Words, title: string, text: string, link = '/portal', linkText?: string): string {
  return documentOf(
    w,
    title,
    html`<main class="narrow"><div class="card"><h1>${title}</h1><p>${text}</p><p><a href="${link}">${linkText ?? w.nav.tickets}</a></p></div></main>`,
  );
}

/** The sign-in page: one field, the address; after a request, the same sentence whatever the address. */
export function signInPage(
  w: Words,
  organisation: string,
  csrf: string,
  notice?: { kind: 'ok' | 'error'; text: string },
): string {
  return documentOf(
    w,
    `${w.signIn} · ${w.portal(organisation)}`,
    html`<main class="narrow"><div class="card">
<h1>${w.portal(organisation)}</h1>
${notice ? html`<p class="flash ${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</p>` : ''}
<p>${w.signInIntro(organisation)}</p>
<form method="post" action="/portal">
  ${csrfField(csrf)}
  <label for="email">${w.emailLabel}</label>
  <input id="email" name="email" type="email" autocomplete="email" required maxlength="320">
  <button type="submit">${w.askForLink}</button>
</form>
</div>
<p class="muted foot"><a href="/status">${w.nav.status}</a></p>
</main>`,
  );
}

/**
 * Opening a sign-in link: a page naming the address it signs in, with one button that does it. Opening the
 * link uses nothing up, so a mail scanner that follows it spends nothing, and nobody is signed in to
 * another's account by a link they did not ask for without seeing whose it is.
 */
export function confirmSignInPage(
  w: Words,
  organisation: string,
  csrf: string,
  token: string,
  address: string,
): string {
  return documentOf(
    w,
    `${w.signIn} · ${w.portal(organisation)}`,
    html`<main class="narrow"><div class="card">
<h1>${w.portal(organisation)}</h1>
<p>${w.confirmSignIn(address)}</p>
<form method="post" action="/portal/link">
  ${csrfField(csrf)}
  <input type="hidden" name="t" value="${token}">
  <button type="submit">${w.signInAs(address)}</button>
</form>
<p class="muted">${w.notYou}</p>
</div></main>`,
  );
}

/** A local date and time a client reads: "Tue 24 Nov, 17:00 CST", in their language. */
export function when(ctx: Pick<PageContext, 'zone' | 'w'>, at: Date | null | undefined): Html {
  if (!at) return html`<span class="muted">—</span>`;
  return html`<time datetime="${at.toISOString()}">${dateTimeFormat(ctx.w.lang, ctx.zone).format(at)}</time>`;
}

/**
 * "Sat, Dec 5, 06:17 CST" in the reader's language and the organisation's zone. One formatter per language
 * and zone, kept: building one (or formatting through luxon) costs about 0.1 ms, a list page has hundreds.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(lang: string, zone: string): Intl.DateTimeFormat {
  const key = `${lang}|${zone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(key, format);
  }
  return format;
}

/** The local time of day: "03:12". */
export const timeOfDay = (zone: string, at: Date) => DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');
