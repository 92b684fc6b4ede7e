/** What the benchmarks share about the service they run: the flags `npm start` uses, and waiting for it to answer. */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Node's flags from package.json's start script (the deployed heap). */
export const START_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string)
  .split(' ')
  .filter((a) => a.startsWith('--'));

/** Resolves with the child once `base`/healthz answers 200; throws if it exits or does not answer in time. */
export async function whenHealthy(base: string, child: ChildProcess, timeoutMs = 30_000): Promise<ChildProcess> {
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null) break;
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
  }
  throw new Error('service did not start');
}
