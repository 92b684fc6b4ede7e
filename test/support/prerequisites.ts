import { join } from 'node:path';

/**
 * What the suite needs beyond `npm ci`: programs it starts itself, at the places it looks for them.
 * `npm test` checks these first (test/support/install-prerequisites.ts) and installs what is missing from
 * Debian's packages when it can, or stops in one line naming what to install when it cannot.
 */
export const CHROMIUM_DEFAULT = '/usr/bin/chromium';
/** Debian keeps each PostgreSQL major's programs in <root>/<major>/bin. */
export const POSTGRES_ROOT = '/usr/lib/postgresql';
export const DOVECOT = '/usr/sbin/dovecot';
export const DOVEADM = '/usr/bin/doveadm';

/** The Chromium the browser tests drive: CHROMIUM_PATH, else Debian's. */
export const chromiumPath = (env: Record<string, string | undefined>) => env.CHROMIUM_PATH || CHROMIUM_DEFAULT;

/** What the checks may look at; the real machine in install-prerequisites.ts, a made-up one in tests. */
export interface Machine {
  platform: NodeJS.Platform;
  /** The user's id (-1 where there is none, as on Windows). */
  uid: number;
  /** /etc/os-release's ID and ID_LIKE, e.g. ['ubuntu', 'debian'] ([] elsewhere). */
  distribution: string[];
  env: Record<string, string | undefined>;
  /** An executable file is at this path. */
  isProgram(path: string): boolean;
  /** The names in a folder ([] when there is no such folder). */
  entries(dir: string): string[];
  /** A program of this name is on PATH. */
  onPath(program: string): boolean;
  /** `sudo -n true` succeeds: sudo runs without asking for a password. */
  passwordlessSudo(): boolean;
}

export interface Prerequisite {
  /** Debian's package that brings it. */
  debian: string;
  /** What it is and where the suite looks, for someone installing it by other means. */
  wanted: (m: Machine) => string;
  present: (m: Machine) => boolean;
}

export const PREREQUISITES: readonly Prerequisite[] = [
  {
    debian: 'chromium',
    wanted: (m) => `Chromium at ${chromiumPath(m.env)} (or CHROMIUM_PATH)`,
    present: (m) => m.isProgram(chromiumPath(m.env)),
  },
  {
    debian: 'postgresql',
    wanted: () => `PostgreSQL's initdb and pg_ctl in ${POSTGRES_ROOT}/<major>/bin`,
    present: (m) => m.entries(POSTGRES_ROOT).some((major) => m.isProgram(join(POSTGRES_ROOT, major, 'bin', 'initdb'))),
  },
  {
    debian: 'dovecot-imapd',
    wanted: () => `Dovecot at ${DOVECOT} with ${DOVEADM}`,
    present: (m) => m.isProgram(DOVECOT) && m.isProgram(DOVEADM),
  },
];

/** The command that installs Debian packages, as argv (sudo -n in front when not root). */
export type Command = string[];

export type Plan =
  | { kind: 'ready' }
  | { kind: 'install'; packages: string[]; wanted: string[]; update: Command; install: Command; line: string }
  | { kind: 'stop'; line: string };

/** Settings of apt-get that never ask and wait for another apt or dpkg to finish rather than fail. */
const APT_INSTALL = ['apt-get', 'install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=120'];
const APT_UPDATE = ['apt-get', 'update', '-qq'];

/** What `npm test` does before anything else on this machine: nothing, install, or stop with one line. */
export function planFor(m: Machine): Plan {
  const chromium = m.env.CHROMIUM_PATH;
  if (chromium && !m.isProgram(chromium)) {
    return {
      kind: 'stop',
      line: `npm test: CHROMIUM_PATH is ${chromium}, which is not a program; point it at a Chromium, or unset it and npm test brings Debian's chromium.`,
    };
  }
  const missing = PREREQUISITES.filter((p) => !p.present(m));
  if (missing.length === 0) return { kind: 'ready' };
  const packages = missing.map((p) => p.debian);
  const wanted = missing.map((p) => p.wanted(m));
  // Ubuntu packages Chromium only as a snap (chromium-browser), which apt-get cannot bring into a container.
  if (packages.includes('chromium') && m.distribution.includes('ubuntu')) {
    const rest = packages.filter((p) => p !== 'chromium');
    return {
      kind: 'stop',
      line: `npm test needs a Chromium, and Ubuntu has it only as a snap: install Chromium or Google Chrome and set CHROMIUM_PATH to it, then npm test again${rest.length ? ` (it installs ${rest.join(', ')} itself)` : ''}.`,
    };
  }
  if (m.platform !== 'linux' || !m.onPath('apt-get')) {
    return {
      kind: 'stop',
      line: `npm test needs ${wanted.join('; ')} (as Debian's packages ${packages.join(', ')} install them); this machine has no apt-get to bring them: install them there by hand, or run the tests on Debian or Ubuntu.`,
    };
  }
  const sudo = m.uid === 0 ? undefined : m.passwordlessSudo() ? ['sudo', '-n'] : null;
  if (sudo === null) {
    return {
      kind: 'stop',
      line: `npm test needs Debian's packages ${packages.join(' ')} (the tests start them), and only root can install them: run  apt-get install -y ${packages.join(' ')}  as root (or with sudo), then npm test again.`,
    };
  }
  const prefix = [...(sudo ?? []), 'env', 'DEBIAN_FRONTEND=noninteractive'];
  return {
    kind: 'install',
    packages,
    wanted,
    update: [...prefix, ...APT_UPDATE],
    install: [...prefix, ...APT_INSTALL, ...packages],
    line: `npm test: installing Debian's ${packages.join(', ')} for the tests that start them (${sudo ? 'sudo ' : ''}apt-get install; a minute or two, once)`,
  };
}

/** Runs a command to its end: its exit code and the last thing it wrote. */
export type Runner = (command: Command) => Promise<{ code: number; output: string }>;

export interface InstallDeps {
  run: Runner;
  sleep: (ms: number) => Promise<void>;
  /** Each attempt refreshes the package lists first; a mirror that fails now often answers a little later. */
  attempts?: number;
  pauseMs?: number;
}

/**
 * Installs what the plan names (apt-get update, then install; the pair tried up to three times, ten
 * seconds apart, as a mirror may fail for a moment), then looks again. Resolves with the line that says
 * why it could not, or undefined when everything is there.
 */
export async function install(
  plan: Extract<Plan, { kind: 'install' }>,
  deps: InstallDeps,
  again: () => Plan,
): Promise<string | undefined> {
  const attempts = deps.attempts ?? 3;
  let failure = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const update = await deps.run(plan.update);
    const done = update.code === 0 ? await deps.run(plan.install) : update;
    if (done.code === 0) {
      failure = '';
      break;
    }
    const step = done === update ? 'update' : 'install';
    failure = `apt-get ${step} failed (exit ${done.code}${done.output.trim() ? `: ${lastLine(done.output)}` : ''})`;
    if (attempt < attempts) await deps.sleep(deps.pauseMs ?? 10_000);
  }
  if (failure) return `npm test: could not install ${plan.packages.join(', ')} after ${attempts} tries: ${failure}`;
  const after = again();
  if (after.kind === 'ready') return undefined;
  if (after.kind === 'stop') return after.line;
  return `npm test: apt-get installed ${plan.packages.join(', ')}, yet the suite still does not find ${after.wanted.join('; ')}.`;
}

const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1) ?? '';
