// The TypeScript sources, compiled to JavaScript for bin/tandem.js. Loading them through tsx's module
// hooks costs about a second of a start on a 2-core machine (every import, the packages' included,
// passes through the hooks), so a checkout runs them compiled instead: esbuild turns each file of
// src/ and migrations/ into JavaScript (no bundle, the layout tsc gives dist/; what tsx does per file
// too), into node_modules/.cache/tandem/run-<hash>/, where <hash> covers every source file's path,
// size and modification time. An edit gives a new hash and so a new compile (a few hundred ms, once);
// `npm ci` compiles once ahead (its postinstall runs `tandem db-template` through this file).
// Returns the compiled src/cli.js, or undefined (the caller then uses tsx) when that cannot be done.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = path.join(root, 'node_modules', '.cache', 'tandem');
/** Raised when what this file writes changes, so older compiles are not reused. */
const layout = '1';

export async function compiledSources() {
  try {
    const esbuild = await import('esbuild');
    const files = [];
    for (const folder of ['src', 'migrations']) {
      for (const name of await readdir(path.join(root, folder), { recursive: true })) {
        if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path.join(folder, name));
      }
    }
    files.sort();
    const hash = createHash('sha256').update(`${layout}\n${esbuild.version}\n`);
    for (const file of [...files, 'tsconfig.json']) {
      const s = await stat(path.join(root, file)).catch(() => undefined);
      hash.update(`${file}\0${s?.size}\0${s?.mtimeMs}\n`);
    }
    const dir = path.join(cacheDir, `run-${hash.digest('hex').slice(0, 16)}`);
    const cli = path.join(dir, 'src', 'cli.js');
    if (!existsSync(cli)) await compile(esbuild, files, dir);
    await use(dir);
    return cli;
  } catch {
    return undefined;
  }
}

/** Into a folder of its own, renamed into place when whole: starts at the same time each compile, one wins. */
async function compile(esbuild, files, dir) {
  const temp = `${dir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: files,
      outdir: temp,
      outbase: '.',
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
    });
    // The chart font, where src/charts/render.ts looks for it (assets/ two folders above).
    await symlink(path.relative(temp, path.join(root, 'assets')), path.join(temp, 'assets'));
    await rename(temp, dir).catch((err) => {
      if (!existsSync(path.join(dir, 'src', 'cli.js'))) throw err;
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  await removeUnused(dir);
}

/** Notes this process as a user of the compile, so no other start removes it while it runs. */
async function use(dir) {
  const users = path.join(dir, 'users');
  await mkdir(users, { recursive: true });
  for (const pid of await readdir(users)) if (!alive(Number(pid))) await rm(path.join(users, pid), { force: true });
  await writeFile(path.join(users, String(process.pid)), '');
}

/**
 * Older compiles no running Tandem uses (a bot imports its chart code only when it first draws a
 * chart, so a running one's stays), left for an hour after they were made.
 */
async function removeUnused(keep) {
  for (const name of await readdir(cacheDir).catch(() => [])) {
    const dir = path.join(cacheDir, name);
    if (!name.startsWith('run-') || dir === keep) continue;
    const made = await stat(dir).catch(() => undefined);
    if (!made || Date.now() - made.mtimeMs < 3_600_000) continue;
    const users = await readdir(path.join(dir, 'users')).catch(() => []);
    if (users.some((pid) => alive(Number(pid)))) continue;
    await rm(dir, { recursive: true, force: true });
  }
}

function alive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
