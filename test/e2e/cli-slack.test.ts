import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createPairingRepository } from '../../src/db/repositories/pairing-repository.js';
import { createProgramRepository } from '../../src/db/repositories/program-repository.js';
import {
  cliEnv,
  freePort,
  jsonLines,
  killRunningClis,
  runCli,
  stackLine,
  startCli,
  tempDirs,
  BOT_TOKEN,
  SIGNING_SECRET,
  expectNoSecrets,
} from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { createSlackSender } from '../support/slack-signer.js';

/** `tandem import`, `tick` and `start` as processes, against a fake Slack and a database of their own. */
const ADMIN = 'UADMIN';
const PROGRAM = 'Backend Module 3';

const dirs = tempDirs();
const tempDir = dirs.make;

/** The database the child process uses (DATABASE_URL), and a way for the test to read it. */
type Store = { env: Record<string, string>; use: <T>(fn: (db: Db) => Promise<T>) => Promise<T>; close: () => Promise<void> };

async function createStore(): Promise<Store> {
  const t: TestDatabase = await createTestDatabase();
  return { env: { DATABASE_URL: t.url }, use: (fn) => fn(t.db), close: () => t.close() };
}

async function seedProgram(db: Db, name = PROGRAM) {
  const program = await createProgramRepository(db).create(
    { name, time_zone: 'America/Denver', start_date: '2027-01-11', created_by: ADMIN, checkin_weekday: 1, checkin_time: '10:00' },
    ['2027-01-18'],
  );
  if (!program) throw new Error('program not created');
  return program;
}

afterEach(async () => {
  await killRunningClis();
});
afterAll(async () => {
  await dirs.removeAll();
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
    env = cliEnv({
      ...store.env,
      SLACK_API_URL: fake.url,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      LOG_LEVEL: 'debug',
    });
  });
  afterEach(async () => {
    await store?.close();
  });

  /** Introductions Slack accepted (the outbox tags every post with its kind in the metadata). */
  const introPosts = () =>
    fake
      .callsTo('chat.postMessage')
      .filter(
        (c) =>
          c.status === 200 &&
          (c.response as { ok?: boolean }).ok === true &&
          JSON.stringify(c.args.metadata ?? null).includes('pair_intro'),
      );

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
      pairings: await db
        .selectFrom('pairings')
        .select(['mentor_id', 'mentee_id', 'status', 'conversation_id', 'created_by'])
        .orderBy('id')
        .execute(),
      deliveries: await db
        .selectFrom('deliveries')
        .select(['kind', 'status', 'channel', 'attempts'])
        .where('kind', '=', 'pair_intro')
        .orderBy('id')
        .execute(),
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
      pairings: await db
        .selectFrom('pairings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      deliveries: await db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    }));
    expect(after).toEqual({ pairings: { n: 2 }, deliveries: { n: stored.deliveries.length } });
    expect(
      fake.calls.slice(callsBefore).filter((c) => c.method === 'chat.postMessage' || c.method === 'conversations.open'),
    ).toEqual([]);
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

  test('deliveries retry puts failed messages back in the queue and the next tick sends them once', async () => {
    await store.use((db) =>
      db
        .insertInto('deliveries')
        .values([
          {
            dedupe_key: 'f1',
            kind: 'notice',
            channel: 'UMENTOR1',
            payload: JSON.stringify({ text: 'hello again' }),
            status: 'failed',
            attempts: 9,
            error: 'http_503',
            not_before: new Date('2027-01-14T09:00:00Z'),
          },
          {
            dedupe_key: 'f2',
            kind: 'notice',
            channel: 'UMENTEE1',
            payload: JSON.stringify({ text: 'hello too' }),
            status: 'failed',
            attempts: 1,
            error: 'http_503',
            not_before: new Date('2027-01-14T09:00:00Z'),
          },
        ])
        .execute(),
    );
    const bad = await runCli(['deliveries', 'retry', 'abc'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: tandem deliveries retry [id ...]');
    const one = await runCli(['deliveries', 'retry', '999999'], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('No failed messages to retry.');
    const r = await runCli(['deliveries', 'retry'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 failed messages put back in the queue');
    expect(await store.use((db) => db.selectFrom('deliveries').select(['status', 'attempts']).orderBy('id').execute())).toEqual([
      { status: 'pending', attempts: 0 },
      { status: 'pending', attempts: 0 },
    ]);
    const tick = await runCli(['tick'], env);
    expect(tick.code).toBe(0);
    expect(await store.use((db) => db.selectFrom('deliveries').select('status').orderBy('id').execute())).toEqual([
      { status: 'sent' },
      { status: 'sent' },
    ]);
    expect(
      fake
        .callsTo('chat.postMessage')
        .filter((c) => c.status === 200)
        .map((c) => c.args.text)
        .sort(),
    ).toEqual(['hello again', 'hello too']);
    expectNoSecrets(r.stdout + r.stderr);
  }, 120_000);

  test('tick --at runs one pass at that instant, prints a JSON report and exits 0', async () => {
    // A pairing whose group DM could not be opened yet: the tick opens it and sends the introduction.
    await store.use(async (db) => {
      const program = await seedProgram(db);
      await createPairingRepository(db).create(
        { programId: program.id, mentorId: 'UMENTOR1', menteeId: 'UMENTEE1', createdBy: ADMIN },
        new Date('2027-01-14T09:00:00Z'),
      );
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
    const delivery = await store.use((db) =>
      db.selectFrom('deliveries').select(['status', 'not_before']).where('kind', '=', 'pair_intro').executeTakeFirstOrThrow(),
    );
    expect(delivery.status).toBe('sent');
    expect(delivery.not_before.toISOString()).toBe('2027-01-15T10:00:00.000Z');
    expectNoSecrets(r.stdout + r.stderr);

    // A second pass at the same instant has nothing left to do.
    const again = await runCli(['tick', '--at', '2027-01-15T10:00:00Z'], env);
    expect(again.code).toBe(0);
    const againLine = again.stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"conversationsOpened"'));
    expect(JSON.parse(againLine ?? '{}')).toMatchObject({
      at: '2027-01-15T10:00:00.000Z',
      conversationsOpened: 0,
      sent: 0,
      failed: 0,
    });
    expect(introPosts()).toHaveLength(1);
  }, 120_000);

  test('start in HTTP mode serves Slack and /healthz, and stops cleanly on SIGTERM', async () => {
    await store.use((db) => seedProgram(db));
    const port = await freePort();
    const bot = startCli(['start'], { ...env, PORT: String(port), TANDEM_ADMINS: ADMIN });
    const runningLine = await bot.waitForLine((l) => l.includes('"Tandem is running"'), 90_000);
    expect(JSON.parse(runningLine)).toMatchObject({
      level: 'info',
      msg: 'Tandem is running',
      port,
      mode: 'http',
      engine: 'postgres',
      code: 'dist',
    });

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ok', database: 'ok', engine: 'postgres' });

    // A signed slash command from the admin reaches the database the test seeded.
    const slack = createSlackSender({
      baseUrl: `http://127.0.0.1:${port}`,
      signingSecret: SIGNING_SECRET,
      responseUrl: () => fake.responseUrl(),
    });
    const help = await slack.command({ text: 'help', user_id: ADMIN });
    expect(help.status).toBe(200);
    expect(help.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/tandem pair @mentor @mentee'),
    });
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
    const running = JSON.parse(await bot.waitForLine((l) => l.includes('"Tandem is running"'), 90_000)) as {
      port: number;
      scheduler: boolean;
    };
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
