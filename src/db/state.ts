import { eq } from 'drizzle-orm';
import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';
import type { Conn as Db } from './client.js';

/** Small named values the service keeps across restarts (the voicemail-link secret, job bookmarks). */
export const serviceState = sqliteTable('service_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export function readState(db: Db, key: string): string | undefined {
  return db.select().from(serviceState).where(eq(serviceState.key, key)).get()?.value;
}

export function writeState(db: Db, key: string, value: string, now: Date): void {
  db.insert(serviceState)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: serviceState.key, set: { value, updatedAt: now } })
    .run();
}

/** The value under `key`, created once by `make` if absent (the first writer wins). */
export function readOrCreateState(db: Db, key: string, make: () => string, now: Date): string {
  db.insert(serviceState).values({ key, value: make(), updatedAt: now }).onConflictDoNothing().run();
  return readState(db, key)!;
}
