import { and, eq, like, max, ne, sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Q, ReadQ } from './engine.js';
import { counters, serviceState } from './tables.js';

export async function readState(q: ReadQ, key: string): Promise<string | undefined> {
  const [row] = await q.select({ value: serviceState.value }).from(serviceState).where(eq(serviceState.key, key));
  return row?.value;
}

/** Every value whose key starts with `prefix` (a few rows: statuses kept per mailbox, say). */
export async function readStatesLike(q: ReadQ, prefix: string): Promise<{ key: string; value: string }[]> {
  const rows = await q
    .select({ key: serviceState.key, value: serviceState.value })
    .from(serviceState)
    .where(like(serviceState.key, `${prefix.replace(/[%_\\]/g, '\\$&')}%`));
  return rows.filter((r) => r.key.startsWith(prefix));
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
 * The next number of a counter, in the caller's transaction: the row is locked until it commits, so two
 * instances never hand out the same number. A counter starts after the highest value `column` holds.
 */
export async function nextNumber(tx: Q, name: string, column: AnySQLiteColumn, first: number): Promise<number> {
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

/**
 * Counts one more under `key` in the fixed window of `windowMs` that holds `now`, and answers the count so
 * far (1 for the first) and when the window ends. One conditional insert-or-increment, so every instance
 * counts against the same row; the key's earlier windows are dropped as it goes.
 */
export async function countInWindow(
  tx: Q,
  key: string,
  windowMs: number,
  now: Date,
): Promise<{ count: number; until: Date }> {
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const name = `${key}@${start}`;
  const [row] = await tx
    .insert(counters)
    .values({ name, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value });
  await tx.delete(counters).where(and(like(counters.name, `${key}@%`), ne(counters.name, name)));
  return { count: row!.value, until: new Date(start + windowMs) };
}
