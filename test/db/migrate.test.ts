import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { databaseOf } from '../../src/config/env.js';
import { openDatabase } from '../../src/db/index.js';
import { freshDatabaseUrl, queryDatabase, TEST_ENGINE } from '../support/db.js';

describe('migrations', async () => {
  const { url } = await freshDatabaseUrl({ empty: true });

  it('are applied once when several instances start at the same moment on a new database', async () => {
    const instances = Array.from({ length: 4 }, () => openDatabase(databaseOf(url)!));
    try {
      await Promise.all(instances.map((db) => db.migrate()));
    } finally {
      await Promise.all(instances.map((db) => db.close()));
    }
    const files = readdirSync(`migrations/${TEST_ENGINE}`).filter((f) => f.endsWith('.sql'));
    const table = TEST_ENGINE === 'postgres' ? 'drizzle.__drizzle_migrations' : '__drizzle_migrations';
    const [applied] = await queryDatabase<{ n: number | string }>(url, `select count(*) as n from ${table}`);
    expect(Number(applied!.n)).toBe(files.length);
    const [tickets] = await queryDatabase<{ n: number | string }>(url, 'select count(*) as n from tickets');
    expect(Number(tickets!.n)).toBe(0);
  });
});
