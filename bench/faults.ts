/**
 * Fault injection against the built service, started as `npm start` starts it, in the deployed environment.
 *
 * 1. Crash points (ROUNDS, default 20). Each round: a fresh database; Twilio misbehaves at random on
 *    message creation (10% answered after 1-4 s, 10% HTTP 503, 10% stored then the connection cut, 5% cut
 *    before storing); 20 emergency voicemails are played in at once; the service is SIGKILLed 0-1.5 s
 *    after the burst starts and restarted at once on the same database and port. After up to 60 s:
 *    pages lost (an SMS and an email to each of the two staff and a Slack post, per emergency), SMS that
 *    Twilio stored more than once, and the time from the restart to the last page.
 *    Two rounds run at a time, staggered: a round's burst and crash begin after the previous round's
 *    service has restarted and caught up, so they never meet another round's.
 * 2. Slack hung: 200 emergencies one after another; from each voicemail's webhook to the last of its two
 *    SMS pages at the Twilio stand-in, with Slack never answering, and with Slack healthy to compare.
 *
 *   npm run bench:faults     (ROUNDS=3 for a short run; SEED=n repeats a run; services listen from PORT_BASE=4200)
 *   npm run bench:faults -- --smoke   (one crash point of 5 emergencies, 10 singles each way: the path still
 *                                      works; pages lost or SMS duplicated still fail it, the speed targets do not)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import twilio from 'twilio';
import { AUTH_TOKEN, startFakeTwilio, type FakeTwilio, type Fault } from '../test/support/fake-twilio.js';
import { startSlack, type ReceivedMail } from '../test/support/fake-mail-chat.js';

const SMOKE = process.argv.includes('--smoke');
const ROUNDS = Number(process.env.ROUNDS ?? (SMOKE ? 1 : 20));
// A smoke run's draws are the same every time (one of each fault, and a few seconds of retries).
const SEED = Number(process.env.SEED ?? (SMOKE ? 292_234_540 : Math.floor(Math.random() * 2 ** 31)));
const BURST = SMOKE ? 5 : 20;
const KILL_WITHIN_MS = SMOKE ? 300 : 1_500;
const WAIT_MS = 60_000;
const SINGLES = SMOKE ? 10 : 200;
const PORT_BASE = Number(process.env.PORT_BASE ?? 4200);
/** A round's burst begins this long after the previous round's restart, when that service has caught up. */
const STAGGER_MS = 3_000;
const START_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string)
  .split(' ')
  .filter((a) => a.startsWith('--'));
/** What the Dockerfile and fly.toml set. LOG_LEVEL stays unset: the service logs at info, as deployed. */
const DEPLOYED_ENV = { NODE_ENV: 'production', CLIENT_IP_HEADER: 'fly-client-ip' };
const SMS_TO = ['+15550200001', '+15550200002'];
const MAIL_TO = ['erin@example.com', 'alan@example.com'];
const ORG = `
organization: { name: Bench Helpdesk, timezone: America/Chicago, helpdesk_number: "+12817684800" }
business_hours: { monday: ["09:00-17:00"] }
staff:
  - { id: erin, name: Erin Engineer, role: engineer, phone: "${SMS_TO[0]}", email: ${MAIL_TO[0]} }
  - { id: alan, name: Alan Architect, role: architect, phone: "${SMS_TO[1]}", email: ${MAIL_TO[1]} }
on_call: { rotation: [erin], shift: weekly, handoff: "monday 09:00" }
escalation: { ack_timeout: 1h }
paging: { bundling: false }
`;

/**
 * mulberry32, seeded, so a run can be repeated: each round's kill time exactly, and its sequence of fault
 * draws (which message gets which draw still depends on the order requests reach the stand-in).
 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;
const mentions = (text: string, number: number) => new RegExp(`TK-${number}(?!\\d)`).test(text);
const first = (times: number[]) => (times.length ? Math.min(...times) : undefined);

/**
 * test/support's startSmtp without its faults, plus what it lacks here: a service killed mid-conversation
 * resets its SMTP connections, and an SMTPServer with no 'error' listener would throw that in this process.
 */
