import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig, loadDatabaseConfig } from '../../src/config.js';

const BOT_TOKEN = 'xoxb-1111-2222-abcdefABCDEF';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const APP_TOKEN = 'xapp-1-A111-222-abcdef';

/** The smallest environment HTTP mode accepts. */
const http = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET };

/** Runs `load` and returns the ConfigError it must throw. */
function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
}

/** The "  - NAME ..." lines of the message, keyed by variable name. */
function problems(err: ConfigError): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of err.message.split('\n')) {
    const m = /^ {2}- ([A-Z_]+) (.*)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], m[2]);
  }
  return out;
}

describe('loadConfig: what a working configuration gives', () => {
  test('the defaults fill in everything optional', () => {
    const config = loadConfig({ ...http, TANDEM_ADMINS: 'U1AAA, U2BBB' });
    expect(config).toEqual({
      databaseUrl: undefined,
      dataDir: './data',
      logLevel: 'info',
      slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: undefined },
      port: 3000,
      admins: ['U1AAA', 'U2BBB'],
      tickCron: '* * * * *',
      schedulerEnabled: true,
      deliveryRetryHours: 24,
      deliveryRetentionDays: 30,
    });
  });

  test('DELIVERY_RETRY_HOURS sets the retry horizon; nonsense is refused with a hint', () => {
    expect(loadConfig({ ...http, DELIVERY_RETRY_HOURS: '48' }).deliveryRetryHours).toBe(48);
    expect(() => loadConfig({ ...http, DELIVERY_RETRY_HOURS: '0' })).toThrow(/DELIVERY_RETRY_HOURS .*default 24/);
  });

  test('DELIVERY_RETENTION_DAYS sets how long settled deliveries are kept; too short or nonsense is refused with a hint', () => {
    expect(loadConfig({ ...http, DELIVERY_RETENTION_DAYS: '90' }).deliveryRetentionDays).toBe(90);
    expect(() => loadConfig({ ...http, DELIVERY_RETENTION_DAYS: '14' })).toThrow(
      /DELIVERY_RETENTION_DAYS .*from 15 to 3650 \(default 30\)/,
    );
    expect(() => loadConfig({ ...http, DELIVERY_RETENTION_DAYS: 'a month' })).toThrow(/DELIVERY_RETENTION_DAYS/);
  });

  test('CHART_FONT names a font file for chart text beyond the shipped font; anything else is refused with a hint', () => {
    expect(loadConfig(http).chartFont).toBeUndefined();
    expect(loadConfig({ ...http, CHART_FONT: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc' }).chartFont).toBe(
      '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    );
    expect(() => loadConfig({ ...http, CHART_FONT: '/usr/share/fonts/' })).toThrow(
      /CHART_FONT must name a .ttf, .otf, .ttc or .otc file: set it to the path of a TrueType or OpenType font/,
    );
  });

  test('admins are split on commas, trimmed, and empty entries dropped', () => {
    expect(loadConfig({ ...http, TANDEM_ADMINS: ' U1AAA ,,U2BBB,  W3CCC ,' }).admins).toEqual(['U1AAA', 'U2BBB', 'W3CCC']);
    expect(loadConfig({ ...http, TANDEM_ADMINS: '' }).admins).toEqual([]);
    expect(loadConfig(http).admins).toEqual([]);
  });

  test('empty strings (as a copied .env.example leaves them) count as unset', () => {
    const config = loadConfig({
      ...http,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: '',
      DATABASE_URL: '  ',
      DATA_DIR: '',
      PORT: '',
      LOG_LEVEL: '',
      SCHEDULER: '',
    });
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: './data',
      port: 3000,
      logLevel: 'info',
      schedulerEnabled: true,
    });
    expect(config.slack).toMatchObject({ appToken: undefined, apiUrl: undefined });
  });

  test('every variable that is given is used', () => {
    const config = loadConfig({
      ...http,
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      DATABASE_URL: 'postgresql://tandem:pw@db:5432/tandem',
      DATA_DIR: '/var/lib/tandem',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      TICK_CRON: '*/5 * * * *',
      SCHEDULER: 'off',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://tandem:pw@db:5432/tandem',
      dataDir: '/var/lib/tandem',
      port: 8080,
      logLevel: 'debug',
      tickCron: '*/5 * * * *',
      schedulerEnabled: false,
      slack: { apiUrl: 'http://127.0.0.1:9999/api/' },
    });
  });

  test('PORT 0 (any free port) is allowed', () => {
    expect(loadConfig({ ...http, PORT: '0' }).port).toBe(0);
  });

  test('Socket Mode (an app token) needs no signing secret', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN });
    expect(config.slack).toEqual({ botToken: BOT_TOKEN, signingSecret: undefined, appToken: APP_TOKEN, apiUrl: undefined });
  });
});

