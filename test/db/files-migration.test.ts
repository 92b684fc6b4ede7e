import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3';
import { migrate as sqliteMigrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { migrate as pgMigrate } from 'drizzle-orm/node-postgres/migrator';
import { describe, expect, it } from 'vitest';
import { databaseOf } from '../../src/config/env.js';
import { openDatabase, type PostgresDatabase, type SqliteDatabase } from '../../src/db/index.js';
import { writeFile } from '../../src/files/index.js';
import { signedIn, testApp } from '../support/app.js';
import { execDatabase, freshDatabaseUrl, onSqlite } from '../support/db.js';

/**
 * Files kept as base64 text before the files became bytes in chunks: a database at the last migration
 * before the change, with such rows, is migrated by the real migrations and every file still downloads
 * byte for byte, on both engines.
 */
const ENGINE = onSqlite ? 'sqlite' : 'postgres';
/** The last migration of each engine before files were kept in chunks. */
const BEFORE = { sqlite: '0018_oncall_feeds', postgres: '0010_oncall_feeds' }[ENGINE];

/** A copy of the engine's migrations up to `last`, as the migrator reads them. */
function migrationsUpTo(last: string): string {
  const source = join(import.meta.dirname, '../../migrations', ENGINE);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(source, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const upTo = journal.entries.findIndex((e) => e.tag === last);
  expect(upTo).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, upTo + 1);
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) cpSync(join(source, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  return dir;
}

describe('files kept as base64 before, after the migrations', async () => {
  const { url } = await freshDatabaseUrl({ empty: true });
  const big = randomBytes(700 * 1024); // base64: 955,736 characters, four chunks
  const small = Buffer.from('%PDF-1.7\nA small contract.\n');

  it('are moved into chunks and download byte for byte; an empty one stays empty, one never kept stays gone', async () => {
    const old = openDatabase(databaseOf(url)!);
    const folder = migrationsUpTo(BEFORE);
    // better-sqlite3's migrator runs at once (it returns nothing to wait for).
    if (old.engine === 'sqlite')
      sqliteMigrate(sqliteDrizzle((old as SqliteDatabase).connection), { migrationsFolder: folder });
    else await pgMigrate(pgDrizzle((old as PostgresDatabase).pool), { migrationsFolder: folder });
    await old.close();
    const at = Date.parse('2026-11-20T10:00:00Z');
    const b64 = (b: Buffer) => `'${b.toString('base64')}'`;
    await execDatabase(
      url,
      `insert into clients (id, name, support_code, created_at) values (1, 'Acme Dental', '4417', ${at});
       insert into tickets (id, number, client_id, unidentified, emergency, priority, status, summary, created_at, updated_at)
         values (1, 1001, 1, false, false, 'medium', 'new', 'Files from before', ${at}, ${at});
       insert into ticket_messages (id, ticket_id, direction, message_id, from_address, to_address, subject, body, original, at)
         values (1, 1, 'in', 'm1@acme.example', 'dana@acme.example', 'support@example.com', 'Files', 'Attached.', 'Attached.', ${at});
       insert into ticket_attachments (id, message_id, filename, content_type, size, content) values
         (1, 1, 'capture.bin', 'application/octet-stream', ${big.length}, ${b64(big)}),
         (2, 1, 'contract.pdf', 'application/pdf', ${small.length}, ${b64(small)}),
         (3, 1, 'empty.txt', 'text/plain', 0, ''),
         (4, 1, 'huge.iso', 'application/octet-stream', 900000000, null);`,
    );

    const h = await testApp({ databaseUrl: url });
    await h.db.migrate();
    const staff = await signedIn(h, { email: 'erin@example.com', name: 'Erin', role: 'engineer' });
    const get = (id: number) =>
      staff.agent
        .get(`/dashboard/tickets/1001/attachments/${id}`)
        .buffer(true)
        .parse((res, done) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => done(null, Buffer.concat(parts)));
        });
    const first = await get(1);
    expect(first.status).toBe(200);
    expect(Buffer.compare(first.body as Buffer, big)).toBe(0);
    expect(Buffer.compare((await get(2)).body as Buffer, small)).toBe(0);
    const empty = await get(3);
    expect(empty.status).toBe(200);
    expect((empty.body as Buffer).length).toBe(0);
    expect((await get(4)).status).toBe(410);
    const page = await staff.agent.get('/dashboard/tickets/1001').expect(200);
    expect(page.text).toContain('capture.bin');
    // A new file after the moved ones gets an id of its own (PostgreSQL's identity was moved past them).
    const fresh = await h.db.withTransaction((tx) => writeFile(tx, 1, new Date(at), Buffer.from('new')));
    expect(fresh).toBe(4);
  });
});
