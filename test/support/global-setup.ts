import type { TestProject } from 'vitest/node';
import { openPostgres } from '../../src/db/index.js';
import { startCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The private PostgreSQL cluster's URL for database `postgres` (TEST_ENGINE=postgres only). */
    postgresAdminUrl: string;
  }
}

/** The template every test database is copied from: migrated once by the real migrations. */
export const TEMPLATE = 'switchboard_template';

/**
 * With TEST_ENGINE=postgres, one private PostgreSQL cluster serves the whole run: started here, with a
 * migrated template database that each test file copies, and stopped when the run ends.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_ENGINE !== 'postgres') return;
  const cluster = await startCluster({ maxConnections: 300 });
  try {
    const db = openPostgres(await cluster.createDatabase(TEMPLATE));
    await db.migrate();
    await db.close();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  project.provide('postgresAdminUrl', cluster.url('postgres'));
  return () => cluster.stop();
}
