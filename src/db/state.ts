import { eq, max, sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Q, ReadQ } from './engine.js';
import { rowsOf } from './engine.js';
import { counters, serviceState } from './tables.js';

export async function readState(q: ReadQ, key: string): Promise<string | undefined> {
  const [row] = await q.select({ value: serviceState.value }).from(serviceState).where(eq(serviceState.key, key));
  return row?.value;
}

export async function writeState(tx: Q, key: string, value: string, now: Date): Promise<void> {
  await tx
    .insert(serviceState)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: serviceState.key, set: { value, updatedAt: now } });
}

/** The value under `key`, created once by `make` if absent (the first writer wins, on every instance). */
export async function readOrCreateState(tx: Q, key: string, make: () => string, now: Date): Promise<string> {
  await tx.insert(serviceState).values({ key, value: make(), updatedAt: now }).onConflictDoNothing();
  return (await readState(tx, key))!;
}

/**
 * Counters PostgreSQL keeps as sequences (migrations/postgres/0006): a number is handed out without a
 * lock held to the commit, so transactions that each open a ticket run side by side; a number taken by
 * a transaction that fails is skipped.
 */
const POSTGRES_SEQUENCES: Readonly<Record<string, string>> = { ticket_number: 'ticket_number_seq' };

/**
 * The next number of a counter, in the caller's transaction: on SQLite the row is locked until it
 * commits (its one writer takes turns anyway), so no two transactions hand out the same number. A
 * counter starts after the highest value `column` holds.
 */
export async function nextNumber(tx: Q, name: string, column: AnySQLiteColumn, first: number): Promise<number> {
  const sequence = POSTGRES_SEQUENCES[name];
  if (sequence && typeof (tx as { execute?: unknown }).execute === 'function') {
    const [row] = await rowsOf<{ value: string | number }>(tx, sql`select nextval(${sequence}::regclass) as value`);
    return Number(row!.value);
  }
  const [bumped] = await tx
    .update(counters)
    .set({ value: sql`${counters.value} + 1` })
    .where(eq(counters.name, name))
    .returning({ value: counters.value });
  if (bumped) return bumped.value;
  const [top] = await tx.select({ top: max(column) }).from(column.table);
  const start = Math.max(Number(top?.top ?? 0) + 1, first);
  await tx
    .insert(counters)
    .values({ name, value: start - 1 })
    .onConflictDoNothing();
  return nextNumber(tx, name, column, first);
}
