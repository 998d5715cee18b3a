import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createLogger, scrubSecrets, slackLoggerFrom } from '../../src/logger.js';

const BOT_TOKEN = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
const USER_TOKEN = 'xoxp-9876543210-abcdefABCDEF';
const APP_TOKEN = 'xapp-1-A0123456-7890-deadbeefcafe';
const DB_PASSWORD = 'Sup3rS3cretPw';
const DB_URL = `postgres://tandem:${DB_PASSWORD}@db.internal:5432/tandem`;
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

/** A pino destination that keeps every line, so tests read exactly what an operator would. */
class Capture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text() {
    return this.lines.join('\n');
  }
  records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

function setup(level: Parameters<typeof createLogger>[0] = 'trace') {
  const out = new Capture();
  return { out, logger: createLogger(level, out) };
}

const secrets = [BOT_TOKEN, USER_TOKEN, APP_TOKEN, DB_PASSWORD, SIGNING_SECRET];

function expectNoSecrets(text: string) {
  for (const s of secrets) expect(text).not.toContain(s);
}

describe('createLogger', () => {
  test('writes one JSON object per line with level label, app and message', () => {
    const { out, logger } = setup('info');
    logger.info({ pairingId: 7 }, 'paired');
    logger.warn('careful');
    logger.debug('not at info level');
    expect(out.lines).toHaveLength(2);
    const [first, second] = out.records();
    expect(first).toMatchObject({ level: 'info', app: 'tandem', pairingId: 7, msg: 'paired' });
    expect(typeof first?.time).toBe('number');
    expect(second).toMatchObject({ level: 'warn', msg: 'careful' });
  });

  test('silent writes nothing', () => {
    const { out, logger } = setup('silent');
    logger.fatal('x');
    expect(out.lines).toEqual([]);
  });

  test('Slack tokens inside a message are masked, keeping a recognisable prefix', () => {
    const { out, logger } = setup();
    logger.info(`calling Slack with ${BOT_TOKEN}`);
    logger.info('user %s and app %s', USER_TOKEN, APP_TOKEN);
    const [a, b] = out.records();
    expect(a?.msg).toBe('calling Slack with xoxb-***');
    expect(b?.msg).toBe('user xoxp-*** and app xapp-***');
    expectNoSecrets(out.text);
  });

  test('a postgres URL in a message loses its credentials but keeps host and database', () => {
    const { out, logger } = setup();
    logger.error(`cannot connect to ${DB_URL}`);
    logger.error(`also postgresql://admin:${DB_PASSWORD}@10.0.0.5/tandem`);
    const [a, b] = out.records();
    expect(a?.msg).toBe('cannot connect to postgres://***@db.internal:5432/tandem');
    expect(b?.msg).toBe('also postgresql://***@10.0.0.5/tandem');
    expectNoSecrets(out.text);
  });

  test('an error object is logged with its message and stack, both scrubbed', () => {
    const { out, logger } = setup();
    const err = new Error(`An API error occurred: invalid_auth for ${BOT_TOKEN} at ${DB_URL}`);
    logger.error({ err }, 'request failed');
    const [rec] = out.records();
    const logged = rec?.err as { type: string; message: string; stack: string };
    expect(rec?.msg).toBe('request failed');
    expect(logged.type).toBe('Error');
    expect(logged.message).toBe('An API error occurred: invalid_auth for xoxb-*** at postgres://***@db.internal:5432/tandem');
    expect(logged.stack).toContain('An API error occurred: invalid_auth for xoxb-***');
    expect(logged.stack).toContain('logger.test.ts');
    expectNoSecrets(out.text);
  });

  test('an error passed alone (pino then uses its message as msg) leaks nothing', () => {
    const { out, logger } = setup();
    logger.error(new Error(`token ${BOT_TOKEN} was revoked`));
    logger.error({ err: new Error(`connect failed: ${DB_URL}`) });
    const [a, b] = out.records();
    expect(a?.msg).toBe('token xoxb-*** was revoked');
    expect((a?.err as { message: string }).message).toBe('token xoxb-*** was revoked');
    expect(b?.msg).toBe('connect failed: postgres://***@db.internal:5432/tandem');
    expectNoSecrets(out.text);
  });

  test('extra fields on an error (a WebClient error carries the request) are redacted', () => {
    const { out, logger } = setup();
    const err = Object.assign(new Error('An HTTP protocol error occurred: statusCode = 500'), {
      code: 'slack_webapi_http_error',
      config: { headers: { Authorization: `Bearer ${BOT_TOKEN}` }, url: 'https://slack.com/api/chat.postMessage' },
      request: { headers: { authorization: `Bearer ${BOT_TOKEN}` } },
    });
    logger.error({ err }, 'post failed');
    const [rec] = out.records();
    const logged = rec?.err as Record<string, unknown>;
    expect(logged.code).toBe('slack_webapi_http_error');
    expectNoSecrets(out.text);
  });

  test('well-known secret fields are redacted at the top level and one level down', () => {
    const { out, logger } = setup();
    logger.info(
      {
        token: BOT_TOKEN,
        authorization: `Bearer ${USER_TOKEN}`,
        password: DB_PASSWORD,
        databaseUrl: DB_URL,
        slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: APP_TOKEN, token: USER_TOKEN, team: 'T0TEAM' },
        db: { password: DB_PASSWORD, databaseUrl: DB_URL },
      },
      'config loaded',
    );
    const [rec] = out.records();
    expect(rec).toMatchObject({
      token: '[redacted]',
      authorization: '[redacted]',
      password: '[redacted]',
      databaseUrl: '[redacted]',
      slack: { botToken: '[redacted]', signingSecret: '[redacted]', appToken: '[redacted]', token: '[redacted]', team: 'T0TEAM' },
      db: { password: '[redacted]', databaseUrl: '[redacted]' },
    });
    expectNoSecrets(out.text);
  });

  test('request headers are redacted wherever a request object is logged', () => {
    const { out, logger } = setup();
    logger.warn({ headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' } }, 'top-level headers');
    logger.warn({ request: { headers: { authorization: `Bearer ${BOT_TOKEN}` }, method: 'POST' } }, 'nested headers');
    logger.warn({ response: { config: { headers: { Authorization: `Bearer ${BOT_TOKEN}` } } } }, 'axios-style config');
    logger.warn({ call: { req: { headers: { Authorization: `Bearer ${BOT_TOKEN}` } } } }, 'two levels down');
    const [a, b, c, d] = out.records();
    expect(JSON.stringify(a)).not.toContain('Bearer');
    expect(b).toMatchObject({ request: { headers: { authorization: '[redacted]' }, method: 'POST' } });
    expect(JSON.stringify(c)).not.toContain('Bearer');
    expect(JSON.stringify(d)).not.toContain('Bearer');
    expectNoSecrets(out.text);
  });

  test('a deeply nested config dump leaks none of its secrets', () => {
    const { out, logger } = setup();
    logger.info(
      { config: { slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: APP_TOKEN }, databaseUrl: DB_URL } },
      'starting',
    );
    const [rec] = out.records();
    expect(rec?.msg).toBe('starting');
    expectNoSecrets(out.text);
  });

  test('a postgres URL or token in an ordinary string field is scrubbed', () => {
    const { out, logger } = setup();
    logger.info({ target: DB_URL, detail: `retrying with ${BOT_TOKEN}` }, 'connecting');
    const [rec] = out.records();
    expect(rec?.target).toBe('postgres://***@db.internal:5432/tandem');
    expect(rec?.detail).toBe('retrying with xoxb-***');
    expectNoSecrets(out.text);
  });

  test('child loggers keep the redaction and scrubbing', () => {
    const { out, logger } = setup();
    const child = logger.child({ component: 'delivery-sender' });
    child.info({ token: BOT_TOKEN }, `sent with ${USER_TOKEN}`);
    const [rec] = out.records();
    expect(rec).toMatchObject({ component: 'delivery-sender', token: '[redacted]', msg: 'sent with xoxp-***' });
    expectNoSecrets(out.text);
  });
});

