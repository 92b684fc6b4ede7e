import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Database } from './engine.js';
import { rateLimitHits } from './tables.js';

/** What a rate limiter needs of a store (express-rate-limit's Store, by shape). */
export interface SharedLimitStore {
  readonly prefix: string;
  readonly localKeys: false;
  init(options: { windowMs: number }): void;
  increment(key: string): Promise<{ totalHits: number; resetTime: Date }>;
  decrement(key: string): Promise<void>;
  resetKey(key: string): Promise<void>;
}

/** Expired counts are swept after this many increments in a process. */
const SWEEP_EVERY = 200;

/**
 * A rate limiter's counts kept in the database, so every instance on PostgreSQL counts against one limit
 * and a restart forgets nothing: each increment is one statement (a new window starts once the last one
 * has ended). `name` keeps each limiter's keys apart. Windows are on the real clock, as express-rate-limit
 * reads it (it takes nothing off a count whose window it sees as over).
 */
export function sharedLimitStore(db: Database, name: string): SharedLimitStore {
  let windowMs = 60_000;
  let increments = 0;
  const now = () => new Date();
  const prefix = `${name}:`;
  return {
    prefix,
    localKeys: false,
    init: (options) => {
      windowMs = options.windowMs;
    },
    increment: async (key) => {
      const at = now();
      const ended = sql`${rateLimitHits.resetAt} <= ${at.getTime()}`;
      const next = new Date(at.getTime() + windowMs);
      const [row] = await db.withTransaction((tx) =>
        tx
          .insert(rateLimitHits)
          .values({ key: prefix + key, hits: 1, resetAt: next })
          .onConflictDoUpdate({
            target: rateLimitHits.key,
            set: {
              hits: sql`case when ${ended} then 1 else ${rateLimitHits.hits} + 1 end`,
              resetAt: sql`case when ${ended} then ${next.getTime()} else ${rateLimitHits.resetAt} end`,
            },
          })
          .returning({ hits: rateLimitHits.hits, resetAt: rateLimitHits.resetAt }),
      );
      if (++increments % SWEEP_EVERY === 0)
        await db
          .withTransaction((tx) => tx.delete(rateLimitHits).where(lt(rateLimitHits.resetAt, at)))
          .catch(() => undefined);
      return { totalHits: row!.hits, resetTime: row!.resetAt };
    },
    decrement: async (key) => {
      await db.withTransaction((tx) =>
        tx
          .update(rateLimitHits)
          .set({ hits: sql`${rateLimitHits.hits} - 1` })
          .where(and(eq(rateLimitHits.key, prefix + key), gt(rateLimitHits.hits, 0), gt(rateLimitHits.resetAt, now()))),
      );
    },
    resetKey: async (key) => {
      await db.withTransaction((tx) => tx.delete(rateLimitHits).where(eq(rateLimitHits.key, prefix + key)));
    },
  };
}
