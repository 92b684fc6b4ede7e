import { describe, expect, it } from 'vitest';
import { databaseOf } from '../../src/config/env.js';
import { openDatabase, releaseLease, takeLease } from '../../src/db/index.js';
import { JOB_LEASE_MS } from '../../src/scheduler.js';
import { migratedDatabase } from '../support/db.js';

describe('job leases', async () => {
  const { db, url } = await migratedDatabase();
  const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 12, 0, s));
  const take = (holder: string, now: Date, ms = JOB_LEASE_MS) =>
    db.withTransaction((tx) => takeLease(tx, 'sla-checks', holder, now, new Date(now.getTime() + ms)));

  it('go to one holder at a time; a dead holder’s lease is taken over once it runs out, within 30 s', async () => {
    expect(JOB_LEASE_MS).toBeLessThanOrEqual(30_000);
    expect(await take('a', at(0))).toBe(true);
    expect(await take('b', at(1))).toBe(false);
    expect(await take('a', at(2))).toBe(true); // its own, renewed
    // "a" dies without giving the lease back: "b" gets it once the lease has run out.
    expect(await take('b', at(26))).toBe(false);
    expect(await take('b', at(28))).toBe(true);
    expect(await take('a', at(29))).toBe(false);
  });

  it('are given back when the job is done, so the next run anywhere need not wait', async () => {
    expect(await db.withTransaction((tx) => takeLease(tx, 'ledger', 'a', at(0), at(25)))).toBe(true);
    await db.withTransaction((tx) => releaseLease(tx, 'ledger', 'a'));
    expect(await db.withTransaction((tx) => takeLease(tx, 'ledger', 'b', at(1), at(26)))).toBe(true);
  });

  it('go to exactly one of several instances asking at the same moment', async () => {
    // Separate connections, as separate instances have (on SQLite, separate processes share the file).
    const others = Array.from({ length: 6 }, () => openDatabase(databaseOf(url)!));
    try {
      const won = await Promise.all(
        others.map((other, i) =>
          other.withTransaction((tx) => takeLease(tx, 'monthly-summary', `instance-${i}`, at(0), at(25))),
        ),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });
});
