/**
 * The clients' portal over a large history: 100,000 tickets across 200 clients (500 each, with their
 * conversations and timelines), served by the built service (`npm start`'s flags, at the deployed heap) with
 * its real SMTP client pointed at a local SMTP server. Prints
 *  - sign-in: 50 contacts ask for a link (each from an address of its own, as behind a proxy); the time from
 *    the form's POST to the link reaching SMTP, p50 and p99 (target p99 < 2 s);
 *  - pages: 30 requests each (after 3 warm-ups) of a signed-in contact's ticket list (open first, then recent
 *    closed), the closed filter, and a ticket's page, p50 and p95 (target p95 ≤ 50 ms);
 *  - the service's peak RSS (VmHWM; target ≤ 150 MB).
 *
 *   npm run bench:portal
 *   npm run bench:portal -- --smoke   (2,000 tickets across 20 clients, 3 sign-ins, each page twice: fails unless
 *                                      every link arrives and every page answers 200 with its tickets)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import { openSqlite } from '../src/db/index.js';
import { startSmtp } from '../test/support/fake-mail-chat.js';
import { START_FLAGS, whenHealthy } from './service.js';

const SMOKE = process.argv.includes('--smoke');
const PORT = 3931;
const BASE = `http://127.0.0.1:${PORT}`;
const CLIENTS = SMOKE ? 20 : 200;
const TICKETS = SMOKE ? 2_000 : 100_000;
const SIGN_INS = SMOKE ? 3 : 50;
const REQUESTS = SMOKE ? 2 : 33;
const WARM_UP = SMOKE ? 1 : 3;
const TARGETS = { signInP99: 2000, pageP95: 50, rssMb: 150 };

const ORG = `
organization: { name: Bench Helpdesk, timezone: America/Chicago, helpdesk_number: "+12817684800" }
business_hours: { monday: ["09:00-17:00"], tuesday: ["09:00-17:00"], wednesday: ["09:00-17:00"], thursday: ["09:00-17:00"], friday: ["09:00-17:00"] }
staff:
  - { id: erin, name: Erin Engineer, role: engineer, phone: "+15550200001", email: erin@example.com }
  - { id: alan, name: Alan Architect, role: architect, phone: "+15550200002", email: alan@example.com }
on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" }
escalation: { ack_timeout: 1h }
service_lines:
  - { id: software, name: Software support, on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" } }
  - { id: noc, name: Network operations, on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" } }
`;

const contactOf = (c: number) => `contact${c}@client${c}.example`;

/** The history, written straight into a migrated SQLite file (as the service would have, but faster). */
async function seed(path: string): Promise<void> {
  const db = openSqlite(path);
  await db.migrate();
  const sqlite = db.connection;
  const now = Date.now();
  const year = 365 * 86_400_000;
  let state = 42;
  const rand = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const statuses = ['new', 'acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'];
  const priorities = ['low', 'medium', 'high', 'critical'];
  sqlite.transaction(() => {
    const client = sqlite.prepare('insert into clients (name, support_code, created_at) values (?, ?, ?)');
    const contact = sqlite.prepare('insert into client_contacts (client_id, name, phone, email) values (?, ?, ?, ?)');
    const domain = sqlite.prepare('insert into client_domains (client_id, domain) values (?, ?)');
    for (let c = 1; c <= CLIENTS; c++) {
      client.run(`Client ${c}`, String(100000 + c), now - year);
      contact.run(c, `Contact ${c}`, `+1312555${String(1000 + c)}`, contactOf(c));
      domain.run(c, `client${c}.example`);
    }
    const ticket = sqlite.prepare(
      `insert into tickets (number, client_id, contact_id, unidentified, emergency, priority, status, summary, sla_due_at, sla_warn_at, sla_warned_at, sla_breached_at, resolved_at, acknowledged_by, source, line, created_at, updated_at)
       values (?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'portal', ?, ?, ?)`,
    );
    const event = sqlite.prepare(
      'insert into ticket_events (ticket_id, at, type, actor, detail) values (?, ?, ?, ?, ?)',
    );
    const message = sqlite.prepare(
      `insert into ticket_messages (ticket_id, direction, channel, internal, message_id, from_address, to_address, subject, body, original, automatic, staff_id, at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const text = 'Since this morning nobody on the second floor can print; the queue shows the jobs as sent.';
    for (let t = 1; t <= TICKETS; t++) {
      const c = 1 + (t % CLIENTS);
      const created = Math.floor(now - rand() * year);
      const status = statuses[t % 6]!;
      const closed = status === 'resolved' || status === 'closed';
      const due = created + 86_400_000;
      const warn = created + 64_800_000;
      const subject = `Printer ${t} on floor ${t % 9} offline`;
      ticket.run(
        1000 + t,
        c,
        c,
        priorities[t % 3],
        status,
        subject,
        due,
        warn,
        warn < now ? warn : null,
        due < now ? due : null,
        closed ? created + 7_200_000 : null,
        t % 2 ? 'erin' : null,
        t % 2 ? 'software' : 'noc',
        created,
        created + 3_600_000,
      );
      event.run(t, created, 'created', null, '{"source":"portal"}');
      event.run(t, created, 'portal_message', null, '{}');
      message.run(t, 'in', 'portal', 0, `m${t}a@bench`, contactOf(c), '', subject, text, text, 0, null, created);
      message.run(
        t,
        'out',
        'email',
        0,
        `m${t}b@bench`,
        'helpdesk',
        contactOf(c),
        `Re: ${subject}`,
        'Automatic reply',
        'Automatic reply',
        1,
        null,
        created,
      );
      message.run(
        t,
        'out',
        'staff',
        0,
        `m${t}c@bench`,
        'helpdesk',
        contactOf(c),
        `Re: ${subject}`,
        'Which printer is it?',
        'Which printer is it?',
        0,
        'erin',
        created + 600_000,
      );
      message.run(
        t,
        'out',
        'staff',
        1,
        `m${t}d@bench`,
        'helpdesk',
        '',
        subject,
        'Internal: toner',
        'Internal: toner',
        0,
        'erin',
        created + 700_000,
      );
      message.run(
        t,
        'in',
        'portal',
        0,
        `m${t}e@bench`,
        contactOf(c),
        '',
        `Re: ${subject}`,
        'The HP on the left.',
        'The HP on the left.',
        0,
        null,
        created + 900_000,
      );
    }
  })();
  await db.close();
}

async function startService(dir: string, dbPath: string, env: Record<string, string>): Promise<ChildProcess> {
  const config = join(dir, 'org.yaml');
  writeFileSync(config, ORG);
  const child = spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(PORT),
      PUBLIC_URL: BASE,
      DATABASE_URL: `file:${dbPath}`,
      SWITCHBOARD_CONFIG: config,
      // Each sign-in comes from an address of its own, as behind a proxy: the per-place limit is not the measure.
      CLIENT_IP_HEADER: 'x-bench-client-ip',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', openSync(join(dir, 'service.log'), 'w'), 'inherit'],
  });
  return whenHealthy(BASE, child);
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** Asks for a link as a browser would; resolves with the link once it has reached SMTP, and how long that took. */
async function askForLink(smtp: Awaited<ReturnType<typeof startSmtp>>, email: string, ip: string) {
  const form = await fetch(`${BASE}/portal`, { headers: { 'x-bench-client-ip': ip } });
  const cookie = cookiesOf(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const before = smtp.mails.length;
  const started = Date.now();
  const res = await fetch(`${BASE}/portal`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-bench-client-ip': ip },
    body: new URLSearchParams({ _csrf: csrf, email }),
  });
  if (res.status !== 200) throw new Error(`asking for a link answered ${res.status}`);
  for (;;) {
    const mail = smtp.mails.slice(before).find((m) => m.to.includes(email));
    if (mail) {
      const ms = mail.receivedAt - started;
      const text = (await simpleParser(mail.raw)).text ?? '';
      return { ms, link: /\/portal\/link\?t=[A-Za-z0-9_-]+/.exec(text)![0] };
    }
    if (Date.now() - started > 10_000) throw new Error(`no link reached SMTP for ${email} in 10 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Opens an emailed link and presses its one button, as a person does; the session's cookie. */
export async function signInByLink(base: string, link: string): Promise<string> {
  const opened = await fetch(`${base}${link}`, { redirect: 'manual' });
  const html = await opened.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const t = /name="t" value="([^"]+)"/.exec(html)?.[1];
  if (opened.status !== 200 || !csrf || !t) throw new Error(`the link's page answered ${opened.status}`);
  const signedIn = await fetch(`${base}/portal/link`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookiesOf(opened), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, t }),
  });
  const cookie = cookiesOf(signedIn);
  if (signedIn.status !== 303 || !cookie.includes('switchboard_portal=')) throw new Error('the link did not sign in');
  return cookie;
}

