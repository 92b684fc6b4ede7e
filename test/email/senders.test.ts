import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mailboxOf } from '../../src/config/index.js';
import { startMailbox, type IntakeDeps } from '../../src/email/index.js';
import { auth, signedIn } from '../support/app.js';
import { startMailServer } from '../support/dovecot.js';
import { message, RECEIVING_SERVER, unfold, verifiedBy } from '../support/mail-messages.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';

/**
 * A From line alone proves nothing: these messages claim to come from Acme's contact Dana, and only
 * the ones her mail server vouches for are believed.
 */
const server = await startMailServer();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  await server.stop();
});

type Authentication = { trust?: string; unverified?: 'quarantine' | 'refuse' | 'accept' };
/** A helpdesk reading its own folder of the test server, with Acme Dental as a client. */
async function helpdesk(folder: string, authentication: Authentication, extra: Partial<IntakeDeps> = {}) {
  const h = await pagingHarness({
    organisation: organisationFrom(undefined, (doc) => {
      doc.email = {
        addresses: [{ address: 'support@omnipotech.example', line: 'software' }],
        senders: 'registered',
        authentication,
      };
    }),
    now: '2026-11-24T15:00:00Z',
    env: { PUBLIC_URL: 'http://helpdesk.test' },
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
  await server.deliverMany([], folder); // the folder exists before its reader starts, as INBOX does
  const mailbox = startMailbox(
    { db: h.db, log: h.log, organisation: h.config.organisation, tickets: h.services.tickets, ...extra },
    mailboxOf(server.url(folder))!,
  );
  stops.push(() => mailbox.stop());
  const tickets = async (): Promise<{ number: number; summary: string }[]> =>
    (await request(h.app).get('/api/tickets').set(auth).expect(200)).body;
  const deliverAndTake = async (raw: string | Buffer) => {
    const uid = await server.deliver(raw, folder);
    await vi.waitFor(async () => expect((await server.flags(folder)).get(uid)?.has('\\Seen')).toBe(true), {
      timeout: 15_000,
      interval: 100,
    });
    await h.settle();
  };
  const mailsTo = (address: string) => h.smtp.mails.filter((m) => m.to.includes(address));
  return { h, tickets, deliverAndTake, mailsTo };
}

const DANA = 'Dana Dentist <dana@acme.example>';
const claimed = (subject: string, results: string[], headers: string[] = []) =>
  message({
    from: DANA,
    subject,
    body: 'Please reset the VPN password for the whole office.',
    verified: false,
    headers: [...results.map((r) => `Authentication-Results: ${r}`), ...headers],
  }).raw;

describe('sender authentication: the receiving server’s verdict (trust)', async () => {
  const { h, tickets, deliverAndTake, mailsTo } = await helpdesk('Trust', { trust: RECEIVING_SERVER });
  const office = await signedIn(h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });

  it('believes dmarc=pass, and dkim=pass aligned with the From domain, from its own server', async () => {
    await deliverAndTake(message({ from: DANA, subject: 'Believed by DMARC', body: 'Hi.' }).raw);
    await deliverAndTake(
      claimed('Believed by DKIM', [
        `${RECEIVING_SERVER}; dkim=pass header.d=mail.acme.example header.s=s1; dmarc=none`,
      ]),
    );
    expect((await tickets()).map((t) => t.summary)).toEqual(
      expect.arrayContaining(['Believed by DMARC', 'Believed by DKIM']),
    );
  });

  it('holds a forged sender: opens nothing, joins nothing, answers nobody; staff see why on the dashboard', async () => {
    const [existing] = (await tickets()).filter((t) => t.summary === 'Believed by DMARC');
    const before = (await tickets()).length;
    const mailsBefore = mailsTo('dana@acme.example').length;
    await deliverAndTake(
      claimed('Forged: DMARC fails', [`${RECEIVING_SERVER}; spf=fail; dkim=none; dmarc=fail header.from=acme.example`]),
    );
    // The sender's own header under another authserv-id is text the sender wrote.
    await deliverAndTake(
      claimed('Forged: their own header', ['mx.forger.example; dkim=pass header.d=acme.example; dmarc=pass']),
    );
    // The receiving server's header is on top; a "pass" with its id further down was written by the sender.
    await deliverAndTake(
      claimed('Forged: a pass underneath', [
        `${RECEIVING_SERVER}; dmarc=fail header.from=acme.example`,
        `${RECEIVING_SERVER}; dmarc=pass header.from=acme.example`,
      ]),
    );
    // DKIM for another domain is no alignment.
    await deliverAndTake(
      claimed('Forged: someone else’s DKIM', [`${RECEIVING_SERVER}; dkim=pass header.d=forger.example`]),
    );
    await deliverAndTake(
      claimed(`Re: [TK-${existing!.number}] Believed by DMARC`, [`${RECEIVING_SERVER}; dmarc=fail`]),
    );

    expect(await tickets()).toHaveLength(before);
    const detail = (await request(h.app).get(`/api/tickets/${existing!.number}`).set(auth).expect(200)).body;
    expect(detail.messages.filter((m: { direction: string }) => m.direction === 'in')).toHaveLength(1);
    expect(mailsTo('dana@acme.example')).toHaveLength(mailsBefore);

    const page = await office.agent.get('/dashboard/tickets').expect(200);
    expect(page.text).toContain('5 messages held for you to decide');
    expect(page.text).toContain('its sender is not verified');
    expect(page.text).toContain(`dmarc=fail (${RECEIVING_SERVER})`);
    expect(page.text).toContain(`no Authentication-Results from ${RECEIVING_SERVER}`);
  });

  it('takes a held message when staff accept it, and drops one they discard; both on the audit trail', async () => {
    const page = await office.agent.get('/dashboard/tickets').expect(200);
    const idOf = (subject: string) =>
      page.text
        .split('<tr data-held-id="')
        .find((row) => row.includes(subject))!
        .split('"')[0]!;
    const accepted = await office.agent
      .post(`/dashboard/mail/${idOf('Forged: DMARC fails')}/accept`)
      .type('form')
      .send({ _csrf: office.csrf })
      .expect(303);
    expect(accepted.headers.location).toBe('/dashboard/tickets');
    const shown = (await office.agent.get('/dashboard/tickets')).text;
    expect(shown).toMatch(/Accepted: it opened TK-\d+\./);
    await office.agent
      .post(`/dashboard/mail/${idOf('Forged: their own header')}/discard`)
      .type('form')
      .send({ _csrf: office.csrf })
      .expect(303);
    const after = await office.agent.get('/dashboard/tickets').expect(200);
    expect(after.text).toContain('Discarded the message from dana@acme.example.');
    expect(after.text).toContain('3 messages held for you to decide');
    await h.settle();
    const ticket = (await tickets()).find((t) => t.summary === 'Forged: DMARC fails');
    expect(ticket).toBeDefined();
    expect(unfold(mailsTo('dana@acme.example').at(-1)!.raw)).toContain(`[TK-${ticket!.number}]`);
    expect((await tickets()).some((t) => t.summary === 'Forged: their own header')).toBe(false);
    // A second click on the same message changes nothing.
    await office.agent
      .post(`/dashboard/mail/${idOf('Forged: DMARC fails')}/accept`)
      .type('form')
      .send({ _csrf: office.csrf })
      .expect(303);
    expect((await office.agent.get('/dashboard/tickets')).text).toContain('no longer held');
    expect((await tickets()).filter((t) => t.summary === 'Forged: DMARC fails')).toHaveLength(1);

    const admin = await signedIn(h, { email: 'ada@example.com', name: 'Ada Admin', role: 'admin' });
    const audit = await admin.agent.get('/dashboard/audit').expect(200);
    expect(audit.text).toContain('Accepted a held email');
    expect(audit.text).toContain('Discarded a held email');
  });

  it('holds what made-up addresses at a client’s domain open past twenty new tickets an hour; named contacts go on', async () => {
    for (let i = 1; i <= 21; i++)
      await deliverAndTake(message({ from: `person${i}@acme.example`, subject: `Made-up ${i}`, body: 'Hi.' }).raw);
    const made = (await tickets()).filter((t) => t.summary.startsWith('Made-up '));
    expect(made).toHaveLength(20);
    const page = await office.agent.get('/dashboard/tickets').expect(200);
    expect(page.text).toContain('more than 20 new tickets from acme.example in an hour');
    await deliverAndTake(message({ from: DANA, subject: 'Dana after the flood', body: 'Hi.' }).raw);
    expect((await tickets()).some((t) => t.summary === 'Dana after the flood')).toBe(true);
  }, 60_000);
});

describe('sender authentication with `unverified: refuse` and `accept`', async () => {
  const refusing = await helpdesk('Refuse', { trust: RECEIVING_SERVER, unverified: 'refuse' });
  const accepting = await helpdesk('Accept', { trust: RECEIVING_SERVER, unverified: 'accept' });

  it('refuse: drops it, with nothing held, opened or answered', async () => {
    await refusing.deliverAndTake(claimed('Dropped', [`${RECEIVING_SERVER}; dmarc=fail`]));
    expect(await refusing.tickets()).toHaveLength(0);
    expect(refusing.mailsTo('dana@acme.example')).toHaveLength(0);
    const office = await signedIn(refusing.h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });
    expect((await office.agent.get('/dashboard/tickets')).text).not.toContain('held for you to decide');
  });

  it('accept: opens the ticket marked "sender not verified", and the reply echoes neither name nor subject', async () => {
    await accepting.deliverAndTake(
      message({
        from: '"Visit evil.example now" <dana@acme.example>',
        subject: 'Claim your prize at http://evil.example',
        body: 'Hi.',
        verified: false,
      }).raw,
    );
    const [ticket] = await accepting.tickets();
    const detail = (await request(accepting.h.app).get(`/api/tickets/${ticket!.number}`).set(auth).expect(200)).body;
    expect(detail.messages[0]).toMatchObject({ direction: 'in', unverified: true });
    const office = await signedIn(accepting.h, { email: 'olive@example.com', name: 'Olive Office', role: 'office' });
    expect((await office.agent.get(`/dashboard/tickets/${ticket!.number}`)).text).toContain('sender not verified');
    const [reply] = accepting.mailsTo('dana@acme.example');
    const raw = unfold(reply!.raw);
    expect(raw).toContain(`[TK-${ticket!.number}]`);
    expect(raw).not.toMatch(/evil\.example|prize/);
  });
});

