import { createServer, connect, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres, rowsOf } from '../../src/db/index.js';
import { freshDatabaseUrl, onSqlite } from '../support/db.js';

/**
 * A path to the server that can go silent: after `silence()`, bytes on the connections already open
 * are neither passed on nor refused (a failover behind a load balancer, a dropped network path),
 * while new connections reach the server as before.
 */
async function silenceableProxy(target: URL): Promise<{ url: string; silence(): void; close(): Promise<void> }> {
  const open = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    open.add(pair);
    client.pipe(upstream).pipe(client);
    const forget = () => {
      open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString(),
    silence() {
      for (const [client, upstream] of open) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of open) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(onSqlite)('a connection whose server goes silent', () => {
  it('is closed after the hold limit, and the next transaction runs on a new connection', async () => {
    const { url } = await freshDatabaseUrl();
    const proxy = await silenceableProxy(new URL(url));
    const db = openPostgres(proxy.url, { holdLimitMs: 1000 });
    afterAll(async () => {
      await proxy.close();
      await db.close().catch(() => undefined);
    });
    const one = () => db.withTransaction((tx) => rowsOf<{ n: number }>(tx, sql`select 1 as n`));
    expect(await one()).toEqual([{ n: 1 }]);

    proxy.silence();
    const outcome = await Promise.race([
      one().then(
        () => 'answered',
        (err: Error) => err.message,
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 8 s'), 8000)),
    ]);
    expect(outcome).not.toBe('still waiting after 8 s');
    expect(outcome).not.toBe('answered');

    expect(await one()).toEqual([{ n: 1 }]);
  });
});
