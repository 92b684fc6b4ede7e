import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { saveAccount } from '../../src/auth/accounts.js';
import { hashing } from '../../src/auth/passwords.js';
import { recentAudit } from '../../src/audit/index.js';
import { accounts } from '../../src/db/schema.js';
import { testApp } from '../support/app.js';

const PASSWORD = 'a long enough passphrase';
const IP_HEADER = 'x-client-ip';

/** The app behind one listening server, so that parallel posts arrive together rather than one server each. */
async function signInSite() {
  const made = await testApp({ env: { CLIENT_IP_HEADER: IP_HEADER } });
  await saveAccount(
    made.db,
    { email: 'olive@example.com', name: 'Olive Office', role: 'office', password: PASSWORD },
    made.clock.now(),
  );
  const server: Server = createServer(made.app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The sign-in form as a browser gets it: a cookie and the same token in a hidden field (double submit).
  const form = await request(base).get('/dashboard/login').expect(200);
  const cookie = (form.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  const post = (email: string, password: string, ip: string) =>
    request(base)
      .post('/dashboard/login')
      .set('Cookie', cookie)
      .set(IP_HEADER, ip)
      .type('form')
      .send({ _csrf: csrf, email, password });
  return { ...made, base, post };
}
const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});
const sessionCookieOf = (res: request.Response) =>
  ((res.headers['set-cookie'] ?? []) as string[]).find((c) => c.startsWith('switchboard_session='));

