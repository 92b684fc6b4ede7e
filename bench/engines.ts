/**
 * The database a benchmark runs the service on: `--engine sqlite` (the default), `--engine postgres` (a
 * private PostgreSQL server from Debian's package, started here with its default durability and
 * stopped at the end), or `--engine both`, measured one after the other and printed side by side.
 * ENGINE=... works as well as the flag.
 */
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { databaseOf } from '../src/config/env.js';
import { openDatabase, rowsOf } from '../src/db/index.js';
import { startCluster, type Cluster } from '../test/support/postgres-cluster.js';

export type BenchEngine = 'sqlite' | 'postgres';

export function enginesOf(argv: string[] = process.argv, env = process.env): BenchEngine[] {
  const flag = argv.find((a) => a.startsWith('--engine'));
  const value =
    (flag?.includes('=') ? flag.split('=')[1] : flag ? argv[argv.indexOf(flag) + 1] : env.ENGINE) ?? 'sqlite';
  if (value === 'both') return ['sqlite', 'postgres'];
  if (value === 'sqlite' || value === 'postgres') return [value];
  throw new Error(`--engine must be sqlite, postgres or both, not "${value}"`);
}

/** A numeric flag (`--name=3` or `--name 3`) or environment variable. */
export function numberOption(name: string, fallback: number, argv: string[] = process.argv): number {
  const flag = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const raw = flag?.includes('=')
    ? flag.split('=')[1]
    : flag
      ? argv[argv.indexOf(flag) + 1]
      : process.env[name.toUpperCase()];
  const n = Number(raw ?? fallback);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

let cluster: Promise<Cluster> | undefined;
let databases = 0;

/** A new, empty database of the engine (the service migrates it when it starts), named by its DATABASE_URL. */
export async function benchDatabase(engine: BenchEngine, dir: string): Promise<string> {
  databases++;
  if (engine === 'sqlite') return `file:${join(dir, `bench-${databases}.db`)}`;
  cluster ??= startCluster({ durable: true });
  return (await cluster).createDatabase(`bench_${databases}`);
}

/** Counts rows of a table, read from outside the service. */
export async function countRows(url: string, table: string): Promise<number> {
  const db = openDatabase(databaseOf(url)!);
  try {
    const [row] = await rowsOf<{ n: number | string }>(db.q, sql.raw(`select count(*) as n from ${table}`));
    return Number(row!.n);
  } finally {
    await db.close();
  }
}

/** Stops the PostgreSQL server, if one was started. */
export async function stopEngines(): Promise<void> {
  if (cluster) await (await cluster).stop();
  cluster = undefined;
}
