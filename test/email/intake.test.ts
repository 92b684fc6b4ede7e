import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mailboxOf } from '../../src/config/index.js';
import { startMailbox } from '../../src/email/index.js';
import { auth } from '../support/app.js';
import { startMailServer } from '../support/dovecot.js';
import { message, RECEIVING_SERVER, unfold, verifiedBy } from '../support/mail-messages.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';

const organisation = organisationFrom(undefined, (doc) => {
  doc.email = {
    addresses: [
      { address: 'support@omnipotech.example', line: 'software' },
      { address: 'noc@omnipotech.example', line: 'noc' },
    ],
    senders: 'registered',
    authentication: { trust: RECEIVING_SERVER },
  };
});

const server = await startMailServer();
const h = await pagingHarness({ organisation, now: '2026-11-24T15:00:00Z' });
const deps = { db: h.db, log: h.log, organisation: h.config.organisation, tickets: h.services.tickets };
let mailbox = startMailbox(deps, mailboxOf(server.url())!);
afterAll(async () => {
  await mailbox.stop();
  await server.stop();
});

// A client whose contact writes from her own address, and whose colleagues write from its domain.
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

const tickets = async () => (await request(h.app).get('/api/tickets').set(auth).expect(200)).body;
/** Starts the mailbox again (after an outage) and waits until every one of `uids` is taken and \Seen. */
async function startAndTake(uids: number[]): Promise<void> {
  mailbox = startMailbox(deps, mailboxOf(server.url())!);
  await vi.waitFor(
    async () => {
      const flags = await server.flags();
      expect(uids.every((uid) => flags.get(uid)?.has('\\Seen'))).toBe(true);
    },
    { timeout: 20_000, interval: 200 },
  );
}
/** The incoming messages' bodies on a ticket, oldest first. */
async function incomingBodies(number: number): Promise<string[]> {
  const detail = (await request(h.app).get(`/api/tickets/${number}`).set(auth).expect(200)).body;
  return detail.messages
    .filter((m: { direction: string }) => m.direction === 'in')
    .map((m: { body: string }) => m.body.trim());
}
const mailsTo = (address: string) => h.smtp.mails.filter((m) => m.to.includes(address));

