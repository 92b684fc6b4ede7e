import { readFileSync } from 'node:fs';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { saveAccount } from '../../src/auth/accounts.js';
import { mailboxOf } from '../../src/config/index.js';
import { startMailbox } from '../../src/email/index.js';
import { auth } from '../support/app.js';
import { launchBrowser, listeningServer } from '../support/browser.js';
import { startMailServer } from '../support/dovecot.js';
import { message, RECEIVING_SERVER, unfold } from '../support/mail-messages.js';
import { organisationFrom } from '../support/organisation.js';
import { pagingHarness } from '../support/paging.js';

const PASSWORD = 'correct horse battery staple';

describe('an email ticket on the dashboard, in a real browser', async () => {
  const listening = await listeningServer();
  const base = listening.url;
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
    env: { PUBLIC_URL: base },
  });
  listening.server.on('request', h.app);
  const mailbox = startMailbox(
    { db: h.db, log: h.log, organisation: h.config.organisation, tickets: h.services.tickets },
    mailboxOf(server.url())!,
  );
  const logs = Buffer.from('2026-11-24 08:59 vpn: tunnel down\n2026-11-24 09:00 vpn: retry\n');
  const first = message({
    from: 'Dana Dentist <dana@acme.example>',
    subject: 'The VPN drops every hour',
    body: 'Since this morning the VPN drops every hour. Logs attached.',
    attachments: [{ filename: 'vpn.log', contentType: 'text/plain', content: logs }],
  });
  let browser: Browser;
  let page: Page;
  let number: number;

  beforeAll(async () => {
    await request(h.app)
      .post('/api/clients')
      .set(auth)
      .send({
        name: 'Acme Dental',
        supportCode: '4417',
        contacts: [{ name: 'Dana Dentist', phone: '+12815550142', email: 'dana@acme.example' }],
      })
      .expect(201);
    // Erin is on call in the organisation file; her account is the one she signs in with.
    await saveAccount(
      h.db,
      { email: 'erin@example.com', name: 'Erin Engineer', role: 'engineer', password: PASSWORD },
      h.clock.now(),
    );
    await server.deliver(first.raw);
    await vi.waitFor(
      async () => {
        const [ticket] = (await request(h.app).get('/api/tickets').set(auth).expect(200)).body;
        expect(ticket?.source).toBe('email');
        number = ticket.number;
      },
      { timeout: 10_000, interval: 100 },
    );
    await h.settle();
    browser = await launchBrowser();
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await page.goto(`${base}/dashboard/login`);
    await page.fill('#email', 'erin@example.com');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await mailbox.stop();
    await server.stop();
    await listening.close();
  });

  it('filters the ticket list by how tickets came in', async () => {
    await page.goto(`${base}/dashboard/tickets`);
    await page.selectOption('select[name=source]', 'email');
    await page.click('form.filters button[type=submit]');
    await expect.poll(() => new URL(page.url()).searchParams.get('source')).toBe('email');
    const row = page.locator('tbody tr', { hasText: `TK-${number}` });
    await expect.poll(() => row.locator('td[data-label="Came by"]').innerText()).toBe('Email · software');
    await page.selectOption('select[name=source]', 'phone');
    await page.click('form.filters button[type=submit]');
    await expect.poll(() => page.locator('tbody').innerText()).toContain('No tickets match.');
  });

  it('shows the conversation with its attachment, which downloads', async () => {
    await page.goto(`${base}/dashboard/tickets/${number}`);
    const messages = page.locator('#conversation li.message');
    await expect.poll(() => messages.count()).toBe(2);
    expect(await messages.nth(0).innerText()).toContain('Since this morning the VPN drops every hour. Logs attached.');
    expect(await messages.nth(0).innerText()).toContain('dana@acme.example wrote');
    expect(await messages.nth(1).innerText()).toContain('Automatic reply to dana@acme.example');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=vpn.log')]);
    expect(download.suggestedFilename()).toBe('vpn.log');
    expect(readFileSync((await download.path())!)).toEqual(logs);
  });

  it('sends a staff reply in the conversation, and the requester’s answer comes back into the ticket', async () => {
    await page.goto(`${base}/dashboard/tickets/${number}`);
    await page.fill('#reply', 'Could you tell us which office you are in?');
    await page.click('text=Send reply');
    await expect.poll(() => page.locator('.flash.ok').innerText()).toContain('Reply sent to the requester.');
    expect(await page.locator('#conversation li.message.out').last().innerText()).toContain(
      'Erin Engineer to dana@acme.example',
    );

    await h.settle();
    const sent = h.smtp.mails.filter((m) => m.to.includes('dana@acme.example')).at(-1)!;
    const headers = unfold(sent.raw);
    expect(headers).toContain(`Subject: Re: [TK-${number}] The VPN drops every hour`);
    expect(headers).toContain('From: Switchboard <switchboard@example.com>');
    expect(headers).toContain(`In-Reply-To: <${first.id}>`);
    expect(headers).toContain('Could you tell us which office you are in?');
    const sentId = /^Message-ID: <([^>]+)>/im.exec(headers)![1]!;

    // Her mail program keeps the headers; she shortened the subject and lost the tag.
    await server.deliver(
      message({
        from: 'dana@acme.example',
        subject: 'Re: the VPN',
        body: 'The Houston office, second floor.',
        headers: [`In-Reply-To: <${sentId}>`, `References: <${first.id}> <${sentId}>`],
      }).raw,
    );
    await vi.waitFor(
      async () => {
        await page.reload();
        expect(await page.locator('#conversation li.message').last().innerText()).toContain(
          'The Houston office, second floor.',
        );
      },
      { timeout: 10_000, interval: 250 },
    );
    expect((await request(h.app).get('/api/tickets').set(auth).expect(200)).body).toHaveLength(1);
  });
});