async function startSmtp() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 200,
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d) => (raw += d));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, receivedAt: Date.now() });
        callback();
      });
    },
  });
  server.on('error', () => {}); // ECONNRESET from a killed service: expected here
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  const env = { SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true`, MAIL_FROM: 'Switchboard <bench@example.com>' };
  return { mails, env, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

type Started<F extends () => Promise<unknown>> = Awaited<ReturnType<F>>;
type Fakes = { twilio: FakeTwilio; smtp: Started<typeof startSmtp>; slack: Started<typeof startSlack> };
const running = new Set<ChildProcess>();
const openFakes = new Set<Fakes>();

async function startFakes(): Promise<Fakes> {
  const fakes = { twilio: await startFakeTwilio(), smtp: await startSmtp(), slack: await startSlack() };
  openFakes.add(fakes);
  return fakes;
}
async function closeFakes(f: Fakes) {
  if (openFakes.delete(f)) await Promise.all([f.twilio.close(), f.smtp.close(), f.slack.close()]);
}

/** One service's home: database, organisation file and log, and a port kept across restarts. */
interface Home {
  dir: string;
  base: string;
  dbPath: string;
  env: Record<string, string>;
}

/** Ports below Linux's ephemeral range, so no other process's connection takes one while a service restarts. */
function newHome(root: string, name: string, f: Fakes, port: number): Home {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'org.yaml'), ORG);
  const base = `http://127.0.0.1:${port}`;
  const dbPath = join(dir, 'switchboard.db');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...DEPLOYED_ENV,
    PORT: String(port),
    PUBLIC_URL: base,
    DATABASE_URL: `file:${dbPath}`,
    SWITCHBOARD_CONFIG: join(dir, 'org.yaml'),
    ...f.twilio.env,
    ...f.smtp.env,
    ...f.slack.env,
  };
  return { dir, base, dbPath, env };
}

