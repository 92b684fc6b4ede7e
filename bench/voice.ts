/**
 * Incoming-call throughput: signed /twilio/voice webhooks (a new CallSid each) fired with 50
 * connections at the running service, and at a bare Express handler answering the same TwiML (the
 * framework's ceiling on this machine). Prints requests/s, p50, p99, their ratio, the service's peak
 * resident memory, and checks that every call was persisted.
 *
 *   npm run bench:voice            (DURATION=10 CONNECTIONS=50 to change the load)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import twilio from 'twilio';

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const TOKEN = 'bench-auth-token';
/** The node flags `npm start` uses (package.json), so the service is measured as it runs. */
const START_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string).split(' ').filter((a) => a.startsWith('--'));
const SERVICE_PORT = 3901;
const CEILING_PORT = 3902;
const PUBLIC_URL = `http://127.0.0.1:${SERVICE_PORT}`;

function startService(dbPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...START_FLAGS, 'dist/main.js'], {
    env: { ...process.env, PORT: String(SERVICE_PORT), DATABASE_URL: `file:${dbPath}`, PUBLIC_URL, TWILIO_AUTH_TOKEN: TOKEN, LOG_LEVEL: 'warn', SWITCHBOARD_CONFIG: '' },
    // The service's log goes to a file: an unread pipe would fill and stall it.
    stdio: ['ignore', openSync(`${dbPath}.log`, 'w'), 'inherit'],
  });
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

/** The same TwiML the service answers, from a bare handler in its own process, as the service is. */
async function startCeiling(sampleTwiml: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ceiling.ts'], {
    env: { ...process.env, PORT: String(CEILING_PORT), CEILING_TWIML: sampleTwiml },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const up = await fetch(`http://127.0.0.1:${CEILING_PORT}/twilio/voice`, { method: 'POST' }).then((r) => r.ok, () => false);
    if (up) return child;
  }
  throw new Error('ceiling did not start');
}

function signedCall(baseUrl: string, n: number) {
  const params = { CallSid: `CA${n.toString(16).padStart(32, '0')}`, From: `+1312555${String(n % 10000).padStart(4, '0')}`, To: '+15550100000', CallStatus: 'ringing' };
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
          return { ...req, body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, total: result.requests.total };
}

const peakRss = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const dbPath = join(dir, 'bench.db');
  console.error('starting the service…');
  const service = await startService(dbPath);
  console.error('service up; measuring…');
  const sample = signedCall(PUBLIC_URL, 0);
  const twiml = await (await fetch(`${PUBLIC_URL}/twilio/voice`, { method: 'POST', body: sample.body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sample.signature } })).text();
  const ceilingServer = await startCeiling(twiml);

  await load(`http://127.0.0.1:${CEILING_PORT}`, 1e9); // warm-up both
  const ceiling = await load(`http://127.0.0.1:${CEILING_PORT}`, 2e9);
  const switchboard = await load(PUBLIC_URL, 1);
  const rss = peakRss(service.pid!);
  ceilingServer.kill('SIGTERM');
  service.kill('SIGTERM');
  await new Promise((r) => service.on('exit', r));

  const persisted = (new Database(dbPath, { readonly: true }).prepare('select count(*) as n from calls').get() as { n: number }).n;
  const row = (name: string, r: Awaited<ReturnType<typeof load>>) =>
    `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   non-2xx ${r.non2xx}  errors ${r.errors}`;
  console.log(`incoming-call webhooks, ${CONNECTIONS} connections, ${DURATION} s each, Node ${process.version}`);
  console.log(row('bare Express ceiling', ceiling));
  console.log(row('Switchboard', switchboard));
  console.log(`throughput ratio       ${(switchboard.rps / ceiling.rps).toFixed(2)} (target >= 0.85)`);
  console.log(`p99                    ${switchboard.p99} ms (target < 25 ms)`);
  console.log(`peak resident memory   ${rss.toFixed(0)} MB (target < 150 MB)`);
  const errors = readFileSync(`${dbPath}.log`, 'utf8').split('\n').filter((l) => l.includes('"level":50')).length;
  console.log(`calls persisted        ${persisted} (answered ${switchboard.total + 1}; requests in flight at the end are persisted too)`);
  console.log(`errors logged          ${errors}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
