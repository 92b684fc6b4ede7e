import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, onSqlite } from '../support/db.js';
import { startService, stopServices } from '../support/service-process.js';

afterAll(() => stopServices());

describe.skipIf(onSqlite)('DATABASE_POOL_SIZE on PostgreSQL', () => {
  it('says at start-up how many connections an instance opens and how many such instances the server has room for', async () => {
    const { url } = await freshDatabaseUrl();
    const service = await startService({ databaseUrl: url, env: { DATABASE_POOL_SIZE: '7' } });
    const line = JSON.parse(await service.waitForLog('connections to PostgreSQL')) as {
      perInstance: number;
      available: number;
      instances: number;
      msg: string;
    };
    expect(line.perInstance).toBe(10); // 7 and the pager's 3
    expect(line.instances).toBe(Math.floor(line.available / 10));
    expect(line.msg).toContain(`the server has room for ${line.instances} such instances`);
  });

  it('refuses to start, in one line, with a pool the server has no room for', async () => {
    const { url } = await freshDatabaseUrl();
    await expect(startService({ databaseUrl: url, env: { DATABASE_POOL_SIZE: '500' } })).rejects.toThrow(
      /exited \(1\)[\s\S]*DATABASE_POOL_SIZE=500 needs 503 connections to PostgreSQL .* lower DATABASE_POOL_SIZE or raise max_connections/,
    );
  });
});
