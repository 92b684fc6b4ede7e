/**
 * Email intake against a private Dovecot (Debian's dovecot-imapd), with the service running as its own
 * process (dist/main.js, at the deployed heap) and a local SMTP server taking its replies. The senders are
 * people at 250 registered clients' domains, each vouched for by the receiving server
 * (Authentication-Results, `email.authentication.trust`). Prints
 *  - landing: 200 messages, one at a time: from the IMAP APPEND that lands a message to its automatic
 *    reply reaching SMTP (the reply is written in the ticket's transaction, so it also bounds "ticket
 *    committed"), p50 and p99;
 *  - backlog: 5,000 messages, each from a different person, waiting in the mailbox when the service
 *    starts (as after an outage): messages taken per second, the time until every automatic reply reached
 *    SMTP, and the service's peak RSS (VmHWM);
 *  - large mail: 2,000 ordinary messages arriving at a steady pace with 5% large ones (1–20 MB: log
 *    files pasted as text, PDFs and archives attached) mixed in: whether the service lived, the ordinary
 *    messages' APPEND -> reply p50 and p99, what became of the large ones, and the peak RSS.
 *
 *   npm run bench:email                        (SQLite)
 *   npm run bench:email -- --engine postgres
 *   npm run bench:email -- --backlog 1000      (a smaller backlog)
 *   npm run bench:email -- --ordinary 500 --large 5 --rate 20   (the large-mail run: messages, % large, per second)
 *   npm run bench:email -- --smoke             (3 landing, a backlog of 20: fails unless every message is answered)
 *   SERVICE_FLAGS=--cpu-prof npm run bench:email   (node flags for the service, e.g. to profile it)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailServer, type MailServer } from '../test/support/dovecot.js';
import { startSmtp } from '../test/support/fake-mail-chat.js';
import { message, RECEIVING_SERVER } from '../test/support/mail-messages.js';
import { describeLarge, runLargeMail, type LargeFigures } from './email-large.js';
import { benchDatabase, countRows, enginesOf, numberOption, stopEngines, type BenchEngine } from './engines.js';

const SMOKE = process.argv.includes('--smoke');
const PORT = 3921;
const API_TOKEN = 'bench-token-0123456789';
const START_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string)
  .split(' ')
  .filter((a) => a.startsWith('--'));

const ORG = `
organization: { name: Bench Helpdesk, timezone: America/Chicago, helpdesk_number: "+12817684800" }
business_hours: { monday: ["09:00-17:00"] }
staff:
  - { id: erin, name: Erin Engineer, role: engineer, phone: "+15550200001", email: erin@example.com }
  - { id: alan, name: Alan Architect, role: architect, phone: "+15550200002", email: alan@example.com }
on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" }
escalation: { ack_timeout: 1h }
email:
  addresses: [{ address: support@bench.example, line: software }]
  senders: registered
  authentication: { trust: ${RECEIVING_SERVER} }
`;
/** Clients, one domain each: a domain's people who are not named contacts open at most 20 tickets an hour. */
const CLIENTS = process.argv.includes('--smoke') ? 10 : 250;
const domainOf = (i: number) => `client${i % CLIENTS}.example`;

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

interface Service {
  child: ChildProcess;
  readyAt: number;
}

async function startService(dir: string, env: Record<string, string>, databaseUrl: string): Promise<Service> {
  const config = join(dir, 'org.yaml');
  writeFileSync(config, ORG);
  const child = spawn(
    process.execPath,
    [...(process.env.SERVICE_FLAGS?.split(' ') ?? []), ...START_FLAGS, 'dist/main.js'],
    {
      env: {
        ...process.env,
        ...env,
        PORT: String(PORT),
        PUBLIC_URL: `http://127.0.0.1:${PORT}`,
        DATABASE_URL: databaseUrl,
        SWITCHBOARD_CONFIG: config,
        API_TOKEN,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', openSync(join(dir, `service-${Date.now()}.log`), 'w'), 'inherit'],
    },
  );
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (
      await fetch(`http://127.0.0.1:${PORT}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, readyAt: Date.now() };
  }
  throw new Error('service did not start');
}

async function stop(service: Service) {
  service.child.kill('SIGTERM');
  await new Promise((r) => service.child.once('exit', r));
}

/** The process's peak resident set (VmHWM), in MB. */
function peakRss(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, every = 2) {
  const end = Date.now() + ms;
  while (!(await check()) && Date.now() < end) await new Promise((r) => setTimeout(r, every));
  return check();
}

async function registerClients() {
  for (let i = 0; i < CLIENTS; i++) {
    const res = await fetch(`http://127.0.0.1:${PORT}/api/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Client ${i}`,
        supportCode: String(4000 + i),
        contacts: [
          { name: `Contact ${i}`, phone: `+1281555${String(i).padStart(4, '0')}`, email: `contact@${domainOf(i)}` },
        ],
        domains: [domainOf(i)],
      }),
    });
    if (res.status !== 201) throw new Error(`registering client ${i}: ${res.status} ${await res.text()}`);
  }
}

interface Figures {
  engine: BenchEngine;
  landing: number[];
  backlog: number;
  takenMs: number;
  repliedMs: number | undefined;
  tickets: number;
  peakMb: number;
  large?: LargeFigures;
}

const body = (i: number) =>
  `Hello,\n\nsince this morning workstation ${i} cannot reach the file server. We restarted it twice.\n\nThanks`;

