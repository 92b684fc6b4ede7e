import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file gets its own database and servers; forks keep native modules apart.
    pool: 'forks',
    // With TEST_ENGINE=postgres: one private PostgreSQL cluster for the run, and a migrated template.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
