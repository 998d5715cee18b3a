import { readFile } from 'node:fs/promises';
import type { Config, DatabaseConfig } from './config.js';
import { dataDirFrom } from './data-dir.js';
import type { Logger } from './logger.js';
import { slackUserIdPattern } from './services/data-rights-service.js';
import { systemClock } from './services/clock.js';
import type { EmbeddedPostgres, EmbeddedPostgresLog } from './db/embedded-postgres.js';

/**
 * The logger and the database: what every command past its arguments needs first (`tandem start`
 * starts the database with them while it loads the rest). Loaded on demand, so `help` and a wrong
 * argument answer without loading Kysely or pino either.
 */
async function db0() {
  const [migrate, logging, { pino }] = await Promise.all([import('./db/migrate.js'), import('./logger.js'), import('pino')]);
  return { openMigratedDatabase: migrate.openMigratedDatabase, createLogger: logging.createLogger, stderr: () => pino.destination(2) };
}

/**
 * The composition root and what the commands run, loaded only by the commands that touch the
 * database or Slack: `help` and a wrong argument answer at once, without loading Bolt.
 */
async function load() {
  const [main, tick, pairingImport, hours, sessionLogs, people, dataRightsRepo, deliveryRepo, dataRights] = await Promise.all([
    import('./main.js'),
    import('./scheduler/tick.js'),
    import('./services/pairing-import.js'),
    import('./services/hours-csv.js'),
    import('./db/repositories/session-log-repository.js'),
    import('./db/repositories/people-repository.js'),
    import('./db/repositories/data-rights-repository.js'),
    import('./db/repositories/delivery-repository.js'),
    import('./services/data-rights-service.js'),
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

/** Starts the embedded PostgreSQL; its failure is reported later, with everything else that can stop the start. */
async function startEmbedded(dataDir: string, log: EmbeddedPostgresLog): Promise<{ started: Promise<EmbeddedPostgres> }> {
  const { startEmbeddedPostgres } = await import('./db/embedded-postgres.js');
  const started = startEmbeddedPostgres({ dataDir, log });
  started.catch(() => undefined);
  return { started };
}

/**
 * A log that keeps what it is told until it has somewhere to write it, then writes through. A line
 * it kept carries `heldMs`, how long it waited: its `time` minus that is when it happened.
 */
function bufferedLog(): EmbeddedPostgresLog & { forwardTo: (target: EmbeddedPostgresLog) => void } {
  const held: [keyof EmbeddedPostgresLog, Record<string, unknown>, string, number][] = [];
  let target: EmbeddedPostgresLog | undefined;
  const at = (level: keyof EmbeddedPostgresLog) => (fields: Record<string, unknown>, msg: string) => {
    if (target) target[level](fields, msg);
    else held.push([level, fields, msg, Date.now()]);
  };
  return {
    info: at('info'),
    warn: at('warn'),
    debug: at('debug'),
    forwardTo: (to) => {
      target = to;
      const now = Date.now();
      for (const [level, fields, msg, when] of held.splice(0)) to[level]({ ...fields, heldMs: now - when }, msg);
    },
  };
}

const usage = `Usage: tandem <command>

  start                      run the bot (HTTP or Socket Mode, per configuration)
  migrate                    apply database migrations and exit
  tick [--at ISO-8601]       run one scheduler pass, as if it were that instant
  import <pairings.csv>      import pairings (columns: program,mentor,mentee)
  export hours --month YYYY-MM
                             mentor hours for a month as CSV on stdout
  export person <slack-id>   everything stored about a person, as JSON on stdout
  forget <slack-id>          delete or anonymise everything stored about a person
                             (counts and hours stay); cannot be undone
  deliveries retry [id ...]  put failed messages (all, or these ids) back in the
                             queue; the running bot sends them on its next pass
  db-template                make the embedded PostgreSQL's template cluster (npm ci
                             runs it), which a first start copies instead of initdb
  help                       this text`;

/** Which code runs: the TypeScript sources (a checkout) or the compiled dist/ (the image); bin/tandem.js decides. */
export type RunOptions = { code?: 'sources' | 'dist' };

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, run: RunOptions = {}): Promise<number> {
  const [command = 'help', ...args] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let logger: Logger | undefined;
  /** The logger (on stderr where stdout is the command's output) and the migrated database. */
  const open = async (config: DatabaseConfig, logTo: 'stdout' | 'stderr' = 'stdout') => {
    const { createLogger, openMigratedDatabase, stderr } = await db0();
    const log = createLogger(config.logLevel, logTo === 'stderr' ? stderr() : undefined);
    logger = log;
    return { log, db: await openMigratedDatabase(config, log) };
  };
  try {
    switch (command) {
      case 'start': {
        // The embedded server (initdb on a first run, over a second) is the slowest part of a start, so
        // it starts before anything else loads, the configuration's validation (zod) included: pino,
        // Kysely, Bolt and the services load while it starts. Its log lines wait for the logger.
        const early = bufferedLog();
        const databaseUrlSet = (env.DATABASE_URL ?? '').trim() !== '';
        // Only when the configuration is likely to hold: no cluster is made for a start that is missing its bot token.
        let embedded = !databaseUrlSet && (env.SLACK_BOT_TOKEN ?? '').trim() !== '' ? (await startEmbedded(dataDirFrom(env), early)).started : undefined;
        let config: Config;
        try {
          config = (await import('./config.js')).loadConfig(env);
        } catch (err) {
          // The server started for a configuration that turned out wrong: stop it before saying why.
          await embedded?.then((server) => server.stop()).catch(() => undefined);
          throw err;
        }
        if (!config.databaseUrl) embedded ??= (await startEmbedded(config.dataDir, early)).started;
        const { createLogger, openMigratedDatabase } = await db0();
        const log = createLogger(config.logLevel);
        logger = log;
        early.forwardTo(log.child({ component: 'embedded-postgres' }));
        // A promise someone forgot to await must not take every pair's bot down: log it and go on.
        process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));
        const [loaded, opened] = await Promise.allSettled([load(), openMigratedDatabase(config, log, { embedded })]);
        if (loaded.status === 'rejected') {
          if (opened.status === 'fulfilled') await opened.value.close();
          throw loaded.reason;
        }
        if (opened.status === 'rejected') throw opened.reason;
        const tandem = await loaded.value.startTandem(config, log, { database: opened.value, ownsDatabase: true, ...(run.code ? { code: run.code } : {}) });
        await new Promise<void>((resolve) => {
          const shutdown = (signal: string) => {
            logger?.info({ signal }, 'shutting down');
            void tandem.stop().then(resolve);
          };
          process.once('SIGTERM', () => shutdown('SIGTERM'));
          process.once('SIGINT', () => shutdown('SIGINT'));
        });
        return 0;
      }
      case 'migrate': {
        const config = (await import('./config.js')).loadDatabaseConfig(env);
        const { db } = await open(config);
        await db.close();
        return 0;
      }
      case 'tick': {
        const atIndex = args.indexOf('--at');
        let clock = () => new Date();
        if (atIndex >= 0) {
          const { DateTime } = await import('luxon');
          const at = DateTime.fromISO(args[atIndex + 1] ?? '', { setZone: true });
          if (!at.isValid) {
            process.stderr.write(`--at needs an ISO-8601 instant such as 2027-01-15T10:00:00Z\n`);
            return 2;
          }
          const fixed = at.toJSDate();
          clock = () => fixed;
        }
        const config = (await import('./config.js')).loadConfig(env);
        const app = await load();
        const { log, db } = await open(config);
        const services = app.buildServices(config, db, log, clock);
        try {
          const report = await app.runTick(services);
          out(JSON.stringify(report));
        } finally {
          // Planning kicks the sender in the background; let that run finish before the database
          // closes under it, or a message posted to Slack is never recorded as sent.
          await services.sender.idle();
          await db.close();
        }
        return 0;
      }
      case 'import': {
        const file = args[0];
        if (!file) {
          process.stderr.write('import needs a CSV file: tandem import pairings.csv\n');
          return 2;
        }
        const csv = await readFile(file, 'utf8').catch(() => null);
        if (csv === null) {
          process.stderr.write(`Cannot read ${file}\n`);
          return 2;
        }
        const config = (await import('./config.js')).loadConfig(env);
        const app = await load();
        const { log, db } = await open(config);
        try {
          const services = app.buildServices(config, db, log);
          const lines = await app.importPairings(csv, services.pairings);
          await services.sender.deliverDue();
          // Each pairing kicked the sender in the background; wait for those runs too (see tick).
          await services.sender.idle();
          for (const l of lines) out(`line ${l.line}: ${l.status} — ${l.message}`);
          const errors = lines.filter((l) => l.status === 'error').length;
          out(`${lines.filter((l) => l.status === 'created').length} created, ${lines.filter((l) => l.status === 'unchanged').length} unchanged, ${errors} with errors`);
          return errors > 0 ? 1 : 0;
        } finally {
          await db.close();
        }
      }
      case 'export': {
        if (args[0] === 'person') {
          const id = args[1];
          if (args.length !== 2 || !id || !slackUserIdPattern.test(id)) {
            process.stderr.write(`export person needs exactly one Slack user id such as U012ABCDEF${id && !slackUserIdPattern.test(id) ? ` (“${id}” is not one)` : ''}.\nUsage: tandem export person <slack-id>\n`);
            return 2;
          }
          const config = (await import('./config.js')).loadDatabaseConfig(env);
          const app = await load();
          // stdout is the export itself: log lines go to stderr.
          const { log, db } = await open(config, 'stderr');
          try {
            const result = await app.createDataRightsService({ dataRights: app.createDataRightsRepository(db.db), clock: systemClock, logger: log }).exportPerson(id);
            if (!result.ok) {
              process.stderr.write(`${result.message}\nUsage: tandem export person <slack-id>\n`);
              return 2;
            }
            out(JSON.stringify(result.data, null, 2));
          } finally {
            await db.close();
          }
          return 0;
        }
        const monthIndex = args.indexOf('--month');
        const month = monthIndex >= 0 ? args[monthIndex + 1] : undefined;
        const { monthRange } = await import('./domain/hours.js');
        if (args[0] !== 'hours' || !month || !monthRange(month)) {
          process.stderr.write('Usage: tandem export hours --month YYYY-MM\n       tandem export person <slack-id>\n');
          return 2;
        }
        const config = (await import('./config.js')).loadDatabaseConfig(env);
        const app = await load();
        const { db } = await open(config, 'stderr');
        try {
          const repos = { sessionLogs: app.createSessionLogRepository(db.db), people: app.createPeopleRepository(db.db) };
          process.stdout.write((await app.hoursCsv(repos, month))?.csv ?? '');
        } finally {
          await db.close();
        }
        return 0;
      }
      case 'forget': {
        const id = args[0];
        if (args.length !== 1 || !id || !slackUserIdPattern.test(id)) {
          process.stderr.write(`forget needs exactly one Slack user id such as U012ABCDEF${id && !slackUserIdPattern.test(id) ? ` (“${id}” is not one)` : ''}.\nUsage: tandem forget <slack-id>\n`);
          return 2;
        }
        const config = (await import('./config.js')).loadDatabaseConfig(env);
        const app = await load();
        const { log, db } = await open(config);
        try {
          const result = await app.createDataRightsService({ dataRights: app.createDataRightsRepository(db.db), clock: systemClock, logger: log }).forgetPerson(id);
          if (!result.ok) {
            process.stderr.write(`${result.message}\nUsage: tandem forget <slack-id>\n`);
            return 2;
          }
          if (!result.found) out(`Nothing was stored about ${id}: there was nothing to forget.`);
          else {
            out(`Forgot ${id}: what is left of them is now ${result.pseudonym}.`);
            out(`deleted: ${Object.entries(result.changes.deleted).map(([table, n]) => `${n} from ${table}`).join(', ') || 'nothing'}`);
            out(`anonymised: ${Object.keys(result.changes.anonymised).join(', ') || 'nothing'}`);
          }
        } finally {
          await db.close();
        }
        return 0;
      }
      case 'deliveries': {
        const ids = args.slice(1);
        if (args[0] !== 'retry' || ids.some((id) => !/^[1-9][0-9]{0,9}$/.test(id))) {
          process.stderr.write(`Usage: tandem deliveries retry [id ...]${ids.some((id) => !/^[1-9][0-9]{0,9}$/.test(id)) ? '\n(ids are the whole numbers in the deliveries table)' : ''}\n`);
          return 2;
        }
        const config = (await import('./config.js')).loadDatabaseConfig(env);
        const app = await load();
        const { db } = await open(config, 'stderr');
        try {
          const n = await app.createDeliveryRepository(db.db).requeueFailed(new Date(), ids.length ? ids.map(Number) : undefined);
          out(n === 0 ? 'No failed messages to retry.' : `${n} failed message${n === 1 ? '' : 's'} put back in the queue; the bot sends ${n === 1 ? 'it' : 'them'} on its next pass (or run \`tandem tick\`).`);
        } finally {
          await db.close();
        }
        return 0;
      }
      case 'db-template': {
        const { createTemplate } = await import('./db/embedded-postgres.js');
        const { dir, made } = await createTemplate();
        out(made ? `tandem: made the embedded PostgreSQL template in ${dir}` : `tandem: the embedded PostgreSQL template is already in ${dir}`);
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        out(usage);
        return 0;
      default:
        process.stderr.write(`Unknown command “${command}”.\n\n${usage}\n`);
        return 2;
    }
  } catch (err) {
    // Both are written for the person starting Tandem: one sentence, no stack trace.
    if (err instanceof Error && (err.name === 'ConfigError' || err.name === 'EmbeddedPostgresError')) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if (logger) logger.fatal({ err }, `tandem ${command} failed`);
    else process.stderr.write(`tandem ${command} failed: ${(err as Error).message}\n`);
    return 1;
  }
}
