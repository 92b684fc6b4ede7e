import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mailboxOf } from '../../src/config/index.js';
import { startMailbox } from '../../src/email/index.js';
import { auth, signedIn } from '../support/app.js';
import { startMailServer } from '../support/dovecot.js';
import { message, RECEIVING_SERVER, unfold, verifiedBy } from '../support/mail-messages.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';

/** Mail no person wrote, and mail whose shape once lost its words: what each becomes. */
const server = await startMailServer();
const h = await pagingHarness({
  organisation: organisationFrom(undefined, (doc) => {
    doc.email = {
      addresses: [{ address: 'support@omnipotech.example', line: 'software' }],
      senders: 'registered',
      authentication: { trust: RECEIVING_SERVER },
    };
  }),
  now: '2026-11-24T15:00:00Z',
  env: { PUBLIC_URL: 'http://helpdesk.test' },
});
const SENT_FROM = 'switchboard@example.com'; // the stand-in SMTP's MAIL_FROM
const mailbox = startMailbox(
  { db: h.db, log: h.log, organisation: h.config.organisation, tickets: h.services.tickets, sentFrom: SENT_FROM },
  mailboxOf(server.url())!,
);
afterAll(async () => {
  await mailbox.stop();
  await server.stop();
});
await request(h.app)
  .post('/api/clients')
  .set(auth)
  .send({
    name: 'Acme Dental',
    supportCode: '4417',
    contacts: [{ name: 'Dana Dentist', phone: '+12815550142', email: 'dana@acme.example' }],
    domains: ['acme.example'],
  })
  .expect(201);

type ApiTicket = { number: number; summary: string };
const tickets = async (): Promise<ApiTicket[]> => (await request(h.app).get('/api/tickets').set(auth).expect(200)).body;
const detailOf = async (number: number) =>
  (await request(h.app).get(`/api/tickets/${number}`).set(auth).expect(200)).body;
const take = async (raw: string | Buffer) => {
  const uid = await server.deliver(raw);
  await vi.waitFor(async () => expect((await server.flags()).get(uid)?.has('\\Seen')).toBe(true), {
    timeout: 10_000,
    interval: 100,
  });
  await h.settle();
};
const ticketNamed = async (summary: string) => {
  const found = (await tickets()).find((t) => t.summary === summary);
  expect(found, `a ticket "${summary}"`).toBeDefined();
  return detailOf(found!.number);
};
const multipart = (subject: string, type: string, parts: string[][], headers: string[] = []) => {
  const boundary = `b-${subject.replace(/\W/g, '')}`;
  return [
    verifiedBy('dana@acme.example'),
    'From: Dana Dentist <dana@acme.example>',
    'To: support@omnipotech.example',
    `Subject: ${subject}`,
    `Message-ID: <${boundary}.${Date.now()}@acme.example>`,
    'MIME-Version: 1.0',
    ...headers,
    `Content-Type: ${type}; boundary="${boundary}"`,
    '',
    ...parts.flatMap((p) => [`--${boundary}`, ...p]),
    `--${boundary}--`,
    '',
  ].join('\r\n');
};

