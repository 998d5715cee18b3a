import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import {
  cliEnv,
  jsonLines,
  killRunningClis,
  repoRoot,
  runCli,
  startCli,
  tempDirs,
  BOT_TOKEN,
  SIGNING_SECRET,
} from '../support/cli.js';
import { startFakeSlack } from '../support/fake-slack.js';

/**
 * The embedded PostgreSQL's template cluster: made once per install by the root postinstall
 * (scripts/pg-template.mjs → `tandem db-template`), copied by a first start instead of initdb. Each
 * test points TANDEM_PG_TEMPLATE_DIR at a folder of its own, so the install's real template is left alone.
 */

const dirs = tempDirs();
const run = promisify(execFile);

afterEach(async () => {
  await killRunningClis();
});
afterAll(async () => {
  await dirs.removeAll();
});

/** The postinstall as npm runs it: plain node, in the package root. */
async function postinstall(templateDir: string): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(repoRoot, 'scripts', 'pg-template.mjs')], {
    cwd: repoRoot,
    env: cliEnv({ TANDEM_PG_TEMPLATE_DIR: templateDir }),
    timeout: 120_000,
  });
  return stdout;
}

async function refuses(port: number, password: string): Promise<string | undefined> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'tandem', password, database: 'postgres' });
  try {
    await client.connect();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const msgs = (stdout: string) => jsonLines(stdout).map((l) => l.msg);

describe('the embedded PostgreSQL template', () => {
  test("postinstall makes it once; a first start copies it, gives the superuser a new password, and refuses the template's", async () => {
    const root = await dirs.make('tandem-pg-template-');
    const template = path.join(root, 'template');

    const made = await postinstall(template);
    expect(made.trim().split('\n')).toEqual([`tandem: made the embedded PostgreSQL template in ${template}`]);
    expect((await readFile(path.join(template, 'postgres', 'PG_VERSION'), 'utf8')).trim()).toBe('15');
    expect((await stat(path.join(template, 'postgres.password'))).mode & 0o077).toBe(0);
    const templatePassword = (await readFile(path.join(template, 'postgres.password'), 'utf8')).trim();
    const before = (await stat(path.join(template, 'postgres', 'PG_VERSION'))).mtimeMs;
    // A second install leaves it as it is.
    expect((await postinstall(template)).trim()).toBe(`tandem: the embedded PostgreSQL template is already in ${template}`);
    expect((await stat(path.join(template, 'postgres', 'PG_VERSION'))).mtimeMs).toBe(before);
    expect((await readFile(path.join(template, 'postgres.password'), 'utf8')).trim()).toBe(templatePassword);

    const dataDir = path.join(root, 'data');
    const fake = await startFakeSlack({ botToken: BOT_TOKEN });
    const env = cliEnv({
      DATA_DIR: dataDir,
      TANDEM_PG_TEMPLATE_DIR: template,
      LOG_LEVEL: 'info',
      SLACK_API_URL: fake.url,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      SCHEDULER: 'off',
    });
    try {
      const bot = startCli(['start'], env);
      const running = JSON.parse(await bot.waitForLine((l) => l.includes('"Tandem is running"'), 90_000)) as { port: number };
      expect((await fetch(`http://127.0.0.1:${running.port}/healthz`)).status).toBe(200);
      const lines = msgs(bot.stdout);
      expect(lines).toContain("creating the embedded PostgreSQL cluster from the install's template (first start)");
      expect(lines).toContain(
        "gave the embedded PostgreSQL's superuser this data folder's own password (replacing the template's)",
      );
      expect(lines).not.toContain('creating the embedded PostgreSQL cluster (first start)');
      const started = jsonLines(bot.stdout).find((l) => l.msg === 'embedded PostgreSQL started') as { port: number };

      const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
      expect(password).not.toBe(templatePassword);
      expect((await stat(path.join(dataDir, 'postgres.password'))).mode & 0o077).toBe(0);
      expect(existsSync(path.join(dataDir, 'postgres.template'))).toBe(false);
      expect(await refuses(started.port, templatePassword)).toBe('28P01');
      expect(await refuses(started.port, password)).toBeUndefined();
      expect(bot.stdout + bot.stderr).not.toContain(password);
      expect(bot.stdout + bot.stderr).not.toContain(templatePassword);

      bot.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
    } finally {
      await fake.close();
    }

    // A start killed between the copy and the new password leaves postgres.template: the next start
    // finishes the job (here the password was already replaced, so the template's is refused and the note goes).
    await writeFile(path.join(dataDir, 'postgres.template'), `${templatePassword}\n`, { mode: 0o600 });
    const again = await runCli(
      ['migrate'],
      cliEnv({ DATA_DIR: dataDir, TANDEM_PG_TEMPLATE_DIR: template, LOG_LEVEL: 'info' }),
      90_000,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(path.join(dataDir, 'postgres.template'))).toBe(false);
    expect(msgs(again.stdout)).not.toContain(
      "creating the embedded PostgreSQL cluster from the install's template (first start)",
    );
  }, 180_000);

  test('without a usable template a first start runs initdb, and says why', async () => {
    const root = await dirs.make('tandem-pg-notemplate-');
    const missing = await runCli(
      ['migrate'],
      cliEnv({ DATA_DIR: path.join(root, 'a'), TANDEM_PG_TEMPLATE_DIR: path.join(root, 'nothing-here'), LOG_LEVEL: 'info' }),
      90_000,
    );
    expect(missing.code, missing.stderr).toBe(0);
    expect(jsonLines(missing.stdout)).toContainEqual(
      expect.objectContaining({
        msg: 'no usable template cluster: creating the embedded PostgreSQL cluster with initdb',
        why: 'there is no template (made by `npm ci`)',
      }),
    );
    expect(msgs(missing.stdout)).toContain('creating the embedded PostgreSQL cluster (first start)');

    // A template for another PostgreSQL (say, left from an older install) is not copied.
    const other = path.join(root, 'other');
    await cp(path.join(root, 'a', 'postgres'), path.join(other, 'postgres'), { recursive: true });
    await writeFile(path.join(other, 'postgres', 'PG_VERSION'), '14\n');
    await writeFile(path.join(other, 'postgres.password'), 'x\n', { mode: 0o600 });
    const older = await runCli(
      ['migrate'],
      cliEnv({ DATA_DIR: path.join(root, 'b'), TANDEM_PG_TEMPLATE_DIR: other, LOG_LEVEL: 'info' }),
      90_000,
    );
    expect(older.code, older.stderr).toBe(0);
    expect(jsonLines(older.stdout)).toContainEqual(
      expect.objectContaining({
        msg: 'no usable template cluster: creating the embedded PostgreSQL cluster with initdb',
        why: expect.stringContaining('PostgreSQL 14'),
      }),
    );
  }, 180_000);

  test('the postinstall never fails the install: a problem is one line and exit 0', async () => {
    const root = await dirs.make('tandem-pg-badtemplate-');
    // A template folder that cannot be made (its parent is a file).
    await writeFile(path.join(root, 'file'), '');
    const out = await postinstall(path.join(root, 'file', 'template'));
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(
      /^tandem: could not make the embedded PostgreSQL template \(.+\); the first start will create its PostgreSQL cluster with initdb\.$/m,
    );
  }, 120_000);
});
