import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import { createBenchDatabase } from './lib/db.js';
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

/** Proportional set size: shared pages (the postgres binary, shared buffers) counted once across the server's processes. */
async function pssKiB(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const m = /^Pss:\s+(\d+)\s+kB/m.exec(rollup);
  return m ? Number(m[1]) : 0;
}

/** The embedded server's processes: the postmaster named in postmaster.pid and its children. */
async function serverPids(dataDir: string): Promise<number[]> {
  const postmaster = Number(
    (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
  );
  if (!postmaster) return [];
  const pids = [postmaster];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === postmaster) pids.push(Number(entry));
  }
  return pids;
}

/** The flags `npm start` gives Node (package.json), so the benchmark starts Tandem the way a person does. */
async function startFlags(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((w) => w.startsWith('--'));
}

type Run = { totalMs: number; rssMiB: number; serverMiB: number; phases: Record<string, number> };

/** Pino log lines whose time marks a start-up phase, by their msg. */
const phaseMessages: Record<string, string> = {
  'database migrated': 'migrated',
  'database schema up to date': 'migrated',
  'Tandem is running': 'listening',
};

async function stopChild(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = (signal: NodeJS.Signals) => (group ? process.kill(-(child.pid as number), signal) : child.kill(signal));
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Spawns `node bin/tandem.js start`, polls /healthz every 5 ms until a 200, then reads the child's VmRSS. */
async function oneRun(env: NodeJS.ProcessEnv, cwd: string, via: 'node' | 'npm'): Promise<Run> {
  const port = await freePort();
  const flags = await startFlags();
  const spawnedAt = Date.now();
  const t0 = performance.now();
  // `npm start` runs in the repository (its package.json), as a person types it; npm then starts node.
  const child =
    via === 'npm'
      ? spawn('npm', ['start', '--silent'], {
          cwd: root,
          env: { ...env, PORT: String(port) },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        })
      : spawn(process.execPath, [...flags, bin, 'start'], {
          cwd,
          env: { ...env, PORT: String(port) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
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
    const nodePid = via === 'npm' ? await tandemDescendant(child.pid as number) : (child.pid as number);
    const rssMiB = (await vmRssKiB(nodePid)) / 1024;
    const server = env.DATA_DIR ? await serverPids(env.DATA_DIR) : [];
    const serverMiB = (await Promise.all(server.map(pssKiB))).reduce((a, b) => a + b, 0) / 1024;
    return { totalMs, rssMiB, serverMiB, phases };
  } finally {
    await stopChild(child, via === 'npm');
    // npm may exit before the node under it has stopped the embedded server: wait for that, so the
    // data folder is not removed under a server still writing it.
    if (env.DATA_DIR) {
      const pidFile = path.join(env.DATA_DIR, 'postgres', 'postmaster.pid');
      for (
        let i = 0;
        i < 400 &&
        (await readFile(pidFile).then(
          () => true,
          () => false,
        ));
        i++
      )
        await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The node process running bin/tandem.js under `npm start` (npm → sh → node). */
async function tandemDescendant(pid: number): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!cmd.some((a) => a.endsWith('bin/tandem.js'))) continue;
    // Only one of ours: its process group is the one npm leads (spawned detached).
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if (pgrp === pid) return Number(entry);
  }
  throw new Error('no node process running bin/tandem.js under npm start');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

/**
 * Start of the real CLI with the flags `npm start` uses: spawn to first 200 from /healthz, and the
 * memory then (Node's RSS plus the embedded server's PSS). The embedded PostgreSQL with a fresh
 * DATA_DIR (initdb and migrations), then again on that folder (warm), and a PostgreSQL server
 * Tandem is given (DATABASE_URL, an already migrated database).
 */
export async function runStartup(report: Report, o: StartupOptions): Promise<void> {
  report.heading(`Start-up: \`node bin/tandem.js start\` until the first 200 from /healthz (${o.runs} runs per engine)`);
  report.item(
    'code path',
    'src/ compiled by esbuild into node_modules/.cache/tandem (bin/sources.js), as `npm start` in a checkout',
  );
  report.item('node flags', `${(await startFlags()).join(' ')} (from the start script in package.json)`);
  report.item(
    'phases',
    'from spawn, by the pino `time` of the bot\'s own log lines: "database migrated"/"schema up to date" (DB opened + migrations), "Tandem is running" (HTTP listening); then /healthz polled every 5 ms',
  );
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
    const warmDirs: string[] = [];
    const engines: {
      name: string;
      via?: 'npm';
      prepare: () => Promise<{ env: NodeJS.ProcessEnv; cwd: string; cleanup: () => Promise<void> }>;
    }[] = [
      {
        name: 'embedded PostgreSQL, fresh DATA_DIR',
        prepare: async () => {
          const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-start-'));
          warmDirs.push(dir);
          return { env: { ...base, DATA_DIR: path.join(dir, 'data') }, cwd: dir, cleanup: async () => undefined };
        },
      },
      {
        name: '`npm start`, embedded PostgreSQL, fresh DATA_DIR',
        via: 'npm',
        prepare: async () => {
          const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-start-'));
          return {
            env: { ...base, DATA_DIR: path.join(dir, 'data') },
            cwd: root,
            cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 5 }),
          };
        },
      },
      {
        // The same first start without the install's template (as after `npm ci --ignore-scripts`): initdb.
        name: '`npm start`, embedded PostgreSQL, fresh DATA_DIR, no template (initdb)',
        via: 'npm',
        prepare: async () => {
          const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-start-'));
          return {
            env: { ...base, DATA_DIR: path.join(dir, 'data'), TANDEM_PG_TEMPLATE_DIR: path.join(dir, 'no-template') },
            cwd: root,
            cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 5 }),
          };
        },
      },
      {
        name: 'embedded PostgreSQL, warm DATA_DIR',
        prepare: async () => {
          const dir = warmDirs.shift() as string;
          return {
            env: { ...base, DATA_DIR: path.join(dir, 'data') },
            cwd: dir,
            cleanup: () => rm(dir, { recursive: true, force: true }),
          };
        },
      },
      {
        name: 'PostgreSQL via DATABASE_URL (migrated database)',
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
      },
    ];
    // Module loading alone: `help` imports the same CLI module graph (the compiled sources) and exits.
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
    report.item(
      '`node bin/tandem.js help` spawn to exit (node + importing the compiled CLI module graph, no database)',
      `${helpMs.map(fmtMs).join(', ')} (median ${fmtMs(median(helpMs))})`,
    );
    summaries.push(`module load alone (\`tandem help\`) median ${fmtMs(median(helpMs))}`);
    const rows: string[][] = [];
    // Interleaved: run i of every engine, then run i + 1, so a machine that gets busier (or quieter)
    // during the benchmark weighs on every engine alike.
    const runsOf = new Map(engines.map((e) => [e, [] as Run[]]));
    for (let i = 0; i < o.runs; i++) {
      for (const engine of engines) {
        const prepared = await engine.prepare();
        try {
          runsOf.get(engine)?.push(await oneRun(prepared.env, prepared.cwd, engine.via ?? 'node'));
        } finally {
          await prepared.cleanup();
        }
      }
    }
    for (const engine of engines) {
      const runs = runsOf.get(engine) ?? [];
      for (const [i, r] of runs.entries()) {
        rows.push([
          engine.name,
          String(i + 1),
          fmtMs(r.totalMs),
          r.phases.migrated !== undefined ? fmtMs(r.phases.migrated) : '?',
          r.phases.listening !== undefined ? fmtMs(r.phases.listening) : '?',
          `${r.rssMiB.toFixed(0)} MiB`,
          r.serverMiB ? `${r.serverMiB.toFixed(0)} MiB` : '—',
          `${(r.rssMiB + r.serverMiB).toFixed(0)} MiB`,
        ]);
      }
      const m = median(runs.map((r) => r.totalMs));
      const mig = median(runs.map((r) => r.phases.migrated ?? NaN));
      const lis = median(runs.map((r) => r.phases.listening ?? NaN));
      const total = median(runs.map((r) => r.rssMiB + r.serverMiB));
      summaries.push(
        `${engine.name} median ${fmtMs(m)} to /healthz 200 (DB ready at ${fmtMs(mig)}, listening at ${fmtMs(lis)}), memory ${total.toFixed(0)} MiB (Node RSS + embedded server PSS)`,
      );
    }
    report.line();
    report.table(
      ['engine', 'run', 'spawn → /healthz 200', 'DB open + migrated', 'HTTP listening', 'Node VmRSS', 'server PSS', 'total'],
      rows,
    );
    report.summary(`startup: ${summaries.join('; ')}`);
  } finally {
    await fake?.close();
  }
}
