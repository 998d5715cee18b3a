import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest, migrationsFolder } from '../../src/db/migrate.js';
import { createPairingRepository } from '../../src/db/repositories/pairing-repository.js';
import { createProgramRepository } from '../../src/db/repositories/program-repository.js';
import { cliEnv, freePort, jsonLines, killRunningClis, runCli, startCli } from '../support/cli.js';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/db.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { createSlackSender } from '../support/slack-signer.js';

const BOT_TOKEN = 'xoxb-test-token';
const SIGNING_SECRET = 'cli-test-signing-secret-4242';
const ADMIN = 'UADMIN';
const PROGRAM = 'Backend Module 3';

async function migrationNames(): Promise<string[]> {
  return (await readdir(migrationsFolder))
    .filter((f) => /^\d{4}_[\w-]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.(ts|js)$/, ''))
    .sort();
}

/** Lines of a stack trace as Node prints them. */
const stackLine = /^\s+at .+\(?.*:\d+:\d+\)?$/m;

const tmpDirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/**
 * The database the child process uses: a PGlite folder (DATA_DIR) or a PostgreSQL database
 * (DATABASE_URL), per the engine under test. PGlite allows one process at a time, so the test opens
 * it only between CLI runs, and closes it again before the next.
 */
type Store = { env: Record<string, string>; use: <T>(fn: (db: Db) => Promise<T>) => Promise<T>; close: () => Promise<void> };

async function createStore(): Promise<Store> {
  if (testEngine === 'postgres') {
    const t: TestDatabase = await createTestDatabase('postgres');
    return { env: { DATABASE_URL: t.url as string }, use: (fn) => fn(t.db), close: () => t.close() };
  }
  const dir = await tempDir('tandem-cli-data-');
  // A copy of the migrated template saves PGlite's initdb (seconds) in every test.
  await cp(inject('pgliteTemplateDir'), dir, { recursive: true });
  return {
    env: { DATA_DIR: dir },
    async use(fn) {
      const opened = await openDatabase({ dataDir: dir });
      try {
        await migrateToLatest(opened.db);
        return await fn(opened.db);
      } finally {
        await opened.close();
      }
    },
    close: async () => undefined,
  };
}

async function seedProgram(db: Db, name = PROGRAM) {
  const program = await createProgramRepository(db).create({ name, time_zone: 'America/Denver', start_date: '2027-01-11', created_by: ADMIN }, ['2027-01-18']);
  if (!program) throw new Error('program not created');
  return program;
}

function expectNoSecrets(text: string) {
  expect(text).not.toContain(BOT_TOKEN);
  expect(text).not.toContain(SIGNING_SECRET);
}

