import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { saveAccount } from '../../src/auth/accounts.js';
import { queueCallback } from '../../src/callbacks/index.js';
import { recordVoicemail, recordTranscription } from '../../src/tickets/index.js';
import { testApp } from '../support/app.js';
import { launchBrowser, listeningServer } from '../support/browser.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fake-twilio.js';
import { ACME_PHONE, seedClients } from '../support/seed.js';

// Monday 23 November 2026, 22:00 in Chicago: after hours, so the voicemail and what follows are billed as such.
const NOW = '2026-11-24T04:00:00Z';
const PASSWORD = 'correct horse battery staple';

describe('the dashboard in a real browser', async () => {
  let browser: Browser;
  let page: Page;
  let ticketNumber: number;
  const listening = await listeningServer();
  const base = listening.url;
  const twilio: FakeTwilio = await startFakeTwilio();
  const { app, db, clock, services } = await testApp({
    env: { PUBLIC_URL: base, ...twilio.env },
    realChannels: true,
    now: NOW,
  });
  listening.server.on('request', app);
  let acmeId: number;

  beforeAll(async () => {
    const { acme } = await seedClients(app);
    acmeId = acme.id;
    await saveAccount(
      db,
      { email: 'olive@example.com', name: 'Olive Office', role: 'office', password: PASSWORD },
      clock.now(),
    );
    // An emergency voicemail from Acme, with its transcription, and a callback Acme asked for by phone.
    const made = await recordVoicemail(services.tickets, {
      recordingSid: 'RE00000000000000000000000000000001',
      callSid: 'CA00000000000000000000000000000001',
      kind: 'emergency',
      durationSeconds: 31,
      callerNumber: ACME_PHONE,
      clientId: acme.id,
      contactId: acme.contacts[0].id,
      source: 'record_action',
      canAskAgain: false,
    });
    if (made.result !== 'created') throw new Error(`expected a new ticket, got ${made.result}`);
    ticketNumber = made.ticket.number;
    await recordTranscription(
      services.tickets,
      'RE00000000000000000000000000000001',
      'The mail server is down and nobody can send invoices',
    );
    await queueCallback(services.callbacks, {
      clientId: acme.id,
      contactId: acme.contacts[0].id,
      phone: ACME_PHONE,
      reason: 'Printer offline',
      callSid: 'CA00000000000000000000000000000002',
    });
    browser = await launchBrowser();
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await listening.close();
    await twilio.close();
  });

  it('sends a visitor to sign in, refuses a wrong password, and lets staff in with the right one, back where they were going', async () => {
    // The link in a page goes straight to the ticket; signing in must land there, not on a home page.
    await page.goto(`${base}/dashboard/tickets/${ticketNumber}`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.fill('#email', 'olive@example.com');
    await page.fill('#password', 'not the password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('do not match an account');

    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/dashboard/tickets/${ticketNumber}`);
    expect(await page.textContent('h1')).toBe(`TK-${ticketNumber} · Emergency voicemail`);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'switchboard_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // An office account sees the queue, tickets, on call, announcements and the after-hours log, not billing reports.
    expect(await page.locator('header nav a').allTextContents()).toEqual([
      'Callbacks',
      'Tickets',
      'On call',
      'Announcements',
      'After-hours log',
    ]);
    await page.click('header nav >> text=Callbacks');
    await page.waitForURL(`${base}/dashboard/queue`);
    expect(await page.textContent('h1')).toBe('Callback queue');
  });

  it('claims a callback and records its outcome', async () => {
    const row = page.locator('tr', { hasText: 'Printer offline' });
    await expect.poll(() => row.textContent()).toContain('Acme Dental');
    expect(await row.textContent()).toContain('Dana Dentist');
    await row.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => page.textContent('[role=status]')).toMatch(/Callback #\d+ is yours\./);
    const claimed = page.locator('tr', { hasText: 'Printer offline' });
    expect(await claimed.textContent()).toContain('Claimed');
    await claimed.locator('select[name=outcome]').selectOption('done');
    await claimed.locator('input[name=note]').fill('Rebooted the print server with them');
    await claimed.getByRole('button', { name: 'Record outcome' }).click();
    await expect.poll(() => page.textContent('[role=status]')).toMatch(/Callback #\d+ is done\./);
    expect(await page.locator('tbody').textContent()).toContain('Nobody is waiting for a callback.');
  });

  it('shows a new callback without reloading the page, and adds one from the form', async () => {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await queueCallback(services.callbacks, {
      clientId: acmeId,
      phone: '+12815550143',
      reason: 'Email bouncing',
      callSid: 'CA00000000000000000000000000000003',
    });
    // The page refreshes its rows every 10 s and whenever the tab comes back into view.
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await expect.poll(() => page.locator('tbody').textContent()).toContain('Email bouncing');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42); // no reload
    expect(await page.textContent('#live-status')).toMatch(/^Updated /);

    await page.fill('#cb-phone', '(312) 555-0177');
    await page.selectOption('#cb-client', { label: 'Acme Dental' });
    await page.fill('#cb-reason', 'Laptop will not boot');
    await page.check('input[name=urgent]');
    await page.getByRole('button', { name: 'Add to the queue' }).click();
    await expect.poll(() => page.textContent('[role=status]')).toBe('Callback to +13125550177 added.');
    const row = page.locator('tr', { hasText: 'Laptop will not boot' });
    expect(await row.textContent()).toContain('urgent');
    expect(await row.textContent()).toContain('Acme Dental');
    await page.fill('#cb-phone', '12');
    await page.fill('#cb-reason', 'Printer jam again');
    await page.getByRole('button', { name: 'Add to the queue' }).click();
    await expect.poll(() => page.textContent('[role=alert]')).toBe('"12" is not a valid phone number');
    // Nothing typed is lost: the form comes back filled in.
    expect(await page.inputValue('#cb-phone')).toBe('12');
    expect(await page.inputValue('#cb-reason')).toBe('Printer jam again');
  });

  it('opens a ticket with its voicemail, transcription and timeline, and changes its priority', async () => {
    await page.click('header nav >> text=Tickets');
    const link = page.getByRole('link', { name: `TK-${ticketNumber}` });
    await link.click();
    await page.waitForURL(`${base}/dashboard/tickets/${ticketNumber}`);
    expect(await page.textContent('h1')).toBe(`TK-${ticketNumber} · Emergency voicemail`);
    expect(await page.textContent('main')).toContain('The mail server is down and nobody can send invoices');
    // The player goes through the signed-in session, not a link that works for anyone who has it.
    const audio = await page.getAttribute('audio', 'src');
    expect(audio).toMatch(new RegExp(`^/dashboard/tickets/${ticketNumber}/voicemails/\\d+/audio$`));
    const played = await page.evaluate(async (src) => {
      const res = await fetch(src!);
      return { status: res.status, type: res.headers.get('content-type'), bytes: (await res.arrayBuffer()).byteLength };
    }, audio);
    expect(played).toMatchObject({ status: 200, type: 'audio/mpeg' });
    expect(played.bytes).toBeGreaterThan(0);
    const signedOut = await fetch(`${base}${audio}`, { redirect: 'manual' });
    expect(signedOut.status).toBe(303);
    const timeline = page.locator('ol.timeline li');
    expect(await timeline.allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Ticket opened (critical, emergency)'),
        expect.stringContaining('Voicemail left, 31 s'),
        expect.stringContaining('Transcription arrived'),
      ]),
    );
    await page.selectOption('#priority', 'high');
    await page.getByRole('button', { name: 'Change priority' }).click();
    await expect.poll(() => page.textContent('[role=status]')).toContain('Priority changed');
    expect(await page.locator('ol.timeline li').last().textContent()).toContain('Requester told (priority) by email');
    expect(await page.locator('ol.timeline').textContent()).toContain('Priority critical → high by Olive Office');
  });

  it('refuses a form posted without its CSRF token, and changes nothing', async () => {
    const status = await page.evaluate(async () => {
      const res = await fetch('/dashboard/callbacks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'phone=%2B13125550100&reason=forged',
      });
      return { status: res.status, text: await res.text() };
    });
    expect(status.status).toBe(403);
    expect(status.text).toContain('nothing was changed');
    await page.goto(`${base}/dashboard/queue`);
    expect(await page.locator('tbody').textContent()).not.toContain('forged');
    expect(await page.locator('tbody').textContent()).not.toContain('+13125550100');
  });

  it('downloads the after-hours log as CSV', async () => {
    await page.click('header nav >> text=After-hours log');
    expect(await page.locator('tbody').textContent()).toContain('Voicemail');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^after-hours-2026-11-01-to-2026-11-23\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('type,event_id,client,ticket,start,end,minutes,rate_period');
    expect(lines.find((l) => l.startsWith('voicemail,'))).toMatch(
      new RegExp(
        `^voicemail,voicemail:\\d+,Acme Dental,TK-${ticketNumber},2026-11-24T03:59:29\\.000Z,2026-11-24T04:00:00\\.000Z,0\\.52,after_hours$`,
      ),
    );
  });

  it('works on a phone screen: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of [
      '/dashboard/queue',
      `/dashboard/tickets/${ticketNumber}`,
      '/dashboard/tickets',
      '/dashboard/oncall',
    ]) {
      await page.goto(`${base}${path}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(390);
    }
  });
});
