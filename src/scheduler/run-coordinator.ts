import { randomUUID } from 'node:crypto';
import type { RunCoordinator } from 'node-cron';
import type { SchedulerRunRepository } from '../db/repositories/scheduler-run-repository.js';

/**
 * node-cron asks this before each firing with a key per scheduled slot ("tandem-tick:<slot ISO>").
 * The first replica to claim the key runs that tick; the others skip it. Correctness never depends
 * on this (passes are idempotent); it only spares replicas from doing the same work at once.
 */
export function createPostgresRunCoordinator(
  runs: Pick<SchedulerRunRepository, 'claim'>,
  owner = `replica-${randomUUID()}`,
): RunCoordinator {
  return {
    async shouldRun(key: string, ttlMs: number): Promise<boolean> {
      const now = new Date();
      return runs.claim(key, owner, now, new Date(now.getTime() + Math.max(ttlMs, 1_000)));
    },
  };
}