afterEach(async () => {
  await killRunningClis();
});
afterAll(async () => {
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('tandem with a broken configuration or bad arguments', () => {
  test('start without Slack variables exits 1, naming each missing variable, with no stack trace', async () => {
    const dir = await tempDir('tandem-cli-nocfg-');
    const r = await runCli(['start'], cliEnv({ DATA_DIR: dir }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Tandem cannot start because its configuration is incomplete');
    expect(r.stderr).toMatch(/SLACK_BOT_TOKEN is missing: set it to the Bot User OAuth Token/);
    expect(r.stderr).toMatch(/SLACK_SIGNING_SECRET is missing/);
    expect(r.stderr).toContain('.env.example');
    expect(r.stderr).not.toMatch(stackLine);
    expect(r.stderr).not.toContain('ConfigError');
    expect(r.stdout).toBe('');
  });

  test('a wrong token is refused without echoing it', async () => {
    const r = await runCli(['start'], cliEnv({ SLACK_BOT_TOKEN: 'xoxp-secret123', SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: 'http' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).not.toContain('secret123');
    expect(r.stderr).not.toContain(SIGNING_SECRET);
    expect(r.stderr).not.toMatch(stackLine);
  });

  test('tick --at with something that is not an instant exits 2 with a message', async () => {
    const r = await runCli(['tick', '--at', 'nonsense'], cliEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--at needs an ISO-8601 instant such as 2027-01-15T10:00:00Z');
    expect(r.stdout).toBe('');
  });

  test('an unknown command exits 2 with the usage; help exits 0 with it', async () => {
    const unknown = await runCli(['frobnicate'], cliEnv());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command “frobnicate”');
    expect(unknown.stderr).toContain('Usage: tandem <command>');
    const help = await runCli(['help'], cliEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('import <pairings.csv>');
  });

  test('import without a file, or with one that cannot be read, exits 2', async () => {
    const none = await runCli(['import'], cliEnv());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('import needs a CSV file');
    const missing = await runCli(['import', 'no/such/pairings.csv'], cliEnv());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read no/such/pairings.csv');
  });
});

describe('tandem migrate', () => {
  test('on a new DATA_DIR migrates and exits 0 with JSON log lines; a second run is a no-op', async () => {
    const dir = await tempDir('tandem-cli-migrate-');
    const env = cliEnv({ DATA_DIR: dir, LOG_LEVEL: 'info' });

    const first = await runCli(['migrate'], env, 120_000);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const firstLogs = jsonLines(first.stdout);
    const all = await migrationNames();
    expect(all[0]).toBe('0001_foundation');
    expect(firstLogs).toContainEqual(expect.objectContaining({ level: 'info', app: 'tandem', engine: 'pglite', msg: 'database migrated', applied: all }));

    const second = await runCli(['migrate'], env, 120_000);
    expect(second.code).toBe(0);
    const secondLogs = jsonLines(second.stdout);
    expect(secondLogs).toContainEqual(expect.objectContaining({ engine: 'pglite', msg: 'database schema up to date', applied: [] }));
    expect(secondLogs.some((l) => l.msg === 'database migrated')).toBe(false);

    const opened = await openDatabase({ dataDir: dir });
    try {
      const rows = await opened.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
      expect(rows).toEqual(all.map((name) => ({ name })));
    } finally {
      await opened.close();
    }
  }, 180_000);

  test.skipIf(testEngine !== 'postgres')('with DATABASE_URL migrates the PostgreSQL database, and never logs its password', async () => {
    const t = await createTestDatabase('postgres');
    try {
      const r = await runCli(['migrate'], cliEnv({ DATABASE_URL: t.url }));
      expect(r.code).toBe(0);
      expect(jsonLines(r.stdout)).toContainEqual(expect.objectContaining({ engine: 'postgres', msg: 'database schema up to date' }));
      const password = new URL(t.url as string).password;
      expect(password.length).toBeGreaterThan(0);
      expect(r.stdout + r.stderr).not.toContain(`:${password}@`);
    } finally {
      await t.close();
    }
  });
});

describe('tandem import and tick against a fake Slack', () => {
  let fake: FakeSlack;
  let store: Store;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN });
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    fake.reset();
    for (const [id, name, tz] of [
      [ADMIN, 'sam', 'America/Denver'],
      ['UMENTOR1', 'ada', 'Europe/Berlin'],
      ['UMENTEE1', 'bo', 'America/New_York'],
      ['UMENTOR2', 'cy', 'UTC'],
      ['UMENTEE2', 'di', 'Asia/Tokyo'],
      ['UMENTEE3', 'ed', 'UTC'],
      ['UMENTEE4', 'fa', 'UTC'],
      ['UMENTEE5', 'gu', 'UTC'],
    ] as const) {
      fake.addUser({ id, name, tz });
    }
    store = await createStore();
    env = cliEnv({ ...store.env, SLACK_API_URL: fake.url, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, LOG_LEVEL: 'debug' });
  });
  afterEach(async () => {
    await store?.close();
  });

  /** Introductions Slack accepted (the outbox tags every post with its kind in the metadata). */
  const introPosts = () =>
    fake
      .callsTo('chat.postMessage')
      .filter((c) => c.status === 200 && (c.response as { ok?: boolean }).ok === true && JSON.stringify(c.args.metadata ?? null).includes('pair_intro'));

  test('import stores the good rows, names the bad ones by line, introduces each new pair once, and is idempotent', async () => {
    await store.use((db) => seedProgram(db));
    const dir = await tempDir('tandem-cli-csv-');
    const csv = path.join(dir, 'pairings.csv');
    await writeFile(
      csv,
      [
        'program,mentor,mentee',
        `${PROGRAM},UMENTOR1,UMENTEE1`,
        `backend module 3,<@UMENTOR2|cy>,UMENTEE2`,
        `${PROGRAM},bob,UMENTEE3`,
        'Frontend,UMENTOR1,UMENTEE4',
        ',UMENTOR1,UMENTEE5',
        '',
      ].join('\n'),
    );

    const first = await runCli(['import', csv], env);
    expect(first.code).toBe(1);
    const out = first.stdout.split('\n').filter((l) => l.startsWith('line ') || /created, /.test(l));
    expect(out).toEqual([
      `line 2: created — UMENTOR1 -> UMENTEE1 in ${PROGRAM}`,
      `line 3: created — UMENTOR2 -> UMENTEE2 in ${PROGRAM}`,
      'line 4: error — mentor must be a Slack user id such as U012ABCDEF',
      expect.stringMatching(/^line 5: error — There is no program called “Frontend”/),
      'line 6: error — program is empty',
      '2 created, 0 unchanged, 3 with errors',
    ]);
    expect(first.stderr).toBe('');
    expectNoSecrets(first.stdout + first.stderr);

    const stored = await store.use(async (db) => ({
      pairings: await db.selectFrom('pairings').select(['mentor_id', 'mentee_id', 'status', 'conversation_id', 'created_by']).orderBy('id').execute(),
      deliveries: await db.selectFrom('deliveries').select(['kind', 'status', 'channel', 'attempts']).where('kind', '=', 'pair_intro').orderBy('id').execute(),
    }));
    expect(stored.pairings).toEqual([
      { mentor_id: 'UMENTOR1', mentee_id: 'UMENTEE1', status: 'active', conversation_id: expect.any(String), created_by: 'cli' },
      { mentor_id: 'UMENTOR2', mentee_id: 'UMENTEE2', status: 'active', conversation_id: expect.any(String), created_by: 'cli' },
    ]);
    // Both introductions went out and were recorded as sent before the process exited.
    expect(stored.deliveries).toEqual([
      { kind: 'pair_intro', status: 'sent', channel: stored.pairings[0]?.conversation_id, attempts: 1 },
      { kind: 'pair_intro', status: 'sent', channel: stored.pairings[1]?.conversation_id, attempts: 1 },
    ]);

    const posts = introPosts();
    expect(posts).toHaveLength(2);
    const pairsIntroduced = posts.map((p) => {
      const conversation = fake.conversations.get(String(p.args.channel));
      expect(conversation?.is_mpim).toBe(true);
      return [...(conversation?.members ?? [])].sort();
    });
    expect(pairsIntroduced.sort()).toEqual([
      ['UBOT', 'UMENTEE1', 'UMENTOR1'],
      ['UBOT', 'UMENTEE2', 'UMENTOR2'],
    ]);
    for (const p of posts) expect(String(p.args.text)).toMatch(/<@UMENTOR\d> .*<@UMENTEE\d>|<@UMENTEE\d>.*<@UMENTOR\d>/s);
    expect(posts.every((p) => p.token === BOT_TOKEN)).toBe(true);

    // The same file again: nothing new stored, nothing new posted.
    const callsBefore = fake.calls.length;
    const second = await runCli(['import', csv], env);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('line 2: unchanged — UMENTOR1 -> UMENTEE1');
    expect(second.stdout).toContain('line 3: unchanged — UMENTOR2 -> UMENTEE2');
    expect(second.stdout).toContain('0 created, 2 unchanged, 3 with errors');
    const after = await store.use(async (db) => ({
      pairings: await db.selectFrom('pairings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      deliveries: await db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    }));
    expect(after).toEqual({ pairings: { n: 2 }, deliveries: { n: stored.deliveries.length } });
    expect(fake.calls.slice(callsBefore).filter((c) => c.method === 'chat.postMessage' || c.method === 'conversations.open')).toEqual([]);
    expect(introPosts()).toHaveLength(2);
  }, 120_000);

  test('a file that is all good exits 0', async () => {
    await store.use((db) => seedProgram(db));
    const dir = await tempDir('tandem-cli-csv-');
    const csv = path.join(dir, 'good.csv');
    await writeFile(csv, `\uFEFFProgram,Mentor,Mentee\r\n${PROGRAM},UMENTOR1,UMENTEE1\r\n`);
    const r = await runCli(['import', csv], env);
    expect(r.stdout).toContain('1 created, 0 unchanged, 0 with errors');
    expect(r.code).toBe(0);
  }, 60_000);

  test('tick --at runs one pass at that instant, prints a JSON report and exits 0', async () => {
    // A pairing whose group DM could not be opened yet: the tick opens it and sends the introduction.
    await store.use(async (db) => {
      const program = await seedProgram(db);
      await createPairingRepository(db).create({ programId: program.id, mentorId: 'UMENTOR1', menteeId: 'UMENTEE1', createdBy: ADMIN }, new Date('2027-01-14T09:00:00Z'));
    });
    const r = await runCli(['tick', '--at', '2027-01-15T10:00:00Z'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const reportLine = r.stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"conversationsOpened"'));
    expect(reportLine, r.stdout).toBeDefined();
    const report = JSON.parse(reportLine as string) as Record<string, unknown>;
    expect(report).toMatchObject({ at: '2027-01-15T10:00:00.000Z', conversationsOpened: 1, retried: 0, failed: 0 });
    expect(typeof report.sent).toBe('number');
    expect(introPosts()).toHaveLength(1);
    // Sent and recorded as sent before the process exited.
    const delivery = await store.use((db) => db.selectFrom('deliveries').select(['status', 'not_before']).where('kind', '=', 'pair_intro').executeTakeFirstOrThrow());
    expect(delivery.status).toBe('sent');
    expect(delivery.not_before.toISOString()).toBe('2027-01-15T10:00:00.000Z');
    expectNoSecrets(r.stdout + r.stderr);

    // A second pass at the same instant has nothing left to do.
    const again = await runCli(['tick', '--at', '2027-01-15T10:00:00Z'], env);
    expect(again.code).toBe(0);
    const againLine = again.stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"conversationsOpened"'));
    expect(JSON.parse(againLine ?? '{}')).toMatchObject({ at: '2027-01-15T10:00:00.000Z', conversationsOpened: 0, sent: 0, failed: 0 });
    expect(introPosts()).toHaveLength(1);
  }, 120_000);

  test('start in HTTP mode serves Slack and /healthz, and stops cleanly on SIGTERM', async () => {
    await store.use((db) => seedProgram(db));
    const port = await freePort();
    const bot = startCli(['start'], { ...env, PORT: String(port), TANDEM_ADMINS: ADMIN });
    const runningLine = await bot.waitForLine((l) => l.includes('"Tandem is running"'), 90_000);
    expect(JSON.parse(runningLine)).toMatchObject({ level: 'info', msg: 'Tandem is running', port, mode: 'http', engine: testEngine });

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok', engine: testEngine });

    // A signed slash command from the admin reaches the database the test seeded.
    const slack = createSlackSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, responseUrl: () => fake.responseUrl() });
    const help = await slack.command({ text: 'help', user_id: ADMIN });
    expect(help.status).toBe(200);
    expect(help.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/tandem pair @mentor @mentee') });
    const forged = await slack.command({ text: 'help', user_id: ADMIN }, { signature: 'v0=deadbeef' });
    expect(forged.status).toBe(401);
    await slack.command({ text: 'program list', user_id: ADMIN });
    const reply = await fake.waitForResponse(() => true, { timeoutMs: 10_000 });
    expect(JSON.stringify(reply.body)).toContain(PROGRAM);

    bot.kill('SIGTERM');
    const exit = await bot.exited;
    expect(exit.code, exit.stderr).toBe(0);
    const logs = jsonLines(exit.stdout);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGTERM' }));
    expect(logs.at(-1)).toMatchObject({ msg: 'Tandem stopped' });
    expect(exit.stderr).toBe('');
    expectNoSecrets(exit.stdout + exit.stderr);

    // The port is free again.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 150_000);

  test('start with PORT=0 logs the port it actually got, and serves on it', async () => {
    const bot = startCli(['start'], { ...env, PORT: '0', SCHEDULER: 'off' });
    const running = JSON.parse(await bot.waitForLine((l) => l.includes('"Tandem is running"'), 90_000)) as { port: number; scheduler: boolean };
    expect(running.port).toBeGreaterThan(0);
    expect(running.scheduler).toBe(false);
    const health = await fetch(`http://127.0.0.1:${running.port}/healthz`);
    expect(health.status).toBe(200);
    bot.kill('SIGINT');
    const exit = await bot.exited;
    expect(exit.code).toBe(0);
    expect(jsonLines(exit.stdout)).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGINT' }));
  }, 150_000);

  test('start on a port that is taken exits 1 with a fatal JSON log line and no stack trace on stderr', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = await runCli(['start'], { ...env, PORT: String(port), SCHEDULER: 'off' }, 90_000);
      expect(r.code).toBe(1);
      const fatal = jsonLines(r.stdout).find((l) => l.level === 'fatal');
      expect(fatal).toMatchObject({ msg: 'tandem start failed', err: { code: 'EADDRINUSE' } });
      expect(r.stdout).not.toContain('Tandem is running');
      expect(r.stderr).not.toMatch(stackLine);
      expectNoSecrets(r.stdout + r.stderr);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 120_000);

  // KNOWN BUG (src/slack/app.ts, not ours to fix here): Bolt verifies the token with auth.test at
  // start-up and nobody handles that promise, so when Slack cannot be reached (or says invalid_auth)
  // the running bot dies moments after "Tandem is running" with an unhandled-rejection stack trace.
  test('start when Slack cannot be reached does not die with an unhandled stack trace', async () => {
    const bot = startCli(['start'], { ...env, SLACK_API_URL: 'http://127.0.0.1:1/api/', PORT: '0', SCHEDULER: 'off' });
    const running = JSON.parse(await bot.waitForLine((l) => l.includes('"Tandem is running"'), 90_000)) as { port: number };
    const health = await fetch(`http://127.0.0.1:${running.port}/healthz`);
    expect(health.status).toBe(200);
    bot.kill('SIGTERM');
    const exit = await bot.exited;
    expect(exit.stderr).not.toMatch(stackLine);
    expect(exit.code).toBe(0);
  }, 150_000);
});
