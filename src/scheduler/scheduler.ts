import cron, { type RunCoordinator } from 'node-cron';
import type { Logger } from '../logger.js';

/**
 * node-cron fires the pass; noOverlap makes a slow pass skip the next firing instead of stacking
 * passes in one process. Passes on other replicas are made harmless by the database (see tick.ts).
 */
/**
 * One error line when passes stop running (the database is away, say), one line when they run again,
 * and nothing in between: an outage of an hour is two lines, not sixty.
 */
export function createOutageLog(log: Logger) {
  let downSince: number | null = null;
  let missed = 0;
  return {
    failed(err: unknown, what: string) {
      missed++;
      if (downSince !== null) return;
      downSince = Date.now();
      log.error({ err }, `${what}; passes will be retried every firing and this is logged once until they run again`);
    },
    succeeded() {
      if (downSince === null) return;
      log.info(
        { missedPasses: missed, downForMs: Date.now() - downSince },
        'scheduler passes run again; the missed ones are caught up by this pass',
      );
      downSince = null;
      missed = 0;
    },
  };
}

export function startScheduler(options: {
  expression: string;
  logger: Logger;
  pass: () => Promise<unknown>;
  coordinator?: RunCoordinator;
}) {
  const log = options.logger.child({ component: 'scheduler' });
  const outage = createOutageLog(log);
  let inFlight: Promise<unknown> | null = null;
  // node-cron swallows a coordinator that throws, so a pass skipped for want of a database said nothing.
  const base = options.coordinator;
  const coordinator: RunCoordinator | undefined = base && {
    shouldRun: async (key, ttlMs) => {
      try {
        return await base.shouldRun(key, ttlMs);
      } catch (err) {
        outage.failed(err, 'scheduler pass could not start (the database did not answer)');
        return false;
      }
    },
  };
  const task = cron.schedule(
    options.expression,
    async () => {
      inFlight = options.pass().then(
        (report) => {
          outage.succeeded();
          log.debug({ report }, 'tick done');
        },
        (err: unknown) => outage.failed(err, 'tick failed; the next one will catch up'),
      );
      await inFlight;
      inFlight = null;
    },
    {
      noOverlap: true,
      name: 'tandem-tick',
      ...(coordinator ? { distributed: true, runCoordinator: coordinator } : {}),
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
