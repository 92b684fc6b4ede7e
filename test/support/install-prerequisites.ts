/**
 * `npm test` runs this first: with everything in place it says nothing; otherwise it installs what is
 * missing from Debian's packages (as root, or with sudo that asks no password), or stops in one line
 * naming what to install, before anything else runs. See prerequisites.ts for what it looks for.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { install, planFor, type Machine, type Runner } from './prerequisites.js';

const isProgram = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** ID and ID_LIKE of /etc/os-release: which distribution, and which it derives from. */
function distribution(): string[] {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const field = (key: string) => new RegExp(`^${key}=["']?([^"'\\n]*)`, 'm').exec(release)?.[1] ?? '';
    return `${field('ID')} ${field('ID_LIKE')}`.split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

const thisMachine: Machine = {
  platform: process.platform,
  uid: process.getuid?.() ?? -1,
  distribution: distribution(),
  env: process.env,
  isProgram,
  entries: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  onPath: (program) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && isProgram(join(dir, program))),
  passwordlessSudo: () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
};

/** apt-get's output is kept, not shown: only its last line is told when it fails. */
const run: Runner = ([program, ...args]) =>
  new Promise((resolve) => {
    const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (err) => resolve({ code: 127, output: err.message }));
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });

const plan = planFor(thisMachine);
if (plan.kind === 'stop') {
  console.error(plan.line);
  process.exit(1);
}
if (plan.kind === 'install') {
  console.log(plan.line);
  const failed = await install(plan, { run, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, () =>
    planFor(thisMachine),
  );
  if (failed) {
    console.error(failed);
    process.exit(1);
  }
}
