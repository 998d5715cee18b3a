import { defineConfig } from 'vitest/config';

// The reliability suite: real PostgreSQL (TEST_DATABASE_URL), real child processes, injected faults.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Fails a test in which the bot showed a clock time without a date token or a zone.
    setupFiles: ['test/support/bare-times-check.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // These tests start processes and load the machine; one file at a time keeps them honest.
    fileParallelism: false,
  },
});