describe('sender authentication checked by the service itself (DKIM and DMARC, no trusted server)', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dns: Record<string, string[][]> = {
    'mail._domainkey.acme.example:TXT': [
      [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`],
    ],
    '_dmarc.acme.example:TXT': [['v=DMARC1; p=reject']],
  };
  const lookups: string[] = [];
  // DNS answered here, as the acme.example zone would answer it.
  const resolver = async (name: string, type: string) => {
    lookups.push(`${name}:${type}`);
    const answer = dns[`${name.toLowerCase()}:${type}`];
    if (answer) return answer;
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  const { tickets, deliverAndTake } = await helpdesk('Itself', {}, { resolver });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const signed = async (subject: string, tamper = false) => {
    const raw = message({ from: DANA, subject, body: 'The printer is jammed.', verified: false }).raw;
    // mailauth reads `signatureData` (its bundled typings name other fields).
    const options = { signatureData: [{ signingDomain: 'acme.example', selector: 'mail', privateKey: pem }] };
    const { signatures } = await dkimSign(raw, options as unknown as Parameters<typeof dkimSign>[1]);
    return signatures + (tamper ? raw.replace('jammed', 'fixed') : raw);
  };

  it('believes a valid signature of the From domain, and holds a tampered or unsigned one', async () => {
    await deliverAndTake(await signed('Signed by Acme'));
    await deliverAndTake(await signed('Tampered on the way', true));
    await deliverAndTake(message({ from: DANA, subject: 'Not signed', body: 'Hi.', verified: false }).raw);
    const summaries = (await tickets()).map((t) => t.summary);
    expect(summaries).toContain('Signed by Acme');
    expect(summaries).not.toContain('Tampered on the way');
    expect(summaries).not.toContain('Not signed');
    expect(lookups).toContain('mail._domainkey.acme.example:TXT');
    expect(lookups).toContain('_dmarc.acme.example:TXT');
  });

  it('does not believe a header that claims a pass: without a trusted server, such headers are text', async () => {
    await deliverAndTake(
      message({ from: DANA, subject: 'Claims a pass', body: 'Hi.', headers: [verifiedBy(DANA)], verified: false }).raw,
    );
    expect((await tickets()).map((t) => t.summary)).not.toContain('Claims a pass');
  });
});
