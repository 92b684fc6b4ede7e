import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveAccount } from '../../src/auth/accounts.js';
import { accounts, sessions } from '../../src/db/schema.js';
import { testApp } from '../support/app.js';
import { freshDatabaseUrl, onSqlite, queryDatabase } from '../support/db.js';

const PASSWORD = 'a long enough passphrase';

/** Signs in through the form as a browser would: fetch the form (and its cookie), post it back. */
async function signIn(agent: ReturnType<typeof request.agent>, email: string, password: string, next?: string) {
  const form = await agent.get('/dashboard/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  return agent
    .post('/dashboard/login')
    .type('form')
    .send({ _csrf: csrf, email, password, ...(next ? { next } : {}) });
}

describe('dashboard sign-in', async () => {
  const { app, db, clock } = await testApp();
  beforeAll(async () => {
    await saveAccount(
      db,
      { email: 'bill@example.com', name: 'Bill Billing', role: 'billing', password: PASSWORD },
      clock.now(),
    );
    await saveAccount(
      db,
      { email: 'erin@example.com', name: 'Erin Engineer', role: 'engineer', password: PASSWORD },
      clock.now(),
    );
  });

  it('stores only a memory-hard hash of the password and only a hash of the session token', async () => {
    const account = (await db.q.select().from(accounts)).find((a) => a.email === 'bill@example.com')!;
    expect(account.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(account.passwordHash).not.toContain(PASSWORD);
    const agent = request.agent(app);
    const res = await signIn(agent, 'Bill@Example.com', PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard/after-hours'); // billing's first page
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('switchboard_session='),
    )!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = decodeURIComponent(/switchboard_session=([^;]+)/.exec(cookie)![1]!);
    const stored = (await db.q.select().from(sessions)).map((s) => s.tokenHash);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).not.toContain(token);
  });

  it('shows each role only what it may see', async () => {
    const billing = request.agent(app);
    expect((await signIn(billing, 'bill@example.com', PASSWORD)).status).toBe(303);
    await billing.get('/dashboard/reports').expect(200);
    const refused = await billing.get('/dashboard/queue').expect(403);
    expect(refused.text).toContain('Your account cannot open this page');
    const engineer = request.agent(app);
    expect((await signIn(engineer, 'erin@example.com', PASSWORD)).status).toBe(303);
    await engineer.get('/dashboard/queue').expect(200);
    await engineer.get('/dashboard/reports').expect(403);
    const missing = await engineer.get('/dashboard/nowhere').expect(404);
    expect(missing.headers['content-type']).toContain('text/html');
    expect(missing.text).toContain('There is nothing at /dashboard/nowhere.');
    const noTicket = await engineer.get('/dashboard/tickets/424242').expect(404);
    expect(noTicket.text).toContain('There is no ticket 424242.');
  });

  it('returns to the page asked for after sign-in, and only to a dashboard page', async () => {
    const form = await request(app).get('/dashboard/login?next=%2Fdashboard%2Ftickets%3Fstatus%3Dall').expect(200);
    expect(form.text).toContain('<input type="hidden" name="next" value="/dashboard/tickets?status=all">');
    expect(
      (await signIn(request.agent(app), 'bill@example.com', PASSWORD, '/dashboard/tickets?status=all')).headers
        .location,
    ).toBe('/dashboard/tickets?status=all');
    for (const next of [
      'https://evil.example/',
      '//evil.example/dashboard',
      '/dashboard/../api/tickets',
      '/api/tickets',
    ]) {
      expect((await signIn(request.agent(app), 'bill@example.com', PASSWORD, next)).headers.location, next).toBe(
        '/dashboard/after-hours',
      );
    }
  });

  it('refuses a sign-in form posted without its token', async () => {
    const res = await request(app)
      .post('/dashboard/login')
      .type('form')
      .send({ email: 'bill@example.com', password: PASSWORD })
      .expect(403);
    expect(res.text).toContain('This sign-in form had expired');
  });

  it('locks an account for 15 minutes after five wrong passwords, even against the right one', async () => {
    const agent = request.agent(app);
    for (let i = 0; i < 4; i++) expect((await signIn(agent, 'erin@example.com', 'wrong password!')).status).toBe(401);
    const locked = await signIn(agent, 'erin@example.com', 'wrong password!');
    expect(locked.status).toBe(423);
    expect(locked.text).toContain('Too many failed sign-ins');
    expect((await signIn(agent, 'erin@example.com', PASSWORD)).status).toBe(423);
    clock.advance(15 * 60_000 + 1000);
    expect((await signIn(agent, 'erin@example.com', PASSWORD)).status).toBe(303);
  });

  it('answers an unknown email like a wrong password', async () => {
    const res = await signIn(request.agent(app), 'nobody@example.com', PASSWORD);
    expect(res.status).toBe(401);
    expect(res.text).toContain('That email and password do not match an account.');
  });

  it('signs out, and the old cookie no longer opens anything', async () => {
    const agent = request.agent(app);
    expect((await signIn(agent, 'bill@example.com', PASSWORD)).status).toBe(303);
    const page = await agent.get('/dashboard/after-hours').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await agent.post('/dashboard/logout').type('form').send({ _csrf: csrf }).expect(303);
    const after = await agent.get('/dashboard/after-hours').expect(303);
    expect(after.headers.location).toBe('/dashboard/login?next=%2Fdashboard%2Fafter-hours');
  });
});

describe('npm run user:add', async () => {
  // On SQLite the command creates and migrates a file that does not exist yet.
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const databaseUrl = onSqlite ? `file:${join(dir, 'db', 'sb.db')}` : (await freshDatabaseUrl()).url;
  const run = (args: string[], password?: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/user-add.ts', ...args], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl,
        ...(password !== undefined ? { SWITCHBOARD_PASSWORD: password } : {}),
        ...env,
      },
      encoding: 'utf8',
      input: '',
    });

  it('creates an account that can sign in, and explains what is wrong with bad input', async () => {
    const ok = run(['--email', 'olive@example.com', '--name', 'Olive Office', '--role', 'office'], PASSWORD);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('Created office account olive@example.com (Olive Office)');
    expect(ok.status).toBe(0);
    const saved = await queryDatabase<{ email: string; role: string }>(databaseUrl, 'select email, role from accounts');
    expect(saved.map((a) => [a.email, a.role])).toEqual([['olive@example.com', 'office']]);

    const short = run(['--email', 'x@example.com', '--name', 'X', '--role', 'office'], 'short');
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('password: must be at least 12 characters');
    const role = run(['--email', 'x@example.com', '--name', 'X', '--role', 'boss'], PASSWORD);
    expect(role.stderr).toContain('role: must be one of admin, office, engineer, architect, billing');
    const missing = run([], PASSWORD);
    expect(missing.stderr).toContain('email: is required');
  });

  it('says where to sign in: the public address, or this machine on its own port', () => {
    const args = ['--email', 'ada@example.com', '--name', 'Ada Admin', '--role', 'admin'];
    const deployed = run(args, PASSWORD, { PUBLIC_URL: 'https://helpdesk.example.com', TWILIO_AUTH_TOKEN: 'x' });
    expect(deployed.stdout).toContain('Sign in at https://helpdesk.example.com/dashboard');
    const local = run(args, PASSWORD, { PORT: '8080' });
    expect(local.stdout).toContain('Sign in at http://localhost:8080/dashboard');
  });
});
