/**
 * The emergency line under a hostile client: the built service at its deployed heap, with local stand-ins
 * for Twilio, SMTP, Slack and (when Dovecot is installed) the mailbox. For DURATION seconds, incoming calls
 * arrive at CALL_RATE a second (paced, bench/paced.ts) with an emergency voicemail every second, while a
 * signed-in client contact downloads a 10 MB file 20 at a time, uploads 25 MB replies in two loops and asks
 * for sign-in links, and large mails (1–20 MB, with attachments) arrive. The same run without the hostile
 * load is measured first, beside it. Prints, per engine and run:
 *  - restarts (the process ending; target 0);
 *  - incoming-call p50/p99 (target: hostile p99 ≤ 2 × quiet p99);
 *  - voicemail → first page p50/p99 (target p99 ≤ 2 s), and pages lost or sent twice (target 0);
 *  - the service's peak RSS (target ≤ 256 MB);
 *  - the hostile requests' answers by status.
 *
 *   npm run bench:overload                         (SQLite and PostgreSQL)
 *   npm run bench:overload -- --engine sqlite --duration 30
 *   npm run bench:overload -- --smoke              (SQLite, 5 s each: fails unless the service lives and
 *                                                   every voicemail's pages arrive once)
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import twilio from 'twilio';
import { dovecotBinary, startMailServer, type MailServer } from '../test/support/dovecot.js';
import { startFakeTwilio, AUTH_TOKEN, type FakeTwilio } from '../test/support/fake-twilio.js';
import { startSlack, startSmtp } from '../test/support/fake-mail-chat.js';
import { message } from '../test/support/mail-messages.js';
import { postForm, signInOverHttp, type PortalContact } from '../test/support/portal-http.js';
import { benchDatabase, enginesOf, numberOption, stopEngines, type BenchEngine } from './engines.js';
import { pacedLoad, postRequest } from './paced.js';
import { START_FLAGS, whenHealthy } from './service.js';

const SMOKE = process.argv.includes('--smoke');
const DURATION = SMOKE ? 5 : numberOption('duration', 60);
const CALL_RATE = SMOKE ? 10 : numberOption('rate', 50);
const DOWNLOADERS = SMOKE ? 4 : 20;
const PORT = 3951;
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = 'overload-token';
const STAFF = { sms: ['+15550200001', '+15550200002'], email: ['erin@example.com', 'alan@example.com'] };
const MB = 1024 * 1024;

const ORG = `
organization: { name: Bench Helpdesk, timezone: America/Chicago, helpdesk_number: "+12817684800" }
business_hours: { monday: ["09:00-17:00"] }
staff:
  - { id: erin, name: Erin Engineer, role: engineer, phone: "${STAFF.sms[0]}", email: ${STAFF.email[0]} }
  - { id: alan, name: Alan Architect, role: architect, phone: "${STAFF.sms[1]}", email: ${STAFF.email[1]} }
on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" }
escalation: { ack_timeout: 1h }
paging: { bundling: false }
email:
  addresses: [{ address: support@bench.example }]
  authentication: { trust: mx.omnipotech.example, unverified: accept }
`;

type Fakes = {
  twilio: FakeTwilio;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  slack: Awaited<ReturnType<typeof startSlack>>;
};

async function startService(dir: string, env: Record<string, string>, databaseUrl: string): Promise<ChildProcess> {
  const config = join(dir, 'org.yaml');
  writeFileSync(config, ORG);
  const child = spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], {
    env: {
      ...process.env,
      ...env,
      API_TOKEN: TOKEN,
      PORT: String(PORT),
      PUBLIC_URL: BASE,
      DATABASE_URL: databaseUrl,
      SWITCHBOARD_CONFIG: config,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', openSync(join(dir, `service-${Date.now()}.log`), 'w'), 'inherit'],
  });
  return whenHealthy(BASE, child);
}

async function twilioPost(path: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${BASE}${path}`, {
    method: 'POST',
    body: new URLSearchParams(params),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${BASE}${path}`, params),
    },
  });
  return res.text();
}

let serial = 0;
/** An emergency voicemail from a caller of its own: key 5, no code, the recording. When it was sent, and its ticket. */
async function emergency(): Promise<{ number: number; sentAt: number }> {
  const n = ++serial;
  const call = {
    CallSid: `CA${(0xe000000 + n).toString(16).padStart(32, '0')}`,
    From: `+1773555${String(n).padStart(4, '0')}`,
    To: '+12817684800',
  };
  await twilioPost('/twilio/voice', call);
  await twilioPost('/twilio/voice/menu?try=1', { ...call, Digits: '5' });
  await twilioPost('/twilio/voice/emergency/code', { ...call, Digits: '' });
  const sentAt = Date.now();
  const twiml = await twilioPost('/twilio/voice/recorded?kind=emergency&try=1', {
    ...call,
    RecordingSid: `RE${(0xe000000 + n).toString(16).padStart(32, '0')}`,
    RecordingDuration: '20',
    RecordingUrl: 'https://api.twilio.com/x',
    Digits: '#',
  });
  return { number: Number((/ticket number is ([\d ]+)\./.exec(twiml)?.[1] ?? '').replace(/ /g, '')), sentAt };
}

