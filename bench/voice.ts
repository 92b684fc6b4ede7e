/**
 * Incoming-call throughput: signed /twilio/voice webhooks (a new CallSid each) fired with 50
 * connections at the running service, and at a bare Express handler answering the same TwiML (the
 * reference the throughput target was set against; the service answers this webhook before Express's
 * per-request set-up, so it can do better than the reference). Both run with `npm start`'s node flags and the deployed
 * environment (the service logs at info, to a file), and each takes the same load once to warm up before
 * it is measured; then they take turns, ROUNDS times (default 3); with `--engine both` the two engines'
 * services run side by side and take their turns in the same rounds. Prints the median round's requests/s,
 * p50 and p99 (and every round's requests/s and p99), their ratio, the service's peak resident memory, and fails
 * unless every call answered with a 2xx was persisted.
 *
 * The PostgreSQL target ("p99 <= 30 ms at >= 0.8x the SQLite throughput") is measured both ways it can
 * be read: as the closed loop's throughput ratio, and as the p99 a caller sees when calls arrive paced
 * at 0.8x SQLite's median throughput (bench/paced.ts; with `--engine both`, both engines take that load
 * in turns, ROUNDS times; PACED_SHARE and PACED_CONNECTIONS change it).
 *
 *   npm run bench:voice                      (DURATION=10 CONNECTIONS=50 to change the load)
 *   npm run bench:voice -- --engine postgres (or both: SQLite and PostgreSQL side by side)
 *   npm run bench:voice -- --engine postgres --rate 2000
 *                                            (also calls arriving paced at a fixed 2,000 a second for
 *                                             RATE_DURATION=60 s, after the closed loop: p99 from when each
 *                                             call was due, gated at <= 30 ms on PostgreSQL, every 2xx saved)
 *   npm run bench:voice -- --lines           (two service lines, and two live announcements: one for
 *                                             every caller, one for a line's clients)
 *   npm run bench:voice -- --smoke           (one round of a second, 10 connections: the path still works;
 *                                             fails on any call not answered 2xx or not persisted, or an error logged)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import twilio from 'twilio';
import { DEMO_ORGANISATION } from '../src/config/demo.js';
import { pacedLoad, postRequest, type PacedResult } from './paced.js';
import { benchDatabase, countRows, enginesOf, stopEngines, type BenchEngine } from './engines.js';

const LINES = process.argv.includes('--lines');
const API_TOKEN = 'bench-api-token-0123456789';

const SMOKE = process.argv.includes('--smoke');
const DURATION = Number(process.env.DURATION ?? (SMOKE ? 1 : 10));
/**
 * This machine's speed drifts from minute to minute (the same load has measured 5,140 and 6,164 req/s
 * two minutes apart), so the service and the bare ceiling are measured in alternating rounds and
 * each is reported by its median round, with every round's p99 shown.
 */
const ROUNDS = Number(process.env.ROUNDS ?? (SMOKE ? 1 : 3));
const CONNECTIONS = Number(process.env.CONNECTIONS ?? (SMOKE ? 10 : 50));
/** With both engines, the paced load's rate as a share of SQLite's median throughput (the PostgreSQL target's). */
const PACED_SHARE = Number(process.env.PACED_SHARE ?? 0.8);
/** The paced load's keep-alive connections, opened before it starts (as many as the closed loop's). */
const PACED_CONNECTIONS = Number(process.env.PACED_CONNECTIONS ?? CONNECTIONS);
/** --rate N: a paced load at a fixed N calls a second, for RATE_DURATION seconds, on every engine. */
const RATE = (() => {
  const at = process.argv.indexOf('--rate');
  return at < 0 ? undefined : Number(process.argv[at + 1]);
})();
const RATE_DURATION = Number(process.env.RATE_DURATION ?? 60);
const TOKEN = 'bench-auth-token';
/** The node flags `npm start` uses (package.json), so the service is measured as it runs. */
const START_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string)
  .split(' ')
  .filter((a) => a.startsWith('--'));
/** The first engine's service listens here, the second's on the port after the ceiling's. */
const SERVICE_PORTS = [3901, 3903];
const CEILING_PORT = 3902;
const urlOf = (port: number) => `http://127.0.0.1:${port}`;
/**
 * The environment both processes run in, as deployed (Dockerfile, fly.toml), and nothing of this shell's
 * beyond PATH and HOME: LOG_LEVEL is unset, so the service logs at info, its default.
 */
