import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth } from '../support/app.js';
import { launchBrowser, listeningServer } from '../support/browser.js';
import { linkFor, mailsTo, portalHarness } from '../support/portal.js';

/**
 * A client's contact on the portal in Chromium, on a phone (390 px wide) and at a desk: signs in with the
 * link caught at the SMTP stand-in, opens a ticket with a file, sees the automatic reply and a staff reply
 * (never the internal note), replies, closes it and reopens it.
 */
describe.each([
  { device: 'a phone', viewport: { width: 390, height: 844 }, email: 'dana@acme.example' },
  { device: 'a desk', viewport: { width: 1280, height: 900 }, email: 'rob@acme.example' },
])('the portal in a real browser, on $device', async ({ viewport, email }) => {
  const listening = await listeningServer();
  const base = listening.url;
  const h = await portalHarness({ env: { PUBLIC_URL: base } });
  listening.server.on('request', h.app);
  let browser: Browser;
  let page: Page;
  let number = 0;
  const fitsTheScreen = () =>
    page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport, acceptDownloads: true })).newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await listening.close();
  });

  it('answers an unknown address just as a known one, and emails it nothing', async () => {
    await page.goto(`${base}/portal`);
    await page.fill('input[name=email]', 'stranger@nowhere.example');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=status]')).toContain('a sign-in link is on its way');
    expect(await fitsTheScreen()).toBe(true);
    await h.settle();
    expect(await mailsTo(h, 'stranger@nowhere.example')).toHaveLength(0);
  });

  it('signs in with the emailed link, which works only once', async () => {
    await page.goto(`${base}/portal`);
    await page.fill('input[name=email]', email);
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=status]')).toContain('a sign-in link is on its way');
    const link = await linkFor(h, email);
    await page.goto(`${base}${link}`);
    // Opening the link only asks: the page names the address, and its button signs in.
    expect(await page.textContent('main')).toContain(`This link signs you in to the portal as ${email}`);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/portal/tickets`);
    expect(await page.textContent('h1')).toBe('Your tickets');
    expect(await fitsTheScreen()).toBe(true);

    const other = await (await browser.newContext({ viewport })).newPage();
    await other.goto(`${base}${link}`);
    expect(await other.textContent('main')).toContain('This sign-in link has expired or was already used');
    await other.close();
  });

  it('opens a ticket with a file and gets the automatic reply', async () => {
    await page.click('text=Open a ticket');
    await page.fill('input[name=subject]', 'Scanner on floor 3 jams');
    await page.fill('textarea[name=body]', 'Every second page jams since Monday.');
    await page.selectOption('select[name=line]', 'software');
    await page.selectOption('select[name=priority]', 'high');
    await page.setInputFiles('input[name=attachments]', {
      name: 'jam.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('paper jam at tray 2'),
    });
    expect(await fitsTheScreen()).toBe(true);
    await page.click('button:has-text("Open the ticket")');
    await page.waitForURL(/\/portal\/tickets\/\d+$/);
    number = Number(/(\d+)$/.exec(page.url())![1]);
    expect(await page.textContent('h1')).toBe(`TK-${number} · Scanner on floor 3 jams`);
    expect(await page.textContent('main')).toContain('jam.txt');
    expect(await fitsTheScreen()).toBe(true);
    const download = page.waitForEvent('download');
    await page.click('a:has-text("jam.txt")');
    expect((await download).suggestedFilename()).toBe('jam.txt');
    await h.settle();
    const reply = (await mailsTo(h, email)).find((m) => m.subject.includes(`[TK-${number}]`));
    expect(reply?.text).toContain(`${base}/portal/tickets/${number}`);
  });

  it('shows a staff reply and never an internal note; the contact replies', async () => {
    const staff = (body: string, internal?: boolean) =>
      request(h.app)
        .post(`/api/tickets/${number}/messages`)
        .set(auth)
        .send({ staffId: 'erin', body, ...(internal ? { internal } : {}) })
        .expect(201);
    await request(h.app).post(`/api/tickets/${number}/ack`).set(auth).send({ staffId: 'erin' }).expect(200);
    await staff('Does it jam with the other tray too?');
    await staff('Probably the feed roller; order one', true);
    await page.reload();
    const main = await page.textContent('main');
    expect(main).toContain('Does it jam with the other tray too?');
    expect(main).not.toContain('feed roller');
    await page.fill('textarea[name=body]', 'Only with tray 2.');
    await page.click('button:has-text("Send")');
    await expect.poll(() => page.textContent('main')).toContain('Only with tray 2.');
    expect(await fitsTheScreen()).toBe(true);
  });

  it('closes the ticket as solved, and reopens it', async () => {
    await page.click('button:has-text("The problem is solved")');
    await expect.poll(() => page.textContent('.facts')).toContain('Solved');
    await page.click('button:has-text("Reopen the ticket")');
    await expect.poll(() => page.textContent('.facts')).toContain('In progress');
    const ticket = (await request(h.app).get(`/api/tickets/${number}`).set(auth).expect(200)).body;
    expect(ticket.status).toBe('in_progress');
  });
});
