import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // DB suites each create their own database/schema; files run in parallel workers.
    pool: 'forks',
  },
});
