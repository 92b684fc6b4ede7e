import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mailboxOf } from '../../src/config/index.js';
import { startMailbox } from '../../src/email/index.js';
import { auth, signedIn } from '../support/app.js';
import { startMailServer } from '../support/dovecot.js';
import { message, RECEIVING_SERVER, unfold, verifiedBy } from '../support/mail-messages.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';

const withEmail = (senders: 'registered' | 'anyone') =>
  organisationFrom(undefined, (doc) => {
    doc.email = {
      addresses: [{ address: 'support@omnipotech.example', line: 'software' }],
      senders,
      authentication: { trust: RECEIVING_SERVER },
    };
  });

const server = await startMailServer();
// Plain http, so that the dashboard's session cookie (secure under https) travels with supertest.
const h = await pagingHarness({
  organisation: withEmail('registered'),
  now: '2026-11-24T15:00:00Z',
  env: { PUBLIC_URL: 'http://helpdesk.test' },
});
// Small limits, so that "too large" takes kilobytes rather than megabytes to show.
const deps = {
  db: h.db,
  log: h.log,
  organisation: h.config.organisation,
  tickets: h.services.tickets,
  maxMessageBytes: 256 * 1024,
  maxAttachmentBytes: 64 * 1024,
};
const mailboxes = [startMailbox(deps, mailboxOf(server.url())!)];
afterAll(async () => {
  await Promise.all(mailboxes.map((m) => m.stop()));
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

type ApiTicket = { number: number; summary: string; source: string; unidentified: boolean; requesterEmail: string };
const tickets = async (): Promise<ApiTicket[]> => (await request(h.app).get('/api/tickets').set(auth).expect(200)).body;
const ticketNamed = async (summary: string) => {
  let found: ApiTicket | undefined;
  await vi.waitFor(
    async () => {
      found = (await tickets()).find((t) => t.summary === summary);
      expect(found, `a ticket "${summary}"`).toBeDefined();
    },
    { timeout: 10_000, interval: 100 },
  );
  return (await request(h.app).get(`/api/tickets/${found!.number}`).set(auth).expect(200)).body;
};
const allSeen = async (folder = 'INBOX') => {
  await vi.waitFor(
    async () => {
      const flags = await server.flags(folder);
      expect([...flags.values()].every((f) => f.has('\\Seen'))).toBe(true);
    },
    { timeout: 10_000, interval: 100 },
  );
};

describe('email intake: what a message may hold, and the limits', async () => {
  const office = await signedIn(h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });

  it('turns an HTML-only message into readable text', async () => {
    await server.deliver(
      message({
        from: 'dana@acme.example',
        subject: 'Printer jam',
        html: '<html><head><style>p{color:red}</style></head><body><p>The <b>printer</b> on floor 2 shows <i>paper jam</i>.</p><script>alert(1)</script></body></html>',
      }).raw,
    );
    const ticket = await ticketNamed('Printer jam');
    const body: string = ticket.messages[0].body;
    expect(body).toContain('The printer on floor 2 shows paper jam.');
    expect(body).not.toMatch(/<|color:red|alert/);
  });

  it('reads KOI8-R and ISO-8859-1, subjects and bodies', async () => {
    const koi8 = Buffer.from('f3c5d2d7c5d220d5d0c1cc', 'hex'); // "Сервер упал"
    const latin1 = Buffer.from("Café à Noël, l'imprimante", 'latin1');
    const raw = (charset: string, text: Buffer, id: string) =>
      Buffer.concat([
        Buffer.from(
          [
            verifiedBy('dana@acme.example'),
            'From: dana@acme.example',
            'To: support@omnipotech.example',
            `Subject: =?${charset}?B?${text.toString('base64')}?=`,
            `Message-ID: <${id}@acme.example>`,
            'MIME-Version: 1.0',
            `Content-Type: text/plain; charset=${charset}`,
            'Content-Transfer-Encoding: 8bit',
            '',
            '',
          ].join('\r\n'),
        ),
        text,
        Buffer.from('\r\n'),
      ]);
    await server.deliver(raw('koi8-r', koi8, 'koi8'));
    await server.deliver(raw('iso-8859-1', latin1, 'latin1'));
    expect((await ticketNamed('Сервер упал')).messages[0].body).toBe('Сервер упал');
    expect((await ticketNamed("Café à Noël, l'imprimante")).messages[0].body).toBe("Café à Noël, l'imprimante");
  });

  it('keeps attachments within the limit for download behind sign-in, and notes one over it without failing', async () => {
    const screenshot = Buffer.alloc(3000, 7);
    await server.deliver(
      message({
        from: 'dana@acme.example',
        subject: 'Crash with a dump',
        body: 'Screenshot and the dump attached.',
        attachments: [
          { filename: 'screenshot.png', contentType: 'image/png', content: screenshot },
          { filename: 'memory.dmp', contentType: 'application/octet-stream', content: Buffer.alloc(100 * 1024, 1) },
        ],
      }).raw,
    );
    const ticket = await ticketNamed('Crash with a dump');
    const files = ticket.messages[0].attachments;
    expect(files.map((f: { filename: string; kept: boolean }) => [f.filename, f.kept])).toEqual([
      ['screenshot.png', true],
      ['memory.dmp', false],
    ]);
    expect(
      ticket.timeline.some((e: { type: string; detail: { text?: string } }) => e.detail?.text?.includes('memory.dmp')),
    ).toBe(true);

    const page = await office.agent.get(`/dashboard/tickets/${ticket.number}`).expect(200);
    expect(page.text).toContain('Screenshot and the dump attached.');
    expect(page.text).toMatch(/memory\.dmp <span class="muted">100 KB, over the size limit: not kept/);
    const download = await office.agent
      .get(`/dashboard/tickets/${ticket.number}/attachments/${files[0].id}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?screenshot\.png"?$/);
    expect(Buffer.compare(download.body as Buffer, screenshot)).toBe(0);
    await office.agent.get(`/dashboard/tickets/${ticket.number}/attachments/${files[1].id}`).expect(410);
    // Without a session: to the sign-in page, never the file.
    const anonymous = await request(h.app).get(`/dashboard/tickets/${ticket.number}/attachments/${files[0].id}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/dashboard\/login/);
  });

  it('reports a message it cannot take on the dashboard, keeps it in the mailbox, and answers nobody', async () => {
    const before = (await tickets()).length;
    const mailsBefore = h.smtp.mails.length;
    const uid = await server.deliver(
      message({ from: 'dana@acme.example', subject: 'Huge scan', body: 'x'.repeat(300 * 1024) }).raw,
    );
    await allSeen();
    const list = await office.agent.get('/dashboard/tickets').expect(200);
    expect(list.text).toContain('1 message could not be read');
    expect(list.text).toMatch(/dana@acme\.example<\/td><td data-label="Subject">Huge scan/);
    expect(list.text).toContain('over the limit of 0.3 MB');
    expect((await server.flags()).has(uid)).toBe(true);
    await h.settle();
    expect(h.smtp.mails.length).toBe(mailsBefore);
    expect(await tickets()).toHaveLength(before);
  });

  it('opens at most ten tickets an hour for one sender, then adds to their latest', async () => {
    for (let i = 1; i <= 11; i++)
      await server.deliver(
        message({ from: 'Ray <ray@acme.example>', subject: `Flood ${i}`, body: `Message ${i}.` }).raw,
      );
    await allSeen();
    const flood = (await tickets()).filter((t) => t.summary.startsWith('Flood '));
    expect(flood).toHaveLength(10);
    const latest = await ticketNamed('Flood 10');
    expect(
      latest.messages.filter((m: { direction: string }) => m.direction === 'in').map((m: { body: string }) => m.body),
    ).toEqual(['Message 10.', 'Message 11.']);
  });

  it('takes nothing twice when the folder is rebuilt with a new UIDVALIDITY', async () => {
    const folder = 'Rebuilt';
    const first = message({ from: 'dana@acme.example', subject: 'Before the rebuild', body: 'One.' });
    const second = message({ from: 'dana@acme.example', subject: 'Also before the rebuild', body: 'Two.' });
    await server.deliver(first.raw, folder);
    await server.deliver(second.raw, folder);
    const mailbox = startMailbox(deps, mailboxOf(server.url(folder))!);
    mailboxes.push(mailbox);
    await allSeen(folder);
    await h.settle();
    const mailsBefore = h.smtp.mails.length;
    const validity = await server.uidValidity(folder);

    await mailbox.stop();
    await server.dropFolder(folder);
    await server.deliver(first.raw, folder);
    await server.deliver(second.raw, folder);
    expect(await server.uidValidity(folder)).not.toBe(validity);
    const again = startMailbox(deps, mailboxOf(server.url(folder))!);
    mailboxes.push(again);
    await allSeen(folder);
    await h.settle();
    const all = await tickets();
    expect(all.filter((t) => t.summary === 'Before the rebuild')).toHaveLength(1);
    expect(all.filter((t) => t.summary === 'Also before the rebuild')).toHaveLength(1);
    expect(h.smtp.mails.length).toBe(mailsBefore);
  });
});

describe('email intake with "senders: anyone"', async () => {
  const open = await pagingHarness({ organisation: withEmail('anyone'), now: '2026-11-24T15:00:00Z' });
  const mailbox = startMailbox(
    { db: open.db, log: open.log, organisation: open.config.organisation, tickets: open.services.tickets },
    mailboxOf(server.url('Anyone'))!,
  );
  mailboxes.push(mailbox);

  it('opens a ticket flagged "sender not identified" for an unknown address, and replies to it', async () => {
    await server.deliver(
      message({ from: 'Sam Stranger <sam@gmail.com>', subject: 'Website down', body: 'Our site is down.' }).raw,
      'Anyone',
    );
    let ticket: ApiTicket | undefined;
    await vi.waitFor(
      async () => {
        ticket = ((await request(open.app).get('/api/tickets').set(auth).expect(200)).body as ApiTicket[]).find(
          (t) => t.summary === 'Website down',
        );
        expect(ticket).toBeDefined();
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(ticket).toMatchObject({ source: 'email', unidentified: true, requesterEmail: 'sam@gmail.com' });
    await open.settle();
    const [reply] = open.smtp.mails.filter((m) => m.to.includes('sam@gmail.com'));
    expect(unfold(reply!.raw)).toContain(`Subject: Re: [TK-${ticket!.number}] Website down`);
  });
});
