import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { getTableConfig as pgTableConfig } from 'drizzle-orm/pg-core';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import * as tables from '../../src/db/schema.js';
import * as postgresTables from '../../src/db/postgres-tables.js';

const run = promisify(execFile);
const sqliteTables = Object.entries(tables).filter(([, v]) => is(v, SQLiteTable)) as [string, SQLiteTable][];

describe('the table declarations', () => {
  it('give PostgreSQL every table SQLite has, with the same columns', () => {
    expect(Object.keys(postgresTables).sort()).toEqual(sqliteTables.map(([name]) => name).sort());
    for (const [name, table] of sqliteTables) {
      const pg = pgTableConfig(postgresTables[name as keyof typeof postgresTables]!);
      const lite = getTableConfig(table);
      expect(pg.name).toBe(lite.name);
      expect(pg.columns.map((c) => c.name).sort()).toEqual(lite.columns.map((c) => c.name).sort());
      expect(pg.indexes.length + pg.uniqueConstraints.length).toBeGreaterThanOrEqual(lite.indexes.length);
      expect(pg.foreignKeys).toHaveLength(lite.foreignKeys.length);
    }
  });

  // The migrations are generated from the declarations; one that was changed without `npm run db:generate`
  // would leave an engine without a column the code uses.
  describe('match the migrations of both engines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-migrations-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    for (const [engine, dialect, schema] of [
      ['sqlite', 'sqlite', './src/db/schema.ts'],
      ['postgres', 'postgresql', './src/db/postgres-tables.ts'],
    ] as const) {
      it(`${engine}: drizzle-kit finds nothing left to migrate`, async () => {
        const out = join(dir, engine);
        cpSync(join('migrations', engine), out, { recursive: true });
        const before = readdirSync(out).sort();
        // drizzle-kit takes the output folder relative to the working directory.
        const { stdout } = await run('npx', [
          'drizzle-kit',
          'generate',
          '--dialect',
          dialect,
          '--schema',
          schema,
          '--out',
          relative(process.cwd(), out),
        ]);
        expect(stdout).toContain('No schema changes');
        expect(readdirSync(out).sort()).toEqual(before);
      });
    }
  });
});
