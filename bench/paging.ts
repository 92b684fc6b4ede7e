/**
 * Paging latency: emergency voicemails played into a running service (signed webhooks, as Twilio
 * sends them) with instant local stand-ins for Twilio, SMTP and Slack. Prints
 *  - single emergencies (200, one after another, bundling off, after 5 not counted that warm the service
 *    up): time from the voicemail's webhook to the last of its five pages (2 SMS, 2 emails, 1 Slack
 *    post) reaching the stand-ins, p50 and p99;
 *  - a burst of 50 at once (bundling on): time until each recipient has a first message, and until
 *    every ticket is covered for every recipient (by its own page or a summary).
 *
 *   npm run bench:paging                                   (SQLite)
 *   npm run bench:paging -- --engine postgres --instances 2 (two services on one database, webhooks alternating)
 *   npm run bench:paging -- --engine both
 *   npm run bench:paging -- --smoke                        (3 singles, a burst of 6 in a 3 s window: the path still
 *                                                           works; fails unless every page arrives and every
 *                                                           ticket is covered for every recipient)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { startFakeTwilio, AUTH_TOKEN, type FakeTwilio } from '../test/support/fake-twilio.js';
import { startSlack, startSmtp } from '../test/support/fake-mail-chat.js';
import { benchDatabase, enginesOf, numberOption, stopEngines, type BenchEngine } from './engines.js';

const SMOKE = process.argv.includes('--smoke');
/** Single emergencies measured (after 5 not counted), the burst, and the bundling window it falls in. */
const SINGLES = SMOKE ? 3 : 200;
const BURST = SMOKE ? 6 : 50;
const WINDOW_S = SMOKE ? 3 : 60;

const PORT = 3911;
/** What Twilio signs for: with several instances, the address of the load balancer in front of them all. */
const PUBLIC_URL = `http://127.0.0.1:${PORT}`;
const START_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string)
  .split(' ')
  .filter((a) => a.startsWith('--'));

const ORG = (bundling: boolean) => `
organization: { name: Bench Helpdesk, timezone: America/Chicago, helpdesk_number: "+12817684800" }
business_hours: { monday: ["09:00-17:00"] }
staff:
  - { id: erin, name: Erin Engineer, role: engineer, phone: "+15550200001", email: erin@example.com }
  - { id: alan, name: Alan Architect, role: architect, phone: "+15550200002", email: alan@example.com }
on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" }
escalation: { ack_timeout: 1h }
paging: { bundling: ${bundling}, burst: 3, burst_window: ${WINDOW_S}s }
`;

async function startService(
  dir: string,
  env: Record<string, string>,
  bundling: boolean,
  databaseUrl: string,
  port: number,
): Promise<ChildProcess> {
  const config = join(dir, `org-${bundling}.yaml`);
  writeFileSync(config, ORG(bundling));
  const child = spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      PUBLIC_URL,
      DATABASE_URL: databaseUrl,
      SWITCHBOARD_CONFIG: config,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', openSync(join(dir, `service-${port}-${bundling}.log`), 'w'), 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
  }
  throw new Error('service did not start');
}

/** The running instances; webhooks go to them in turn, as a load balancer would send them. */
let instances: number[] = [PORT];
let turn = 0;

