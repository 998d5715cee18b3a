import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrationsFolder } from '../../src/db/migrate.js';
import {
  cliEnv,
  jsonLines,
  killRunningClis,
  repoRoot,
  runCli,
  stackLine,
  startCli,
  tempDirs,
  BOT_TOKEN,
  SIGNING_SECRET,
  expectNoSecrets,
} from '../support/cli.js';
import { createTestDatabase } from '../support/db.js';
import { startFakeSlack } from '../support/fake-slack.js';

/** `tandem` as a process: configuration and argument errors, migrate, the embedded PostgreSQL, which code runs. */

async function migrationNames(): Promise<string[]> {
  return (await readdir(migrationsFolder))
    .filter((f) => /^\d{4}_[\w-]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.(ts|js)$/, ''))
    .sort();
}

const dirs = tempDirs();
const tempDir = dirs.make;

afterEach(async () => {
  await killRunningClis();
});
afterAll(async () => {
  await dirs.removeAll();
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
    const r = await runCli(
      ['start'],
      cliEnv({ SLACK_BOT_TOKEN: 'xoxp-secret123', SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: 'http' }),
    );
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
    expect(firstLogs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        app: 'tandem',
        engine: 'embedded-postgres',
        msg: 'database migrated',
        applied: all,
      }),
    );
    expect(firstLogs).toContainEqual(expect.objectContaining({ msg: 'embedded PostgreSQL started', dataDir: dir }));

    const second = await runCli(['migrate'], env, 120_000);
    expect(second.code).toBe(0);
    const secondLogs = jsonLines(second.stdout);
    expect(secondLogs).toContainEqual(
      expect.objectContaining({ engine: 'embedded-postgres', msg: 'database schema up to date', applied: [] }),
    );
    expect(secondLogs.some((l) => l.msg === 'database migrated')).toBe(false);

    const opened = await openDatabase({ dataDir: dir });
    try {
      const rows = await opened.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(rows).toEqual(all.map((name) => ({ name })));
    } finally {
      await opened.close();
    }
  }, 180_000);

  test('with DATABASE_URL migrates the PostgreSQL database, and never logs its password', async () => {
    const t = await createTestDatabase();
    try {
      const r = await runCli(['migrate'], cliEnv({ DATABASE_URL: t.url }));
      expect(r.code).toBe(0);
      expect(jsonLines(r.stdout)).toContainEqual(
        expect.objectContaining({ engine: 'postgres', msg: 'database schema up to date' }),
      );
      const password = new URL(t.url).password;
      expect(password.length).toBeGreaterThan(0);
      expect(r.stdout + r.stderr).not.toContain(`:${password}@`);
    } finally {
      await t.close();
    }
  });
});

