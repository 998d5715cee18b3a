/**
 * The outbox's retry policy, as pure functions: what the sender does with a delivery that is due,
 * and with one whose attempt to reach Slack failed. No clock, no I/O: instants come in as
 * milliseconds and jitter as a number in [0, 1).
 */

/** A Slack failure as the sender sees it (the port has already classified it). */
export type DeliveryFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; error: string }
  | { kind: 'transient'; error: string }
  | { kind: 'permanent'; error: string };

export type RetryPolicy = {
  /** Attempts whose outcome was unknown (the sender died holding the claim) before the delivery fails. */
  maxAttempts: number;
  /** How long a delivery keeps being retried through 429s, 5xx and network errors. */
  transientHorizonMs: number;
  /** Longest back-off between two tries. */
  maxBackoffMs: number;
};

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  transientHorizonMs: 24 * 3_600_000,
  maxBackoffMs: 600_000,
};

/** A message that outlived its purpose (a check-in whose week closed) is cancelled, not sent late. */
export function hasExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}

/** `attempts` counts this claim; only attempts with an unknown outcome are counted at all. */
export function attemptBudgetSpent(attempts: number, policy: Pick<RetryPolicy, 'maxAttempts'>): boolean {
  return attempts > policy.maxAttempts;
}

/**
 * Exponential from 1 s, capped, with "equal jitter" so replicas that failed together do not retry
 * together; never sooner than Slack's Retry-After.
 */
export function backoffMs(failuresSoFar: number, retryAfterMs: number, maxBackoffMs: number, random: number): number {
  const ceiling = Math.min(maxBackoffMs, 1_000 * 2 ** Math.min(failuresSoFar, 30));
  return Math.max(retryAfterMs, Math.round(ceiling / 2 + (random * ceiling) / 2));
}

export type FailedAttempt = {
  failure: DeliveryFailure;
  nowMs: number;
  /** The first of the current run of transient failures, if any. */
  transientSinceMs: number | null;
  /** 429s, 5xx and network errors in a row before this one. */
  transientFailures: number;
  /** Whether this attempt had got as far as posting (chat.postMessage or the upload). */
  posting: boolean;
  /** Whether an earlier attempt may have posted. */
  mayHavePosted: boolean;
};

export type FailureDecision =
  | { action: 'fail'; error: string }
  /** `notPosted`: Slack refused this very post and no earlier attempt can have posted. */
  | { action: 'retry'; error: string; waitMs: number; notPosted: boolean };

/**
 * Permanent errors stop; anything else is retried with back-off until the horizon has passed.
 * `random` is drawn only when the delivery is retried.
 */
export function decideAfterFailure(
  attempt: FailedAttempt,
  policy: Pick<RetryPolicy, 'transientHorizonMs' | 'maxBackoffMs'>,
  random: () => number,
): FailureDecision {
  const f = attempt.failure;
  const since = attempt.transientSinceMs ?? attempt.nowMs;
  if (f.kind === 'permanent' || attempt.nowMs - since >= policy.transientHorizonMs) return { action: 'fail', error: f.error };
  const waitMs = backoffMs(
    attempt.transientFailures,
    f.kind === 'rate_limited' ? f.retryAfterMs : 0,
    policy.maxBackoffMs,
    random(),
  );
  // A 429 from chat.postMessage proves this attempt posted nothing; earlier ones are another matter.
  const notPosted = attempt.posting && f.kind === 'rate_limited' && !attempt.mayHavePosted;
  return { action: 'retry', error: f.error, waitMs, notPosted };
}
