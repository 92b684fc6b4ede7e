import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files whose outcome cannot depend on the database engine (pure functions, parsing the organisation
 * file, the stand-ins, the pages in a browser, the import rules): the PostgreSQL run leaves them to the
 * SQLite run, which keeps `npm test` within CI's time.
 */
const ENGINE_FREE = [
  'test/calendar/**',
  'test/config/organisation-file.test.ts',
  'test/support/**',
  'test/architecture/**',
  'test/tickets/words.test.ts',
  'test/ivr/menu-twiml.test.ts',
  'test/dashboard/browser.test.ts',
  'test/email/dashboard.test.ts',
  'test/announcements/dashboard.test.ts',
  'test/portal/browser.test.ts',
  'test/portal/language.test.ts',
  'test/config/start-up.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(process.env.TEST_ENGINE === 'postgres' ? ENGINE_FREE : [])],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file gets its own database and servers; forks keep native modules apart.
    pool: 'forks',
    // Two files at a time even on two cores (vitest would take one: cores less one): most of a file's time
    // is spent waiting on its servers and timers. Measured on SQLite: 374 s with one, 261 s with two.
    maxWorkers: 2,
    // With TEST_ENGINE=postgres: one private PostgreSQL cluster for the run, and a migrated template.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