/** Each page of a ticket that reached a stand-in: who, by which channel, when. */
function pagesOf(f: Fakes, number: number) {
  const mentions = (text: string) => new RegExp(`TK-${number}\\b`).test(text);
  return [
    ...f.twilio.messages
      .filter((m) => STAFF.sms.includes(m.to) && mentions(m.body))
      .map((m) => ({ who: `sms:${m.to}`, at: m.receivedAt })),
    ...f.smtp.mails
      .filter((m) => STAFF.email.includes(m.to[0]!) && mentions(m.raw))
      .map((m) => ({ who: `email:${m.to[0]}`, at: m.receivedAt })),
    ...f.slack.calls.filter((c) => mentions(String(c.body.text))).map((c) => ({ who: 'slack', at: c.receivedAt })),
  ];
}

const pct = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]! : NaN;
const peakMb = (pid: number) =>
  Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

/** A large mail from the client's contact, 1–20 MB, with a file attached. */
function largeMail(k: number): string {
  const size = Math.round((1 + ((k * 7) % 20)) * MB * 0.95);
  return message({
    from: `Dana Dentist <dana@acme.example>`,
    to: 'support@bench.example',
    subject: `Logs from the backup server, part ${k}`,
    body: 'The logs are attached.',
    attachments: [{ filename: `backup-${k}.log.gz`, contentType: 'application/gzip', content: randomBytes(size) }],
  }).raw;
}

/** The hostile contact's work, until `until`: answers counted by what was asked and its status. */
const uploadPayload = () => [
  { name: 'dump-1.bin', content: randomBytes(10 * MB) },
  { name: 'dump-2.bin', content: randomBytes(10 * MB) },
  { name: 'dump-3.bin', content: randomBytes(5 * MB) },
];

