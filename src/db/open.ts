import type { DatabaseTarget } from '../config/env.js';
import type { Database } from './engine.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

/** Opens the database DATABASE_URL names (without migrating it). */
export function openDatabase(target: DatabaseTarget, onIdleError?: (err: Error) => void): Database {
  return target.engine === 'sqlite' ? openSqlite(target.path) : openPostgres(target.url, { onIdleError });
}

/** How the database is named in logs and messages: the file, or the server and database without the password. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.engine === 'sqlite') return target.path;
  const url = new URL(target.url);
  return `postgres://${url.host}${url.pathname}`;
}
