import { countInWindow, type Database } from '../db/index.js';

/**
 * How many texts from one number get an answer: staff commands, and the one line a client is sent (this
 * number takes calls). Counted in the database, so every instance agrees and a restart forgets nothing.
 */
export const TEXT_LIMITS = {
  staff: { count: 10, windowMs: 10 * 60_000 },
  client: { count: 1, windowMs: 24 * 3_600_000 },
} as const;

export type Texter = keyof typeof TEXT_LIMITS;

/**
 * What to do with one more text from a number: answer it; or, the first time past the limit, say so
 * once (`warn`); or stay silent, since each reply is paid for.
 */
export async function textAllowance(
  db: Database,
  who: Texter,
  phone: string,
  now: Date,
): Promise<{ verdict: 'answer' | 'warn' | 'silent'; until: Date }> {
  const limit = TEXT_LIMITS[who];
  const { count, until } = await db.withTransaction((tx) =>
    countInWindow(tx, `texts:${who}:${phone}`, limit.windowMs, now),
  );
  const verdict = count <= limit.count ? 'answer' : count === limit.count + 1 && who === 'staff' ? 'warn' : 'silent';
  return { verdict, until };
}
