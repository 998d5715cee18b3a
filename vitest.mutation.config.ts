import { defineConfig } from 'vitest/config';

/**
 * The fast tests that exercise what `npm run test:mutation` mutates (src/domain, the authorization rules,
 * the escaping helper): Stryker reruns them for every mutant, so slow e2e files stay out.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/authorization.test.ts',
      'test/unit/user-text-escaping.test.ts',
      'test/unit/checkin-slot.test.ts',
      'test/unit/work-days.test.ts',
      'test/unit/domain.test.ts',
      'test/unit/mutation-survivors.test.ts',
      'test/unit/block-kit-limits.test.ts',
    ],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
