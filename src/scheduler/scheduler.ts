import cron, { type RunCoordinator } from 'node-cron';
import type { Logger } from '../logger.js';

/**
 * node-cron fires the pass; noOverlap makes a slow pass skip the next firing instead of stacking
 * passes in one process. Passes on other replicas are made harmless by the database (see tick.ts).
 */
export function startScheduler(options: { expression: string; logger: Logger; pass: () => Promise<unknown>; coordinator?: RunCoordinator }) {
  const log = options.logger.child({ component: 'scheduler' });
  let inFlight: Promise<unknown> | null = null;
  const task = cron.schedule(
    options.expression,
    async () => {
      inFlight = options.pass().then(
        (report) => log.debug({ report }, 'tick done'),
        (err: unknown) => log.error({ err }, 'tick failed; the next one will catch up'),
      );
      await inFlight;
      inFlight = null;
    },
    {
      noOverlap: true,
      name: 'tandem-tick',
      ...(options.coordinator ? { distributed: true, runCoordinator: options.coordinator } : {}),
    },
  );
  return {
    /** Stops firing and waits for the pass in progress, so shutdown never cuts a send in half. */
    async stop() {
      await task.stop();
      if (inFlight) await inFlight;
    },
  };
}
