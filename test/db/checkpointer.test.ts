import { statSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/db/checkpointer.js';
import type { SqliteDatabase } from '../../src/db/index.js';
import { migratedDatabase, onSqlite } from '../support/db.js';

// SQLite's write-ahead log and its checkpoints; a PostgreSQL server checkpoints by itself.
describe.skipIf(!onSqlite)('the WAL checkpointer', async () => {
  const { db: opened, path } = onSqlite ? await migratedDatabase() : { db: undefined, path: '' };
  const db = opened as SqliteDatabase;

  it('checkpoints from its own thread while the service connection leaves it alone, and hands back on stop', async () => {
    const checkpointer = startCheckpointer(db, pino({ level: 'silent' }), 50);
    expect(db.connection.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path!).size;
    const insert = db.connection.prepare(`insert into service_state (key, value, updated_at) values (?, ?, 0)`);
    for (let i = 0; i < 500; i++) insert.run(`k${i}`, 'x'.repeat(500));
    // What was written sits in the WAL until a checkpoint copies it into the database file; this
    // connection never does, so the file grows only by the worker's checkpoints.
    expect(statSync(path!).size).toBe(before);
    await expect.poll(() => statSync(path!).size, { timeout: 5000 }).toBeGreaterThan(before + 250_000);
    await checkpointer.stop();
    expect(db.connection.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