async function time(cookie: string, path: string, mustHave: string) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const res = await fetch(`${BASE}${path}`, { headers: { cookie }, redirect: 'manual' });
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200 || !body.includes(mustHave))
      throw new Error(`${path} answered ${res.status} without ${mustHave}`);
    bytes = body.length;
    if (i >= WARM_UP) times.push(ms);
  }
  return { p50: pct(times, 50), p95: pct(times, 95), bytes };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-portal-'));
  const dbPath = join(dir, 'portal.db');
  const seeding = performance.now();
  await seed(dbPath);
  console.log(
    `seeded ${TICKETS} tickets across ${CLIENTS} clients in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
  );
  const smtp = await startSmtp();
  const child = await startService(dir, dbPath, smtp.env);
  let failed = false;
  const kb = (field: string) =>
    Math.round(
      Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    );
  console.log(`service RSS once started: ${kb('VmRSS')} MB`);
  try {
    const signIns: number[] = [];
    let link = '';
    for (let i = 0; i < SIGN_INS; i++) {
      const c = 1 + (i % CLIENTS);
      const got = await askForLink(smtp, contactOf(c), `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
      signIns.push(got.ms);
      if (c === 1) link = got.link;
    }
    if (process.env.BENCH_TRACE_RSS) console.log(`RSS after sign-ins ${kb('VmRSS')} MB (peak ${kb('VmHWM')})`);
    const cookie = await signInByLink(BASE, link);
    const signInP99 = pct(signIns, 99);
    console.log(
      `\nsign-in request → link at SMTP (${SIGN_INS}): p50 ${pct(signIns, 50).toFixed(0)} ms, p99 ${signInP99.toFixed(0)} ms`,
    );

    // Client 1's tickets are 1000 + t for t a multiple of CLIENTS; t = 3 × CLIENTS is one of them, and new (t % 6 = 0).
    const ticket = 1000 + CLIENTS * 3;
    const pages = [
      ['ticket list (open, then recent closed)', '/portal/tickets', 'TK-'],
      ['ticket list, closed', '/portal/tickets?status=closed', 'TK-'],
      ['a ticket’s page', `/portal/tickets/${ticket}`, 'The HP on the left.'],
    ] as const;
    console.log(`\n${'page'.padEnd(42)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'KB'.padStart(7)}`);
    const p95s: number[] = [];
    for (const [name, path, mustHave] of pages) {
      const t = await time(cookie, path, mustHave);
      p95s.push(t.p95);
      if (process.env.BENCH_TRACE_RSS) console.log(`RSS after ${path} ${kb('VmRSS')} MB (peak ${kb('VmHWM')})`);
      console.log(
        `${name.padEnd(42)}${t.p50.toFixed(1).padStart(9)}${t.p95.toFixed(1).padStart(9)}${(t.bytes / 1024).toFixed(0).padStart(7)}`,
      );
    }
    const rss = kb('VmHWM');
    console.log(`\nservice peak RSS: ${rss} MB`);
    if (!SMOKE) {
      const misses = [
        signInP99 >= TARGETS.signInP99 ? `sign-in p99 ${signInP99.toFixed(0)} ms ≥ ${TARGETS.signInP99} ms` : '',
        Math.max(...p95s) > TARGETS.pageP95
          ? `a page's p95 ${Math.max(...p95s).toFixed(1)} ms > ${TARGETS.pageP95} ms`
          : '',
        rss > TARGETS.rssMb ? `peak RSS ${rss} MB > ${TARGETS.rssMb} MB` : '',
      ].filter(Boolean);
      console.log(misses.length ? `\nMISSED: ${misses.join('; ')}` : '\nall targets met');
      failed = misses.length > 0;
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
