import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
// Types only: the logger loads before Bolt does (tandem start opens the database meanwhile).
import type { LogLevel, Logger as SlackLogger } from '@slack/bolt';

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

// The URL part stops at a quote so the pattern never runs across JSON syntax (see streamWrite below).
const tokenPattern = /xox[abpre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|postgres(ql)?:\/\/[^@\s"]*@/g;

/** Masks anything that looks like a Slack token or a database password inside free text. */
export function scrubSecrets(text: string): string {
  return text.replace(tokenPattern, (m) =>
    m.startsWith('postgres') ? m.replace(/:\/\/[^@]*@/, '://***@') : `${m.slice(0, 5)}***`,
  );
}

/** Field names whose value is a secret at any depth (compared case-insensitively). */
const secretKeys = new Set([
  'token',
  'bottoken',
  'signingsecret',
  'apptoken',
  'authorization',
  'password',
  'databaseurl',
  'cookie',
]);

function serializeError(err: Error): Record<string, unknown> {
  const s = pino.stdSerializers.err(err);
  return { ...s, message: scrubSecrets(s.message ?? ''), stack: s.stack ? scrubSecrets(s.stack) : undefined };
}

/**
 * Copies a log object with secret-named fields censored and strings scrubbed, however deep they
 * sit: the redact paths above only reach fixed depths, and a config dump or a request nested in an
 * error can put a token anywhere. Errors anywhere in the object are serialized (and scrubbed) here.
 */
function censor(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth > 10) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return censor(serializeError(value), depth, seen);
    if (value instanceof Date || Buffer.isBuffer(value)) return value;
    if (Array.isArray(value)) return value.map((v) => censor(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value))
      out[key] = secretKeys.has(key.toLowerCase()) && v != null ? '[redacted]' : censor(v, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'tandem' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }), log: (obj) => censor(obj) as Record<string, unknown> },
      serializers: {
        // formatters.log has already turned a logged error into a plain object; this covers child bindings.
        err: (err: unknown) => (err instanceof Error ? censor(err) : err),
      },
      hooks: {
        logMethod(args, method) {
          // Free-text messages are scrubbed too: a library may interpolate a token into one.
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
        // Last line of defence: pino takes `msg` from a logged error's message without the hook above
        // seeing it, so the finished line is scrubbed of anything token-shaped as well.
        streamWrite: (line) => scrubSecrets(line),
      },
    },
    destination,
  );
}

/** Bolt and the Web API client log through this adapter so every line is pino JSON. */
export function slackLoggerFrom(logger: Logger, name: string): SlackLogger {
  const child = logger.child({ component: name });
  const toLine = (msgs: unknown[]) => scrubSecrets(msgs.map(withoutContent).join(' '));
  return {
    // Bolt and the Web API client call debug() several times per request: a line that will not be
    // written is not built (cutting bodies down to ids means parsing them).
    debug: (...msgs) => child.isLevelEnabled('debug') && child.debug(toLine(msgs)),
    info: (...msgs) => child.isLevelEnabled('info') && child.info(toLine(msgs)),
    warn: (...msgs) => child.isLevelEnabled('warn') && child.warn(toLine(msgs)),
    error: (...msgs) => child.isLevelEnabled('error') && child.error(toLine(msgs)),
    setLevel: () => undefined,
    getLevel: () => (child.level === 'debug' || child.level === 'trace' ? 'debug' : 'info') as LogLevel,
    setName: () => undefined,
  };
}

/** The only fields of a request or response a log line may show: which method, where, which ids. */
const idKeys = [
  'method',
  'url',
  'channel',
  'channel_id',
  'ts',
  'thread_ts',
  'message_ts',
  'user',
  'user_id',
  'users',
  'view_id',
  'external_id',
  'file',
  'file_id',
  'ok',
  'error',
] as const;

function idsOnly(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '[omitted]';
  const v = value as Record<string, unknown>;
  const channel = v.channel;
  const picked: Record<string, unknown> = {};
  for (const k of idKeys) {
    const x = k === 'channel' && typeof channel === 'object' && channel !== null ? (channel as { id?: unknown }).id : v[k];
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') picked[k] = x;
  }
  return JSON.stringify(picked);
}

/**
 * Slack's clients log whole request and response bodies at debug level: message text, form values,
 * private answers. Whatever they pass is cut down to method, channel and ids, at every level.
 */
function withoutContent(m: unknown): string {
  if (m instanceof Error) return `${m.name}: ${m.message}`;
  if (typeof m !== 'string') return idsOnly(m);
  const at = m.search(/[{[]/);
  if (at < 0) return m.length > 300 ? `${m.slice(0, 300)}…` : m;
  let ids = '[omitted]';
  try {
    ids = idsOnly(JSON.parse(m.slice(at)));
  } catch {
    // Not JSON: nothing after the first brace is kept.
  }
  return `${m.slice(0, at)}${ids}`;
}
