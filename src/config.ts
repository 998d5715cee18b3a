import { z } from 'zod';
import { defaultDataDir } from './data-dir.js';

/**
 * The one place that reads process.env. Each variable carries the hint a newcomer needs when it is
 * missing or wrong, so start-up can fail with one readable message instead of a stack trace.
 */
const hints: Record<string, string> = {
  SLACK_BOT_TOKEN: "the Bot User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page",
  SLACK_SIGNING_SECRET:
    "the Signing Secret from your Slack app's Basic Information page (needed in HTTP mode, i.e. when SLACK_APP_TOKEN is not set)",
  SLACK_APP_TOKEN: 'an app-level token (xapp-...) with connections:write, only for Socket Mode',
  SLACK_API_URL: 'the Slack Web API base URL, e.g. https://slack.com/api/ (leave unset unless you use GovSlack or a local fake)',
  DATABASE_URL:
    'a PostgreSQL connection string, e.g. postgres://tandem:secret@localhost:5432/tandem (unset: embedded database in DATA_DIR)',
  DATA_DIR: 'a writable folder for the embedded database, e.g. ./data',
  PORT: 'the HTTP port, a whole number from 0 to 65535 (default 3000)',
  TANDEM_ADMINS: 'comma-separated Slack user ids of the first staff, e.g. U012ABCDEF,U034GHIJKL',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent (default info)',
  TICK_CRON: 'a cron expression for the scheduler tick (default "* * * * *", every minute)',
  SCHEDULER: 'on or off (default on); off leaves ticking to `tandem tick` from an external cron',
  DELIVERY_RETRY_HOURS:
    'how many hours a message keeps being retried through Slack 429s, 5xx and network errors, a number from 1 to 720 (default 24)',
  DELIVERY_RETENTION_DAYS:
    'how many days sent, failed and cancelled messages are kept in the outbox before they are deleted, a whole number from 15 to 3650 (default 30)',
  CHART_FONT:
    'the path of a TrueType or OpenType font file for chart text the shipped font lacks, e.g. /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
};

const slackUserId = /^[UW][A-Z0-9]{2,}$/;
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const databaseShape = {
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
      .optional(),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default(defaultDataDir)),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
};

const appShape = {
  ...databaseShape,
  SLACK_BOT_TOKEN: z.string({ error: 'is missing' }).regex(/^xoxb-/, 'must start with xoxb-'),
  SLACK_SIGNING_SECRET: z.preprocess(emptyToUndefined, z.string().min(8, 'is too short').optional()),
  SLACK_APP_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^xapp-/, 'must start with xapp-')
      .optional(),
  ),
  SLACK_API_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  TANDEM_ADMINS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(slackUserId, 'each id must look like U012ABCDEF'))),
  ),
  TICK_CRON: z.preprocess(emptyToUndefined, z.string().default('* * * * *')),
  SCHEDULER: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).default('on')),
  DELIVERY_RETRY_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().min(1).max(720).default(24)),
  DELIVERY_RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(15).max(3650).default(30)),
  CHART_FONT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/\.(ttf|otf|ttc|otc)$/i, 'must name a .ttf, .otf, .ttc or .otc file')
      .optional(),
  ),
};

const appSchema = z.object(appShape);
const databaseSchema = z.object(databaseShape);

export type DatabaseConfig = {
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof databaseSchema>['LOG_LEVEL'];
};

export type Config = DatabaseConfig & {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
  };
  port: number;
  admins: string[];
  tickCron: string;
  schedulerEnabled: boolean;
  /** How long a message is retried through transient Slack failures (default 24). */
  deliveryRetryHours?: number;
  /** How many days settled deliveries are kept before they are pruned (default 30). */
  deliveryRetentionDays?: number;
  /** A font file for chart text beyond the shipped font's Latin, Greek and Cyrillic (CHART_FONT). */
  chartFont?: string | undefined;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function explain(issues: readonly z.core.$ZodIssue[], env: NodeJS.ProcessEnv): ConfigError {
  const lines = issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const hint = hints[name] ? `: set it to ${hints[name]}` : '';
    const given = emptyToUndefined(env[name]) !== undefined;
    const problem = !given ? 'is missing' : issue.code === 'invalid_type' ? `is not valid (${issue.message})` : issue.message;
    return `  - ${name} ${problem}${hint}`;
  });
  return new ConfigError(
    [
      'Tandem cannot start because its configuration is incomplete:',
      ...lines,
      'See .env.example and the Configuration section of README.md.',
    ].join('\n'),
  );
}

export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const parsed = databaseSchema.safeParse(env);
  if (!parsed.success) throw explain(parsed.error.issues, env);
  return { databaseUrl: parsed.data.DATABASE_URL, dataDir: parsed.data.DATA_DIR, logLevel: parsed.data.LOG_LEVEL };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = appSchema.safeParse(env);
  const issues = parsed.success ? [] : [...parsed.error.issues];
  // HTTP mode (no app token) needs the signing secret; checked here so it is reported with the rest.
  if (!emptyToUndefined(env.SLACK_APP_TOKEN) && !emptyToUndefined(env.SLACK_SIGNING_SECRET)) {
    issues.push({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is missing (HTTP mode needs it)', input: undefined });
  }
  if (!parsed.success || issues.length > 0) throw explain(issues, env);
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    port: e.PORT,
    admins: e.TANDEM_ADMINS,
    tickCron: e.TICK_CRON,
    schedulerEnabled: e.SCHEDULER === 'on',
    deliveryRetryHours: e.DELIVERY_RETRY_HOURS,
    deliveryRetentionDays: e.DELIVERY_RETENTION_DAYS,
    chartFont: e.CHART_FONT,
  };
}
