/**
 * Every benchmark once with `--smoke`: a few seconds each, tiny loads, the real path (the built service,
 * its database, the local stand-ins for Twilio, SMTP, Slack and the mailbox). A benchmark that no longer
 * runs, or whose own checks of what it keeps fail (calls persisted, pages delivered, nothing sent twice,
 * every page answering), fails `npm test`; the speed targets are for the full runs.
 *
 *   npm run bench:smoke
 */
import { spawn } from 'node:child_process';

/**
 * Two lanes side by side: the benchmarks spend most of a smoke run waiting (services starting, retries
 * backing off, a bundling window), and their ports differ. Their speed is not judged here.
 */
const LANES = [
  ['faults', 'office', 'portal'],
  ['email', 'paging', 'voice', 'overload'],
] as const;
const BENCHMARKS = LANES.flat();

function run(name: string): Promise<{ code: number | null; ms: number; output: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, '--smoke'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, ms: Date.now() - started, output })));
}

async function main() {
  const started = Date.now();
  const failed: string[] = [];
  await Promise.all(
    LANES.map(async (lane) => {
      for (const name of lane) {
        const { code, ms, output } = await run(name);
        console.log(
          `bench:${name} --smoke  ${code === 0 ? 'ok' : `FAILED (exit ${code})`}  ${(ms / 1000).toFixed(1)} s`,
        );
        if (code !== 0) {
          failed.push(name);
          console.log(output.replace(/^/gm, '    '));
        }
      }
    }),
  );
  console.log(
    `${BENCHMARKS.length - failed.length} of ${BENCHMARKS.length} benchmarks ran, in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  if (failed.length) process.exitCode = 1;
}

void main();