describe('loadConfig: what a broken configuration says', () => {
  test('HTTP mode without a signing secret is refused, naming the variable and why', () => {
    const err = configError(() => loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN }));
    const p = problems(err);
    expect([...p.keys()]).toEqual(['SLACK_SIGNING_SECRET']);
    expect(p.get('SLACK_SIGNING_SECRET')).toMatch(/^is missing/);
    expect(p.get('SLACK_SIGNING_SECRET')).toContain('Signing Secret');
    expect(p.get('SLACK_SIGNING_SECRET')).toContain('HTTP mode');
  });

  test('an empty environment names both Slack variables in one message, each with its hint', () => {
    const err = configError(() => loadConfig({}));
    expect(err.name).toBe('ConfigError');
    expect(err.message.split('\n')[0]).toBe('Tandem cannot start because its configuration is incomplete:');
    expect(err.message).toContain('.env.example');
    const p = problems(err);
    expect([...p.keys()].sort()).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    expect(p.get('SLACK_BOT_TOKEN')).toMatch(/^is missing: set it to the Bot User OAuth Token \(xoxb-\.\.\.\)/);
    expect(p.get('SLACK_SIGNING_SECRET')).toMatch(/^is missing/);
  });

  test('every invalid variable is reported at once, each on its own line with its hint', () => {
    const err = configError(() =>
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxp-secret123',
        SLACK_SIGNING_SECRET: 'short',
        SLACK_APP_TOKEN: 'xoxb-not-an-app-token',
        SLACK_API_URL: 'ftp://files.example.com/api/',
        DATABASE_URL: 'mysql://tandem:hunter2@db/tandem',
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        TANDEM_ADMINS: 'U1AAA',
        SCHEDULER: 'sometimes',
      }),
    );
    const p = problems(err);
    expect([...p.keys()].sort()).toEqual(
      [
        'DATABASE_URL',
        'LOG_LEVEL',
        'PORT',
        'SCHEDULER',
        'SLACK_API_URL',
        'SLACK_APP_TOKEN',
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
      ].sort(),
    );
    expect(p.get('SLACK_BOT_TOKEN')).toContain('must start with xoxb-');
    expect(p.get('SLACK_SIGNING_SECRET')).toContain('is too short');
    expect(p.get('SLACK_APP_TOKEN')).toContain('must start with xapp-');
    expect(p.get('DATABASE_URL')).toContain('must start with postgres://');
    expect(p.get('PORT')).toContain('a whole number from 0 to 65535');
    expect(p.get('LOG_LEVEL')).toContain('one of fatal, error, warn, info, debug, trace, silent');
    expect(p.get('SLACK_API_URL')).toContain('https://slack.com/api/');
    expect(p.get('SCHEDULER')).toContain('on or off');
    // Given-but-wrong is not reported as missing.
    for (const [name, line] of p) expect(line, name).not.toMatch(/^is missing/);
  });

  test.each([
    ['a port out of range', '70000'],
    ['a negative port', '-1'],
    ['a fractional port', '3000.5'],
  ])('PORT: %s is refused', (_label, port) => {
    const p = problems(configError(() => loadConfig({ ...http, PORT: port })));
    expect([...p.keys()]).toEqual(['PORT']);
    expect(p.get('PORT')).toContain('whole number from 0 to 65535');
  });

  test('an invalid admin id is refused, naming TANDEM_ADMINS and the expected form', () => {
    const err = configError(() => loadConfig({ ...http, TANDEM_ADMINS: 'U1AAA, alice' }));
    const p = problems(err);
    expect([...p.keys()]).toEqual(['TANDEM_ADMINS']);
    expect(p.get('TANDEM_ADMINS')).toContain('U012ABCDEF');
    // A lower-case id is not a Slack user id either.
    expect([...problems(configError(() => loadConfig({ ...http, TANDEM_ADMINS: 'u1aaa' }))).keys()]).toEqual(['TANDEM_ADMINS']);
  });

  test.each([
    ['not a URL at all', 'slack api'],
    ['a non-HTTP scheme', 'ftp://slack.example.com/api/'],
    ['a bare host name', 'slack.com/api'],
  ])('SLACK_API_URL: %s is refused', (_label, value) => {
    const p = problems(configError(() => loadConfig({ ...http, SLACK_API_URL: value })));
    expect([...p.keys()]).toEqual(['SLACK_API_URL']);
  });

  test('SLACK_API_URL accepts http and https URLs', () => {
    expect(loadConfig({ ...http, SLACK_API_URL: 'https://slack-gov.com/api/' }).slack.apiUrl).toBe('https://slack-gov.com/api/');
    expect(loadConfig({ ...http, SLACK_API_URL: 'http://127.0.0.1:4000/api/' }).slack.apiUrl).toBe('http://127.0.0.1:4000/api/');
  });

  test('no secret value given is ever echoed in the message', () => {
    const secrets = {
      SLACK_BOT_TOKEN: 'xoxp-secret123',
      SLACK_SIGNING_SECRET: 'tiny',
      SLACK_APP_TOKEN: 'xoxb-apptokensecret456',
      DATABASE_URL: 'mysql://tandem:hunter2secret@db:3306/tandem',
      SLACK_API_URL: 'ftp://user:apipassword789@files.example/api/',
    };
    const err = configError(() => loadConfig(secrets));
    expect([...problems(err).keys()].sort()).toEqual(Object.keys(secrets).sort());
    for (const value of ['secret123', 'xoxp-secret123', 'tiny', 'apptokensecret456', 'hunter2secret', 'apipassword789']) {
      expect(err.message).not.toContain(value);
    }
    expect(err.stack ?? '').not.toContain('secret123');
  });
});

describe('loadDatabaseConfig', () => {
  test('needs no Slack variables and applies the defaults', () => {
    expect(loadDatabaseConfig({})).toEqual({ databaseUrl: undefined, dataDir: './data', logLevel: 'info' });
  });

  test('uses the given values', () => {
    expect(
      loadDatabaseConfig({ DATABASE_URL: 'postgres://u:p@localhost/tandem', DATA_DIR: '/tmp/x', LOG_LEVEL: 'warn' }),
    ).toEqual({
      databaseUrl: 'postgres://u:p@localhost/tandem',
      dataDir: '/tmp/x',
      logLevel: 'warn',
    });
  });

  test('reports a bad DATABASE_URL and LOG_LEVEL together, without the URL password, and ignores Slack variables', () => {
    const err = configError(() =>
      loadDatabaseConfig({ DATABASE_URL: 'mysql://root:s3cretpw@db/tandem', LOG_LEVEL: 'chatty', SLACK_BOT_TOKEN: 'nope' }),
    );
    const p = problems(err);
    expect([...p.keys()].sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL']);
    expect(p.get('DATABASE_URL')).toContain('postgres://tandem:secret@localhost:5432/tandem');
    expect(err.message).not.toContain('s3cretpw');
  });
});
