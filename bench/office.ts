/**
 * Office pages over a large history: 5,000 tickets, 2,000 open callbacks and 100,000 billable events
 * (calls, voicemails, pages, acknowledgements, logged work) in one month, priced into the ledger by the
 * real sync, then served by the built service (`npm start`'s flags) to a signed-in browser-like client.
 * Prints, per page, the server time for 30 requests (p50, p95, max) after 3 warm-ups. Target: < 200 ms.
 *
 *   npm run bench:office
 *   npm run bench:office -- --smoke   (200 tickets, 100 callbacks, 2,000 events, each page twice: every page
 *                                      still answers 200 and the ledger prices every event, else it fails)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { calendarOf } from '../src/calendar/index.js';
import { loadConfig } from '../src/config/index.js';
import { openSqlite } from '../src/db/index.js';
import { saveAccount } from '../src/auth/accounts.js';
import { syncLedger } from '../src/billing/index.js';
import { START_FLAGS, whenHealthy } from './service.js';

const PORT = 3913;
const BASE = `http://127.0.0.1:${PORT}`;
const SMOKE = process.argv.includes('--smoke');
const TICKETS = SMOKE ? 200 : 5_000;
const CLIENTS = 50;
const CALLBACKS = SMOKE ? 100 : 2_000;
/** Billable events in the month: the tickets' own, and calls for the rest. */
const EVENTS = SMOKE ? 2_000 : 100_000;
/** Requests per page, the first few not counted (warm-up). */
const REQUESTS = SMOKE ? 2 : 33;
const WARM_UP = SMOKE ? 1 : 3;
const PASSWORD = 'bench passphrase 2026';