async function hostile(
  who: PortalContact,
  ticket: number,
  file: string,
  until: number,
  answers: Map<string, number>,
  payload: ReturnType<typeof uploadPayload>,
) {
  const count = (what: string, status: number | string) =>
    answers.set(`${what} ${status}`, (answers.get(`${what} ${status}`) ?? 0) + 1);
  // BENCH_HOSTILE=downloads,uploads,links,mails (default all): which parts of the hostile load run.
  const parts = (process.env.BENCH_HOSTILE ?? 'downloads,uploads,links,mails').split(',');
  const downloads = Array.from({ length: parts.includes('downloads') ? DOWNLOADERS : 0 }, async () => {
    while (Date.now() < until) {
      try {
        const res = await fetch(`${BASE}${file}`, { headers: { cookie: who.cookie } });
        const bytes = (await res.arrayBuffer()).byteLength;
        count('download', res.status);
        answers.set('downloaded MB', (answers.get('downloaded MB') ?? 0) + bytes / MB);
      } catch (err) {
        count('download', (err as { cause?: { code?: string } }).cause?.code ?? 'error');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const uploads = Array.from({ length: parts.includes('uploads') ? 2 : 0 }, async (_, loop) => {
    for (let i = 0; Date.now() < until; i++) {
      try {
        const res = await postForm(
          BASE,
          who,
          `/portal/tickets/${ticket}/replies`,
          { body: `Dump ${loop}.${i}` },
          payload,
        );
        await res.arrayBuffer();
        count('upload', res.status);
      } catch (err) {
        count('upload', (err as { cause?: { code?: string } }).cause?.code ?? 'error');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const links = (async () => {
    while (parts.includes('links') && Date.now() < until) {
      const form = await fetch(`${BASE}/portal`).catch(() => undefined);
      const csrf = form && /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
      if (!form || !csrf) {
        count('link', form?.status ?? 'error');
        continue;
      }
      const cookie = form.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const res = await fetch(`${BASE}/portal`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, email: 'dana@acme.example' }),
      }).catch(() => undefined);
      count('link', res?.status ?? 'error');
      await res?.arrayBuffer();
    }
  })();
  await Promise.all([...downloads, ...uploads, links]);
}

/** Large mails appended to the mailbox, one every few seconds, until `until`. */
async function largeMails(imap: Imap, until: number): Promise<number> {
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
  });
  await client.connect();
  let sent = 0;
  try {
    for (let k = 0; Date.now() < until; k++) {
      await client.append('INBOX', largeMail(k));
      sent++;
      await new Promise((r) => setTimeout(r, SMOKE ? 1000 : 4000));
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return sent;
}

type Imap = Pick<MailServer, 'host' | 'port' | 'user' | 'password'>;
const imapOf = (m: MailServer): Imap => ({ host: m.host, port: m.port, user: m.user, password: m.password });
interface HostileOrders {
  who: PortalContact;
  ticket: number;
  file: string;
  /** When to begin (the process has started and made its payloads by then), and when to end. */
  from: number;
  until: number;
  imap?: Imap;
}

/** Runs the hostile contact and the large mails in a child process (this file with --hostile); their answers. */
function hostileProcess(orders: HostileOrders): Promise<{ answers: [string, number][]; mails: number }> {
  const args = [
    '--import',
    'tsx',
    'bench/overload.ts',
    ...(SMOKE ? ['--smoke'] : []),
    '--hostile',
    JSON.stringify(orders),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve, reject) =>
    child.once('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`the hostile load exited ${code}`)),
    ),
  );
}

async function hostileMain(orders: HostileOrders) {
  const answers = new Map<string, number>();
  const payloads = uploadPayload();
  if (orders.from > Date.now()) await new Promise((r) => setTimeout(r, orders.from - Date.now()));
  const [, mails] = await Promise.all([
    hostile(orders.who, orders.ticket, orders.file, orders.until, answers, payloads),
    orders.imap && (process.env.BENCH_HOSTILE ?? 'mails').includes('mails') ? largeMails(orders.imap, orders.until) : 0,
  ]);
  console.log(JSON.stringify({ answers: [...answers], mails }));
}

interface Figures {
  engine: BenchEngine;
  hostile: boolean;
  restarts: number;
  calls: { p50: number; p99: number; ok: number; non2xx: number; errors: number; stall: number };
  voicemails: number;
  firstPage: number[];
  lost: number;
  twice: number;
  peak: number;
  answers: Map<string, number>;
  mails: number;
}

async function run(engine: BenchEngine, withHostile: boolean, dir: string): Promise<Figures> {
  // A mailbox of its own for each hostile run (none when Dovecot is not installed).
  const imap = withHostile && dovecotBinary() ? await startMailServer() : undefined;
  const f: Fakes = { twilio: await startFakeTwilio(), smtp: await startSmtp(), slack: await startSlack() };
  const env = { ...f.twilio.env, ...f.smtp.env, ...f.slack.env, ...(imap ? { IMAP_URL: imap.url() } : {}) };
  const service = await startService(dir, env, await benchDatabase(engine, dir));
  let restarts = 0;
  service.once('exit', () => restarts++);
  const answers = new Map<string, number>();
  let mails = 0;
  try {
    const client = await fetch(`${BASE}/api/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Acme Dental',
        supportCode: '4417',
        contacts: [{ name: 'Dana Dentist', email: 'dana@acme.example' }],
      }),
    });
    if (client.status !== 201) throw new Error(`creating the client answered ${client.status}`);
    // Warm-up, not counted: the code paths and the providers' connections, as in a service that has been running.
    for (let i = 0; i < 3; i++) await emergency();

    let hostileWork: Promise<unknown> = Promise.resolve();
    // The clock starts once the hostile process has started and made its payloads.
    const from = Date.now() + (withHostile ? 8000 : 0);
    const until = from + DURATION * 1000;
    if (withHostile) {
      const dana = await signInOverHttp(BASE, f.smtp, 'dana@acme.example');
      const opened = await postForm(
        BASE,
        dana,
        '/portal/tickets',
        { subject: 'Memory dump from the server', priority: 'high' },
        [{ name: 'dump.bin', content: randomBytes(10 * MB) }],
      );
      const ticket = Number(/\/portal\/tickets\/(\d+)$/.exec(opened.headers.get('location') ?? '')?.[1]);
      const page = await (await fetch(`${BASE}/portal/tickets/${ticket}`, { headers: { cookie: dana.cookie } })).text();
      const file = /href="(\/portal\/tickets\/\d+\/attachments\/\d+)"/.exec(page)?.[1];
      if (!ticket || !file) throw new Error('the hostile contact could not open a ticket with a file');
      // In a process of its own, so that its work never stalls the callers' clock here.
      hostileWork = hostileProcess({ who: dana, ticket, file, from, until, imap: imap && imapOf(imap) }).then((r) => {
        for (const [k, n] of r.answers) answers.set(k, n);
        mails = r.mails;
      });
    }
    const requests = Array.from({ length: Math.round(CALL_RATE * DURATION) }, (_, i) => {
      const params = {
        CallSid: `CA${(i + 1).toString(16).padStart(32, '0')}`,
        From: `+1312555${String(i % 10000).padStart(4, '0')}`,
        To: '+12817684800',
        CallStatus: 'ringing',
      };
      const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${BASE}/twilio/voice`, params);
      return postRequest(
        '/twilio/voice',
        { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        new URLSearchParams(params).toString(),
      );
    });
    if (from > Date.now()) await new Promise((r) => setTimeout(r, from - Date.now()));
    const start = Date.now();
    const callsRun = pacedLoad(PORT, requests, CALL_RATE, 50);
    const sent: { number: number; sentAt: number }[] = [];
    const voicemails = (async () => {
      for (let i = 0; i < DURATION; i++) {
        const due = start + i * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        sent.push(await emergency().catch(() => ({ number: 0, sentAt: Date.now() })));
      }
    })();
    const [calls] = await Promise.all([callsRun, voicemails, hostileWork]);
    // Every voicemail's five pages (two texts, two emails, a Slack post), or 30 s for them to arrive.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && sent.some((s) => new Set(pagesOf(f, s.number).map((p) => p.who)).size < 5))
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000)); // anything sent twice would be here by now
    let lost = 0;
    let twice = 0;
    const firstPage: number[] = [];
    for (const s of sent) {
      const pages = s.number ? pagesOf(f, s.number) : [];
      const byWho = new Map<string, number>();
      for (const p of pages) byWho.set(p.who, (byWho.get(p.who) ?? 0) + 1);
      lost += 5 - byWho.size;
      twice += [...byWho.values()].filter((n) => n > 1).length;
      if (pages.length) firstPage.push(Math.min(...pages.map((p) => p.at)) - s.sentAt);
    }
    return {
      engine,
      hostile: withHostile,
      restarts,
      calls: {
        p50: calls.p50,
        p99: calls.p99,
        ok: calls.ok,
        non2xx: calls.non2xx,
        errors: calls.errors,
        stall: calls.stall,
      },
      voicemails: sent.length,
      firstPage,
      lost,
      twice,
      peak: service.exitCode === null ? peakMb(service.pid!) : NaN,
      answers,
      mails,
    };
  } finally {
    service.kill('SIGTERM');
    await new Promise((r) => (service.exitCode !== null ? r(null) : service.once('exit', r)));
    await Promise.all([f.twilio.close(), f.smtp.close(), f.slack.close(), imap?.stop()]);
  }
}

function describe(r: Figures): string {
  const answers = [...r.answers].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
  return [
    `  ${r.engine}, ${r.hostile ? 'with the hostile load' : 'quiet'}:`,
    `    restarts ${r.restarts}; peak RSS ${r.peak} MB`,
    `    incoming calls at ${CALL_RATE}/s: p50 ${r.calls.p50.toFixed(1)} ms, p99 ${r.calls.p99.toFixed(1)} ms (${r.calls.ok} ok, ${r.calls.non2xx} non-2xx, ${r.calls.errors} errors; the caller's own longest stall ${r.calls.stall.toFixed(0)} ms)`,
    `    voicemail → first page (${r.voicemails}): p50 ${pct(r.firstPage, 50)} ms, p99 ${pct(r.firstPage, 99)} ms; pages lost ${r.lost}, sent twice ${r.twice}`,
    ...(r.hostile ? [`    large mails ${r.mails}; hostile answers: ${answers.join(', ') || 'none'}`] : []),
  ].join('\n');
}

async function main() {
  const engines = SMOKE
    ? (['sqlite'] as BenchEngine[])
    : enginesOf(process.argv, { ...process.env, ENGINE: process.env.ENGINE ?? 'both' });
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-overload-'));
  if (!dovecotBinary()) console.log('(Dovecot is not installed: the large mails are left out)');
  const failures: string[] = [];
  try {
    for (const engine of engines) {
      const quiet = await run(engine, false, dir);
      console.log(describe(quiet));
      const loud = await run(engine, true, dir);
      console.log(describe(loud));
      const ratio = loud.calls.p99 / Math.max(quiet.calls.p99, 0.001);
      console.log(
        `    hostile / quiet incoming-call p99: ${ratio.toFixed(2)} (target ≤ 2); first page p99 ${pct(loud.firstPage, 99)} ms (target ≤ 2000)`,
      );
      for (const r of [quiet, loud]) {
        if (r.restarts)
          failures.push(`${engine}: the service ended under ${r.hostile ? 'the hostile load' : 'quiet load'}`);
        if (r.lost || r.twice) failures.push(`${engine}: pages lost ${r.lost}, sent twice ${r.twice}`);
        if (r.calls.errors || r.calls.non2xx)
          failures.push(`${engine}: ${r.calls.non2xx + r.calls.errors} calls not answered 200`);
      }
    }
  } finally {
    await stopEngines();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.log(`FAILED: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
}

const hostileAt = process.argv.indexOf('--hostile');
if (hostileAt > 0) void hostileMain(JSON.parse(process.argv[hostileAt + 1]!) as HostileOrders);
else void main();
