import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));

/** Runs `npm start`'s command with an environment, until it exits or prints that it listens. */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, DATABASE_URL: `file:${join(dir, 'db', 'x.db')}`, PORT: '0', ...env },
      cwd: process.cwd(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('Switchboard is listening')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start-up', () => {
  it('stops with one clear line per problem and exit code 1 for a bad organisation file', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(
      path,
      'organization: { name: X, timezone: Mars/Olympus, helpdesk_number: "+12817684800" }\nstaff: []\non_call: { rotation: [] }\n',
    );
    const result = await start({ SWITCHBOARD_CONFIG: path });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Switchboard cannot start; fix these settings:');
    expect(result.stderr).toContain('organization.timezone: "Mars/Olympus" is not a known IANA time zone');
    expect(result.stderr).toContain('staff: must list at least one person');
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('refuses a malformed environment variable', async () => {
    const result = await start({ DATABASE_URL: 'mysql://db.example.com/switchboard' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('environment DATABASE_URL: must look like file:PATH');
  });

  it('refuses a Messaging Service SID that is not MG and 32 hex digits, in one line naming it', async () => {
    const result = await start({ TWILIO_MESSAGING_SERVICE_SID: 'MG12345' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'environment TWILIO_MESSAGING_SERVICE_SID: must be a Messaging Service SID: MG and 32 hex digits (Twilio Console, Messaging, Services)',
    );
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('refuses a Conversational Intelligence service SID that is not GA and 32 hex digits', async () => {
    const result = await start({ TWILIO_INTELLIGENCE_SERVICE_SID: 'MG0123' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'environment TWILIO_INTELLIGENCE_SERVICE_SID: must be a Conversational Intelligence service SID',
    );
  });

  it('refuses a pool size that is not a number of connections from 2 to 500', async () => {
    for (const size of ['lots', '1', '10.5']) {
      const result = await start({ DATABASE_POOL_SIZE: size });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `environment DATABASE_POOL_SIZE: "${size}" is not a number of connections from 2 to 500, like 10`,
      );
    }
  });

  it('says in one line which PostgreSQL it could not reach, with the password left out', async () => {
    const result = await start({ DATABASE_URL: 'postgres://switchboard:s3cret-password@127.0.0.1:1/switchboard' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Switchboard cannot start: the database .*127\.0\.0\.1:1.* cannot be opened or migrated: /,
    );
    expect(result.stderr).not.toContain('s3cret-password');
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('starts with no settings, on the demo organisation with log-only channels, and stops on SIGTERM', async () => {
    const result = await start({});
    expect(result.stdout).toContain('Switchboard is listening');
    expect(result.stdout).toContain('"source":"demo"');
    expect(result.stdout).toContain('log-only channel: Twilio');
    expect(result.stdout).toContain('"msg":"stopped"');
    expect(result.code).toBe(0);
  });
});
