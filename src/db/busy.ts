import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { errorCode } from './errors.js';

/** PostgreSQL's serialization failure and deadlock: the transaction was undone and may simply run again. */
const PG_RETRYABLE = new Set(['40001', '40P01']);

/**
 * Another writer got in the way: SQLite's "another connection holds the lock" (another process on the
 * same file), or a PostgreSQL transaction undone for a conflict. Nothing was committed; trying again is safe.
 */
export function isBusy(err: unknown): boolean {
  const code = errorCode(err);
  if (!code) return false;
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || PG_RETRYABLE.has(code);
}

/**
 * Retries run one at a time, with a pause after each that finds the lock still taken: a statement
 * waiting for SQLite's lock blocks the event loop (for the connection's short busy timeout), and thirty
 * requests retrying together must not add up to seconds of it.
 */
const retries = pLimit(1);
const PAUSE_AFTER_BUSY_MS = 20;

/**
 * How long a transaction keeps trying while another writer is in the way: a webhook that cannot write
 * gives up in time to answer well before Twilio's 15 s (a webhook answers within WEBHOOK_DEADLINE_MS, 5 s).
 */
export const RETRY_BUDGET_MS = 4_000;

/**
 * Runs `work` again while another writer is in the way, waiting between tries without blocking the
 * event loop, for at most `budgetMs`; then the last error is thrown. Work given here must be safe to
 * repeat (each step keys its writes, as webhooks are retried anyway), and must not itself retry
 * (Database.withTransaction already does): SQLite's retries take turns, so a retry inside a retry
 * would wait for itself.
 */
export async function retryWhenBusy<T>(work: () => T | Promise<T>, budgetMs = RETRY_BUDGET_MS): Promise<T> {
  const giveUpAt = Date.now() + budgetMs;
  let gate: <R>(run: () => Promise<R>) => Promise<R>;
  try {
    return await work();
  } catch (err) {
    if (!isBusy(err) || budgetMs <= 0) throw err;
    // Only SQLite's wait blocks the event loop; PostgreSQL's conflicts retry side by side.
    gate = errorCode(err)!.startsWith('SQLITE') ? retries : (run) => run();
  }
  for (let attempt = 1; ; attempt++) {
    await sleep(Math.min(25 * 2 ** attempt, 400) * (0.5 + Math.random() / 2));
    try {
      return await gate(async () => {
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
