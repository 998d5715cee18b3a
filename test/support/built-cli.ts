import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The CLI as the Docker image runs it (bin/tandem.js over dist/), compiled once for the whole run:
 * spawning it costs half of running the sources through tsx, and the suite spawns it often. esbuild
 * turns each file into JavaScript in place (no bundle), the layout tsc gives dist/. It sits under
 * node_modules/.cache so that Node finds the packages from there.
 */
export async function buildCliOnce(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const cache = path.join(repoRoot, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, 'tandem-cli-'));
  await build({
    absWorkingDir: repoRoot,
    entryPoints: ['src/**/*.ts', 'migrations/*.ts'],
    outdir: path.join(dir, 'dist'),
    outbase: '.',
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  await mkdir(path.join(dir, 'bin'));
  await copyFile(path.join(repoRoot, 'bin', 'tandem.js'), path.join(dir, 'bin', 'tandem.js'));
  // The chart font, where the Docker image has it (assets/ beside dist/).
  await cp(path.join(repoRoot, 'assets'), path.join(dir, 'assets'), { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