async function run(engine: BenchEngine, backlog: number, dir: string): Promise<Figures> {
  const imap: MailServer = await startMailServer();
  const smtp: Smtp = await startSmtp();
  const env = { ...smtp.env, IMAP_URL: imap.url() };
  const databaseUrl = await benchDatabase(engine, dir);
  try {
    // (a) One message at a time, with the service idling on the mailbox.
    let service = await startService(dir, env, databaseUrl);
    await registerClients();
    await new Promise((r) => setTimeout(r, 1000)); // the mailbox is open and IDLE
    const landing: number[] = [];
    for (let i = 0; i < (SMOKE ? 3 : 200); i++) {
      const { id, raw } = message({
        // A sender of their own each: past ten tickets an hour, one sender's mail is added, not answered.
        from: `Lena ${i} <lena${i}@${domainOf(i)}>`,
        to: 'support@bench.example',
        subject: `Single ${i}`,
        body: body(i),
      });
      const before = smtp.mails.length;
      await imap.deliver(raw);
      const landed = Date.now();
      const replied = await waitFor(() => smtp.mails.slice(before).some((m) => m.raw.includes(`<${id}>`)), 10_000);
      if (!replied) throw new Error(`no automatic reply to message ${i} within 10 s`);
      landing.push(smtp.mails.slice(before).find((m) => m.raw.includes(`<${id}>`))!.receivedAt - landed);
    }
    await stop(service);

    // (b) A backlog waiting while the service is down.
    const repliesBefore = smtp.mails.length;
    const raws = Array.from(
      { length: backlog },
      (_, i) =>
        message({
          from: `Person ${i} <person${i}@${domainOf(i)}>`,
          to: 'support@bench.example',
          subject: `Backlog ${i}`,
          body: body(i),
        }).raw,
    );
    await imap.deliverMany(raws);
    const takenBefore = await countRows(databaseUrl, 'inbound_mail');
    service = await startService(dir, env, databaseUrl);
    const start = service.readyAt;
    let takenAt = 0;
    await waitFor(
      async () => {
        const taken = (await countRows(databaseUrl, 'inbound_mail')) - takenBefore;
        if (taken >= backlog && !takenAt) takenAt = Date.now();
        return taken >= backlog;
      },
      600_000,
      100,
    );
    const replied = await waitFor(() => smtp.mails.length - repliesBefore >= backlog, 300_000, 20);
    const repliedAt = replied ? Math.max(...smtp.mails.slice(repliesBefore).map((m) => m.receivedAt)) : undefined;
    const peakMb = peakRss(service.child.pid!);
    const tickets = await countRows(databaseUrl, 'tickets');
    await stop(service);

    // (c) Large mail mixed into a steady stream, on a database of its own.
    const largeDb = await benchDatabase(engine, dir);
    const largeImap = await startMailServer();
    service = await startService(dir, { ...env, IMAP_URL: largeImap.url() }, largeDb);
    let large: LargeFigures;
    try {
      await registerClients();
      large = await runLargeMail({
        imap: largeImap,
        smtp,
        service: service.child,
        domainOf,
        ordinary: numberOption('ordinary', SMOKE ? 20 : 2000),
        largePercent: numberOption('large', 5),
        rate: numberOption('rate', 20),
      });
      large.tickets = await countRows(largeDb, 'tickets');
    } finally {
      if (service.child.exitCode === null) await stop(service);
      await largeImap.stop();
    }
    return {
      engine,
      landing,
      backlog,
      takenMs: takenAt - start,
      repliedMs: repliedAt !== undefined ? repliedAt - start : undefined,
      tickets,
      peakMb,
      large,
    };
  } finally {
    await Promise.all([imap.stop(), smtp.close()]);
  }
}

async function main() {
  const engines = enginesOf();
  const backlog = numberOption('backlog', SMOKE ? 20 : 5000);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-email-bench-'));
  const results: Figures[] = [];
  try {
    for (const engine of engines) results.push(await run(engine, backlog, dir));
  } finally {
    await stopEngines();
  }
  console.log(`email intake, Node ${process.version}, Dovecot on 127.0.0.1`);
  for (const r of results) {
    console.log(`${r.engine}:`);
    console.log(
      `  landing (200 messages, one at a time): APPEND -> automatic reply at SMTP  p50 ${pct(r.landing, 50)} ms  p99 ${pct(r.landing, 99)} ms  max ${Math.max(...r.landing)} ms  (target p99 < 2000 ms)`,
    );
    console.log(
      `  backlog of ${r.backlog} after an outage: all taken ${r.takenMs} ms after start-up = ${Math.round((r.backlog / r.takenMs) * 1000)} msg/s  (target >= 100 msg/s)`,
    );
    console.log(
      `    every automatic reply at SMTP after ${r.repliedMs !== undefined ? `${r.repliedMs} ms` : 'NOT within 5 min'}; tickets in the database: ${r.tickets}`,
    );
    console.log(`    peak RSS of the service: ${r.peakMb} MB  (target < 200 MB)`);
    if (r.large) console.log(describeLarge(r.large));
    if (SMOKE && (r.repliedMs === undefined || r.tickets < r.backlog)) process.exitCode = 1;
    if (SMOKE && r.large && (!r.large.alive || r.large.unanswered > 0)) process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