describe('tandem start on the embedded PostgreSQL (no DATABASE_URL)', () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const serverPid = async (dir: string) =>
    Number((await readFile(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);

  test('starts its own server in DATA_DIR, comes back by itself after kill -9, and stops the server with it', async () => {
    const dir = await tempDir('tandem-cli-embedded-');
    const fake = await startFakeSlack({ botToken: BOT_TOKEN });
    const env = cliEnv({
      DATA_DIR: dir,
      SLACK_API_URL: fake.url,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      SCHEDULER: 'off',
    });
    try {
      const first = startCli(['start'], env);
      const running = JSON.parse(await first.waitForLine((l) => l.includes('"Tandem is running"'), 90_000)) as {
        port: number;
        engine: string;
      };
      expect(running.engine).toBe('embedded-postgres');
      expect(await (await fetch(`http://127.0.0.1:${running.port}/readyz`)).json()).toMatchObject({
        status: 'ok',
        engine: 'embedded-postgres',
      });
      // The generated password stays in the data folder, readable by its owner only, and out of the log.
      const password = (await readFile(path.join(dir, 'postgres.password'), 'utf8')).trim();
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect((await stat(path.join(dir, 'postgres.password'))).mode & 0o077).toBe(0);
      expect(first.stdout + first.stderr).not.toContain(password);
      const orphan = await serverPid(dir);
      expect(alive(orphan)).toBe(true);

      // A crash leaves the server running and holding postmaster.pid; the next start deals with it.
      first.kill('SIGKILL');
      await first.exited;
      expect(alive(orphan)).toBe(true);
      const second = startCli(['start'], env);
      const again = JSON.parse(await second.waitForLine((l) => l.includes('"Tandem is running"'), 90_000)) as { port: number };
      expect(second.lines.map((l) => JSON.parse(l) as { msg: string })).toContainEqual(
        expect.objectContaining({
          msg: 'stopping an embedded PostgreSQL left running by a Tandem that did not shut down',
          pid: orphan,
        }),
      );
      expect((await fetch(`http://127.0.0.1:${again.port}/healthz`)).status).toBe(200);
      const server = await serverPid(dir);
      expect(server).not.toBe(orphan);
      expect(alive(orphan)).toBe(false);

      // While it runs, another command on the same folder uses the same server instead of fighting over it.
      const migrate = await runCli(['migrate'], cliEnv({ DATA_DIR: dir, LOG_LEVEL: 'info' }), 90_000);
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(jsonLines(migrate.stdout)).toContainEqual(
        expect.objectContaining({
          msg: 'using the embedded PostgreSQL another Tandem process started on this data folder',
          pid: server,
        }),
      );
      expect(alive(server)).toBe(true);

      second.kill('SIGTERM');
      const exit = await second.exited;
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stderr).toBe('');
      expect(alive(server)).toBe(false);
      expectNoSecrets(exit.stdout);

      // A postmaster.pid naming a live process that is not a server (a pid reused after a reboot or in
      // a container) would make PostgreSQL refuse to start; Tandem sees through it.
      await writeFile(path.join(dir, 'postgres', 'postmaster.pid'), `${process.pid}\n${path.join(dir, 'postgres')}\n`);
      const reused = await runCli(['migrate'], cliEnv({ DATA_DIR: dir, LOG_LEVEL: 'info' }), 90_000);
      expect(reused.code, reused.stdout + reused.stderr).toBe(0);
      expect(jsonLines(reused.stdout)).toContainEqual(
        expect.objectContaining({ msg: 'removed a stale postmaster.pid (no server runs with that pid)', pid: process.pid }),
      );
    } finally {
      await fake.close();
    }
  }, 180_000);

  test('a data folder from the earlier embedded engine (PGlite) gets one clear sentence, not a stack trace', async () => {
    const dir = await tempDir('tandem-cli-pglite-');
    await writeFile(path.join(dir, 'PG_VERSION'), '17\n');
    const r = await runCli(['migrate'], cliEnv({ DATA_DIR: dir }), 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('holds a database from an earlier Tandem (PGlite)');
    expect(r.stderr).not.toMatch(stackLine);
    // `start` begins the embedded server before the rest loads: its failure still ends the start the same way.
    const started = await runCli(
      ['start'],
      cliEnv({ DATA_DIR: dir, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', SCHEDULER: 'off' }),
      60_000,
    );
    expect(started.code).toBe(1);
    expect(started.stderr).toContain('holds a database from an earlier Tandem (PGlite)');
    expect(started.stderr + started.stdout).not.toMatch(stackLine);
  }, 90_000);

  test('a start whose configuration turns out wrong after the embedded server began says why in one sentence and leaves no server running', async () => {
    const dir = await tempDir('tandem-cli-latecfg-');
    // A bot token is there, so the server starts at once (while the configuration's validation loads); the signing secret is not.
    const r = await runCli(['start'], cliEnv({ DATA_DIR: dir, SLACK_BOT_TOKEN: BOT_TOKEN, PORT: '0', SCHEDULER: 'off' }), 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SLACK_SIGNING_SECRET is missing/);
    expect(r.stderr + r.stdout).not.toMatch(stackLine);
    expect(existsSync(path.join(dir, 'postgres', 'PG_VERSION')), 'the cluster made by the early start').toBe(true);
    // Stopped cleanly: a running (or killed) server would still hold postmaster.pid.
    expect(existsSync(path.join(dir, 'postgres', 'postmaster.pid'))).toBe(false);
  }, 90_000);
});

describe('which code runs', () => {
  test('the repository’s bin/tandem.js runs the sources and says so; TANDEM_RUN=dist without a build says what to do', async () => {
    const fake = await startFakeSlack({ botToken: BOT_TOKEN });
    const t = await createTestDatabase();
    try {
      const env = cliEnv({
        DATABASE_URL: t.url,
        SLACK_API_URL: fake.url,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        PORT: '0',
        SCHEDULER: 'off',
      });
      const bot = startCli(['start'], env, { from: 'sources' });
      expect(JSON.parse(await bot.waitForLine((l) => l.includes('"Tandem is running"'), 90_000))).toMatchObject({
        code: 'sources',
      });
      bot.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
      if (!existsSync(path.join(repoRoot, 'dist', 'src', 'cli.js'))) {
        const r = await runCli(['help'], { ...env, TANDEM_RUN: 'dist' }, 30_000, { from: 'sources' });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('There is no built Tandem in dist/: run `npm run build` first');
      }
      // Empty, as in a .env copied from .env.example: the default.
      const empty = await runCli(['help'], { ...env, TANDEM_RUN: '' }, 30_000, { from: 'sources' });
      expect(empty.code, empty.stderr).toBe(0);
      const wrong = await runCli(['help'], { ...env, TANDEM_RUN: 'latest' }, 30_000, { from: 'sources' });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('TANDEM_RUN must be "sources" or "dist"');
    } finally {
      await t.close();
      await fake.close();
    }
  }, 120_000);
});