describe('mail no person wrote', () => {
  it('opens no ticket and answers none of the robots’ markers, from a registered address', async () => {
    const mailsBefore = h.smtp.mails.length;
    const markers = [
      'X-Autoreply: yes',
      'X-Autorespond: Out of office',
      'Precedence: auto_reply',
      'X-Auto-Response-Suppress: All',
      `X-Loop: ${SENT_FROM}`,
      'X-Failed-Recipients: gone@acme.example',
    ];
    for (const header of markers)
      await take(
        message({ from: 'dana@acme.example', subject: `Robot: ${header}`, body: 'Auto.', headers: [header] }).raw,
      );
    expect((await tickets()).filter((t) => t.summary.startsWith('Robot:'))).toEqual([]);
    expect(h.smtp.mails.length).toBe(mailsBefore);
  });

  it('stamps our own automatic reply so robots do not answer it, and drops it if it comes back', async () => {
    await take(message({ from: 'dana@acme.example', subject: 'Printer offline', body: 'Hi.' }).raw);
    const [reply] = h.smtp.mails.filter((m) => m.to.includes('dana@acme.example'));
    const head = unfold(reply!.raw);
    expect(head).toMatch(/^Auto-Submitted: auto-replied$/m);
    expect(head).toMatch(/^X-Auto-Response-Suppress: All$/m);
    expect(head).toMatch(new RegExp(`^X-Loop: ${SENT_FROM}$`, 'm'));
    // The reply bounced back by a mail server that keeps headers: not a new ticket.
    const before = (await tickets()).length;
    await take(
      Buffer.from(
        `${verifiedBy('dana@acme.example')}\r\n${reply!.raw.replace(/^To: .*$/m, 'To: support@omnipotech.example')}`,
      ),
    );
    expect(await tickets()).toHaveLength(before);
  });

  it('records an Exchange delivery report against the address it could not reach, never in the conversation', async () => {
    await take(message({ from: 'dana@acme.example', subject: 'New starter account', body: 'For Gary.' }).raw);
    const ticket = await ticketNamed('New starter account');
    const report = multipart(
      `Undeliverable: Re: [TK-${ticket.number}] New starter account`,
      'multipart/report; report-type=delivery-status',
      [
        ['Content-Type: text/plain', '', 'Delivery has failed to these recipients or groups: gone@acme.example'],
        [
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mail.acme.example',
          '',
          'Final-Recipient: rfc822; gone@acme.example',
          'Action: failed',
          'Status: 5.1.1',
        ],
      ],
    ).replace(
      'From: Dana Dentist <dana@acme.example>',
      'From: MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@acme.example',
    );
    await take(report);
    const after = await detailOf(ticket.number);
    expect(after.messages.filter((m: { direction: string }) => m.direction === 'in')).toHaveLength(1);
    const office = await signedIn(h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });
    const page = await office.agent.get('/dashboard/tickets').expect(200);
    expect(page.text).toContain('Our mail did not reach 1 address');
    expect(page.text).toMatch(/gone@acme\.example<\/td><td data-label="Reports">2<\/td>/);
  });
});

describe('what a message holds', () => {
  it('keeps the HTML’s text when there is no plain part, with an inline image as an attachment', async () => {
    await take(
      multipart('Screenshot of the error', 'multipart/related', [
        [
          'Content-Type: text/html; charset=utf-8',
          '',
          '<p>The <b>backup</b> failed, see <img src="cid:shot1" alt="screenshot">.</p>',
        ],
        [
          'Content-Type: image/png',
          'Content-ID: <shot1>',
          'Content-Disposition: inline',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from('PNG-bytes').toString('base64'),
        ],
      ]),
    );
    const ticket = await ticketNamed('Screenshot of the error');
    expect(ticket.messages[0].body).toContain('The backup failed, see');
    expect(
      ticket.messages[0].attachments.map((a: { filename: string; kept: boolean }) => [a.filename, a.kept]),
    ).toEqual([['inline-image.png', true]]);
  });

  it('keeps the HTML’s text beside a PDF (multipart/mixed)', async () => {
    await take(
      multipart('Invoice question', 'multipart/mixed', [
        ['Content-Type: text/html; charset=utf-8', '', '<div>Why is line 3 of the <i>invoice</i> doubled?</div>'],
        [
          'Content-Type: application/pdf; name="invoice.pdf"',
          'Content-Disposition: attachment; filename="invoice.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from('%PDF-1.4').toString('base64'),
        ],
      ]),
    );
    const ticket = await ticketNamed('Invoice question');
    expect(ticket.messages[0].body).toContain('Why is line 3 of the invoice doubled?');
    expect(ticket.messages[0].attachments.map((a: { filename: string }) => a.filename)).toEqual(['invoice.pdf']);
  });

  it('tells apart different messages that share a Message-ID, and still takes one message once', async () => {
    const ups = (subject: string) =>
      message({ from: 'ups-basement@acme.example', subject, body: `${subject} at 03:12.`, id: '1@localhost' }).raw;
    await take(ups('UPS on battery'));
    await take(ups('UPS battery low'));
    await take(ups('UPS battery low')); // the same message delivered twice
    const summaries = (await tickets()).map((t) => t.summary);
    expect(summaries.filter((s) => s === 'UPS on battery')).toHaveLength(1);
    expect(summaries.filter((s) => s === 'UPS battery low')).toHaveLength(1);
  });

  it('takes a message with NUL characters in its body and subject, without them', async () => {
    await take(
      [
        verifiedBy('dana@acme.example'),
        'From: dana@acme.example',
        'To: support@omnipotech.example',
        'Subject: =?x-unknown?B?AAAA?= Scanner =?utf-8?B?AA==?=jam',
        `Message-ID: <nul.${Date.now()}@acme.example>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'The scanner=00 says=00 jam.',
        '',
      ].join('\r\n'),
    );
    const found = (await tickets()).find((t) => t.summary.includes('Scanner'));
    expect(found).toBeDefined();
    expect(found!.summary).not.toContain('\u0000');
    const detail = await detailOf(found!.number);
    expect(detail.messages[0].body).toBe('The scanner says jam.');
  });
});
