import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import { benchDatabaseUrl, createBenchDatabase } from './lib/db.js';
import { fmtMs, type Report } from './lib/report.js';

export type StartupOptions = { runs: number };

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin', 'tandem.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function vmRssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) : NaN;
}

type Run = { totalMs: number; rssMiB: number; phases: Record<string, number> };

/** Pino log lines whose time marks a start-up phase, by their msg. */
const phaseMessages: Record<string, string> = {
  'database migrated': 'migrated',
  'database schema up to date': 'migrated',
  'Tandem is running': 'listening',
};

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Spawns `node bin/tandem.js start`, polls /healthz every 5 ms until a 200, then reads the child's VmRSS. */
async function oneRun(env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  const port = await freePort();
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'start'], { cwd, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const phases: Record<string, number> = {};
  let output = '';
  const onLine = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const line of chunk.toString('utf8').split('\n')) {
      try {
        const j = JSON.parse(line) as { msg?: string; time?: number };
        const phase = j.msg ? phaseMessages[j.msg] : undefined;
        if (phase && j.time !== undefined && phases[phase] === undefined) phases[phase] = j.time - spawnedAt;
      } catch {
        // not a log line
      }
    }
  };
  child.stdout?.on('data', onLine);
  child.stderr?.on('data', onLine);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`tandem start exited with ${child.exitCode}: ${output.slice(-1000)}`);
      if (performance.now() - t0 > 60_000) throw new Error(`no 200 from /healthz within 60 s: ${output.slice(-1000)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) });
        await res.text();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const totalMs = performance.now() - t0;
    const rssMiB = (await vmRssKiB(child.pid as number)) / 1024;
    return { totalMs, rssMiB, phases };
  } finally {
    await stopChild(child);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

/**
 * Cold start of the real CLI: spawn to first 200 from /healthz, and the process RSS then. PGlite
 * with a fresh DATA_DIR (so migrations run), and PostgreSQL against an already migrated database.
 */
export async function runStartup(report: Report, o: StartupOptions): Promise<void> {
  report.heading(`Start-up: \`node bin/tandem.js start\` until the first 200 from /healthz (${o.runs} runs per engine)`);
  const built = existsSync(path.join(root, 'dist', 'src', 'cli.js'));
  report.item('code path', built ? 'dist/ (built JavaScript)' : 'src/ through tsx (no dist/ build present), as `npx tandem start` after `npm ci`');
  report.item('phases', 'from spawn, by the pino `time` of the bot\'s own log lines: "database migrated"/"schema up to date" (DB opened + migrations), "Tandem is running" (HTTP listening); then /healthz polled every 5 ms');
  let fake: FakeSlack | undefined;
  const summaries: string[] = [];
  try {
    fake = await startFakeSlack({ botToken: 'xoxb-bench-token' });
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
      SLACK_API_URL: fake.url,
      LOG_LEVEL: 'info',
      TANDEM_ADMINS: 'UADMIN',
    };
    const engines: { name: string; prepare: () => Promise<{ env: NodeJS.ProcessEnv; cwd: string; cleanup: () => Promise<void> }> }[] = [
      {
        name: 'pglite (fresh DATA_DIR)',
        prepare: async () => {
          const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-start-'));
          return { env: { ...base, DATA_DIR: path.join(dir, 'data') }, cwd: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
        },
      },
    ];
    if (benchDatabaseUrl) {
      engines.push({
        name: 'postgres (migrated database)',
        prepare: async () => {
          const db = await createBenchDatabase(1);
          const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-start-'));
          return {
            env: { ...base, DATABASE_URL: db.url },
            cwd: dir,
            cleanup: async () => {
              await db.close();
              await rm(dir, { recursive: true, force: true });
            },
          };
        },
      });
    }
    // Module loading alone: `help` imports the same CLI module graph (through tsx when there is no dist/) and exits.
    const helpMs: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const t = performance.now();
      await new Promise<void>((resolve, reject) => {
        const c = spawn(process.execPath, [bin, 'help'], { cwd: tmpdir(), env: base, stdio: 'ignore' });
        c.once('error', reject);
        c.once('exit', () => resolve());
      });
      helpMs.push(performance.now() - t);
    }
    report.item('`node bin/tandem.js help` spawn to exit (node + tsx + importing the CLI module graph, no database)', `${helpMs.map(fmtMs).join(', ')} (median ${fmtMs(median(helpMs))})`);
    summaries.push(`module load alone (\`tandem help\`) median ${fmtMs(median(helpMs))}`);
    const rows: string[][] = [];
    for (const engine of engines) {
      const runs: Run[] = [];
      for (let i = 0; i < o.runs; i++) {
        const prepared = await engine.prepare();
        try {
          runs.push(await oneRun(prepared.env, prepared.cwd));
        } finally {
          await prepared.cleanup();
        }
      }
      for (const [i, r] of runs.entries()) {
        rows.push([engine.name, String(i + 1), fmtMs(r.totalMs), r.phases.migrated !== undefined ? fmtMs(r.phases.migrated) : '?', r.phases.listening !== undefined ? fmtMs(r.phases.listening) : '?', `${r.rssMiB.toFixed(0)} MiB`]);
      }
      const m = median(runs.map((r) => r.totalMs));
      const mig = median(runs.map((r) => r.phases.migrated ?? NaN));
      const lis = median(runs.map((r) => r.phases.listening ?? NaN));
      summaries.push(`${engine.name} median ${fmtMs(m)} to /healthz 200 (DB ready at ${fmtMs(mig)}, listening at ${fmtMs(lis)}), RSS ${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB`);
    }
    report.line();
    report.table(['engine', 'run', 'spawn → /healthz 200', 'DB open + migrated', 'HTTP listening', 'VmRSS at first 200'], rows);
    if (!benchDatabaseUrl) report.line('\nPostgreSQL not measured: BENCH_DATABASE_URL is not set.');
    report.summary(`startup: ${summaries.join('; ')}`);
  } finally {
    await fake?.close();
  }
}
