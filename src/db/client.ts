import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** How long one statement waits for another process's lock, blocking the event loop; longer waits are retried asynchronously (retryWhenBusy). */
export const BUSY_TIMEOUT_MS = 20;

/**
 * Opens the SQLite file in WAL mode with foreign keys on. A new file is created readable by this
 * user only (0600) in a folder only this user can enter (0700): it holds callers' numbers and words.
 * SQLite gives its -wal and -shm files the database file's permissions.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  }
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  // NORMAL in WAL mode keeps every commit atomic and durable across a process crash; only a power
  // cut can lose the last transactions, which Fly volumes' snapshots and Litestream cover.
  sqlite.pragma('synchronous = NORMAL');
  return drizzle(sqlite, { schema }) as Db;
}

/** Applies the migrations drizzle-kit generated into migrations/ that this file has not seen. */
export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

/** A transaction handle; repositories take `Conn` so a service can run several of them in one transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Conn = Db | Tx;
