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
  /** Whether this instance's connections to the server are encrypted (TLS), as the server sees them. */
  usesTls(): Promise<boolean>;
}

/** The connections one instance may open (its pool and the pager's), and how many the server lets ordinary roles open. */
export interface ConnectionBudget {
  perInstance: number;
  available: number;
  maxConnections: number;
}

/** Reads the server's connection limit, to tell how many instances of this pool size it can take. */
export async function connectionBudget(db: PostgresDatabase, poolSize: number): Promise<ConnectionBudget> {
  const { rows } = await db.pool.query<{ max: number; kept: number }>(
    `select current_setting('max_connections')::int as max,
            current_setting('superuser_reserved_connections')::int
              + coalesce(nullif(current_setting('reserved_connections', true), '')::int, 0) as kept`,
  );
  const { max, kept } = rows[0]!;
  return { perInstance: poolSize + RESERVED_CONNECTIONS, available: max - kept, maxConnections: max };
}

type Transactional = { transaction<T>(work: (tx: Q) => Promise<T>): Promise<T> };

/** Connections kept for the pager (`reserved()`), beside the pool everything else shares. */
const RESERVED_CONNECTIONS = 3;

/**
 * The longest a connection may be held by one piece of work (a statement, or a whole transaction).
 * Every transaction here is a few statements long, so a connection held this long is one whose server
 * went away without a word (a failover, a dropped network path): TCP would wait about 15 minutes for
 * it, with the pager waiting behind. Its socket is closed instead: the work fails as on any lost
 * connection, and whatever tries it again (Twilio's retry, the pager's next pass) gets a new one.
 */
export const HOLD_LIMIT_MS = 30_000;

/**
 * How long a statement on the shared connections (webhooks, the API, the dashboard, jobs) may wait for a
 * lock, and run at all, before the server cancels it. Twilio waits 15 s for a webhook's answer: a table
 * locked by someone else or a statement that does not end must fail in seconds, so the webhook answers
 * in time (503, or the same safe TwiML as when its work cannot be saved) and Twilio retries or falls
 * back at once, with nothing committed behind its back. Every statement here takes milliseconds, so a
 * healthy database never meets these. The pager's reserved connections and migrations have no limit:
 * a page must still go out while calls wait.
 */
export const SHARED_LIMITS = { lockTimeoutMs: 2_000, statementTimeoutMs: 4_000 } as const;

export interface PostgresOptions {
  onIdleError?: (err: Error) => void;
  /** Connections for everything but the pager (DATABASE_POOL_SIZE); 10 unless set. */
  poolSize?: number;
  holdLimitMs?: number;
}

/** The socket of node-postgres's connection (not part of its typed interface; its own read timeout closes the same one). */
const socketOf = (client: pg.PoolClient) =>
  (client as unknown as { connection?: { stream?: { destroy(err?: Error): void } } }).connection?.stream;

/** Connections exempt from the hold limit while they wait on purpose (the migration lock). */
const unlimited = new WeakSet<pg.PoolClient>();

/**
 * A pool of connections to PostgreSQL, which several instances of the service may share. Transactions
 * run at READ COMMITTED; stores lock the rows they change (forUpdate) and claim work with SKIP LOCKED.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): PostgresDatabase {
  const { onIdleError = () => undefined, holdLimitMs = HOLD_LIMIT_MS, poolSize = 10 } = options;
  const poolOf = (max: number, limits?: typeof SHARED_LIMITS) => {
    const pool = new pg.Pool({
      connectionString: url,
      max,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      // Sent with the connection's start-up message: no extra round trip per statement.
      ...(limits ? { lock_timeout: limits.lockTimeoutMs, statement_timeout: limits.statementTimeoutMs } : {}),
    });
    // A connection that breaks while idle (the server restarted) is dropped from the pool, not fatal.
    pool.on('error', onIdleError);
    const held = new WeakMap<pg.PoolClient, NodeJS.Timeout>();
    // A connection that breaks while in use (closed here, or the server restarted) fails its statement,
    // and node-postgres also emits 'error' on it; with no listener while it is checked out, that
    // event would end the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    pool.on('acquire', (client) => {
      const timer = setTimeout(() => {
        if (unlimited.has(client)) return;
        socketOf(client)?.destroy(new Error(`no answer from PostgreSQL in ${holdLimitMs} ms; connection closed`));
      }, holdLimitMs);
      timer.unref();
      held.set(client, timer);
    });
    pool.on('release', (_err, client) => clearTimeout(held.get(client)));
    return pool;
  };
  // The pool's connections, less those set apart for browsing (a quarter: 2 of the default 10).
  const browsingSize = Math.floor(poolSize / 4);
  const pool = poolOf(poolSize - browsingSize, SHARED_LIMITS);
  let reserved: PostgresDatabase | undefined;
  let browsing: PostgresDatabase | undefined;
  const reservedOf = () =>
    (reserved ??= over(
      poolOf(RESERVED_CONNECTIONS),
      () => reserved!,
      () => reserved!,
    ));
  const main: PostgresDatabase = over(pool, reservedOf, () =>
    browsingSize ? (browsing ??= over(poolOf(browsingSize, SHARED_LIMITS), reservedOf, () => browsing!)) : main,
  );
  return {
    ...main,
    close: async () => {
      await Promise.all([main.close(), reserved?.close(), browsing?.close()]);
    },
  };
}

function over(pool: pg.Pool, reserved: () => PostgresDatabase, browsing: () => PostgresDatabase): PostgresDatabase {
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
    usesTls: async () =>
      (await pool.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()')).rows[0]?.ssl ===
      true,
    reserved,
    browsing,
    waiting: () => pool.waitingCount,
    migrate: async () => {
      const client = await pool.connect();
      // Waiting here while another instance migrates is expected, however long that takes.
      unlimited.add(client);
      try {
        await client.query('set statement_timeout = 0; set lock_timeout = 0');
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migrate(drizzle(client) as NodePgDatabase, { migrationsFolder: POSTGRES_MIGRATIONS });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        // Back to the limits the connection started with before the pool hands it to a request (or dropped).
        const unreset = await client.query('reset statement_timeout; reset lock_timeout').then(
          () => undefined,
          (err: Error) => err,
        );
        unlimited.delete(client);
        client.release(unreset);
      }
    },
    close: () => pool.end(),
  };
}
