import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';

/** SQLite's "another connection holds the lock" (another process on the same file). */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Retries run one at a time, with a pause after each that finds the lock still taken: a statement
 * waiting for the lock blocks the event loop (for the connection's short busy timeout), and thirty
 * requests retrying together must not add up to seconds of it.
 */
const retries = pLimit(1);
const PAUSE_AFTER_BUSY_MS = 20;

/**
 * Runs `work` again while the database is locked by someone else, waiting between tries without
 * blocking the event loop, for at most `budgetMs`; then the last error is thrown. Work given here
 * must be safe to repeat (each step keys its writes, as webhooks are retried anyway).
 */
export async function retryWhenBusy<T>(work: () => T | Promise<T>, budgetMs = 8_000): Promise<T> {
  const giveUpAt = Date.now() + budgetMs;
  try {
    return await work();
  } catch (err) {
    if (!isBusy(err)) throw err;
  }
  for (let attempt = 1; ; attempt++) {
    await sleep(Math.min(25 * 2 ** attempt, 400) * (0.5 + Math.random() / 2));
    try {
      return await retries(async () => {
        try {
          return await work();
        } catch (err) {
          if (isBusy(err)) await sleep(PAUSE_AFTER_BUSY_MS);
          throw err;
        }
      });
    } catch (err) {
      if (!isBusy(err) || Date.now() >= giveUpAt) throw err;
    }
  }
}