describe('slackLoggerFrom', () => {
  test("Bolt's and the WebClient's free-form log calls become scrubbed JSON lines", () => {
    const { out, logger } = setup('debug');
    const slack = slackLoggerFrom(logger, 'web-api');
    slack.debug('http request', { url: 'https://slack.com/api/auth.test', headers: { Authorization: `Bearer ${BOT_TOKEN}` } });
    slack.error(new Error(`An API error occurred: ${USER_TOKEN}`));
    const [a, b] = out.records();
    expect(a).toMatchObject({ level: 'debug', component: 'web-api' });
    expect(a?.msg).toContain('https://slack.com/api/auth.test');
    expect(b).toMatchObject({ level: 'error', msg: 'Error: An API error occurred: xoxp-***' });
    expectNoSecrets(out.text);
  });

  test('request and response bodies are cut to method, channel and ids at every level', () => {
    const { out, logger } = setup('trace');
    const slack = slackLoggerFrom(logger, 'web-api');
    slack.debug(
      `http request body: ${JSON.stringify({ channel: 'C1', text: 'my private worry', blocks: [{ text: 'my private worry' }], thread_ts: '1.2' })}`,
    );
    slack.warn('http request failed', {
      channel: { id: 'D9', name: 'x' },
      view: { state: { values: { a: 'my private worry' } } },
      user_id: 'U1',
    });
    slack.info('not json {my private worry');
    const [a, b, c] = out.records();
    expect(a?.msg).toBe('http request body: {"channel":"C1","thread_ts":"1.2"}');
    expect(b?.msg).toBe('http request failed {"channel":"D9","user_id":"U1"}');
    expect(c?.msg).toBe('not json [omitted]');
    expect(out.text).not.toContain('private worry');
  });
});

describe('scrubSecrets', () => {
  test.each([
    ['plain text stays as is', 'nothing to see here', 'nothing to see here'],
    ['bot token', `t=${BOT_TOKEN};`, 't=xoxb-***;'],
    ['refresh/config tokens', 'xoxe-1-abc and xoxr-2-def', 'xoxe-*** and xoxr-***'],
    ['postgres URL without password keeps host', 'postgres://localhost/tandem', 'postgres://localhost/tandem'],
    ['postgres URL with password', DB_URL, 'postgres://***@db.internal:5432/tandem'],
    ['two secrets on one line', `${BOT_TOKEN} ${DB_URL}`, 'xoxb-*** postgres://***@db.internal:5432/tandem'],
  ])('%s', (_label, input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });
});
