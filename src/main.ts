import type { Config } from './config.js';
import { ping, type OpenedDatabase } from './db/database.js';
import { openMigratedDatabase } from './db/migrate.js';
import { createSchedulerRunRepository } from './db/repositories/scheduler-run-repository.js';
import type { Logger } from './logger.js';
import { runTick } from './scheduler/tick.js';
import { createPostgresRunCoordinator } from './scheduler/run-coordinator.js';
import { startScheduler } from './scheduler/scheduler.js';
import { systemClock, type Clock } from './services/clock.js';
import { createServices, type ServiceOptions, type Services } from './services/index.js';
import { createSlackApp } from './slack/app.js';
import { createWebApiPort, createWebClient } from './slack/web-api-port.js';

export type Tandem = {
  port: number;
  services: Services;
  database: OpenedDatabase;
  stop: () => Promise<void>;
};

/** Builds the services for one Slack token and database; used by `start`, `tick` and `import`. */
export function buildServices(
  config: Pick<Config, 'slack' | 'deliveryRetryHours' | 'deliveryRetentionDays' | 'chartFont'>,
  database: OpenedDatabase,
  logger: Logger,
  clock: Clock = systemClock,
  sender?: ServiceOptions['sender'],
): Services {
  const client = createWebClient(config.slack.botToken, { apiUrl: config.slack.apiUrl, logger });
  const horizon = config.deliveryRetryHours === undefined ? {} : { transientHorizonMs: config.deliveryRetryHours * 3_600_000 };
  return createServices({
    db: database.db,
    slack: createWebApiPort(client),
    clock,
    logger,
    sender: { ...horizon, ...sender },
    ...(config.deliveryRetentionDays === undefined ? {} : { pruning: { retentionDays: config.deliveryRetentionDays } }),
    chartFonts: config.chartFont ? [config.chartFont] : [],
  });
}

/** The composition root: config -> database -> services -> Slack app -> scheduler. */
export async function startTandem(
  config: Config,
  logger: Logger,
  options: {
    clock?: Clock;
    database?: OpenedDatabase;
    /** Close `database` on stop (default: only when startTandem opened it itself). */
    ownsDatabase?: boolean;
    code?: 'sources' | 'dist';
    sender?: ServiceOptions['sender'];
  } = {},
): Promise<Tandem> {
  const database = options.database ?? (await openMigratedDatabase(config, logger));
  const ownsDatabase = options.ownsDatabase ?? !options.database;
  const services = buildServices(config, database, logger, options.clock, options.sender);
  await services.staff.bootstrap(config.admins);

  const health = async () => {
    try {
      await Promise.race([ping(database.db), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000))]);
      return { ok: true, details: { database: 'ok', engine: database.engine } };
    } catch {
      return { ok: false, details: { database: 'unreachable', engine: database.engine } };
    }
  };
  const slack = createSlackApp(config, services, logger, health);
  let port: number;
  try {
    port = await slack.start();
  } catch (err) {
    // E.g. the port is taken: release the database so the process can exit at once.
    if (ownsDatabase) await database.close();
    throw err;
  }
  const scheduler = config.schedulerEnabled
    ? startScheduler({
        expression: config.tickCron,
        logger,
        pass: () => runTick(services),
        coordinator: createPostgresRunCoordinator(createSchedulerRunRepository(database.db)),
      })
    : null;
  logger.info(
    {
      port,
      mode: config.slack.appToken ? 'socket' : 'http',
      engine: database.engine,
      scheduler: Boolean(scheduler),
      ...(options.code ? { code: options.code } : {}),
    },
    'Tandem is running',
  );

  let stopping: Promise<void> | null = null;
  return {
    port,
    services,
    database,
    stop: () =>
      (stopping ??= (async () => {
        await scheduler?.stop();
        await slack.stop();
        await services.sender.idle();
        if (ownsDatabase) await database.close();
        logger.info('Tandem stopped');
      })()),
  };
}
