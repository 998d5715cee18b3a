/** The outbox's retry policy (src/domain/delivery-retry.ts): back-off, horizon, attempt budget, expiry. */
import { describe, expect, test } from 'vitest';
import {
  attemptBudgetSpent,
  backoffMs,
  decideAfterFailure,
  defaultRetryPolicy,
  hasExpired,
  type FailedAttempt,
} from '../../src/domain/delivery-retry.js';

const NOW = Date.parse('2027-01-18T16:00:00Z');
const policy = { transientHorizonMs: 3_600_000, maxBackoffMs: 600_000 };

function attempt(over: Partial<FailedAttempt> = {}): FailedAttempt {
  return {
    failure: { kind: 'transient', error: 'http_503' },
    nowMs: NOW,
    transientSinceMs: null,
    transientFailures: 0,
    posting: true,
    mayHavePosted: true,
    ...over,
  };
}

describe('defaults', () => {
  test('8 attempts with an unknown outcome, a 24 h horizon for transient failures, back-off capped at 10 minutes', () => {
    expect(defaultRetryPolicy).toEqual({ maxAttempts: 8, transientHorizonMs: 86_400_000, maxBackoffMs: 600_000 });
  });
});

describe('hasExpired', () => {
  const now = new Date(NOW);
  test('no expiry never expires', () => expect(hasExpired(null, now)).toBe(false));
  test('expires at the instant itself, not a millisecond before', () => {
    expect(hasExpired(new Date(NOW), now)).toBe(true);
    expect(hasExpired(new Date(NOW - 1), now)).toBe(true);
    expect(hasExpired(new Date(NOW + 1), now)).toBe(false);
  });
});

describe('attemptBudgetSpent', () => {
  test('the claim that makes maxAttempts is still tried; the next one is not', () => {
    expect(attemptBudgetSpent(8, { maxAttempts: 8 })).toBe(false);
    expect(attemptBudgetSpent(9, { maxAttempts: 8 })).toBe(true);
    expect(attemptBudgetSpent(1, { maxAttempts: 0 })).toBe(true);
  });
});

describe('backoffMs', () => {
  test('equal jitter: between half and all of 1 s × 2^failures', () => {
    expect(backoffMs(0, 0, 600_000, 0)).toBe(500);
    expect(backoffMs(0, 0, 600_000, 0.999_999)).toBe(1_000);
    expect(backoffMs(3, 0, 600_000, 0)).toBe(4_000);
    expect(backoffMs(3, 0, 600_000, 0.5)).toBe(6_000);
    expect(backoffMs(1, 0, 600_000, 0.25)).toBe(1_250);
  });
  test('rounded to whole milliseconds', () => {
    expect(backoffMs(0, 0, 600_000, 0.0011)).toBe(501);
  });
  test('capped at maxBackoffMs however many failures', () => {
    expect(backoffMs(10, 0, 600_000, 0)).toBe(300_000);
    expect(backoffMs(10, 0, 600_000, 0.999_999)).toBe(600_000);
    expect(backoffMs(1_000, 0, 600_000, 0.5)).toBe(450_000);
    // 2^30 s is the largest exponent used: past it the ceiling stays finite even without a cap.
    expect(backoffMs(40, 0, Number.POSITIVE_INFINITY, 0)).toBe(1_000 * 2 ** 29);
    expect(backoffMs(30, 0, Number.POSITIVE_INFINITY, 0)).toBe(1_000 * 2 ** 29);
  });
  test('never sooner than Retry-After', () => {
    expect(backoffMs(0, 3_000, 600_000, 0)).toBe(3_000);
    expect(backoffMs(3, 3_000, 600_000, 0)).toBe(4_000);
  });
});

describe('decideAfterFailure', () => {
  const half = () => 0.5;
  test('a permanent error fails at once, with its error', () => {
    expect(decideAfterFailure(attempt({ failure: { kind: 'permanent', error: 'channel_not_found' } }), policy, half)).toEqual({
      action: 'fail',
      error: 'channel_not_found',
    });
  });
  test('a first transient failure is retried after the back-off; the horizon starts now', () => {
    expect(decideAfterFailure(attempt(), policy, half)).toEqual({
      action: 'retry',
      error: 'http_503',
      waitMs: 750,
      notPosted: false,
    });
  });
  test('the back-off grows with the transient failures so far', () => {
    expect(decideAfterFailure(attempt({ transientFailures: 2, transientSinceMs: NOW - 1_000 }), policy, half)).toMatchObject({
      action: 'retry',
      waitMs: 3_000,
    });
  });
  test('a 429 waits at least its Retry-After', () => {
    expect(
      decideAfterFailure(
        attempt({ failure: { kind: 'rate_limited', retryAfterMs: 30_000, error: 'ratelimited' } }),
        policy,
        half,
      ),
    ).toMatchObject({ action: 'retry', error: 'ratelimited', waitMs: 30_000 });
  });
  test('a transient error waits the back-off even if it carried a delay (only 429s have Retry-After)', () => {
    expect(
      decideAfterFailure(
        attempt({ failure: { kind: 'transient', error: 'request_error' } }),
        { ...policy, maxBackoffMs: 600_000 },
        () => 0,
      ),
    ).toMatchObject({ waitMs: 500 });
  });
  test('past the horizon since the first transient failure, it fails; just before it, it is retried', () => {
    expect(decideAfterFailure(attempt({ transientSinceMs: NOW - 3_600_000 }), policy, half)).toEqual({
      action: 'fail',
      error: 'http_503',
    });
    expect(decideAfterFailure(attempt({ transientSinceMs: NOW - 3_599_999 }), policy, half)).toMatchObject({ action: 'retry' });
    expect(
      decideAfterFailure(
        attempt({
          failure: { kind: 'rate_limited', retryAfterMs: 1_000, error: 'ratelimited' },
          transientSinceMs: NOW - 3_600_001,
        }),
        policy,
        half,
      ),
    ).toEqual({ action: 'fail', error: 'ratelimited' });
  });
  test('a zero horizon fails even the first transient failure', () => {
    expect(decideAfterFailure(attempt(), { ...policy, transientHorizonMs: 0 }, half)).toEqual({
      action: 'fail',
      error: 'http_503',
    });
  });
  test('jitter is drawn only for a retry', () => {
    let draws = 0;
    const counted = () => {
      draws++;
      return 0.5;
    };
    decideAfterFailure(attempt({ failure: { kind: 'permanent', error: 'invalid_blocks' } }), policy, counted);
    decideAfterFailure(attempt({ transientSinceMs: NOW - 3_600_000 }), policy, counted);
    expect(draws).toBe(0);
    decideAfterFailure(attempt(), policy, counted);
    expect(draws).toBe(1);
  });
  describe('notPosted: only a 429 on this very post, with no earlier attempt that may have posted', () => {
    const limited = { kind: 'rate_limited', retryAfterMs: 1_000, error: 'ratelimited' } as const;
    test.each([
      [{ failure: limited, posting: true, mayHavePosted: false }, true],
      [{ failure: limited, posting: true, mayHavePosted: true }, false],
      [{ failure: limited, posting: false, mayHavePosted: false }, false],
      [{ failure: { kind: 'transient', error: 'http_503' } as const, posting: true, mayHavePosted: false }, false],
    ])('%o -> %s', (over, notPosted) => {
      expect(decideAfterFailure(attempt(over), policy, half)).toMatchObject({ action: 'retry', notPosted });
    });
  });
});
