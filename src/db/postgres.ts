import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { retryWhenBusy } from './busy.js';
import type { Database, Q } from './engine.js';

export const POSTGRES_MIGRATIONS = fileURLToPath(new URL('../../migrations/postgres', import.meta.url));
/** The advisory lock instances take turns on while migrating. */
const MIGRATION_LOCK = 7_462_001;

// Times and ids are bigint columns; as JavaScript numbers they are exact to 2^53 (the year 287396 in ms).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresDatabase extends Database {
  readonly engine: 'postgres';
  readonly pool: pg.Pool;
}

type Transactional = { transaction<T>(work: (tx: Q) => Promise<T>): Promise<T> };

/** Connections kept for the pager (`reserved()`), beside the pool everything else shares. */
const RESERVED_CONNECTIONS = 3;

/**
 * A pool of connections to PostgreSQL, which several instances of the service may share. Transactions
 * run at READ COMMITTED; stores lock the rows they change (forUpdate) and claim work with SKIP LOCKED.
 */
export function openPostgres(url: string, onIdleError: (err: Error) => void = () => undefined): PostgresDatabase {
  const poolOf = (max: number) => {
    const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
    // A connection that breaks while idle (the server restarted) is dropped from the pool, not fatal.
    pool.on('error', onIdleError);
    return pool;
  };
  const pool = poolOf(10);
  let reserved: PostgresDatabase | undefined;
  const main = over(pool, () => (reserved ??= over(poolOf(RESERVED_CONNECTIONS), () => reserved!)));
  return {
    ...main,
    close: async () => {
      await Promise.all([main.close(), reserved?.close()]);
    },
  };
}

function over(pool: pg.Pool, reserved: () => PostgresDatabase): PostgresDatabase {
  const orm = drizzle(pool);
  const q = orm as unknown as Q;
  return {
    engine: 'postgres',
    pool,
    q,
    withTransaction: (work, options) =>
      retryWhenBusy(
        () =>
          (orm as unknown as Transactional).transaction(async (tx) => {
            if (options?.lockTimeoutMs) {
              await (tx as unknown as { execute(query: SQL): Promise<unknown> }).execute(
                sql.raw(`set local lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))}`),
              );
            }
            return work(tx);
          }),
        options?.retryForMs,
      ),
    savepoint: (tx, work) => (tx as unknown as Transactional).transaction((inner) => work(inner)),
    reserved,
    migrate: async () => {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migrate(drizzle(client) as NodePgDatabase, { migrationsFolder: POSTGRES_MIGRATIONS });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
