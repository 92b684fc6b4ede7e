import { sql, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * What a store queries with, in a transaction or not. The tables are declared once (drizzle's SQLite
 * dialect) and PostgreSQL keeps the same values the same way (src/db/postgres-schema.ts), so one query
 * serves both engines: on PostgreSQL it runs through drizzle's node-postgres session. A query is
 * always awaited (`.get()`, `.all()` and `.run()` exist on SQLite alone, so they are not offered), and
 * counts come from `.returning()`, never from a driver's result.
 */
export type Q = Omit<
  BaseSQLiteDatabase<'async', unknown, typeof schema>,
  'transaction' | 'batch' | 'run' | 'all' | 'get' | 'values'
>;

/**
 * Reads only: what `Database.q` offers outside a transaction. Every write goes through withTransaction,
 * so on SQLite, where the process shares one connection, no write can land in another request's
 * transaction, and on both engines a write and what it implies are committed together.
 */
export type ReadQ = Pick<Q, 'select' | 'selectDistinct' | '$with' | 'with'>;

export interface TransactionOptions {
  /** How long to keep trying while another writer is in the way (default 4 s); 0 tries once (health checks). */
  retryForMs?: number;
  /**
   * How long a statement may wait for a row or table another transaction has locked before failing
   * (PostgreSQL; SQLite's wait for its one lock is always short): a health check answers, never hangs.
   */
  lockTimeoutMs?: number;
}

/** A connection to the service's database, whichever the engine. */
export interface Database {
  readonly engine: Engine;
  /** Reads outside a transaction (writes go through withTransaction). */
  readonly q: ReadQ;
  /**
   * Runs `work` in one transaction: all of it is committed or none of it. Retried from the start when
   * the engine reports a conflict (another writer, a serialization failure), so `work` must be safe to
   * run again and must not wait on anything but the database.
   */
  withTransaction<T>(work: (tx: Q) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** A part of a transaction that may fail alone: if `work` throws, only what it did is undone. */
  savepoint<T>(tx: Q, work: (tx: Q) => Promise<T>): Promise<T>;
  /**
   * The same database through connections kept for the pager, so that sending pages never waits behind
   * a burst of requests for a connection (PostgreSQL). SQLite's one writer serves everyone in turn, so
   * there it is the database itself.
   */
  reserved(): Database;
  /**
   * The same database through a few connections of the pool set apart for the pages people browse (the
   * portal, the public notices, the dashboard), so that a crowd of them, or one hostile client, never
   * takes the connections calls, email and the API need (PostgreSQL). On SQLite, the database itself.
   */
  browsing(): Database;
  /** How many queries or transactions are waiting for a connection or the writer now: a measure of pressure. */
  waiting(): number;
  /** Applies the migrations this database has not seen (several instances starting at once take turns). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Locks the rows a select reads until the transaction ends (PostgreSQL; SQLite's writer holds the whole file). */
export function forUpdate<T>(query: T): T {
  const lockable = query as unknown as { for?: (strength: 'update') => T };
  return typeof lockable.for === 'function' ? lockable.for('update') : query;
}

/** As forUpdate, skipping rows another instance has locked: for claiming work (outbox rows, due steps). */
export function skipLocked<T>(query: T): T {
  const lockable = query as unknown as { for?: (strength: 'update', config: { skipLocked: true }) => T };
  return typeof lockable.for === 'function' ? lockable.for('update', { skipLocked: true }) : query;
}

/**
 * The rows of a query written in SQL (drizzle's `sql` template, so values are parameters): for the few
 * reports the query builder cannot express. Aliases in mixed case must be double-quoted (PostgreSQL
 * folds bare names to lower case).
 */
export async function rowsOf<T>(q: ReadQ, query: SQL): Promise<T[]> {
  const session = q as unknown as {
    all?: (query: SQL) => T[] | Promise<T[]>;
    execute?: (query: SQL) => Promise<{ rows: T[] }>;
  };
  if (typeof session.all === 'function') return session.all(query);
  return (await session.execute!(query)).rows;
}

/**
 * Lets this transaction's commit return before its WAL reaches the disk (PostgreSQL's synchronous_commit
 * off; SQLite: nothing changes). For writes that something later commits durably: PostgreSQL writes its WAL
 * in order, so the later durable commit makes these durable too, and a crash before it loses only what
 * nothing held yet (an upload's chunks before the message that keeps them).
 */
export async function commitLazily(tx: Q): Promise<void> {
  const session = tx as unknown as { execute?: (query: SQL) => Promise<unknown> };
  if (typeof session.execute === 'function') await session.execute(sql`set local synchronous_commit = off`);
}

/**
 * Makes transactions that decide the same thing take turns until they commit (PostgreSQL: a
 * transaction-level advisory lock on the key; SQLite's single writer already takes turns): two
 * instances deciding at once whether a person has had their three pages this minute.
 */
export async function takeTurns(tx: Q, key: string): Promise<void> {
  const session = tx as unknown as { execute?: (query: SQL) => Promise<unknown> };
  if (typeof session.execute === 'function') await session.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}
