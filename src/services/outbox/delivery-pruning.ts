import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';

/** How long settled deliveries are kept by default (DELIVERY_RETENTION_DAYS). */
export const defaultRetentionDays = 30;

/** The shortest retention that keeps every "once" intact: standup reports look back two weeks for their key before queuing. */
export const minimumRetentionDays = 15;

/**
 * The kinds that are pruned: the ones queued every week, whose "once" is kept by their own rows (a
 * check-in per pair and week, a standup, a claimed reminder, an alert reason, a reschedule) or by a look-back
 * shorter than the retention (standup reports, digests). Every other kind is kept: its dedupe key is
 * what stops it being sent twice (an introduction, a goodbye, a match notice), and it comes once
 * per pair or request, not once a week. Alert messages are kept too: staff edit them for as long as
 * the alert lives, through the channel and ts of their delivery.
 */
export const prunedKinds: readonly string[] = [
  'checkin',
  'reminder',
  'standup_prompt',
  'standup_reminder',
  'standup_report',
  'standup_report_thread',
  'digest',
  'digest_chart',
  'alert_reason',
  'alert_snooze_over',
  'reschedule',
];

export type DeliveryPruningOptions = {
  deliveries: DeliveryRepository;
  clock: Clock;
  logger: Logger;
  /** Settled deliveries older than this many days are deleted (default 30). */
  retentionDays?: number;
  /** Rows deleted per statement (default 1,000). */
  batchSize?: number;
  /** Statements per pass (default 1): a backlog drains over several passes, never in one long delete. */
  batchesPerPass?: number;
};

/** Scheduler step: deletes sent, failed and skipped deliveries past the retention, a bounded batch per pass. */
export function createDeliveryPruning(options: DeliveryPruningOptions) {
  const retentionDays = options.retentionDays ?? defaultRetentionDays;
  const batchSize = options.batchSize ?? 1_000;
  const batchesPerPass = options.batchesPerPass ?? 1;
  const log = options.logger.child({ component: 'delivery-pruning' });
  return {
    retentionDays,
    async prune(): Promise<number> {
      const before = new Date(options.clock().getTime() - retentionDays * 86_400_000);
      let pruned = 0;
      for (let i = 0; i < batchesPerPass; i++) {
        const n = await options.deliveries.pruneSettled(prunedKinds, before, batchSize);
        pruned += n;
        if (n < batchSize) break;
      }
      if (pruned > 0) log.info({ pruned, retentionDays }, 'settled deliveries pruned');
      return pruned;
    },
  };
}

export type DeliveryPruning = ReturnType<typeof createDeliveryPruning>;
