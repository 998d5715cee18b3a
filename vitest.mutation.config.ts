import { defineConfig } from 'vitest/config';

/**
 * The fast tests that exercise what `npm run test:mutation` mutates (all of src/domain, the delivery
 * sender, the escaping helper): Stryker reruns them for every mutant, so slow e2e files stay out. The
 * sender's own tests (test/db/delivery-sender.test.ts) use the real outbox table and the fake Slack with
 * a pinned clock and recorded sleeps, so each takes milliseconds; the global setup starts PostgreSQL
 * only (no CLI build), since Stryker starts a Vitest per worker and after every timed-out mutant.
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
      'test/unit/delivery-retry.test.ts',
      'test/unit/input-text-and-answer-rate.test.ts',
      'test/unit/dtr-question-rules.test.ts',
      'test/unit/text-helpers.test.ts',
      'test/unit/work-days-edges.test.ts',
      'test/db/delivery-sender.test.ts',
    ],
    globalSetup: ['test/support/db-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
