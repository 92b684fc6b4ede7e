import { defineConfig } from 'drizzle-kit';

/** SQLite, the default engine: `npm run db:generate` writes both engines' migrations. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations/sqlite',
});
