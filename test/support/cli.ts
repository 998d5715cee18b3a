/**
 * Runs the real `tandem` command as a child process, the way an operator does: a fresh Node
 * process, an environment built explicitly (nothing leaks in from the test runner). It runs the
 * compiled copy the global setup made (bin/tandem.js over dist/, as in the image), with that copy as
 * working directory, so a developer's .env in the repository stays out of it.
 *
 * Usage:
 *   const r = await runCli(['migrate'], cliEnv({ DATA_DIR: dir }));
 *   expect(r.code).toBe(0);
 *
 *   const bot = startCli(['start'], cliEnv({ ... }));
 *   await bot.waitForLine((l) => l.includes('Tandem is running'));
 *   bot.kill('SIGTERM');
 *   expect((await bot.exited).code).toBe(0);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export type CliResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Only what Node needs to run, plus the given variables (undefined ones are left out). */
export function cliEnv(vars: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  for (const [key, v] of Object.entries(vars)) if (v !== undefined) env[key] = v;
  return env;
}

export type CliProcess = {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout split into lines (the bot logs one JSON object per line). */
  readonly lines: string[];
  /** Resolves with the first stdout line matching, or rejects after timeoutMs / when the process exits first. */
  waitForLine: (match: (line: string) => boolean, timeoutMs?: number) => Promise<string>;
  exited: Promise<CliResult>;
  kill: (signal?: NodeJS.Signals) => void;
};

const running = new Set<ChildProcess>();

/** `from: 'sources'` runs the repository's own bin/tandem.js (TypeScript through tsx) instead. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, options: { from?: 'built' | 'sources' } = {}): CliProcess {
  const dir = options.from === 'sources' ? repoRoot : inject('cliDir');
  const child = spawn(process.execPath, [path.join(dir, 'bin', 'tandem.js'), ...args], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of waiters) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      running.delete(child);
      for (const w of waiters) w();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const lines = () => stdout.split('\n').filter((l) => l.trim() !== '');

  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get lines() {
      return lines();
    },
    exited,
    kill: (signal = 'SIGTERM') => {
      child.kill(signal);
    },
    waitForLine(match, timeoutMs = 30_000) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = lines().find(match);
          if (found !== undefined) return done(() => resolve(found));
          if (child.exitCode !== null || child.signalCode !== null) {
            done(() =>
              reject(
                new Error(
                  `tandem ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before the line appeared.\nstdout:\n${stdout}\nstderr:\n${stderr}`,
                ),
              ),
            );
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no matching line within ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs a command to completion; a process still running after timeoutMs is killed and reported. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  options: { from?: 'built' | 'sources' } = {},
): Promise<CliResult> {
  const p = startCli(args, env, options);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(
        new Error(`tandem ${args.join(' ')} did not finish within ${timeoutMs} ms.\nstdout:\n${p.stdout}\nstderr:\n${p.stderr}`),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills (SIGKILL) every child this module started that is still running; for afterEach/afterAll. */
export async function killRunningClis(): Promise<void> {
  const left = [...running];
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Parses stdout as JSON lines; a line that is not JSON fails with the line in the message. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${l}`);
      }
    });
}

/** A TCP port that was free a moment ago (listen on 0, note the port, close). */
export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Lines of a stack trace as Node prints them. */
export const stackLine = /^\s+at .+\(?.*:\d+:\d+\)?$/m;

/** Temporary folders for one test file, each removed by removeTempDirs (afterAll). */
export function tempDirs() {
  const made: string[] = [];
  return {
    make: async (prefix: string) => {
      const dir = await mkdtemp(path.join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll: () => Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true }))),
  };
}

/** The Slack credentials the CLI tests give `tandem`; no output may contain them. */
export const BOT_TOKEN = 'xoxb-test-token';
export const SIGNING_SECRET = 'cli-test-signing-secret-4242';

export function expectNoSecrets(text: string): void {
  expect(text).not.toContain(BOT_TOKEN);
  expect(text).not.toContain(SIGNING_SECRET);
}
