/**
 * Incoming-call throughput: signed /twilio/voice webhooks (a new CallSid each) fired with 50
 * connections at the running service, and at a bare Express handler answering the same TwiML (the
 * framework's ceiling on this machine). Both run with `npm start`'s node flags and the deployed
 * environment (the service logs at info, to a file), and each takes the same load once to warm up before
 * it is measured. Prints requests/s, p50, p99, their ratio, the service's peak resident memory, and fails
 * unless every call answered with a 2xx was persisted.
 *
 *   npm run bench:voice            (DURATION=10 CONNECTIONS=50 to change the load)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import twilio from 'twilio';

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const TOKEN = 'bench-auth-token';
/** The node flags `npm start` uses (package.json), so the service is measured as it runs. */
const START_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string)
  .split(' ')
  .filter((a) => a.startsWith('--'));
const SERVICE_PORT = 3901;
const CEILING_PORT = 3902;
const PUBLIC_URL = `http://127.0.0.1:${SERVICE_PORT}`;
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

function startService(dbPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], {
    env: {
      ...DEPLOYED_ENV,
      PORT: String(SERVICE_PORT),
      DATABASE_URL: `file:${dbPath}`,
      PUBLIC_URL,
      TWILIO_AUTH_TOKEN: TOKEN,
      SWITCHBOARD_CONFIG: '',
    },
    // The service's log goes to a file: an unread pipe would fill and stall it.
    stdio: ['ignore', openSync(`${dbPath}.log`, 'w'), 'inherit'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('service did not start')), 20_000);
    const poll = setInterval(async () => {
      try {
        if ((await fetch(`${PUBLIC_URL}/healthz`)).ok) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(child);
        }
      } catch {
        /* not yet listening */
      }
    }, 200);
  });
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
          const { body, signature } = signedCall(PUBLIC_URL, n++);
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

const peakRss = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  try {
    await measure(join(dir, 'bench.db'));
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dbPath: string) {
  console.error('starting the service…');
  const service = await startService(dbPath);
  console.error('service up; measuring…');
  const sample = signedCall(PUBLIC_URL, 0);
  const sampleRes = await fetch(`${PUBLIC_URL}/twilio/voice`, {
    method: 'POST',
    body: sample.body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sample.signature },
  });
  const twiml = await sampleRes.text();
  const ceilingServer = await startCeiling(twiml);

  // Each side takes the same load once before it is measured (JIT, pools, caches, heap size).
  await load(`http://127.0.0.1:${CEILING_PORT}`, 1e9);
  const ceiling = await load(`http://127.0.0.1:${CEILING_PORT}`, 2e9);
  const warmUp = await load(PUBLIC_URL, 5e8);
  const switchboard = await load(PUBLIC_URL, 1);
  const rss = peakRss(service.pid!);
  ceilingServer.kill('SIGTERM');
  service.kill('SIGTERM');
  await new Promise((r) => service.on('exit', r));

  const db = new Database(dbPath, { readonly: true });
  const persisted = (db.prepare('select count(*) as n from calls').get() as { n: number }).n;
  db.close();
  const row = (name: string, r: Awaited<ReturnType<typeof load>>) =>
    `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   non-2xx ${r.non2xx}  errors ${r.errors}`;
  console.log(`incoming-call webhooks, ${CONNECTIONS} connections, ${DURATION} s each, Node ${process.version}`);
  console.log(row('bare Express ceiling', ceiling));
  console.log(row('Switchboard', switchboard));
  console.log(`throughput ratio       ${(switchboard.rps / ceiling.rps).toFixed(2)} (target >= 0.85)`);
  console.log(`p99                    ${switchboard.p99} ms (target < 25 ms)`);
  console.log(`peak resident memory   ${rss.toFixed(0)} MB (target < 150 MB)`);
  const errors = readFileSync(`${dbPath}.log`, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"level":50')).length;
  // Every 2xx the service gave (warm-up, measurement, the sample) is a call it said it had.
  const answered = warmUp.ok + switchboard.ok + (sampleRes.ok ? 1 : 0);
  console.log(
    `calls persisted        ${persisted} (answered 2xx ${answered}; requests in flight at the end are persisted too)`,
  );
  console.log(`errors logged          ${errors}`);
  if (persisted < answered) {
    console.log(`FAILED: ${answered - persisted} calls answered with 2xx were not persisted`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