const DEPLOYED_ENV = {
  ...{ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  ...{ NODE_ENV: 'production', CLIENT_IP_HEADER: 'fly-client-ip' },
};
/** Every process this benchmark started, stopped at the end whatever happens. */
const children = new Set<ChildProcess>();

/** With --lines: the demo organisation with a software and a network line (JSON is YAML). */
function organisationFile(dir: string): string {
  if (!LINES) return '';
  const path = join(dir, 'organisation.json');
  writeFileSync(
    path,
    JSON.stringify({
      ...DEMO_ORGANISATION,
      service_lines: [
        { id: 'software', name: 'Software support', on_call: { rotation: ['erin'], shift: 'daily', handoff: '08:00' } },
        { id: 'noc', name: 'Network operations', on_call: { rotation: ['ed'], shift: 'daily', handoff: '08:00' } },
      ],
    }),
  );
  return path;
}

/** With --lines: an outage for everyone and one for the network line's clients, both live while measuring. */
async function announce(publicUrl: string): Promise<void> {
  if (!LINES) return;
  for (const body of [
    { text: 'Our email service is down since 8 a.m.; we are working on it.' },
    { text: 'A fibre cut affects network customers in the north.', lines: ['noc'] },
  ]) {
    const res = await fetch(`${publicUrl}/api/announcements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`announcement: ${res.status} ${await res.text()}`);
  }
}

function startService(port: number, databaseUrl: string, logFile: string, config: string): Promise<ChildProcess> {
  const publicUrl = urlOf(port);
  const child = spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], {
    env: {
      ...DEPLOYED_ENV,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: publicUrl,
      TWILIO_AUTH_TOKEN: TOKEN,
      SWITCHBOARD_CONFIG: config,
      API_TOKEN,
    },
    // The service's log goes to a file: an unread pipe would fill and stall it.
    stdio: ['ignore', openSync(logFile, 'w'), 'inherit'],
  });
  children.add(child);
  return (async () => {
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const up = await fetch(`${publicUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return child;
    }
    throw new Error('service did not start');
  })();
}

/** The same TwiML the service answers, from a bare handler in its own process, with the service's flags and environment. */
async function startCeiling(sampleTwiml: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...START_FLAGS, '--import', 'tsx', 'bench/ceiling.ts'], {
    env: { ...DEPLOYED_ENV, PORT: String(CEILING_PORT), CEILING_TWIML: sampleTwiml },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const up = await fetch(`http://127.0.0.1:${CEILING_PORT}/twilio/voice`, { method: 'POST' }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
  }
  throw new Error('ceiling did not start');
}

function signedCall(baseUrl: string, n: number) {
  const params = {
    CallSid: `CA${n.toString(16).padStart(32, '0')}`,
    From: `+1312555${String(n % 10000).padStart(4, '0')}`,
    To: '+15550100000',
    CallStatus: 'ringing',
  };
  const body = new URLSearchParams(params).toString();
  const signature = twilio.getExpectedTwilioSignature(TOKEN, `${baseUrl}/twilio/voice`, params);
  return { body, signature };
}

/** Signed calls on `baseUrl`, the service's own address (the ceiling does not check signatures). */
async function load(baseUrl: string, offset: number) {
  let n = offset;
  const result = await autocannon({
    url: `${baseUrl}/twilio/voice`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const { body, signature } = signedCall(baseUrl, n++);
          return {
            ...req,
            body,
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    ok: result['2xx'],
  };
}

/**
 * Calls arriving at `rate` a second, paced (bench/paced.ts), for DURATION seconds: the latency a caller
 * sees at that rate, counted from when each call was due.
 */
function paced(baseUrl: string, rate: number, offset: number, seconds = DURATION): Promise<PacedResult> {
  const port = Number(new URL(baseUrl).port);
  const requests = Array.from({ length: Math.round(rate * seconds) }, (_, i) => {
    const { body, signature } = signedCall(baseUrl, offset + i);
    return postRequest(
      '/twilio/voice',
      { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body,
    );
  });
  return pacedLoad(port, requests, rate, PACED_CONNECTIONS);
}

const peakRss = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

type Load = Awaited<ReturnType<typeof load>>;
type Rounds = Load & { rounds: Load[] };

/** The median round by throughput, with every round kept for the report. */
function median(rounds: Load[]): Rounds {
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    rps: mid(rounds.map((r) => r.rps)),
    p50: mid(rounds.map((r) => r.p50)),
    p99: mid(rounds.map((r) => r.p99)),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    ok: rounds.reduce((n, r) => n + r.ok, 0),
    rounds,
  };
}

interface Measured {
  engine: BenchEngine;
  result: Rounds;
  /** With both engines: every round of the paced load at PACED_SHARE× SQLite's throughput. */
  paced: PacedResult[];
  /** With --rate: the paced load at that fixed rate. */
  fixed?: PacedResult;
  ceiling: Rounds;
  rss: number;
  persisted: number;
  answered: number;
  errors: number;
}

interface Running {
  engine: BenchEngine;
  url: string;
  databaseUrl: string;
  logFile: string;
  service: ChildProcess;
  sampleOk: boolean;
  warmUp: Load;
  rounds: Load[];
  paced: PacedResult[];
  fixed?: PacedResult;
}

/**
 * Every engine's service runs at once, each on its own database, and in every round the bare Express
 * reference and then each service take the same load in turn: with `--engine both`, SQLite and
 * PostgreSQL are compared within the same minutes, not one after the other, which on this machine's
 * drifting speed could favour either.
 */
async function main() {
  const engines = enginesOf();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const measured: Measured[] = [];
  try {
    const running: Running[] = [];
    for (const [i, engine] of engines.entries()) {
      const url = urlOf(SERVICE_PORTS[i]!);
      const logFile = join(dir, `service-${engine}.log`);
      console.error(`starting the service on ${engine}…`);
      const databaseUrl = await benchDatabase(engine, dir);
      const service = await startService(SERVICE_PORTS[i]!, databaseUrl, logFile, organisationFile(dir));
      await announce(url);
      running.push({
        engine,
        url,
        databaseUrl,
        logFile,
        service,
        sampleOk: false,
        warmUp: undefined!,
        rounds: [],
        paced: [],
      });
    }
    console.error('services up; measuring…');
    let twiml = '';
    for (const r of running) {
      const sample = signedCall(r.url, 0);
      const sampleRes = await fetch(`${r.url}/twilio/voice`, {
        method: 'POST',
        body: sample.body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sample.signature },
      });
      r.sampleOk = sampleRes.ok;
      twiml ||= await sampleRes.text();
    }
    // The bare Express reference, answering what the service answered. Each side takes the same load
    // once before it is measured (JIT, pools, caches, heap size); then they take turns.
    const ceilingServer = await startCeiling(twiml);
    const ceilingUrl = `http://127.0.0.1:${CEILING_PORT}`;
    await load(ceilingUrl, 1e9);
    for (const r of running) r.warmUp = await load(r.url, 5e8);
    const ceilingRounds: Load[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ceilingRounds.push(await load(ceilingUrl, 2e9 + round * 1e8));
      for (const r of running) r.rounds.push(await load(r.url, 1 + round * 1e8));
    }
    ceilingServer.kill('SIGTERM');
    const ceiling = median(ceilingRounds);
    // The PostgreSQL target read as a latency at a rate: p99 with calls arriving at 0.8× the throughput
    // SQLite reached above. Both engines take that paced load, in turns.
    const sqlite = running.find((r) => r.engine === 'sqlite');
    if (sqlite && running.length > 1) {
      const rate = Math.round(PACED_SHARE * median(sqlite.rounds).rps);
      console.error(`paced load at ${rate} calls/s…`);
      for (let round = 0; round < ROUNDS; round++)
        for (const r of running) r.paced.push(await paced(r.url, rate, 3e9 + round * 1e8));
    }
    if (RATE) {
      for (const r of running) {
        console.error(`${r.engine}: calls paced at ${RATE} a second for ${RATE_DURATION} s…`);
        r.fixed = await paced(r.url, RATE, 4e9, RATE_DURATION);
      }
    }
    for (const r of running) {
      const result = median(r.rounds);
      const rss = peakRss(r.service.pid!);
      r.service.kill('SIGTERM');
      await new Promise((done) => r.service.on('exit', done));
      const errorLines = readFileSync(r.logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"level":50'));
      const errors = errorLines.length;
      // Scheduled jobs that ran past their next time (node-cron's overlap warning, named by the service).
      const late = new Map<string, number>();
      for (const l of readFileSync(r.logFile, 'utf8').split('\n'))
        if (l.includes('"level":40') && l.includes('still running')) {
          const job = /"job":"([^"]+)"/.exec(l)?.[1] ?? '?';
          late.set(job, (late.get(job) ?? 0) + 1);
        }
      console.log(
        `  ${r.engine}: jobs still running at their next time: ${late.size ? [...late].map(([j, n]) => `${j} ×${n}`).join(', ') : 'none'}`,
      );
      if (errors > 0) console.log(`  first error logged on ${r.engine}: ${errorLines[0]!.slice(0, 400)}`);
      // Every 2xx the service gave (warm-up, measurement, the sample) is a call it said it had.
      const answered =
        r.warmUp.ok + result.ok + r.paced.reduce((n, p) => n + p.ok, 0) + (r.fixed?.ok ?? 0) + (r.sampleOk ? 1 : 0);
      measured.push({
        engine: r.engine,
        result,
        paced: r.paced,
        fixed: r.fixed,
        ceiling,
        rss,
        persisted: await countRows(r.databaseUrl, 'calls'),
        answered,
        errors,
      });
    }
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await stopEngines();
    rmSync(dir, { recursive: true, force: true });
  }
  report(measured);
}

function report(measured: Measured[]) {
  const row = (name: string, r: Rounds) =>
    `${name.padEnd(30)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (rounds: ${r.rounds.map((x) => x.rps.toFixed(0)).join(', ')} req/s, p99 ${r.rounds.map((x) => x.p99).join(', ')} ms)   non-2xx ${r.non2xx}  errors ${r.errors}`;
  console.log(
    `incoming-call webhooks, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION} s, medians, Node ${process.version}`,
  );
  if (measured[0]) console.log(row('bare Express', measured[0].ceiling));
  for (const m of measured) console.log(row(`Switchboard on ${m.engine}`, m.result));
  const sqlite = measured.find((m) => m.engine === 'sqlite');
  for (const m of measured) {
    const p99Target = m.engine === 'sqlite' ? 25 : 30;
    console.log(`${m.engine}:`);
    console.log(
      `  throughput / Express  ${(m.result.rps / m.ceiling.rps).toFixed(2)}${m.engine === 'sqlite' ? ' (target >= 0.85)' : ''}`,
    );
    if (m.engine === 'postgres' && sqlite) {
      const perRound = m.result.rounds.map((r, i) => (r.rps / sqlite.result.rounds[i]!.rps).toFixed(2));
      console.log(
        `  throughput / SQLite's ${(m.result.rps / sqlite.result.rps).toFixed(2)} (target >= 0.8 read as a closed-loop ratio; each round: ${perRound.join(', ')})`,
      );
    }
    console.log(
      `  p99                   ${m.result.p99} ms${m.engine === 'sqlite' ? ` (target <= ${p99Target} ms)` : ''}`,
    );
    if (m.paced.length > 0) {
      const p = [...m.paced].sort((a, b) => a.p99 - b.p99)[Math.floor(m.paced.length / 2)]!;
      console.log(
        `  paced at ${p.rate} calls/s (${PACED_SHARE}× SQLite's): answered ${p.achieved.toFixed(0)}/s, p50 ${p.p50} ms, p99 ${p.p99} ms${m.engine === 'postgres' ? ` (target <= ${p99Target} ms at 0.8×)` : ''}, max ${p.max} ms; rounds' p99 ${m.paced.map((x) => x.p99).join(', ')} ms; up to ${Math.max(...m.paced.map((x) => x.queued))} calls waiting for a connection, generator ${(100 * Math.max(...m.paced.map((x) => x.cpu))).toFixed(0)}% of a core, its longest stall ${Math.max(...m.paced.map((x) => x.stall))} ms; non-2xx ${m.paced.reduce((n, x) => n + x.non2xx, 0)}, errors ${m.paced.reduce((n, x) => n + x.errors, 0)}`,
      );
    }
    if (m.fixed) {
      const p = m.fixed;
      const target = m.engine === 'postgres' ? 30 : undefined;
      console.log(
        `  paced at ${p.rate} calls/s for ${RATE_DURATION} s: answered ${p.achieved.toFixed(0)}/s, p50 ${p.p50} ms, p99 ${p.p99} ms${target ? ` (target <= ${target} ms)` : ''}, max ${p.max} ms; up to ${p.queued} calls waiting for a connection, generator ${(100 * p.cpu).toFixed(0)}% of a core, its longest stall ${p.stall} ms; non-2xx ${p.non2xx}, errors ${p.errors}`,
      );
      if (target && p.p99 > target) {
        console.log(`  MISSED: p99 ${p.p99} ms > ${target} ms at ${p.rate} calls/s`);
        process.exitCode = 1;
      }
    }
    console.log(`  peak resident memory  ${m.rss.toFixed(0)} MB (target < 150 MB)`);
    console.log(
      `  calls persisted       ${m.persisted} (answered 2xx ${m.answered}; requests in flight at the end are persisted too)`,
    );
    console.log(`  errors logged         ${m.errors}`);
    if (m.persisted < m.answered) {
      console.log(`  FAILED: ${m.answered - m.persisted} calls answered with 2xx were not persisted`);
      process.exitCode = 1;
    }
    // A smoke run's load is tiny: every call must be answered 2xx, and nothing go wrong on the way.
    const refused = m.result.non2xx + m.result.errors + m.paced.reduce((n, p) => n + p.non2xx + p.errors, 0);
    if (SMOKE && (m.answered === 0 || refused > 0 || m.errors > 0)) {
      console.log(`  FAILED (smoke): ${m.answered} answered 2xx, ${refused} not, ${m.errors} errors logged`);
      process.exitCode = 1;
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
