import { describe, expect, it } from 'vitest';
import { install, planFor, type Command, type Machine, type Plan } from './prerequisites.js';

// What `npm test` decides before anything else runs, on machines made up of the files they hold. The
// real script was also run against this machine with the programs hidden (see the issue 23 report).
const EVERYTHING = ['/usr/bin/chromium', '/usr/lib/postgresql/15/bin/initdb', '/usr/sbin/dovecot', '/usr/bin/doveadm'];

function machine(files: string[], options: Partial<Machine> & { sudo?: boolean; apt?: boolean } = {}): Machine {
  const { sudo = false, apt = true, ...rest } = options;
  return {
    platform: 'linux',
    uid: 0,
    distribution: ['debian'],
    env: {},
    isProgram: (path) => files.includes(path),
    entries: (dir) => [
      ...new Set(files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0]!)),
    ],
    onPath: (program) => program === 'apt-get' && apt,
    passwordlessSudo: () => sudo,
    ...rest,
  };
}
const without = (...gone: string[]) => EVERYTHING.filter((f) => !gone.includes(f));
const installing = (plan: Plan) => {
  if (plan.kind !== 'install') throw new Error(`expected an install, got ${JSON.stringify(plan)}`);
  return plan;
};

describe('what npm test brings before it runs anything', () => {
  it('does nothing and says nothing when Chromium, PostgreSQL and Dovecot are where the suite looks', () => {
    expect(planFor(machine(EVERYTHING))).toEqual({ kind: 'ready' });
    // Any installed major will do, and CHROMIUM_PATH names a Chromium elsewhere.
    const elsewhere = [
      '/opt/chrome/chrome',
      '/usr/lib/postgresql/17/bin/initdb',
      '/usr/sbin/dovecot',
      '/usr/bin/doveadm',
    ];
    expect(planFor(machine(elsewhere, { env: { CHROMIUM_PATH: '/opt/chrome/chrome' } }))).toEqual({ kind: 'ready' });
  });

  it('as root, installs exactly the missing Debian packages with apt-get, and says so in one line', () => {
    const plan = installing(planFor(machine([])));
    expect(plan.packages).toEqual(['chromium', 'postgresql', 'dovecot-imapd']);
    expect(plan.update).toEqual(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq']);
    expect(plan.install).toEqual([
      ...['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq'],
      ...['-o', 'DPkg::Lock::Timeout=120', 'chromium', 'postgresql', 'dovecot-imapd'],
    ]);
    expect(plan.line).toBe(
      "npm test: installing Debian's chromium, postgresql, dovecot-imapd for the tests that start them (apt-get install; a minute or two, once)",
    );
    // A PostgreSQL folder without a server (the client alone), or Dovecot without doveadm, counts as missing.
    const partly = machine(['/usr/bin/chromium', '/usr/lib/postgresql/15/bin/psql', '/usr/sbin/dovecot']);
    expect(installing(planFor(partly)).packages).toEqual(['postgresql', 'dovecot-imapd']);
    expect(installing(planFor(machine(without('/usr/bin/chromium')))).install.at(-1)).toBe('chromium');
  });

  it('not as root, installs through sudo when sudo asks no password', () => {
    const plan = installing(planFor(machine(without('/usr/sbin/dovecot'), { uid: 1000, sudo: true })));
    expect(plan.update.slice(0, 4)).toEqual(['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive']);
    expect(plan.install.slice(0, 4)).toEqual(['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive']);
    expect(plan.install.at(-1)).toBe('dovecot-imapd');
    expect(plan.line).toContain('(sudo apt-get install;');
  });

  it('without root or sudo, stops in one line naming the packages and the command that installs them', () => {
    const plan = planFor(machine(without('/usr/bin/chromium', '/usr/bin/doveadm'), { uid: 1000 }));
    expect(plan).toEqual({
      kind: 'stop',
      line: "npm test needs Debian's packages chromium dovecot-imapd (the tests start them), and only root can install them: run  apt-get install -y chromium dovecot-imapd  as root (or with sudo), then npm test again.",
    });
  });

  it('on a machine without apt-get (another OS), stops in one line naming what to install and where', () => {
    for (const other of [machine([], { apt: false }), machine([], { platform: 'darwin', uid: 501 })]) {
      const plan = planFor(other);
      expect(plan.kind).toBe('stop');
      const line = (plan as { line: string }).line;
      expect(line).not.toContain('\n');
      expect(line).toContain("Debian's packages chromium, postgresql, dovecot-imapd");
      expect(line).toContain('/usr/lib/postgresql/<major>/bin');
      expect(line).toContain('no apt-get');
    }
  });

  it('on Ubuntu, where Chromium is only a snap, stops at once asking for one through CHROMIUM_PATH', () => {
    const ubuntu = machine(['/usr/sbin/dovecot', '/usr/bin/doveadm'], { distribution: ['ubuntu', 'debian'] });
    expect(planFor(ubuntu)).toEqual({
      kind: 'stop',
      line: 'npm test needs a Chromium, and Ubuntu has it only as a snap: install Chromium or Google Chrome and set CHROMIUM_PATH to it, then npm test again (it installs postgresql itself).',
    });
    // With one named, the rest comes from Ubuntu's packages, which have the same names and places as Debian's.
    const chrome = { distribution: ['ubuntu', 'debian'], env: { CHROMIUM_PATH: '/opt/google/chrome/chrome' } };
    const plan = planFor(machine(['/opt/google/chrome/chrome'], chrome));
    expect(installing(plan).packages).toEqual(['postgresql', 'dovecot-imapd']);
  });

  it('never installs over a CHROMIUM_PATH that names nothing: the setting is what is wrong', () => {
    expect(planFor(machine(EVERYTHING, { env: { CHROMIUM_PATH: '/opt/none/chrome' } }))).toEqual({
      kind: 'stop',
      line: "npm test: CHROMIUM_PATH is /opt/none/chrome, which is not a program; point it at a Chromium, or unset it and npm test brings Debian's chromium.",
    });
  });
});

describe('installing', () => {
  /** apt-get as a script: each call answers the next of `answers`; a successful install adds the files. */
  function apt(answers: { code: number; output?: string }[], files: string[]) {
    const ran: Command[] = [];
    const sleeps: number[] = [];
    const run = async (command: Command) => {
      ran.push(command);
      const answer = answers.shift() ?? { code: 0 };
      if (answer.code === 0 && command.includes('install')) files.push(...EVERYTHING);
      return { code: answer.code, output: answer.output ?? '' };
    };
    return { ran, sleeps, deps: { run, sleep: async (ms: number) => void sleeps.push(ms) } };
  }

  it('refreshes the package lists first and tries again ten seconds later when a mirror fails', async () => {
    const files: string[] = [];
    const plan = installing(planFor(machine(files)));
    const fails = {
      code: 100,
      output: 'W: Failed to fetch http://deb.debian.org/...\nE: Some index files failed to download.',
    };
    const { ran, sleeps, deps } = apt([fails, fails, { code: 0 }, { code: 0 }], files);
    expect(await install(plan, deps, () => planFor(machine(files)))).toBeUndefined();
    expect(ran.map((c) => c[c.indexOf('apt-get') + 1])).toEqual(['update', 'update', 'update', 'install']);
    expect(sleeps).toEqual([10_000, 10_000]);
  });

  it('gives up after three tries with one line holding apt-get’s last word', async () => {
    const files: string[] = [];
    const plan = installing(planFor(machine(files)));
    const { ran, deps } = apt(
      [
        { code: 0 },
        { code: 100, output: 'E: Unable to locate package chromium' },
        { code: 100, output: 'E: Could not get lock /var/lib/apt/lists/lock' },
        { code: 0 },
        { code: 100, output: 'Reading package lists...\nE: Unable to locate package chromium\n' },
      ],
      files,
    );
    expect(await install(plan, deps, () => planFor(machine(files)))).toBe(
      'npm test: could not install chromium, postgresql, dovecot-imapd after 3 tries: apt-get install failed (exit 100: E: Unable to locate package chromium)',
    );
    expect(ran).toHaveLength(5);
  });

  it('says so when apt-get succeeded yet a program is still not where the suite looks', async () => {
    const plan = installing(planFor(machine([])));
    const { deps } = apt([], []);
    expect(await install(plan, deps, () => planFor(machine(['/usr/bin/chromium'])))).toBe(
      "npm test: apt-get installed chromium, postgresql, dovecot-imapd, yet the suite still does not find PostgreSQL's initdb and pg_ctl in /usr/lib/postgresql/<major>/bin; Dovecot at /usr/sbin/dovecot with /usr/bin/doveadm.",
    );
  });
});
