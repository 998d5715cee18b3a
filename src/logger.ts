import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';

export type Logger = PinoLogger;

/**
 * Secrets can reach a log line through error objects (a WebClient error carries request headers)
 * and through config dumps; redact every path we know of, and censor anything shaped like a token.
 */
const redactPaths = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'signingSecret',
  '*.signingSecret',
  'appToken',
  '*.appToken',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.*.headers.authorization',
  'config.headers',
  '*.config.headers',
  'password',
  '*.password',
  'databaseUrl',
  '*.databaseUrl',
];

const tokenPattern = /xox[abpre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|postgres(ql)?:\/\/[^@\s]*@/g;

/** Masks anything that looks like a Slack token or a database password inside free text. */
export function scrubSecrets(text: string): string {
  return text.replace(tokenPattern, (m) => (m.startsWith('postgres') ? m.replace(/:\/\/[^@]*@/, '://***@') : `${m.slice(0, 5)}***`));
}

export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'tandem' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      serializers: {
        err: (err: unknown) => {
          const s = pino.stdSerializers.err(err as Error);
          return { ...s, message: scrubSecrets(s.message ?? ''), stack: s.stack ? scrubSecrets(s.stack) : undefined };
        },
      },
      hooks: {
        logMethod(args, method) {
          // Free-text messages are scrubbed too: a library may interpolate a token into one.
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}

/** Bolt and the Web API client log through this adapter so every line is pino JSON. */
export function slackLoggerFrom(logger: Logger, name: string): SlackLogger {
  const child = logger.child({ component: name });
  const toLine = (msgs: unknown[]) => scrubSecrets(msgs.map((m) => (typeof m === 'string' ? m : safeJson(m))).join(' '));
  return {
    debug: (...msgs) => child.debug(toLine(msgs)),
    info: (...msgs) => child.info(toLine(msgs)),
    warn: (...msgs) => child.warn(toLine(msgs)),
    error: (...msgs) => child.error(toLine(msgs)),
    setLevel: () => undefined,
    getLevel: () => (child.level === 'debug' || child.level === 'trace' ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
