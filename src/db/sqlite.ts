import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import pLimit from 'p-limit';
import { isBusy, retryWhenBusy } from './busy.js';
import type { Database, Q } from './engine.js';
import * as schema from './schema.js';

export const SQLITE_MIGRATIONS = fileURLToPath(new URL('../../migrations/sqlite', import.meta.url));

/** How long one statement waits for another process's lock, blocking the event loop; longer waits are retried asynchronously. */
export const BUSY_TIMEOUT_MS = 20;
/** How long queued writers may keep the event loop before it turns once (see withTransaction). */
const WRITER_SLICE_MS = 10;

export interface SqliteDatabase extends Database {
  readonly engine: 'sqlite';
  readonly path: string;
  /** The connection itself, for the speed work that stays behind SQLite's stores (prepared statements, group commit). */
  readonly connection: Sqlite.Database;
  /** Runs `write` as the only writer of this process (as withTransaction does), for a raw transaction of the connection. */
  exclusive<T>(write: () => T): Promise<T>;
}

/** Statements kept compiled, by their SQL text: the queries a service runs are a few hundred shapes. */
const STATEMENT_CACHE = 1000;

/**
 * Drizzle asks the connection to prepare a statement for every query it runs, and compiling the same
 * SQL again costs about a tenth of a small write. The connection keeps the compiled statements by their
 * text (least recently used out first). A better-sqlite3 statement may be run again once a run has
 * returned, and every run here returns before the next query starts (no iterators); a statement handed
 * out again is set back to returning objects, since drizzle switches it to arrays (raw) when it wants them.
 */
function keepStatements(connection: Sqlite.Database): void {
  const prepare = connection.prepare.bind(connection);
  const kept = new Map<string, Sqlite.Statement>();
  connection.prepare = ((source: string) => {
    let statement = kept.get(source);
    if (statement) {
      kept.delete(source);
      kept.set(source, statement);
      if (statement.reader) statement.raw(false);
      return statement;
    }
    statement = prepare(source);
    kept.set(source, statement);
    if (kept.size > STATEMENT_CACHE) kept.delete(kept.keys().next().value!);
    return statement;
  }) as typeof connection.prepare;
}

/**
 * Opens the SQLite file in WAL mode with foreign keys on. A new file is created readable by this user
 * only (0600) in a folder only this user can enter (0700): it holds callers' numbers and words. SQLite
 * gives its -wal and -shm files the database file's permissions.
 *
 * One connection serves the process: a transaction takes SQLite's write lock at its start (BEGIN
 * IMMEDIATE) and the process's writers take turns, so no statement of another request ever lands in
 * someone else's transaction.
 */
export function openSqlite(path: string): SqliteDatabase {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  }
  const connection = new Sqlite(path);
  connection.pragma('journal_mode = WAL');
  connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  connection.pragma('foreign_keys = ON');
  // NORMAL in WAL mode keeps every commit atomic and durable across a process crash; only a power
  // cut can lose the last transactions, which Fly volumes' snapshots and Litestream cover.
  connection.pragma('synchronous = NORMAL');
  keepStatements(connection);
  const orm = drizzle(connection, { schema });
  const q = orm as unknown as Q;
  const writer = pLimit(1);
  const inTransaction = new AsyncLocalStorage<true>();
  let savepoints = 0;
  // Set while another process holds the lock: each waiting writer then lets the event loop turn before
  // its own (blocking, BUSY_TIMEOUT_MS) try, so thirty queued writers never hold it for thirty timeouts.
  let contended = false;
  let turned = performance.now();

  return {
    engine: 'sqlite',
    path,
    connection,
    q,
    exclusive: (write) => writer(async () => write()),
    withTransaction: (work, options) => {
      if (inTransaction.getStore()) throw new Error('a transaction inside a transaction: use savepoint');
      return retryWhenBusy(
        () =>
          writer(() =>
            inTransaction.run(true, async () => {
              // Statements run on the event loop, and queued writers follow one another without letting
              // it turn: after a slice of that it turns once, so a burst of requests does not hold up
              // everything else (the pages being sent among them).
              if (contended || (writer.pendingCount > 0 && performance.now() - turned > WRITER_SLICE_MS)) {
                await new Promise((resolve) => setImmediate(resolve));
                turned = performance.now();
              }
              try {
                connection.exec('BEGIN IMMEDIATE');
                contended = false;
              } catch (err) {
                contended = isBusy(err);
                throw err;
              }
              try {
                const result = await work(q);
                connection.exec('COMMIT');
                return result;
              } catch (err) {
                if (connection.inTransaction) connection.exec('ROLLBACK');
                throw err;
              }
            }),
          ),
        options?.retryForMs,
      );
    },
    savepoint: async (tx, work) => {
      const name = `sp${++savepoints}`;
      connection.exec(`SAVEPOINT ${name}`);
      try {
        const result = await work(tx);
        connection.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        connection.exec(`ROLLBACK TO ${name}`);
        connection.exec(`RELEASE ${name}`);
        throw err;
      }
    },
    reserved() {
      return this;
    },
    browsing() {
      return this;
    },
    waiting: () => writer.pendingCount,
    migrate: async () => {
      // For the migration that turned base64 text into bytes (0019): SQLite has no base64 decoder of its own.
      connection.function('unbase64', { deterministic: true }, (text: unknown) =>
        typeof text === 'string' ? Buffer.from(text, 'base64') : null,
      );
      migrate(orm, { migrationsFolder: SQLITE_MIGRATIONS });
    },
    close: async () => void connection.close(),
  };
}
