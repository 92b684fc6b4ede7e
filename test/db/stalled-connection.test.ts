import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres, rowsOf } from '../../src/db/index.js';
import { freshDatabaseUrl, onSqlite } from '../support/db.js';
import { stallingProxy } from '../support/stalling-proxy.js';

describe.skipIf(onSqlite)('a connection whose server goes silent', () => {
  it('is closed after the hold limit, and the next transaction runs on a new connection', async () => {
    const { url } = await freshDatabaseUrl();
    const proxy = await stallingProxy(new URL(url));
    const db = openPostgres(proxy.url, { holdLimitMs: 1000 });
    afterAll(async () => {
      await proxy.close();
      await db.close().catch(() => undefined);
    });
    const one = () => db.withTransaction((tx) => rowsOf<{ n: number }>(tx, sql`select 1 as n`));
    expect(await one()).toEqual([{ n: 1 }]);

    proxy.stall({ onlyOpen: true });
    const outcome = await Promise.race([
      one().then(
        () => 'answered',
        (err: Error) => err.message,
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 8 s'), 8000)),
    ]);
    expect(outcome).not.toBe('still waiting after 8 s');
    expect(outcome).not.toBe('answered');

    expect(await one()).toEqual([{ n: 1 }]);
  });
});
