import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, inject } from 'vitest';
import { databaseOf } from '../../src/config/env.js';
import { openDatabase, openSqlite, rowsOf, type Database } from '../../src/db/index.js';

/** Which engine the suite runs on: `npm test` uses SQLite, `npm run test:postgres` PostgreSQL. */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
export const onSqlite = TEST_ENGINE === 'sqlite';
const TEMPLATE = 'switchboard_template';

/** Runs one statement on the cluster's maintenance database. */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  /** Its DATABASE_URL. */
  url: string;
  /** The SQLite file, on SQLite. */
  path?: string;
  /** Removes it (the SQLite file, or the PostgreSQL database, closing whatever is still connected). */
  remove(): Promise<void>;
}

/**
 * A new, migrated, empty database of the engine under test: an SQLite file (in `dir`, or a new temporary
 * folder), or a copy of the migrated template on the private PostgreSQL cluster (test/support/global-setup.ts).
 * With `empty`, not even migrated.
 */
export async function createTestDatabase(dir?: string, options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (onSqlite) {
    const folder = dir ?? mkdtempSync(join(tmpdir(), 'switchboard-test-'));
    const path = join(folder, 'nested', 'switchboard.db');
    const db = openSqlite(path);
    if (!options.empty) await db.migrate();
    await db.close();
    return {
      url: `file:${path}`,
      path,
      remove: async () => rmSync(dir ? dirname(path) : folder, { recursive: true, force: true }),
    };
  }
  const name = `test_${randomBytes(6).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin(`create database "${name}"${options.empty ? '' : ` template "${TEMPLATE}"`}`);
      break;
    } catch (err) {
      // Two copies of one template cannot be made at the same moment: wait and try again.
      if ((err as { code?: string }).code !== '55006' || attempt > 100) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  return { url: url.toString(), remove: () => admin(`drop database if exists "${name}" with (force)`) };
}

/** As createTestDatabase, removed after the file's tests. */
export async function freshDatabaseUrl(options: { empty?: boolean } = {}): Promise<{ url: string; path?: string }> {
  const created = await createTestDatabase(undefined, options);
  afterAll(() => created.remove());
  return created;
}

/** A real database of the engine under test, migrated by the real migrations; closed and removed after the file's tests. */
export async function migratedDatabase(): Promise<{ db: Database; url: string; path?: string }> {
  const { url, path } = await freshDatabaseUrl();
  const db = openDatabase(databaseOf(url)!);
  afterAll(() => db.close());
  return { db, url, path };
}

/** Reads a database from outside the service (as an operator would), with SQL both engines understand. */
export async function queryDatabase<T>(url: string, text: string): Promise<T[]> {
  const db = openDatabase(databaseOf(url)!);
  try {
    return await rowsOf<T>(db.q, sql.raw(text));
  } finally {
    await db.close();
  }
}

/** Runs statements on a database from outside the service, with its own driver (a test's sabotage: a trigger). */
export async function execDatabase(url: string, statements: string): Promise<void> {
  const target = databaseOf(url)!;
  if (target.engine === 'sqlite') {
    const db = new BetterSqlite3(target.path);
    try {
      db.exec(statements);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query(statements);
  } finally {
    await client.end();
  }
}
