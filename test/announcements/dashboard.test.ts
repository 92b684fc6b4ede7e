import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveAccount } from '../../src/auth/accounts.js';
import { writeState } from '../../src/db/index.js';
import { outbox } from '../../src/db/schema.js';
import { testApp } from '../support/app.js';
import { launchBrowser, listeningServer } from '../support/browser.js';
import { organisationFrom } from '../support/organisation.js';
import { Caller } from '../support/phone.js';
import { ACME_PHONE, BETA_PHONE, seedClients } from '../support/seed.js';

const PASSWORD = 'correct horse battery staple';

describe('announcements and service lines on the dashboard, in a real browser', async () => {
  const listening = await listeningServer();
  const base = listening.url;
  const { app, db, clock } = await testApp({
    env: { PUBLIC_URL: base },
    now: '2026-11-24T15:00:00Z',
    organisation: organisationFrom(undefined, (doc) => {
      doc.self_test = { at: '07:00', from: '+15550209999' };
      doc.service_lines = [
        {
          id: 'software',
          name: 'Software support',
          on_call: { rotation: ['erin'], shift: 'daily', handoff: '08:00' },
          architects: ['alan'],
        },
        {
          id: 'noc',
          name: 'Network operations',
          on_call: { rotation: ['ed'], shift: 'daily', handoff: '08:00' },
          architects: [],
        },
      ];
    }),
  });
  listening.server.on('request', app);
  let browser: Browser;
  let page: Page;
  const hears = async (phone: string) => {
    const caller = new Caller(app as never, phone);
    await caller.dial();
    return caller.heard;
  };

  beforeAll(async () => {
    await seedClients(app);
    await saveAccount(
      db,
      { email: 'olive@example.com', name: 'Olive Office', role: 'office', password: PASSWORD },
      clock.now(),
    );
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/dashboard/login`);
    await page.fill('#email', 'olive@example.com');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await listening.close();
  });

  it('posts an announcement for one client that its callers hear, and takes it down', async () => {
    await page.goto(`${base}/dashboard/announcements`);
    const text = 'Acme: the move of your mail server is running late; mail resumes by noon.';
    await page.fill('#an-text', text);
    await page.selectOption('#an-clients', { label: 'Acme Dental' });
    await page.click('form button:text-is("Announce")');
    await expect.poll(() => page.locator('.flash.ok').innerText()).toBe('Announced: callers hear it from now on.');
    const row = page.locator('[data-announcements] tbody tr', { hasText: 'mail resumes by noon' });
    expect(await row.locator('td[data-label="Who hears it"]').innerText()).toBe('Acme Dental');
    expect(await row.locator('td[data-label="Now"]').innerText()).toBe('callers hear it');
    expect(await hears(ACME_PHONE)).toContain(text);
    expect(await hears(BETA_PHONE)).not.toContain(text);

    await row.locator('text=Take down').click();
    await expect.poll(() => page.locator('.flash.ok').innerText()).toBe('Taken down: callers no longer hear it.');
    expect(await hears(ACME_PHONE)).not.toContain(text);
  });

  it('emails the contacts of the clients who hear it when asked, and says so', async () => {
    await page.goto(`${base}/dashboard/announcements`);
    await page.fill('#an-text', 'Beta: your card terminals are offline while the bank upgrades its network.');
    await page.selectOption('#an-clients', { label: 'Beta Bakery' });
    await page.check('#an-notify');
    await page.click('form button:text-is("Announce")');
    await expect
      .poll(() => page.locator('.flash.ok').innerText())
      .toBe('Announced: callers hear it from now on. One contact is being emailed.');
    const row = page.locator('[data-announcements] tbody tr', { hasText: 'card terminals are offline' });
    await row.locator('text=Take down').click();
    await expect
      .poll(() => page.locator('.flash.ok').innerText())
      .toBe('Taken down: callers no longer hear it, and its contacts are told it is over.');
    const mails = (await db.q.select().from(outbox)).filter(
      (m) => m.channel === 'email' && m.recipient === 'bo@beta.example',
    );
    expect(mails.map((m) => m.subject)).toEqual([
      '[Omnipotech] Service notice: Beta: your card terminals are offline while the bank…',
      '[Omnipotech] Resolved: Beta: your card terminals are offline while the bank…',
    ]);
  });

  it('refuses an empty announcement with a message, not an error page', async () => {
    await page.goto(`${base}/dashboard/announcements`);
    await page.evaluate(() => document.querySelector('#an-text')?.removeAttribute('required'));
    await page.click('form button:text-is("Announce")');
    await expect.poll(() => page.locator('.flash.error').innerText()).toContain('Write what callers should hear');
  });

  it('shows each service line’s on-call engineer and architects, and covers one line', async () => {
    await page.goto(`${base}/dashboard/oncall`);
    const lines = page.locator('[data-lines] tbody tr');
    await expect.poll(() => lines.count()).toBe(2);
    expect(await lines.nth(0).innerText()).toMatch(/Software support\s+Erin Engineer[\s\S]*Alan Architect/);
    expect(await lines.nth(1).innerText()).toMatch(/Network operations\s+Ed Engineer[\s\S]*none/);
    await page.selectOption('#ov-staff', 'erin');
    await page.fill('#ov-from', '2026-11-24T08:00');
    await page.fill('#ov-until', '2026-11-24T20:00');
    await page.selectOption('#ov-line', 'noc');
    await page.click('text=Add the cover');
    await expect.poll(() => page.locator('.flash.ok').innerText()).toContain('Erin Engineer is on call');
    await expect.poll(() => lines.nth(1).innerText()).toMatch(/Network operations\s+Erin Engineer/);
  });

  it('shows a failed line test on every page, and says why a test cannot start without Twilio', async () => {
    // What the line test writes when its call never reached the service (src/ivr/line-test.ts).
    const failed = {
      id: 't1',
      startedAt: '2026-11-24T13:00:00.000Z',
      from: '+15550209999',
      to: '+12817684800',
      by: 'the daily test',
      status: 'failed',
      why: 'the incoming-call webhook did not see it within 2 minutes',
    };
    await db.withTransaction((tx) => writeState(tx, 'line_test', JSON.stringify(failed), clock.now()));
    await page.goto(`${base}/dashboard/tickets`);
    await expect
      .poll(() => page.locator('[data-line-problem]').innerText())
      .toContain('The helpdesk line is not reaching Switchboard');
    await page.goto(`${base}/dashboard/oncall`);
    expect(await page.locator('[data-line-test]').innerText()).toContain('failed');
    await page.click('button:text-is("Test the line now")');
    await expect
      .poll(() => page.locator('.flash.error:not([data-line-problem])').innerText())
      .toContain('Twilio is not configured');
  });
});
