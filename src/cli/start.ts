import type { Config } from '../config.js';
import { dataDirFrom } from '../data-dir.js';
import type { EmbeddedPostgres, EmbeddedPostgresLog } from '../db/embedded-postgres.js';
import { db0, load, type CliContext } from './context.js';

/** Starts the embedded PostgreSQL; its failure is reported later, with everything else that can stop the start. */
async function startEmbedded(dataDir: string, log: EmbeddedPostgresLog): Promise<{ started: Promise<EmbeddedPostgres> }> {
  const { startEmbeddedPostgres } = await import('../db/embedded-postgres.js');
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

/** `tandem start`: Runs the bot until SIGTERM or SIGINT. */
export async function run(c: CliContext): Promise<number> {
  const { env, run } = c;
  // The embedded server (initdb on a first run, over a second) is the slowest part of a start, so
  // it starts before anything else loads, the configuration's validation (zod) included: pino,
  // Kysely, Bolt and the services load while it starts. Its log lines wait for the logger.
  const early = bufferedLog();
  const databaseUrlSet = (env.DATABASE_URL ?? '').trim() !== '';
  // Only when the configuration is likely to hold: no cluster is made for a start that is missing its bot token.
  let embedded =
    !databaseUrlSet && (env.SLACK_BOT_TOKEN ?? '').trim() !== ''
      ? (await startEmbedded(dataDirFrom(env), early)).started
      : undefined;
  let config: Config;
  try {
    config = (await import('../config.js')).loadConfig(env);
  } catch (err) {
    // The server started for a configuration that turned out wrong: stop it before saying why.
    await embedded?.then((server) => server.stop()).catch(() => undefined);
    throw err;
  }
  if (!config.databaseUrl) embedded ??= (await startEmbedded(config.dataDir, early)).started;
  const { createLogger, openMigratedDatabase } = await db0();
  const log = createLogger(config.logLevel);
  c.setLogger(log);
  early.forwardTo(log.child({ component: 'embedded-postgres' }));
  // A promise someone forgot to await must not take every pair's bot down: log it and go on.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));
  const [loaded, opened] = await Promise.allSettled([load(), openMigratedDatabase(config, log, { embedded })]);
  if (loaded.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.close();
    throw loaded.reason;
  }
  if (opened.status === 'rejected') throw opened.reason;
  const tandem = await loaded.value.startTandem(config, log, {
    database: opened.value,
    ownsDatabase: true,
    ...(run.code ? { code: run.code } : {}),
  });
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      void tandem.stop().then(resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  return 0;
}
