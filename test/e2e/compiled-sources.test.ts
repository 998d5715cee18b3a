import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { cliEnv, repoRoot } from '../support/cli.js';

/**
 * bin/tandem.js in a checkout runs the sources compiled by esbuild into node_modules/.cache/tandem/run-<hash>/
 * (bin/sources.js), not through tsx's hooks. `npm start` must still run what was just edited. The
 * checkout here is a copy of bin/, src/, migrations/ and assets/ under the repository's
 * node_modules/.cache, so that Node finds the packages from it and the repository's own cache is left alone.
 */

const run = promisify(execFile);
let copy: string | undefined;

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

async function help(root: string): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(root, 'bin', 'tandem.js'), 'help'], {
    cwd: root,
    env: cliEnv(),
    timeout: 60_000,
  });
  return stdout;
}

const compiles = async (root: string) =>
  (await readdir(path.join(root, 'node_modules', '.cache', 'tandem')).catch(() => [] as string[]))
    .filter((n) => /^run-[0-9a-f]{16}$/.test(n))
    .sort();

describe('the sources, compiled', () => {
  test('a checkout runs its sources compiled once per version of them; an edit is run at the next start', async () => {
    const cache = path.join(repoRoot, 'node_modules', '.cache');
    await mkdir(cache, { recursive: true });
    copy = await mkdtemp(path.join(cache, 'tandem-sources-'));
    for (const part of ['bin', 'src', 'migrations', 'assets', 'tsconfig.json'])
      await cp(path.join(repoRoot, part), path.join(copy, part), { recursive: true });

    expect(await help(copy)).toContain('Usage: tandem <command>');
    const first = await compiles(copy);
    expect(first).toHaveLength(1);
    const dir = path.join(copy, 'node_modules', '.cache', 'tandem', first[0] as string);
    expect(existsSync(path.join(dir, 'src', 'cli.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'migrations', '0001_foundation.js'))).toBe(true);
    // The chart font where src/charts/render.ts looks for it.
    expect(existsSync(path.join(dir, 'assets', 'fonts', 'NotoSans-Regular.ttf'))).toBe(true);

    // Unchanged sources: the same compile.
    await help(copy);
    expect(await compiles(copy)).toEqual(first);

    // An edit: a new compile, and the edited code runs.
    const cli = path.join(copy, 'src', 'cli.ts');
    await writeFile(
      cli,
      (await readFile(cli, 'utf8')).replace(
        'help                       this text',
        'help                       this text (edited)',
      ),
    );
    expect(await help(copy)).toContain('this text (edited)');
    expect(await compiles(copy)).toHaveLength(2);
  }, 120_000);
});
