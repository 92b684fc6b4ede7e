import { defineConfig } from 'drizzle-kit';

/** PostgreSQL: the same tables, derived from the SQLite declarations (src/db/postgres-schema.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/postgres-tables.ts',
  out: './migrations/postgres',
});