async function post(path: string, params: Record<string, string>): Promise<string> {
  const port = instances[turn++ % instances.length]!;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    body: new URLSearchParams(params),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${path}`, params),
    },
  });
  return res.text();
}

let serial = 0;
/** Dials, presses 5, skips the code; returns a function that leaves the voicemail. */
async function readyToRecord(): Promise<() => Promise<{ number: number; sentAt: number }>> {
  const n = ++serial;
  const call = {
    CallSid: `CA${n.toString(16).padStart(32, '0')}`,
    From: `+1312555${String(n).padStart(4, '0')}`,
    To: '+12817684800',
  };
  await post('/twilio/voice', call);
  await post('/twilio/voice/menu?try=1', { ...call, Digits: '5' });
  await post('/twilio/voice/emergency/code', { ...call, Digits: '' });
  return async () => {
    const sentAt = Date.now();
    const twiml = await post('/twilio/voice/recorded?kind=emergency&try=1', {
      ...call,
      RecordingSid: `RE${n.toString(16).padStart(32, '0')}`,
      RecordingDuration: '20',
      RecordingUrl: 'https://api.twilio.com/x',
      Digits: '#',
    });
    const number = Number((/ticket number is ([\d ]+)\./.exec(twiml)?.[1] ?? '').replace(/ /g, ''));
    return { number, sentAt };
  };
}

type Fakes = {
  twilio: FakeTwilio;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  slack: Awaited<ReturnType<typeof startSlack>>;
};

/** When each page about ticket `n` reached a stand-in, by recipient and channel. */
function arrivals(f: Fakes, number: number) {
  const tag = `TK-${number}`;
  const mentions = (text: string) => new RegExp(`${tag}\\b`).test(text);
  return [
    ...f.twilio.messages
      .filter((m) => !m.to.startsWith('+1312555') && mentions(m.body))
      .map((m) => ({ who: `sms:${m.to}`, at: m.receivedAt })),
    ...f.smtp.mails.filter((m) => mentions(m.raw)).map((m) => ({ who: `email:${m.to[0]}`, at: m.receivedAt })),
    ...f.slack.calls.filter((c) => mentions(String(c.body.text))).map((c) => ({ who: 'slack', at: c.receivedAt })),
  ];
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function waitFor(check: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return check();
}

interface Figures {
  engine: BenchEngine;
  instances: number;
  latencies: number[];
  firstAll: number;
  coveredAll: number | undefined;
  staffSms: number;
  emails: number;
  slackPosts: number;
}

async function stop(services: ChildProcess[]) {
  for (const s of services) s.kill('SIGTERM');
  await Promise.all(services.map((s) => new Promise((r) => s.once('exit', r))));
}

async function run(engine: BenchEngine, count: number, dir: string): Promise<Figures> {
  const f: Fakes = { twilio: await startFakeTwilio(), smtp: await startSmtp(), slack: await startSlack() };
  const env = { ...f.twilio.env, ...f.smtp.env, ...f.slack.env };
  instances = Array.from({ length: count }, (_, i) => PORT + i);
  const startAll = async (bundling: boolean) => {
    const databaseUrl = await benchDatabase(engine, dir);
    // The first instance migrates the new database; the others find it done.
    const first = await startService(dir, env, bundling, databaseUrl, instances[0]!);
    const rest = await Promise.all(
      instances.slice(1).map((port) => startService(dir, env, bundling, databaseUrl, port)),
    );
    return [first, ...rest];
  };

  // Single emergencies, bundling off.
  let services = await startAll(false);
  const latencies: number[] = [];
  // Five emergencies first, not counted: the service's code warms up and its connections to the
  // providers open, as in a service that has been running.
  for (let i = 0; i < SINGLES + 5; i++) {
    const record = await readyToRecord();
    const { number, sentAt } = await record();
    await waitFor(() => arrivals(f, number).length >= 5, 5000);
    const got = arrivals(f, number);
    if (got.length < 5) throw new Error(`TK-${number}: only ${got.length} of 5 pages arrived`);
    if (i >= 5) latencies.push(Math.max(...got.map((a) => a.at)) - sentAt);
  }
  await stop(services);

  // A burst of 50 at once, bundling on.
  f.twilio.messages.length = 0;
  f.smtp.mails.length = 0;
  f.slack.calls.length = 0;
  services = await startAll(true);
  const ready = await Promise.all(Array.from({ length: BURST }, () => readyToRecord()));
  const start = Date.now();
  const burst = await Promise.all(ready.map((record) => record()));
  const recipients = ['sms:+15550200001', 'sms:+15550200002', 'email:erin@example.com', 'email:alan@example.com'];
  const firstMessage = new Map<string, number>();
  const coveredAt = new Map<string, number>(); // `${who}|${ticket}` -> time
  const numbers = burst.map((b) => b.number);
  const summaryCovers = (text: string) => numbers.filter((n) => new RegExp(`TK-${n}\\b`).test(text));
  const scan = () => {
    const all = [
      ...f.twilio.messages
        .filter((m) => !m.to.startsWith('+1312555'))
        .map((m) => ({ who: `sms:${m.to}`, at: m.receivedAt, text: m.body })),
      ...f.smtp.mails.map((m) => ({ who: `email:${m.to[0]}`, at: m.receivedAt, text: m.raw.replace(/=\r?\n/g, '') })),
    ];
    for (const m of all) {
      if (!firstMessage.has(m.who)) firstMessage.set(m.who, m.at);
      // A summary lists some tickets and counts the rest ("and N more"): those count as covered too.
      const more = /(\d+) more emergencies/.exec(m.text);
      const covers = more ? numbers : summaryCovers(m.text);
      for (const n of covers) if (!coveredAt.has(`${m.who}|${n}`)) coveredAt.set(`${m.who}|${n}`, m.at);
    }
    return coveredAt.size >= recipients.length * numbers.length;
  };
  const done = await waitFor(scan, (WINDOW_S + 15) * 1000);
  await stop(services);
  await Promise.all([f.twilio.close(), f.smtp.close(), f.slack.close()]);
  return {
    engine,
    instances: count,
    latencies,
    firstAll: Math.max(...recipients.map((r) => (firstMessage.get(r) ?? Infinity) - start)),
    coveredAll: done ? Math.max(...[...coveredAt.values()].map((t) => t - start)) : undefined,
    staffSms: f.twilio.messages.filter((m) => !m.to.startsWith('+1312555')).length,
    emails: f.smtp.mails.length,
    slackPosts: f.slack.calls.length,
  };
}

async function main() {
  const engines = enginesOf();
  const count = numberOption('instances', 1);
  if (count > 1 && engines.includes('sqlite')) throw new Error('several instances need --engine postgres');
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-paging-bench-'));
  const results: Figures[] = [];
  try {
    for (const engine of engines) results.push(await run(engine, count, dir));
  } finally {
    await stopEngines();
    if (SMOKE) rmSync(dir, { recursive: true, force: true });
  }
  console.log(`paging latency, Node ${process.version}`);
  for (const r of results) {
    const p99Target = r.engine === 'sqlite' ? 50 : 150;
    console.log(
      `${r.engine}, ${r.instances} instance${r.instances > 1 ? 's (webhooks alternating between them)' : ''}:`,
    );
    console.log(
      `  single emergencies (${SINGLES} after 5 to warm up, bundling off): webhook -> last of 5 pages  p50 ${pct(r.latencies, 50)} ms  p99 ${pct(r.latencies, 99)} ms  max ${Math.max(...r.latencies)} ms  (target p99 <= ${p99Target} ms)`,
    );
    console.log(`  burst of ${BURST} at once (bundling on, burst 3, window ${WINDOW_S} s):`);
    console.log(`    every recipient has a first message after  ${r.firstAll} ms  (target < 1000 ms)`);
    console.log(
      `    every ticket covered for every recipient after ${r.coveredAll !== undefined ? `${r.coveredAll} ms` : `NOT within ${WINDOW_S + 15} s`}  (target < ${WINDOW_S + 1}000 ms)`,
    );
    console.log(`    messages to staff: ${r.staffSms} SMS, ${r.emails} emails; Slack posts: ${r.slackPosts}`);
    // Every single's five pages arrived (or run() threw); a burst's tickets must all reach everyone.
    if (r.coveredAll === undefined || !Number.isFinite(r.firstAll)) process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