/** A month of history, written straight into a migrated SQLite file (as the service would have, but faster). */
async function seed(path: string): Promise<{ month: string; seconds: number }> {
  const db = openSqlite(path);
  await db.migrate();
  const sqlite = db.connection;
  const config = loadConfig({});
  if (!config.ok) throw new Error(config.problems.join('\n'));
  const org = config.value.organisation;
  const now = DateTime.now().setZone(org.timezone);
  const monthStart = now.startOf('month');
  const span = Math.max(now.toMillis() - monthStart.toMillis() - 3_600_000, 86_400_000);
  let seed = 42;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const at = () => Math.floor(monthStart.toMillis() + rand() * span);
  const pick = (n: number) => 1 + Math.floor(rand() * n);
  sqlite.transaction(() => {
    const client = sqlite.prepare('insert into clients (name, support_code, created_at) values (?, ?, ?)');
    const contact = sqlite.prepare('insert into client_contacts (client_id, name, phone, email) values (?, ?, ?, ?)');
    for (let c = 1; c <= CLIENTS; c++) {
      client.run(`Client ${String(c).padStart(2, '0')}`, String(100000 + c), monthStart.toMillis());
      contact.run(c, `Contact ${c}`, `+1312555${String(1000 + c)}`, `c${c}@example.com`);
    }
    const ticket = sqlite.prepare(
      `insert into tickets (number, client_id, contact_id, caller_number, unidentified, emergency, priority, status, summary, sla_due_at, sla_warn_at, sla_warned_at, sla_breached_at, acknowledged_by, created_at, updated_at)
       values (?, ?, ?, ?, 0, ?, ?, ?, 'Voicemail', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const event = sqlite.prepare(
      'insert into ticket_events (ticket_id, at, type, actor, detail) values (?, ?, ?, ?, ?)',
    );
    const voicemail = sqlite.prepare(
      `insert into voicemails (recording_sid, call_sid, ticket_id, kind, disposition, source, caller_number, duration_seconds, created_at) values (?, ?, ?, 'general', 'ticket', 'record_action', ?, ?, ?)`,
    );
    const call = sqlite.prepare(
      `insert into calls (call_sid, from_number, client_id, rate_period, path, outcome, emergency, ticket_id, started_at, ended_at) values (?, ?, ?, 'business', '5', 'voicemail', 0, ?, ?, ?)`,
    );
    const page = sqlite.prepare(
      `insert into outbox (dedupe_key, channel, purpose, recipient, staff_id, ticket_id, body, status, attempts, next_attempt_at, created_at, sent_at, provider_id) values (?, 'sms', 'page', '+15550200001', 'erin', ?, 'page', 'sent', 1, ?, ?, ?, ?)`,
    );
    const work = sqlite.prepare(
      'insert into work_logs (ticket_id, staff, started_at, ended_at, note, created_at) values (?, ?, ?, ?, ?, ?)',
    );
    const priorities = ['critical', 'high', 'medium', 'low'];
    const statuses = ['new', 'acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'];
    let calls = 0;
    let events = 0;
    for (let t = 1; t <= TICKETS; t++) {
      const created = at();
      const c = pick(CLIENTS);
      // Their SLA warnings and breaches went out when they fell due (the SLA job would otherwise send them all now).
      const due = created + 86_400_000;
      const warn = created + 64_800_000;
      ticket.run(
        1000 + t,
        c,
        c,
        `+1312555${String(1000 + c)}`,
        t % 10 === 0 ? 1 : 0,
        priorities[t % 4],
        statuses[t % 6],
        due,
        warn,
        warn < Date.now() ? warn : null,
        due < Date.now() ? due : null,
        t % 3 ? 'erin' : null,
        created,
        created,
      );
      event.run(t, created, 'created', null, '{}');
      event.run(t, created + 1000, 'acknowledged', 'erin', '{"via":"sms"}'); // 5,000 acknowledgements
      voicemail.run(`RE${t}`, `CA${t}`, t, `+1312555${String(1000 + c)}`, 40, created); // 5,000 voicemails
      events += 2;
      for (let p = 0; p < 4; p++) page.run(`page:${t}:${p}`, t, created, created, created + 500, `SM${t}x${p}`); // 20,000 pages
      events += 4;
      for (let w = 0; w < 2; w++) {
        const start = at();
        work.run(t, 'erin', start, start + pick(180) * 60_000, 'work', start); // 10,000 work logs
      }
      events += 2;
    }
    // The rest are calls: 60,000, some running past a period boundary.
    while (events + calls < EVENTS) {
      const start = at();
      const c = pick(CLIENTS);
      call.run(`CAcall${calls}`, `+1312555${String(1000 + c)}`, c, pick(TICKETS), start, start + pick(1800) * 1000);
      calls++;
    }
    const callback = sqlite.prepare(
      `insert into callbacks (client_id, contact_id, phone, reason, status, due_at, urgent, failed_attempts, created_at) values (?, ?, ?, 'Please call back', ?, ?, 0, 0, ?)`,
    );
    for (let i = 0; i < CALLBACKS; i++) {
      const c = pick(CLIENTS);
      callback.run(
        c,
        c,
        `+1312555${String(1000 + c)}`,
        i % 7 === 0 ? 'claimed' : 'queued',
        at(),
        monthStart.toMillis(),
      );
    }
  })();
  const started = performance.now();
  const recorded = await syncLedger(db, calendarOf(org), new Date());
  await db.close();
  const seconds = (performance.now() - started) / 1000;
  if (recorded < EVENTS) throw new Error(`only ${recorded} events recorded`);
  console.log(
    `seeded ${TICKETS} tickets, ${CALLBACKS} open callbacks, ${recorded} billable events; ledger sync of all of them: ${seconds.toFixed(1)} s`,
  );
  return { month: monthStart.toFormat('yyyy-MM'), seconds };
}

async function startService(dir: string, dbPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], {
    env: { ...process.env, PORT: String(PORT), PUBLIC_URL: BASE, DATABASE_URL: `file:${dbPath}`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', openSync(join(dir, 'service.log'), 'w'), 'inherit'],
  });
  return whenHealthy(BASE, child);
}

async function signIn(): Promise<string> {
  const form = await fetch(`${BASE}/dashboard/login`);
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${BASE}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: 'admin@example.com', password: PASSWORD }),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('switchboard_session='));
  if (!session) throw new Error(`sign-in failed: ${res.status}`);
  return session.split(';')[0]!;
}

async function time(cookie: string, path: string): Promise<{ p50: number; p95: number; max: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const res = await fetch(`${BASE}${path}`, { headers: { cookie } });
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    bytes = body.length;
    if (i >= WARM_UP) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return {
    p50: times[Math.floor(times.length / 2)]!,
    p95: times[Math.floor(times.length * 0.95)]!,
    max: times.at(-1)!,
    bytes,
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-office-'));
  const dbPath = join(dir, 'office.db');
  const { month } = await seed(dbPath);
  const db = openSqlite(dbPath);
  await saveAccount(
    db,
    { email: 'admin@example.com', name: 'Bench Admin', role: 'admin', password: PASSWORD },
    new Date(),
  );
  await db.close();
  const child = await startService(dir, dbPath);
  try {
    const cookie = await signIn();
    const pages = [
      ['callback queue', '/dashboard/queue'],
      ['queue rows (live refresh)', '/dashboard/queue/rows'],
      ['tickets, open', '/dashboard/tickets'],
      ['tickets, all, page 50', '/dashboard/tickets?status=all&page=50'],
      ['ticket page', `/dashboard/tickets/${1000 + TICKETS / 2}`],
      [`monthly report ${month}, all clients`, `/dashboard/reports?month=${month}`],
      [`monthly report ${month}, one client`, `/dashboard/reports?month=${month}&client=7`],
      ['monthly report CSV, all clients', `/dashboard/reports.csv?month=${month}`],
      ['after-hours log, the month', `/dashboard/after-hours?from=${month}-01&to=${DateTime.now().toISODate()}`],
    ] as const;
    console.log(
      `\n${'page'.padEnd(40)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'max ms'.padStart(9)}${'KB'.padStart(8)}`,
    );
    for (const [name, path] of pages) {
      const t = await time(cookie, path);
      console.log(
        `${name.padEnd(40)}${t.p50.toFixed(1).padStart(9)}${t.p95.toFixed(1).padStart(9)}${t.max.toFixed(1).padStart(9)}${(t.bytes / 1024).toFixed(0).padStart(8)}`,
      );
    }
    const rss = readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)?.[1];
    if (rss) console.log(`\nservice peak RSS: ${(Number(rss) / 1024).toFixed(0)} MB`);
  } finally {
    child.kill('SIGTERM');
    if (SMOKE) await new Promise((done) => child.once('exit', done)).then(() => rmSync(dir, { recursive: true }));
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
