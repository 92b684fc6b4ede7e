import { describe, expect, it } from 'vitest';
import { serviceState } from '../src/db/tables.js';
import cron from 'node-cron';
import { createLogger, jobLogger } from '../src/logging.js';
import { migratedDatabase } from './support/db.js';

const REPLY = 'Hi Dana,\nthe new admin password is Tr0ub4dor&3\nand the VPN key is on its way.\nErin';

/** The service's own logger, writing its JSON lines where the test can read them. */
function logger() {
  const lines: string[] = [];
  return { lines, log: createLogger('info', false, { write: (line: string) => void lines.push(line) }) };
}

describe('what the log keeps of a failed database statement', async () => {
  const { db } = await migratedDatabase();

  it('never holds its parameters, however many lines a value has', async () => {
    // A real statement that fails (value is NOT NULL), carrying a staff reply of several lines.
    const failure = await db
      .withTransaction((tx) =>
        tx.insert(serviceState).values({ key: REPLY, value: null as unknown as string, updatedAt: new Date() }),
      )
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(Error);
    const { lines, log } = logger();
    log.error({ err: failure, path: '/dashboard/tickets/1042/reply' }, 'dashboard page failed');
    const logged = lines.join('\n');
    expect(logged).toContain('dashboard page failed');
    expect(logged).toContain('service_state'); // what failed is still said
    for (const line of REPLY.split('\n')) expect(logged).not.toContain(line);
    expect(logged).not.toContain('Tr0ub4dor');
  });

  it('masks numbers and addresses in any error, and keeps its code', () => {
    const { lines, log } = logger();
    const err = Object.assign(new Error('cannot text +13125550142 or mail dana@acme.example'), {
      code: 'E_TEST',
      body: { to: '+13125550142' },
    });
    log.error({ err }, 'send failed');
    const [entry] = lines.map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(entry!.err.code).toBe('E_TEST');
    expect(lines.join('\n')).not.toContain('+13125550142');
    expect(lines.join('\n')).not.toContain('dana@acme.example');
  });
});

describe('a scheduled job that runs past its next time', () => {
  it('is named in the log, as a warning, and the outbox (which loops by itself) only at debug', async () => {
    const { lines, log } = logger();
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 2_300));
    const tasks = [
      cron.schedule('* * * * * *', slow, { noOverlap: true, name: 'sla', logger: jobLogger(log, 'sla') }),
      cron.schedule('* * * * * *', slow, {
        noOverlap: true,
        name: 'outbox',
        logger: jobLogger(log, 'outbox', 'expected'),
      }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    for (const t of tasks) void t.stop();
    const logged = lines.map((l) => JSON.parse(l) as { level: number; job: string; msg: string });
    const sla = logged.filter((l) => l.job === 'sla');
    expect(sla.length).toBeGreaterThan(0);
    expect(sla[0]).toMatchObject({
      level: 40,
      msg: 'job sla was still running at its next scheduled time, so that run was skipped',
    });
    expect(logged.filter((l) => l.job === 'outbox')).toEqual([]); // info level: its debug lines are not written
  });
});
