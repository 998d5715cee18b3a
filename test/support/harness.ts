import { Writable } from 'node:stream';
import type { Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startTandem, type Tandem } from '../../src/main.js';
import type { Clock } from '../../src/services/clock.js';
import type { ServiceOptions } from '../../src/services/index.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './fake-slack.js';
import { createSlackSender, type SlackSender } from './slack-signer.js';

export const signingSecret = 'test-signing-secret-0123456789';
export const botToken = 'xoxb-test-token';

/** Every log line the bot wrote during a test, parsed; tests can assert no secret ever appears. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text() {
    return this.lines.join('\n');
  }
}

export type Harness = {
  slack: FakeSlack;
  sender: SlackSender;
  tandem: Tandem;
  database: TestDatabase;
  logs: LogCapture;
  logger: Logger;
  baseUrl: string;
  /** Lets the test move time: the bot reads this clock everywhere. */
  setNow: (iso: string | Date) => void;
  stop: () => Promise<void>;
};

export type HarnessOptions = {
  admins?: string[];
  now?: string;
  fake?: FakeSlackOptions;
  config?: Partial<Config>;
  /** The outbox's pacing; by default fast, since Slack's real limits are the delivery-engine tests' subject, not these. */
  sender?: ServiceOptions['sender'];
  /** The bot's log level (default debug); trace shows everything Slack's clients log. */
  logLevel?: Config['logLevel'];
};

/**
 * The real bot, started on a random port against a fake Slack (a real HTTP server) and a fresh
 * database, with requests signed the way Slack signs them. Nothing of ours is mocked.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  let now = new Date(options.now ?? '2027-01-13T15:00:00Z');
  const clock: Clock = () => now;
  // The fake stamps messages (ts) with the bot's clock, so event times and deadlines line up.
  const slack = await startFakeSlack({ botToken, now: () => now.getTime(), ...options.fake });
  const database = await createTestDatabase();
  const logs = new LogCapture();
  const logLevel = options.logLevel ?? 'debug';
  const logger = createLogger(logLevel, logs);
  const config: Config = {
    databaseUrl: undefined,
    dataDir: '',
    logLevel,
    slack: { botToken, signingSecret, appToken: undefined, apiUrl: slack.url },
    port: 0,
    admins: options.admins ?? ['UADMIN'],
    tickCron: '* * * * *',
    schedulerEnabled: false,
    ...options.config,
  };
  const tandem = await startTandem(config, logger, {
    clock,
    database: { db: database.db, engine: database.engine, close: async () => undefined },
    sender: { channelGapMs: 5, workspacePerMinute: 60_000, ...options.sender },
  });
  const baseUrl = `http://127.0.0.1:${tandem.port}`;
  const sender = createSlackSender({ baseUrl, signingSecret, teamId: slack.teamId, responseUrl: () => slack.responseUrl() });
  return {
    slack,
    sender,
    tandem,
    database,
    logs,
    logger,
    baseUrl,
    setNow: (value) => {
      now = new Date(value);
    },
    stop: async () => {
      await tandem.stop();
      await slack.close();
      await database.close();
    },
  };
}
