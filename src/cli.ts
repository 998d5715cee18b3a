import type { DatabaseConfig } from './config.js';
import type { Logger } from './logger.js';
import { db0, type CliContext, type RunOptions } from './cli/context.js';

export type { RunOptions };

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
  questions show <program> <kickoff|midmod|exit>
                             the DTR questions a program uses, as JSON
  questions set <program> <kickoff|midmod|exit> <file.json>
                             give a program its own DTR questions (a new version)
  db-template                make the embedded PostgreSQL's template cluster (npm ci
                             runs it), which a first start copies instead of initdb
  help                       this text`;

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, run: RunOptions = {}): Promise<number> {
  const [command = 'help', ...args] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let logger: Logger | undefined;
  /** The logger (on stderr where stdout is the command's output) and the migrated database. */
  const open: CliContext['open'] = async (config: DatabaseConfig, logTo: 'stdout' | 'stderr' = 'stdout') => {
    const { createLogger, openMigratedDatabase, stderr } = await db0();
    const log = createLogger(config.logLevel, logTo === 'stderr' ? stderr() : undefined);
    logger = log;
    return { log, db: await openMigratedDatabase(config, log) };
  };
  try {
    const commands: Record<string, () => Promise<{ run: (c: CliContext) => Promise<number> }>> = {
      start: () => import('./cli/start.js'),
      migrate: () => import('./cli/migrate.js'),
      tick: () => import('./cli/tick.js'),
      import: () => import('./cli/import-pairings.js'),
      export: () => import('./cli/export.js'),
      forget: () => import('./cli/forget.js'),
      deliveries: () => import('./cli/deliveries.js'),
      'db-template': () => import('./cli/db-template.js'),
      questions: () => import('./cli/questions.js'),
    };
    const command_ = Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (command_) return await (await command_()).run({ args, env, run, out, open, setLogger: (l) => (logger = l) });
    switch (command) {
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