describe('email intake from the helpdesk mailbox (a real IMAP server)', async () => {
  it('opens a ticket for a registered contact, on the line written to, and replies with the number in the subject', async () => {
    const { id, raw } = message({
      from: 'Dana Dentist <dana@acme.example>',
      to: 'noc@omnipotech.example',
      subject: 'The VPN drops every hour',
      body: 'Since this morning the VPN drops every hour.\n\nDana',
    });
    const uid = await server.deliver(raw);
    await vi.waitFor(
      async () => expect((await tickets()).some((t: { source: string }) => t.source === 'email')).toBe(true),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    const [ticket] = await tickets();
    expect(ticket).toMatchObject({
      source: 'email',
      line: 'noc',
      summary: 'The VPN drops every hour',
      priority: 'medium',
      client: { name: 'Acme Dental' },
      unidentified: false,
    });
    await h.settle();
    const [reply] = mailsTo('dana@acme.example');
    const headers = unfold(reply!.raw);
    expect(headers).toMatch(new RegExp(`Subject: Re: \\[TK-${ticket.number}\\] The VPN drops every hour`));
    expect(headers).toContain(`In-Reply-To: <${id}>`);
    expect(headers).toContain(`press 3 and enter ${ticket.number}`);
    // Marked \Seen only once the ticket was committed.
    await vi.waitFor(async () => expect((await server.flags()).get(uid)?.has('\\Seen')).toBe(true));
    const detail = (await request(h.app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200)).body;
    expect(detail.messages.map((m: { direction: string; body: string }) => m.direction)).toEqual(['in', 'out']);
    expect(detail.messages[0].body).toContain('the VPN drops every hour');
  });

  it('adds a reply with [TK-n] in the subject from someone at the client’s domain to that ticket, with no new ticket or reply', async () => {
    const [ticket] = await tickets();
    const before = (await tickets()).length;
    const repliesBefore = h.smtp.mails.length;
    await server.deliver(
      message({
        from: 'Ray Reception <ray@acme.example>',
        subject: `Re: [TK-${ticket.number}] The VPN drops every hour`,
        body: 'It happened again at 10:00.\n\nOn Tue, 24 Nov 2026 Dana wrote:\n> Since this morning the VPN drops every hour.',
      }).raw,
    );
    await vi.waitFor(
      async () => {
        const detail = (await request(h.app).get(`/api/tickets/${ticket.number}`).set(auth).expect(200)).body;
        expect(detail.messages.filter((m: { direction: string }) => m.direction === 'in')).toHaveLength(2);
        expect(detail.messages.at(-1).body).toBe('It happened again at 10:00.');
      },
      { timeout: 10_000, interval: 100 },
    );
    await h.settle();
    expect(await tickets()).toHaveLength(before);
    expect(h.smtp.mails.length).toBe(repliesBefore);
  });

  it('tells an unregistered sender once a day how to reach support, and opens no ticket', async () => {
    const before = (await tickets()).length;
    for (const subject of ['Help please', 'Help again'])
      await server.deliver(message({ from: 'someone@gmail.com', subject, body: 'My printer is broken.' }).raw);
    await vi.waitFor(async () => expect((await server.flags()).size).toBeGreaterThanOrEqual(4));
    await vi.waitFor(async () => {
      await h.settle();
      expect(mailsTo('someone@gmail.com')).toHaveLength(1);
    });
    await vi.waitFor(async () => {
      const flags = await server.flags();
      expect([...flags.values()].every((f) => f.has('\\Seen'))).toBe(true);
    });
    await h.settle();
    expect(mailsTo('someone@gmail.com')).toHaveLength(1);
    expect(unfold(mailsTo('someone@gmail.com')[0]!.raw)).toContain('this address is not registered with us');
    expect(await tickets()).toHaveLength(before);
  });

  it('never answers automatic mail (an out-of-office from a registered address)', async () => {
    const before = (await tickets()).length;
    const mailsBefore = h.smtp.mails.length;
    const uid = await server.deliver(
      message({
        from: 'dana@acme.example',
        subject: 'Out of office',
        body: 'I am away until Monday.',
        headers: ['Auto-Submitted: auto-replied'],
      }).raw,
    );
    await vi.waitFor(async () => expect((await server.flags()).get(uid)?.has('\\Seen')).toBe(true));
    await h.settle();
    expect(h.smtp.mails.length).toBe(mailsBefore);
    expect(await tickets()).toHaveLength(before);
  });

  it('reads a Russian message in Windows-1251', async () => {
    const cp1251 = Buffer.from([
      0xcf, 0xf0, 0xe8, 0xed, 0xf2, 0xe5, 0xf0, 0x20, 0xed, 0xe5, 0x20, 0xef, 0xe5, 0xf7, 0xe0, 0xf2, 0xe0, 0xe5, 0xf2,
    ]); // "Принтер не печатает"
    const raw = Buffer.concat([
      Buffer.from(
        [
          verifiedBy('dana@acme.example'),
          'From: dana@acme.example',
          'To: support@omnipotech.example',
          'Subject: =?windows-1251?B?' + cp1251.toString('base64') + '?=',
          `Message-ID: <ru.${Date.now()}@acme.example>`,
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=windows-1251',
          'Content-Transfer-Encoding: 8bit',
          '',
          '',
        ].join('\r\n'),
      ),
      cp1251,
      Buffer.from('\r\n'),
    ]);
    await server.deliver(raw);
    await vi.waitFor(
      async () => expect((await tickets()).map((t: { summary: string }) => t.summary)).toContain('Принтер не печатает'),
      { timeout: 10_000, interval: 100 },
    );
  });

  it('takes a message once across a restart between the ticket and \\Seen, and reads again after the server drops the connection', async () => {
    await mailbox.stop();
    const { raw } = message({ from: 'dana@acme.example', subject: 'Disk full on the file server', body: 'Disk full.' });
    const uid = await server.deliver(raw);
    // The ticket is committed, then the process dies before marking the message \Seen.
    const { takeMessage } = await import('../../src/email/index.js');
    expect((await takeMessage(deps, Buffer.from(raw))).outcome).toBe('ticket');
    expect((await server.flags()).get(uid)?.has('\\Seen')).toBe(false);
    mailbox = startMailbox(deps, mailboxOf(server.url())!);
    await vi.waitFor(async () => expect((await server.flags()).get(uid)?.has('\\Seen')).toBe(true), {
      timeout: 10_000,
    });
    expect(
      (await tickets()).filter((t: { summary: string }) => t.summary === 'Disk full on the file server'),
    ).toHaveLength(1);

    await server.kick(); // the IDLE connection is dropped by the server
    await server.deliver(message({ from: 'dana@acme.example', subject: 'After the drop', body: 'Still here.' }).raw);
    await vi.waitFor(
      async () => expect((await tickets()).map((t: { summary: string }) => t.summary)).toContain('After the drop'),
      { timeout: 15_000, interval: 200 },
    );
  }, 30_000);

  it('takes a backlog after an outage with each sender’s messages in order: an eleventh in the hour joins their latest ticket', async () => {
    await mailbox.stop();
    // Rita writes twelve times; six colleagues once each, in between (on PostgreSQL, senders are taken side by side).
    const uids: number[] = [];
    for (let i = 1; i <= 12; i++) {
      uids.push(
        await server.deliver(message({ from: 'rita@acme.example', subject: `Rita ${i}`, body: `Note ${i}.` }).raw),
      );
      if (i <= 6)
        uids.push(
          await server.deliver(
            message({ from: `colleague${i}@acme.example`, subject: `Colleague ${i}`, body: 'Hi.' }).raw,
          ),
        );
    }
    await startAndTake(uids);
    const all: { number: number; summary: string }[] = await tickets();
    const rita = all.filter((t) => t.summary.startsWith('Rita ')).map((t) => t.summary);
    expect(rita.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `Rita ${i + 1}`).sort());
    expect(all.filter((t) => t.summary.startsWith('Colleague '))).toHaveLength(6);
    const tenth = all.find((t) => t.summary === 'Rita 10')!;
    expect(await incomingBodies(tenth.number)).toEqual(['Note 10.', 'Note 11.', 'Note 12.']);
  }, 40_000);

  it('takes a reply-all from a colleague, in the same backlog, into the ticket the first message opens', async () => {
    await mailbox.stop();
    const first = message({ from: 'paula@acme.example', subject: 'Printer down', body: 'The printer is down.' });
    const reply = message({
      from: 'marco@acme.example',
      subject: 'Re: Printer down',
      body: 'Same on the second floor.',
      headers: [`In-Reply-To: <${first.id}>`, `References: <${first.id}>`],
    });
    // Others in between, so that on PostgreSQL the two could be taken side by side.
    const uids = [await server.deliver(first.raw)];
    for (let i = 1; i <= 2; i++)
      uids.push(
        await server.deliver(message({ from: `other${i}@acme.example`, subject: `Other ${i}`, body: 'Hi.' }).raw),
      );
    uids.push(await server.deliver(reply.raw));
    await startAndTake(uids);
    const all: { number: number; summary: string }[] = await tickets();
    expect(all.filter((t) => t.summary.includes('Printer down')).map((t) => t.summary)).toEqual(['Printer down']);
    const printer = all.find((t) => t.summary === 'Printer down')!;
    expect(await incomingBodies(printer.number)).toEqual(['The printer is down.', 'Same on the second floor.']);
  }, 40_000);
});
