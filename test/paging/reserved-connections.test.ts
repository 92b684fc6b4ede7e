import { describe, expect, it } from 'vitest';
import type { PostgresDatabase } from '../../src/db/postgres.js';
import { onSqlite } from '../support/db.js';
import { pagingHarness } from '../support/paging.js';
import { Caller } from '../support/phone.js';

// SQLite has one writer that everyone takes turns on; on PostgreSQL requests share a pool of connections,
// and a burst of calls can hold every one of them.
describe.skipIf(onSqlite)('pages while every request connection is taken', async () => {
  it('still go out: the pager has connections of its own', async () => {
    const h = await pagingHarness();
    await h.stopWorker();
    const caller = new Caller(h.app, '+13125550301');
    await caller.dial();
    await caller.press('5');
    await caller.press('');
    await caller.leaveVoicemail(15);

    // Every connection of the requests' pool is taken by a transaction that waits.
    const pool = (h.db as PostgresDatabase).pool;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The requests' pool: DATABASE_POOL_SIZE less the connections set apart for browsing.
    const size = pool.options.max;
    const held = Array.from({ length: size }, () => h.db.withTransaction(() => gate));
    while (pool.totalCount < size || pool.idleCount > 0) await new Promise((r) => setTimeout(r, 10));
    expect(pool.waitingCount).toBe(0);

    try {
      h.startWorker();
      const settled = await Promise.race([
        h.settle().then(() => 'settled'),
        new Promise((r) => setTimeout(() => r('still waiting'), 3000)),
      ]);
      expect(settled).toBe('settled');
      expect(h.twilio.messages.map((m) => m.to)).toEqual(expect.arrayContaining(['+15550200003', '+15550200002']));
      expect(h.smtp.mails.map((m) => m.to[0])).toEqual(expect.arrayContaining(['ed@example.com', 'alan@example.com']));
    } finally {
      release();
      await Promise.all(held);
    }
  });
});
