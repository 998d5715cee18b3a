import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Fails a test in which the bot showed a clock time without a date token or a zone.
    setupFiles: ['test/support/bare-times-check.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of a test's time is spent waiting on PostgreSQL, the fake Slack or a child process, so three
    // files at a time fill a 2-core machine; Vitest's default (cores - 1) runs them one by one.
    maxWorkers: 3,
    // A worker keeps the modules it loaded from one file to the next instead of importing Bolt, Kysely
    // and the services again for each (import time 34 s -> 11 s over the suite). Every file still
    // starts its own bot, fake Slack and database.
    isolate: false,
  },
});
