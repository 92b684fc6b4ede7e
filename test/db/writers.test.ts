import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/index.js';
import { sql } from 'drizzle-orm';
import { migratedDatabase } from '../support/db.js';

describe('a burst of writers', async () => {
  const { db } = await migratedDatabase();

  // A burst of emergencies queues dozens of transactions at once; on SQLite they run on the event loop,
  // and the pages already being sent need it to turn for their answers to be read.
  it('lets the event loop turn while it is worked through', async () => {
    let done = 0;
    let doneWhenTurned: number | undefined;
    const writes = Array.from({ length: 200 }, () =>
      db.withTransaction(async (tx) => {
        await rowsOf(tx, sql`select 1 as one`);
        const until = performance.now() + 0.25;
        while (performance.now() < until); // a write's own work
        done++;
      }),
    );
    setImmediate(() => (doneWhenTurned = done));
    await Promise.all(writes);
    expect(done).toBe(200);
    expect(doneWhenTurned).toBeDefined();
    expect(doneWhenTurned!).toBeLessThan(100);
  });
});
