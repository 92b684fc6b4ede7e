import { simpleParser } from 'mailparser';
import type { startSmtp } from './fake-mail-chat.js';

/**
 * A client's contact on the portal over real HTTP (fetch), for the service as a child process: ask for a
 * link, take it from the SMTP stand-in, open it and press its button, then post forms with files.
 */
export const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];

export interface PortalContact {
  cookie: string;
  csrf: string;
}

export async function signInOverHttp(
  base: string,
  smtp: Awaited<ReturnType<typeof startSmtp>>,
  email: string,
): Promise<PortalContact> {
  const form = await fetch(`${base}/portal`);
  const before = smtp.mails.length;
  const asked = await fetch(`${base}/portal`, {
    method: 'POST',
    headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: field(await form.text(), '_csrf')!, email }),
  });
  if (asked.status !== 200) throw new Error(`asking for a link answered ${asked.status}`);
  let link: string | undefined;
  for (const started = Date.now(); !link && Date.now() - started < 15_000;) {
    const mail = smtp.mails.slice(before).find((m) => m.to.includes(email));
    if (mail) link = /\/portal\/link\?t=[A-Za-z0-9_-]+/.exec((await simpleParser(mail.raw)).text ?? '')?.[0];
    else await new Promise((r) => setTimeout(r, 20));
  }
  if (!link) throw new Error(`no sign-in link reached SMTP for ${email}`);
  const opened = await fetch(`${base}${link}`);
  const html = await opened.text();
  const signed = await fetch(`${base}/portal/link`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookiesOf(opened), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: field(html, '_csrf')!, t: field(html, 't')! }),
  });
  const cookie = cookiesOf(signed);
  if (signed.status !== 303 || !cookie.includes('switchboard_portal=')) throw new Error('the link did not sign in');
  const page = await fetch(`${base}/portal/tickets`, { headers: { cookie } });
  return { cookie, csrf: field(await page.text(), '_csrf')! };
}

/** Posts a portal form with files (multipart), without following the redirect. */
export function postForm(
  base: string,
  who: PortalContact,
  path: string,
  fields: Record<string, string>,
  files: { name: string; content: Buffer }[] = [],
  signal?: AbortSignal,
): Promise<Response> {
  const form = new FormData();
  form.set('_csrf', who.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append('attachments', new Blob([new Uint8Array(f.content)]), f.name);
  return fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: who.cookie },
    body: form,
    signal,
  });
}

/** The attachment links of a ticket's page on the portal. */
export async function attachmentLinks(base: string, who: PortalContact, number: number): Promise<string[]> {
  const page = await (await fetch(`${base}/portal/tickets/${number}`, { headers: { cookie: who.cookie } })).text();
  return [...page.matchAll(/href="(\/portal\/tickets\/\d+\/attachments\/\d+)"/g)].map((m) => m[1]!);
}
