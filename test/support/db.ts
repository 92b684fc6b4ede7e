import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openDatabase, migrateDatabase, type Db } from '../../src/db/index.js';

/** A real SQLite file in a temporary folder, migrated by the real migrations; removed after the file's tests. */
export function migratedDatabase(): { db: Db; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const path = join(dir, 'nested', 'switchboard.db');
  const db = openDatabase(path);
  migrateDatabase(db);
  afterAll(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, path };
}