/** Starts `node <npm start's flags> dist/main.js`, writing to the home's service.log. */
function spawnService(home: Home): ChildProcess {
  const log = openSync(join(home.dir, 'service.log'), 'a');
  const stdio: ['ignore', number, number] = ['ignore', log, log];
  const child = spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], { env: home.env, stdio });
  closeSync(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

async function untilAnswering(home: Home, child: ChildProcess) {
  for (const end = Date.now() + 30_000; Date.now() < end && running.has(child); await sleep(50)) {
    if (
      await fetch(`${home.base}/healthz`).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  throw new Error(`the service did not start; see ${join(home.dir, 'service.log')} (KEEP_BENCH_DIR=1 keeps it)`);
}

async function stopService(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (!running.has(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const hard = setTimeout(() => child.kill('SIGKILL'), 12_000);
  await exited;
  clearTimeout(hard);
}

/** Posts a form signed as Twilio signs it (over PUBLIC_URL + path). */
async function post(home: Home, path: string, params: Record<string, string>): Promise<string> {
  const url = `${home.base}${path}`;
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature };
  return (await fetch(url, { method: 'POST', body: new URLSearchParams(params), headers })).text();
}

interface Emergency {
  recordingSid: string;
  call: Record<string, string>;
}

/** Dials, presses 5, skips the code: the caller is at the beep. */
async function dial(home: Home, n: number): Promise<Emergency> {
  const hex = n.toString(16).padStart(32, '0');
  const call = { CallSid: `CA${hex}`, From: `+1312555${String(n % 10_000).padStart(4, '0')}`, To: '+12817684800' };
  await post(home, '/twilio/voice', call);
  await post(home, '/twilio/voice/menu?try=1', { ...call, Digits: '5' });
  await post(home, '/twilio/voice/emergency/code', { ...call, Digits: '' });
  return { recordingSid: `RE${hex}`, call };
}

/** Twilio has the recording whether or not the webhook gets through, so it is stored first. */
function leaveVoicemail(home: Home, fake: FakeTwilio, { recordingSid, call }: Emergency): Promise<string> {
  const callSid = call.CallSid!;
  fake.recordings.push({ sid: recordingSid, callSid, duration: 20, createdAt: new Date(), from: call.From });
  const recording = { RecordingSid: recordingSid, RecordingDuration: '20', RecordingUrl: 'https://api.twilio.com/x' };
  return post(home, '/twilio/voice/recorded?kind=emergency&try=1', { ...call, ...recording, Digits: '#' });
}

/** From the database (read-only): each recording's ticket and how it came in; messages not yet settled. */
function readDatabase(dbPath: string) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true, timeout: 1_000 });
  try {
    // How the voicemail came in (its webhook, or reconciliation): tickets have a source of their own since email intake.
    const tickets =
      'select v.recording_sid as sid, v.source, t.number from voicemails v join tickets t on t.id = v.ticket_id';
    const rows = db.prepare(tickets).all() as { sid: string; source: string; number: number }[];
    const open = "select count(*) as n from outbox where status not in ('sent', 'failed', 'bundled')";
    return { tickets: new Map(rows.map((r) => [r.sid, r])), unsettled: (db.prepare(open).get() as { n: number }).n };
  } finally {
    db.close();
  }
}

/** When each of a ticket's five pages first reached a stand-in (undefined: not yet). */
function pageArrivals(f: Fakes, number: number): (number | undefined)[] {
  const texts = (to: string) => f.twilio.messages.filter((m) => m.to === to && mentions(m.body, number));
  const unfolded = (raw: string) => raw.replace(/=\r?\n/g, ''); // quoted-printable soft line breaks
  const mails = (to: string) => f.smtp.mails.filter((m) => m.to.includes(to) && mentions(unfolded(m.raw), number));
  const posts = f.slack.calls.filter((c) => c.method === 'chat.postMessage' && mentions(String(c.body.text), number));
  return [
    ...SMS_TO.map((to) => first(texts(to).map((m) => m.receivedAt))),
    ...MAIL_TO.map((to) => first(mails(to).map((m) => m.receivedAt))),
    first(posts.map((c) => c.receivedAt)),
  ];
}

/** The same (to, body) stored more than once: each extra copy is a text someone got twice. */
function duplicatedSms(fake: FakeTwilio): number {
  const seen = new Map<string, number>();
  for (const m of fake.messages) seen.set(`${m.to}\n${m.body}`, (seen.get(`${m.to}\n${m.body}`) ?? 0) + 1);
  return [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
}

/** Twilio's misbehaviour on message creation, drawn from the round's seeded stream. */
function misbehave(fake: FakeTwilio, random: () => number) {
  const drawn = { delayed: 0, http503: 0, dropAfter: 0, dropBefore: 0 };
  let refuse = false;
  fake.fault = (kind): Fault | undefined => {
    if (kind !== 'message') return undefined;
    const r = random();
    if (r < 0.1) return (drawn.delayed++, { mode: 'delay', ms: 1_000 + Math.floor(random() * 3_000) });
    if (r < 0.2) return (drawn.http503++, (refuse = true), undefined);
    if (r < 0.3) return (drawn.dropAfter++, { mode: 'drop-after' });
    if (r < 0.35) return (drawn.dropBefore++, { mode: 'drop-before' });
    return undefined;
  };
  // The fake asks failWith right after fault, in the same request: one draw decides both.
  fake.failWith = (kind) => {
    if (kind !== 'message' || !refuse) return undefined;
    refuse = false;
    return { status: 503, code: 20500, message: 'Service Unavailable' };
  };
  return drawn;
}

interface RoundResult {
  lost: number;
  duplicates: number;
  restartToLast: number;
  line: string;
}

/** One crash point; `restarted` is called once the service is back up (or the round failed). */
async function crashRound(root: string, round: number, restarted: () => void): Promise<RoundResult> {
  const random = prng(SEED + round * 0x9e3779b9);
  const killMs = Math.floor(random() * KILL_WITHIN_MS);
  const f = await startFakes();
  const drawn = misbehave(f.twilio, random);
  const home = newHome(root, `round-${round + 1}`, f, PORT_BASE + round);
  let service = spawnService(home);
  try {
    await untilAnswering(home, service);
    const calls = await Promise.all(Array.from({ length: BURST }, (_, i) => dial(home, round * 1_000 + i + 1)));
    const burst = calls.map((e) => leaveVoicemail(home, f.twilio, e).catch(() => 'no answer'));
    await sleep(killMs);
    await stopService(service, 'SIGKILL');
    const restartAt = Date.now();
    service = spawnService(home);
    const thanked = (await Promise.all(burst)).filter((twiml) => twiml.includes('ticket number is')).length;
    await untilAnswering(home, service);
    restarted();

    let db = readDatabase(home.dbPath);
    const pagesOf = (e: Emergency) => {
      const ticket = db.tickets.get(e.recordingSid);
      return ticket ? pageArrivals(f, ticket.number) : Array<undefined>(5).fill(undefined);
    };
    for (const end = restartAt + WAIT_MS; Date.now() < end; await sleep(250)) {
      db = readDatabase(home.dbPath);
      if (db.unsettled === 0 && calls.every((e) => !pagesOf(e).includes(undefined))) break;
    }
    await stopService(service);
    db = readDatabase(home.dbPath);

    const pages = calls.flatMap(pagesOf);
    const arrived = pages.filter((at): at is number => at !== undefined);
    const last = Math.max(restartAt, ...arrived);
    const lost = pages.length - arrived.length;
    const result = { lost, duplicates: duplicatedSms(f.twilio), restartToLast: last - restartAt, line: '' };
    const tickets = calls.filter((e) => db.tickets.has(e.recordingSid)).length;
    const reconciled = [...db.tickets.values()].filter((t) => t.source === 'reconciliation').length;
    const { delayed, http503, dropAfter, dropBefore } = drawn;
    const faults = `${delayed} delayed, ${http503} 503, ${dropAfter} drop-after, ${dropBefore} drop-before`;
    const n = (x: number, width = 2) => String(x).padStart(width);
    result.line =
      `round ${n(round + 1)}  kill at ${n(killMs, 4)} ms  answered ${n(thanked)}  tickets ${n(tickets)}/${BURST}` +
      ` (${reconciled} reconciled)  pages lost ${n(result.lost)}  SMS duplicated ${result.duplicates}` +
      `  restart->last page ${n(result.restartToLast, 5)} ms  [Twilio: ${faults}]`;
    return result;
  } finally {
    restarted();
    await stopService(service, 'SIGKILL');
    await closeFakes(f);
  }
}

/** Single emergencies one after another: webhook -> the last of its two SMS pages at the Twilio stand-in. */
async function smsLatency(root: string, slackHung: boolean) {
  const f = await startFakes();
  f.slack.state.hang = slackHung;
  const home = newHome(root, slackHung ? 'slack-hung' : 'slack-healthy', f, PORT_BASE + ROUNDS + Number(slackHung));
  const service = spawnService(home);
  const latencies: number[] = [];
  let missing = 0;
  try {
    await untilAnswering(home, service);
    for (let i = 1; i <= SINGLES; i++) {
      const e = await dial(home, 100_000 + i);
      const sentAt = Date.now();
      const twiml = await leaveVoicemail(home, f.twilio, e);
      const number = Number((/ticket number is ([\d ]+)\./.exec(twiml)?.[1] ?? '').replace(/ /g, ''));
      const arrived = () => SMS_TO.map((to) => f.twilio.messages.find((m) => m.to === to && mentions(m.body, number)));
      for (const end = Date.now() + 5_000; Date.now() < end && arrived().includes(undefined);) await sleep(2);
      const times = arrived().map((m) => m?.receivedAt ?? NaN);
      if (!number || times.some(Number.isNaN)) missing++;
      else latencies.push(Math.max(...times) - sentAt);
    }
  } finally {
    await stopService(service, 'SIGKILL');
    await closeFakes(f);
  }
  const figures = latencies.length
    ? `p50 ${pct(latencies, 50)} ms  p99 ${pct(latencies, 99)} ms  max ${Math.max(...latencies)} ms`
    : 'none arrived';
  const text = `${figures}${missing ? `  (${missing} never arrived within 5 s)` : ''}`;
  return { p99: missing ? Infinity : pct(latencies, 99), text };
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-faults-bench-'));
  const cleanUp = () => {
    for (const child of running) child.kill('SIGKILL');
    if (process.env.KEEP_BENCH_DIR) console.error(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (cleanUp(), process.exit(130)));
  const started = Date.now();
  try {
    console.log(`fault injection, Node ${process.version}, ${ROUNDS} crash points, seed ${SEED} (SEED=n repeats it)`);
    // Two rounds at a time, so a run stays near ten minutes: the next round's service starts once this
    // one's has restarted and caught up, so a burst and a crash never meet another round's.
    const rounds: RoundResult[] = [];
    const pending: Promise<RoundResult>[] = [];
    const report = async () => {
      const r = await pending.shift()!;
      console.log(r.line);
      rounds.push(r);
    };
    for (let i = 0; i < ROUNDS; i++) {
      if (pending.length === 2) await report();
      let restarted!: () => void;
      const back = new Promise<void>((resolve) => (restarted = resolve));
      const round = crashRound(root, i, restarted);
      round.catch(() => {}); // awaited in order by report()
      pending.push(round);
      await back;
      await sleep(STAGGER_MS);
    }
    while (pending.length) await report();
    const hung = await smsLatency(root, true);
    const healthy = await smsLatency(root, false);

    const lost = rounds.reduce((s, r) => s + r.lost, 0);
    const duplicates = rounds.reduce((s, r) => s + r.duplicates, 0);
    const worst = Math.max(0, ...rounds.map((r) => r.restartToLast));
    // The speed targets need the full load on a quiet machine; a smoke run holds the checks of what is kept.
    const checks: [string, boolean, string, 'kept' | 'speed'][] = [
      [`pages lost over ${ROUNDS} crash points: ${lost} of ${ROUNDS * BURST * 5}`, lost === 0, '0', 'kept'],
      [`SMS duplicated where Twilio had accepted: ${duplicates}`, duplicates === 0, '0', 'kept'],
      [`restart -> last page, worst round: ${worst} ms`, worst < 30_000, '< 30000 ms', 'speed'],
      [
        `Slack hung, webhook -> last SMS page (${SINGLES} in turn): ${hung.text}`,
        SMOKE ? hung.p99 < Infinity : hung.p99 < 100,
        SMOKE ? 'every page arrives' : 'p99 < 100 ms',
        SMOKE ? 'kept' : 'speed',
      ],
    ];
    console.log(`summary${SMOKE ? ' (smoke: a tiny load; the speed targets are not held to)' : ''}`);
    for (const [line, ok, target, kind] of checks)
      console.log(
        `  ${line}  (target ${target})  ${ok ? 'ok' : SMOKE && kind === 'speed' ? 'missed (not held)' : 'MISSED'}`,
      );
    console.log(`  Slack healthy, the same measure for comparison: ${healthy.text}`);
    console.log(`  run took ${Math.round((Date.now() - started) / 1000)} s`);
    if (checks.some(([, ok, , kind]) => !ok && (kind === 'kept' || !SMOKE))) process.exitCode = 1;
  } finally {
    await Promise.all([...openFakes].map(closeFakes));
    cleanUp();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