describe('sign-in under a race or a flood', async () => {
  it('locks the account when ten wrong passwords arrive at once, and then refuses the right one as locked', async () => {
    const { db, post } = await signInSite();
    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post('olive@example.com', `wrong guess ${i}`, '198.51.100.1')),
    );
    // Four plain failures; the fifth locks the account; the other five are refused as locked without a hash.
    expect(tally(guesses.map((g) => g.status))).toEqual({ 401: 4, 423: 6 });
    expect((await db.q.select().from(accounts))[0]!.lockedUntil!.toISOString()).toBe('2026-11-23T15:15:00.000Z');

    const right = await post('Olive@Example.com', PASSWORD, '198.51.100.2');
    expect(right.status).toBe(423);
    expect(right.text).toContain('Too many failed sign-ins: this account is locked until 09:15.');
    expect(sessionCookieOf(right)).toBeUndefined();

    const trail = await recentAudit(db.q);
    expect(trail.filter((e) => e.action === 'sign_in_failed')).toHaveLength(5);
    expect(trail.filter((e) => e.action === 'sign_in_locked')).toHaveLength(6);
    expect(new Set(trail.map((e) => `${e.actor} ${e.ip}`))).toEqual(
      new Set(['olive@example.com 198.51.100.1', 'olive@example.com 198.51.100.2']),
    );
  });

  it('answers 429 to an address past its limit, while another address and staff who sign in fine are not held up', async () => {
    const { db, post } = await signInSite();
    // Successful sign-ins do not count against an address: an office behind one address can all sign in.
    for (let i = 0; i < 2; i++) expect((await post('olive@example.com', PASSWORD, '198.51.100.1')).status).toBe(303);
    // A success is taken off the address's count (kept in the database) just after its answer has gone.
    await new Promise((r) => setTimeout(r, 300));
    const guesses = await Promise.all(
      Array.from({ length: 10 }, () => post('nobody@example.com', 'a guess', '198.51.100.1')),
    );
    expect(guesses.map((g) => g.status)).toEqual(Array(10).fill(401));

    const throttled = await post('olive@example.com', PASSWORD, '198.51.100.1');
    expect(throttled.status).toBe(429);
    expect(throttled.text).toContain('Too many sign-in attempts from here; wait a minute and try again.');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(sessionCookieOf(throttled)).toBeUndefined();

    const elsewhere = await post('olive@example.com', PASSWORD, '198.51.100.2');
    expect(elsewhere.status).toBe(303);
    expect(sessionCookieOf(elsewhere)).toBeDefined();
    const entry = (await recentAudit(db.q)).find((e) => e.action === 'sign_in_throttled');
    expect(entry).toMatchObject({
      actor: 'olive@example.com',
      ip: '198.51.100.1',
      detail: { by: 'address', limit: 10 },
    });
  });

  it('runs at most two password hashes at once, and answers the overflow at once that the service is busy', async () => {
    const { db, post } = await signInSite();
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, hashing.activeCount)), 2);
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) => post(`someone${i}@example.com`, 'a guess', `198.51.100.${i + 1}`)),
    );
    clearInterval(watch);
    expect(most).toBe(2);
    const busy = answers.filter((a) => a.status === 503);
    // Two running and twenty waiting are checked; more than that are turned away rather than queued.
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 401).length).toBeGreaterThanOrEqual(22);
    expect(busy.length + answers.filter((a) => a.status === 401).length).toBe(32);
    expect(busy[0]!.text).toContain('The service is busy checking other sign-ins; wait a few seconds and try again.');
    expect(busy[0]!.headers['retry-after']).toBe('5');
    expect(
      (await recentAudit(db.q)).filter(
        (e) => e.action === 'sign_in_throttled' && (e.detail as { by?: string }).by === 'busy',
      ),
    ).toHaveLength(busy.length);
  });

  it('records a sign-in and a sign-out with the address, and logs a failure without the email or the password', async () => {
    const { db, base, log } = await signInSite();
    const info = vi.spyOn(log, 'info');
    const agent = request.agent(base).set(IP_HEADER, '203.0.113.7');
    const form = await agent.get('/dashboard/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    expect(
      (
        await agent
          .post('/dashboard/login')
          .type('form')
          .send({ _csrf: csrf, email: 'olive@example.com', password: 'not it at all' })
      ).status,
    ).toBe(401);
    expect(
      (
        await agent
          .post('/dashboard/login')
          .type('form')
          .send({ _csrf: csrf, email: ' Olive@example.com', password: PASSWORD })
      ).status,
    ).toBe(303);
    const page = await agent.get('/dashboard/queue').expect(200);
    await agent
      .post('/dashboard/logout')
      .type('form')
      .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]! })
      .expect(303);

    const trail = (await recentAudit(db.q)).reverse();
    expect(trail.map((e) => [e.action, e.actor, e.ip])).toEqual([
      ['sign_in_failed', 'olive@example.com', '203.0.113.7'],
      ['sign_in', 'olive@example.com', '203.0.113.7'],
      ['sign_out', 'olive@example.com', '203.0.113.7'],
    ]);
    expect(JSON.stringify(trail)).not.toContain('not it at all');
    const logged = JSON.stringify(info.mock.calls);
    expect(logged).toContain('o***@example.com');
    expect(logged).not.toContain('olive@example.com');
    expect(logged).not.toContain('not it at all');
    expect(logged).not.toContain(PASSWORD);
  });

  it('shows administrators the audit trail, and nobody else', async () => {
    const { db, base, clock } = await signInSite();
    await saveAccount(
      db,
      { email: 'ada@example.com', name: 'Ada Admin', role: 'admin', password: PASSWORD },
      clock.now(),
    );
    const signedIn = async (email: string) => {
      const agent = request.agent(base).set(IP_HEADER, '203.0.113.8');
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/dashboard/login')).text)![1]!;
      await agent.post('/dashboard/login').type('form').send({ _csrf: csrf, email, password: PASSWORD }).expect(303);
      return agent;
    };
    const admin = await signedIn('ada@example.com');
    const trail = await admin.get('/dashboard/audit').expect(200);
    expect(trail.text).toContain('Audit trail');
    expect(trail.text).toMatch(
      /Signed in<\/td><td data-label="Who">ada@example.com<\/td><td data-label="From">203.0.113.8/,
    );
    await (await signedIn('olive@example.com')).get('/dashboard/audit').expect(403);
  });
});
