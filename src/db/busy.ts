import { setTimeout as sleep } from 'node:timers/promises';

/** SQLite's "another connection holds the lock" (another process on the same file). */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Runs `work` again while the database is locked by someone else, waiting between tries without
 * blocking the event loop (the connection itself waits only briefly: see openDatabase), for at most
 * `budgetMs`; then the last error is thrown. Work given here must be safe to repeat.
 */
export async function retryWhenBusy<T>(work: () => T | Promise<T>, budgetMs = 8_000): Promise<T> {
  const giveUpAt = Date.now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isBusy(err) || Date.now() >= giveUpAt) throw err;
      await sleep(Math.min(25 * 2 ** attempt, 500) * (0.5 + Math.random() / 2));
    }
  }
}
