import { networkInterfaces } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, onSqlite } from '../support/db.js';
import { startService, stopServices } from '../support/service-process.js';
import { stallingProxy } from '../support/stalling-proxy.js';

afterAll(() => stopServices());

/** An address of this machine other than loopback, as another machine would reach it. */
const outward = Object.values(networkInterfaces())
  .flat()
  .find((i) => i?.family === 'IPv4' && !i.internal)?.address;

const WARNING = 'PostgreSQL is reached without TLS';

describe.skipIf(onSqlite)('PostgreSQL without TLS', () => {
  it.skipIf(!outward)('is a warning at start-up when the server is on another machine', async () => {
    const { url } = await freshDatabaseUrl();
    // The private server listens on loopback; a path to it on an outward address stands for another machine.
    const proxy = await stallingProxy(new URL(url), outward);
    afterAll(() => proxy.close());
    const service = await startService({ databaseUrl: proxy.url });
    const line = JSON.parse(await service.waitForLog(WARNING)) as { level: number; msg: string; database: string };
    expect(line.level).toBe(40);
    expect(line.msg).toContain('sslmode=verify-full');
    expect(line.database).toBe(`postgres://${new URL(proxy.url).host}${new URL(proxy.url).pathname}`);
  });

  it('is no warning on this machine', async () => {
    const service = await startService();
    await service.waitForLog('Switchboard is listening');
    expect(service.logs().join('\n')).not.toContain(WARNING);
  });
});
