import { simpleParser } from 'mailparser';
import request from 'supertest';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import { auth } from './app.js';
import { RECEIVING_SERVER } from './mail-messages.js';
import { organisationFrom } from './organisation.js';
import { pagingHarness } from './paging.js';
import type { TestAppOptions } from './app.js';

/** The helpdesk of the portal's tests: two service lines, two contract levels. */
export const portalOrganisation = (patch: (doc: any) => void = () => {}) =>
  organisationFrom(undefined, (doc) => {
    doc.service_lines = [
      { id: 'software', name: 'Software support', on_call: { rotation: ['erin'], shift: 'daily', handoff: '08:00' } },
      { id: 'noc', name: 'Network operations', on_call: { rotation: ['ed'], shift: 'daily', handoff: '08:00' } },
    ];
    doc.support_levels = {
      standard: { after_hours_emergency: 'billable', sla: { critical: '4h', high: '24h', medium: '48h', low: '72h' } },
      premium: { after_hours_emergency: 'included', sla: { critical: '2h', high: '8h' } },
    };
    doc.email = {
      addresses: [{ address: 'support@omnipotech.example', line: 'software' }],
      senders: 'registered',
      authentication: { trust: RECEIVING_SERVER },
    };
    patch(doc);
  });

/**
 * The service with its real SMTP client pointed at a local SMTP server (where sign-in links are caught),
 * on plain http (so the portal's cookies travel with supertest), on a Tuesday at 09:00 in Chicago, with
 * two clients: Acme Dental (a contact, Dana, and its domain; both lines; premium) and Beta Bakery (a
 * contact, Bo; one line).
 */
export async function portalHarness(options: TestAppOptions = {}) {
  const h = await pagingHarness({
    organisation: portalOrganisation(),
    now: '2026-11-24T15:00:00Z',
    ...options,
    env: { PUBLIC_URL: 'http://helpdesk.test', ...options.env },
  });
  const acme = await request(h.app)
    .post('/api/clients')
    .set(auth)
    .send({
      name: 'Acme Dental',
      supportCode: '4417',
      level: 'premium',
      contacts: [
        { name: 'Dana Dentist', phone: '+12815550142', email: 'dana@acme.example' },
        { name: 'Rob Reception', phone: '+12815550143', email: 'rob@acme.example' },
      ],
      domains: ['acme.example'],
    })
    .expect(201);
  const beta = await request(h.app)
    .post('/api/clients')
    .set(auth)
    .send({
      name: 'Beta Bakery',
      supportCode: '7771',
      lines: ['software'],
      contacts: [{ name: 'Bo Baker', phone: '+12815550199', email: 'bo@beta.example' }],
    })
    .expect(201);
  return { ...h, acme: acme.body, beta: beta.body };
}

export type PortalHarness = Awaited<ReturnType<typeof portalHarness>>;

/** The hidden CSRF field of a page. */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** Mails the SMTP stand-in took for an address, parsed, oldest first. */
export async function mailsTo(h: Pick<PortalHarness, 'smtp'>, address: string) {
  const mine = h.smtp.mails.filter((m) => m.to.includes(address));
  return Promise.all(
    mine.map(async (m) => {
      const parsed = await simpleParser(m.raw);
      return {
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        messageId: parsed.messageId,
        inReplyTo: parsed.inReplyTo,
        raw: m.raw,
      };
    }),
  );
}

/** Asks for a sign-in link on the portal's form, as a browser would. */
export async function askForLink(agent: ReturnType<typeof request.agent>, email: string) {
  const form = await agent.get('/portal').expect(200);
  return agent
    .post('/portal')
    .type('form')
    .send({ _csrf: csrfOf(form.text), email });
}

/** The sign-in link in the last sign-in mail to an address (path and query only), once the outbox has sent it. */
export async function linkFor(h: Pick<PortalHarness, 'smtp' | 'settle'>, email: string): Promise<string> {
  await h.settle();
  const mails = (await mailsTo(h, email)).filter((m) => /\/portal\/link\?t=/.test(m.text));
  const text = mails.at(-1)?.text ?? '';
  const link = /https?:\/\/[^/\s]+(\/portal\/link\?t=[A-Za-z0-9_-]+)/.exec(text)?.[1];
  expect(link, `a sign-in link emailed to ${email}`).toBeDefined();
  return link!;
}

/**
 * Follows an emailed link as a person does: the link opens a page naming the address (using nothing up),
 * and its one button signs in. Answers the button's response (or the page's, when the link is spent).
 */
export async function followLink(agent: ReturnType<typeof request.agent>, link: string) {
  const opened = await agent.get(link);
  if (opened.status !== 200) return opened;
  const token = /name="t" value="([^"]+)"/.exec(opened.text)?.[1];
  expect(token, 'the confirm page carries the link').toBeDefined();
  return agent
    .post('/portal/link')
    .type('form')
    .send({ _csrf: csrfOf(opened.text), t: token });
}

/** A browser-like agent signed in to the portal by the emailed link, with the CSRF token of its forms. */
export async function portalSignIn(h: PortalHarness, email: string) {
  const agent = request.agent(h.app as App);
  await askForLink(agent, email).then((r) => expect(r.status).toBe(200));
  const link = await linkFor(h, email);
  const res = await followLink(agent, link);
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/portal/tickets');
  const page = await agent.get('/portal/tickets').expect(200);
  return { agent, csrf: csrfOf(page.text)! };
}

export type PortalAgent = Awaited<ReturnType<typeof portalSignIn>>;

/** Opens a ticket through the portal's form (multipart, with files), and returns its number. */
export async function openOnPortal(
  who: PortalAgent,
  fields: { subject: string; body?: string; line?: string; priority?: string },
  files: { name: string; content: Buffer; type?: string }[] = [],
): Promise<number> {
  let req = who.agent.post('/portal/tickets').field('_csrf', who.csrf).field('subject', fields.subject);
  if (fields.body !== undefined) req = req.field('body', fields.body);
  if (fields.line) req = req.field('line', fields.line);
  req = req.field('priority', fields.priority ?? 'medium');
  for (const f of files)
    req = req.attach('attachments', f.content, { filename: f.name, contentType: f.type ?? 'application/octet-stream' });
  const res = await req;
  expect(res.status, res.text.slice(0, 500)).toBe(303);
  const number = /^\/portal\/tickets\/(\d+)$/.exec(res.headers.location ?? '')?.[1];
  expect(number).toBeDefined();
  return Number(number);
}

/** The API's view of a ticket (staff's). */
export const apiTicket = async (h: Pick<PortalHarness, 'app'>, number: number) =>
  (await request(h.app).get(`/api/tickets/${number}`).set(auth).expect(200)).body;
