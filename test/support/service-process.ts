import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import twilio from 'twilio';
import { AUTH_TOKEN } from './fake-twilio.js';
import { createTestDatabase, type TestDatabase } from './db.js';

/**
 * The real service (src/main.ts) as a child process, so a test can SIGKILL it mid-send and start it
 * again on the same database and port. Call `stopServices` in afterAll.
 */
export interface ServiceOptions {
  /** Environment beside PORT, DATABASE_URL, SWITCHBOARD_CONFIG (set by the harness); LOG_LEVEL defaults to info. */
  env?: Record<string, string>;
  /** The database (a DATABASE_URL); default a new one of the engine under test (test/support/db.ts). */
  databaseUrl?: string;
  /** An organisation file's text, written to the temporary directory and named by SWITCHBOARD_CONFIG. */
  orgYaml?: string;
  /** Default: a port that was free a moment ago. */
  port?: number;
  /** How long to wait for /healthz to answer (default 30 s). */
  startTimeoutMs?: number;
  /** Node's own flags, e.g. the deployed heap size (package.json's start script). */
  nodeArgs?: string[];
}

/** The heap the service is deployed with (package.json's start script and the Dockerfile). */
export const DEPLOYED_HEAP = ['--max-old-space-size=128', '--max-semi-space-size=8'];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  /** PUBLIC_URL as the service sees it (what Twilio signatures are computed over). */
  readonly publicUrl: string;
  readonly pid: number;
  /** The DATABASE_URL it runs on. */
  readonly databaseUrl: string;
  /** The temporary directory: the organisation file and service.log (every run's output) are here. */
  readonly dir: string;
  /** The environment the current process was started with. */
  readonly env: Record<string, string>;
  /** This run's stdout and stderr lines, in arrival order (stdout lines are pino JSON). */
  logs(): string[];
  /** This run's stderr lines. */
  stderr(): string[];
  /** Resolves with the first line of this run that matches, or rejects on exit or after `timeoutMs`. */
  waitForLog(match: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal (default SIGTERM) and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
  /** Resolves when the current process exits. */
  readonly exited: Promise<Exit>;
  /** SIGKILLs the process if it still runs, then starts a new one on the same database and port. */
  restart(envOverrides?: Record<string, string>): Promise<ServiceProcess>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const running = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const databases = new Set<TestDatabase>();

// A test process that dies without its afterAll must not leave services running.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Calls `onLine` for each complete line of a stream. */
function eachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    lines.forEach(onLine);
  });
  stream.on('end', () => rest && onLine(rest));
}

export async function startService(options: ServiceOptions = {}): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-service-'));
  tempDirs.add(dir);
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    const created = await createTestDatabase(dir);
    databaseUrl = created.url;
    databases.add(created);
  }
  const port = options.port ?? (await freePort());
  const logFile = join(dir, 'service.log');
  const fixed: Record<string, string> = { PORT: String(port), DATABASE_URL: databaseUrl };
  if (options.orgYaml !== undefined) {
    fixed.SWITCHBOARD_CONFIG = join(dir, 'organisation.yaml');
    writeFileSync(fixed.SWITCHBOARD_CONFIG, options.orgYaml);
  }
  // Only what Node and tsx need from this process: a developer's TWILIO_* must not reach the service.
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR', 'TZ'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])),
  );
  let env: Record<string, string> = { ...inherited, LOG_LEVEL: 'info', ...options.env, ...fixed };
  const url = `http://127.0.0.1:${port}`;

  let child!: ChildProcess;
  let exited!: Promise<Exit>;
  let lines: string[] = [];
  let errLines: string[] = [];
  const listeners = new Set<() => void>();

  const spawnOnce = async (): Promise<void> => {
    lines = [];
    errLines = [];
    const own = { lines, errLines };
    appendFileSync(logFile, `--- start ${new Date().toISOString()} ---\n`);
    const args = [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'];
    child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const current = child;
    // 'close' rather than 'exit': by then every line the process wrote has been read.
    exited = new Promise<Exit>((resolve) => {
      current.once('close', (code, signal) => {
        running.delete(current);
        appendFileSync(logFile, `--- exit code=${code} signal=${signal} ---\n`);
        listeners.forEach((l) => l());
        resolve({ code, signal });
      });
    });
    const onLine = (isError: boolean) => (line: string) => {
      own.lines.push(line);
      if (isError) own.errLines.push(line);
      appendFileSync(logFile, `${isError ? '[stderr] ' : ''}${line}\n`);
      listeners.forEach((l) => l());
    };
    eachLine(current.stdout!, onLine(false));
    eachLine(current.stderr!, onLine(true));
    await waitUntilAnswering(url, exited, options.startTimeoutMs ?? 30_000, () => own.lines);
  };

  const handle: ServiceProcess = {
    url,
    port,
    get publicUrl() {
      return (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
    },
    get pid() {
      return child.pid!;
    },
    databaseUrl,
    dir,
    get env() {
      return env;
    },
    logs: () => [...lines],
    stderr: () => [...errLines],
    waitForLog(match, timeoutMs = 5_000) {
      const own = lines;
      return new Promise((resolve, reject) => {
        const test = (l: string) => (typeof match === 'string' ? l.includes(match) : match.test(l));
        const check = () => {
          const found = own.find(test);
          if (found !== undefined) finish(() => resolve(found));
          else if (!running.has(child)) {
            finish(() => reject(new Error(`the service exited before logging ${match}`)));
          }
        };
        const timeout = () => finish(() => reject(new Error(`no log line matched ${match} in ${timeoutMs} ms`)));
        const timer = setTimeout(timeout, timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    kill(signal = 'SIGTERM') {
      if (running.has(child)) child.kill(signal);
      return exited;
    },
    get exited() {
      return exited;
    },
    async restart(envOverrides = {}) {
      if (running.has(child)) await handle.kill('SIGKILL');
      env = { ...env, ...envOverrides, ...fixed };
      await spawnOnce();
      return handle;
    },
  };
  await spawnOnce();
  return handle;
}

/** Polls GET /healthz until it answers with any status; rejects with the output if the process exits first. */
async function waitUntilAnswering(url: string, exited: Promise<Exit>, timeoutMs: number, output: () => string[]) {
  let exit: Exit | undefined;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit)
      throw new Error(`the service exited (${exit.code ?? exit.signal}) before answering:\n${output().join('\n')}`);
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`the service did not answer ${url}/healthz within ${timeoutMs} ms:\n${output().join('\n')}`);
}

/** For afterAll: SIGKILLs every service still running and removes their temporary directories. */
export async function stopServices(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          if (!child.kill('SIGKILL')) resolve();
        }),
    ),
  );
  if (process.env.SWITCHBOARD_KEEP_TEST_DIRS) return;
  await Promise.all([...databases].map((d) => d.remove()));
  databases.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/**
 * Signs and POSTs a form the way Twilio does, over real HTTP, to a path of a running service. The
 * signature covers the service's PUBLIC_URL + path, as Twilio's would.
 */
export async function postTwilioWebhook(
  service: Pick<ServiceProcess, 'url' | 'publicUrl'>,
  path: string,
  params: Record<string, string>,
  token = AUTH_TOKEN,
): Promise<{ status: number; text: string; headers: Headers }> {
  const signature = twilio.getExpectedTwilioSignature(token, `${service.publicUrl}${path}`, params);
  const res = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
