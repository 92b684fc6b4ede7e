import { describe, expect, it } from 'vitest';
import { serviceState } from '../src/db/tables.js';
import { createLogger } from '../src/logging.js';
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
