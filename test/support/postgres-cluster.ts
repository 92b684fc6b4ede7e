import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { POSTGRES_ROOT } from './prerequisites.js';

const run = promisify(execFile);

/**
 * A private PostgreSQL server from Debian's `postgresql` package: its own cluster in a temporary folder,
 * listening on 127.0.0.1 at a port of its own, trusting local connections, removed by `stop()`. Root
 * cannot run PostgreSQL, so as root the server runs as the `postgres` user the package creates.
 */
export interface Cluster {
  readonly port: number;
  readonly dir: string;
  /** A URL for a database of this cluster. */
  url(database: string): string;
  /** Creates a database (optionally as a copy of a template) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /**
   * Tests trade durability for speed (no fsync, commits not waited for); benchmarks keep PostgreSQL's
   * defaults, so their figures are what a real server does.
   */
  durable?: boolean;
  maxConnections?: number;
}

/** The newest installed server's programs (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBin(): string | undefined {
  const root = POSTGRES_ROOT;
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed: install Debian's postgresql package (npm test does)");
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pg-'));
  const data = join(dir, 'data');
  const owner = asRoot ? await run('id', ['-u', 'postgres']).then(({ stdout }) => Number(stdout.trim())) : undefined;
  if (owner !== undefined) chownSync(dir, owner, owner);
  const as = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args]) : run(join(bin, program), args);

  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const settings = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    "unix_socket_directories = ''",
    `max_connections = ${options.maxConnections ?? 200}`,
    'shared_buffers = 128MB',
    ...(options.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
  ];
  writeFileSync(join(data, 'postgresql.auto.conf'), `${settings.join('\n')}\n`);
  if (owner !== undefined) chownSync(join(data, 'postgresql.auto.conf'), owner, owner);
  const log = join(dir, 'server.log');
  await as('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']);

  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return {
    port,
    dir,
    url,
    async createDatabase(name, template) {
      // Copying a template fails while another copy of it is being made; those are retried.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin((c) =>
            c.query(`create database ${quote(name)}${template ? ` template ${quote(template)}` : ''}`),
          );
          return url(name);
        } catch (err) {
          if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
          await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
        }
      }
    },
    async dropDatabase(name) {
      await admin((c) => c.query(`drop database if exists ${quote(name)} with (force)`));
    },
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      if (!process.env.SWITCHBOARD_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
}
