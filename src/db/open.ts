import type { DatabaseTarget } from '../config/env.js';
import type { Database } from './engine.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

/** Opens the database DATABASE_URL names (without migrating it). */
export function openDatabase(
  target: DatabaseTarget,
  options: { onIdleError?: (err: Error) => void; poolSize?: number } = {},
): Database {
  return target.engine === 'sqlite' ? openSqlite(target.path) : openPostgres(target.url, options);
}

/** How the database is named in logs and messages: the file, or the server and database without the password. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.engine === 'sqlite') return target.path;
  const url = new URL(target.url);
  return `postgres://${url.host}${url.pathname}`;
}

/**
 * Whether the database is on this machine (a file, or a PostgreSQL server on a loopback address or a
 * Unix socket): what travels to it never crosses a network.
 */
export function isOnThisMachine(target: DatabaseTarget): boolean {
  if (target.engine === 'sqlite') return true;
  const url = new URL(target.url);
  const socket = url.searchParams.get('host');
  if (socket?.startsWith('/')) return true;
  const host = decodeURIComponent(url.hostname).replace(/^\[|\]$/g, '');
  return host === '' || host.startsWith('/') || host === 'localhost' || host === '::1' || /^127\./.test(host);
}
