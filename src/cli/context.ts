import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * The logger and the database: what every command past its arguments needs first (`tandem start`
 * starts the database with them while it loads the rest). Loaded on demand, so `help` and a wrong
 * argument answer without loading Kysely or pino either.
 */
export async function db0() {
  const [migrate, logging, { pino }] = await Promise.all([import('../db/migrate.js'), import('../logger.js'), import('pino')]);
  return {
    openMigratedDatabase: migrate.openMigratedDatabase,
    createLogger: logging.createLogger,
    stderr: () => pino.destination(2),
  };
}

/**
 * The composition root and what the commands run, loaded only by the commands that touch the
 * database or Slack: `help` and a wrong argument answer at once, without loading Bolt.
 */
export async function load() {
  const [main, tick, pairingImport, hours, sessionLogs, people, dataRightsRepo, deliveryRepo, dataRights] = await Promise.all([
    import('../main.js'),
    import('../scheduler/tick.js'),
    import('../services/pairings/pairing-import.js'),
    import('../services/records/hours-csv.js'),
    import('../db/repositories/session-log-repository.js'),
    import('../db/repositories/people-repository.js'),
    import('../db/repositories/data-rights-repository.js'),
    import('../db/repositories/delivery-repository.js'),
    import('../services/people/data-rights-service.js'),
  ]);
  return {
    ...main,
    runTick: tick.runTick,
    importPairings: pairingImport.importPairings,
    hoursCsv: hours.hoursCsv,
    createSessionLogRepository: sessionLogs.createSessionLogRepository,
    createPeopleRepository: people.createPeopleRepository,
    createDataRightsRepository: dataRightsRepo.createDataRightsRepository,
    createDeliveryRepository: deliveryRepo.createDeliveryRepository,
    createDataRightsService: dataRights.createDataRightsService,
  };
}

/** Which code runs: the TypeScript sources (a checkout) or the compiled dist/ (the image); bin/tandem.js decides. */
export type RunOptions = { code?: 'sources' | 'dist' };

/** What every command gets: its arguments, the environment, stdout, and the database opened with a logger. */
export type CliContext = {
  args: string[];
  env: NodeJS.ProcessEnv;
  run: RunOptions;
  out: (line: string) => void;
  /** The logger (on stderr where stdout is the command's output) and the migrated database. */
  open: (
    config: DatabaseConfig,
    logTo?: 'stdout' | 'stderr',
  ) => Promise<{ log: Logger; db: Awaited<ReturnType<Awaited<ReturnType<typeof db0>>['openMigratedDatabase']>> }>;
  /** The logger a failure is reported through, once there is one. */
  setLogger: (logger: Logger) => void;
};
