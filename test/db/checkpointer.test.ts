import { statSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/db/checkpointer.js';
import { migratedDatabase } from '../support/db.js';

describe('the WAL checkpointer', () => {
  const { db, path } = migratedDatabase();

  it('checkpoints from its own thread while the service connection leaves it alone, and hands back on stop', async () => {
    const checkpointer = startCheckpointer(db, path, pino({ level: 'silent' }), 50);
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path).size;
    const insert = db.$client.prepare(`insert into service_state (key, value, updated_at) values (?, ?, 0)`);
    for (let i = 0; i < 500; i++) insert.run(`k${i}`, 'x'.repeat(500));
    // What was written sits in the WAL until a checkpoint copies it into the database file; this
    // connection never does, so the file grows only by the worker's checkpoints.
    expect(statSync(path).size).toBe(before);
    await expect.poll(() => statSync(path).size, { timeout: 5000 }).toBeGreaterThan(before + 250_000);
    await checkpointer.stop();
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
