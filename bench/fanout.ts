import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createLogger } from '../src/logger.js';
import { createServices } from '../src/services/index.js';
import { createRepositories } from '../src/db/repositories/index.js';
import { createWebApiPort, createWebClient } from '../src/slack/web-api-port.js';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeChildMessage, FakeChildReady, FakeChildReport, FakeChildStart } from './lib/fake-child.js';
import { createBenchDatabase } from './lib/db.js';
import { fmtInt, fmtMiB, fmtMs, latencySummary, sampleRss, type Report } from './lib/report.js';
import { seedPairings } from './lib/seed.js';

export type FanoutOptions = {
  pairings: number;
  timeScale: number;
  /**
   * Instead of scaling the fake's limits, keep Slack's (1/s per channel, 300/min) and run the fake's
   * clock K times faster, so its windows shrink to 1/K s and 60/K s: the same budget, but enforced
   * over short windows, which catches uneven spacing that a 60 s window averages away. Off by default.
   */
  strictWindows: boolean;
  /**
   * Suppress the sender kick that plan() ends with, so only the explicit deliverDue() loop sends
   * (in production the kicked run and the tick's own deliverDue() run side by side). Off by default.
   */
  singleLoop: boolean;
  /** Run the bot side as built JavaScript in its own process (PostgreSQL only) and report its RSS. */
  botProcess?: boolean;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type FakeChild = { url: string; botToken: string; report: () => Promise<FakeChildReport>; stop: () => Promise<void> };

/** Starts bench/lib/fake-child.ts in its own process and waits until it serves. */
function startFakeChild(start: FakeChildStart): Promise<FakeChild> {
  const child = fork(fileURLToPath(new URL('./lib/fake-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const send = (m: FakeChildMessage) => child.send(m);
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`fake Slack process exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m: T) => {
        child.off('exit', onExit);
        resolve(m);
      });
    });
  const ready = next<FakeChildReady>();
  send(start);
  return ready.then((r) => ({
    url: r.url,
    botToken: r.botToken,
    report: () => {
      const p = next<FakeChildReport>();
      send({ type: 'report' });
      return p;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'exit' });
      await Promise.race([exited, sleep(5_000).then(() => void child.kill('SIGKILL'))]);
    },
  }));
}

/**
 * One scheduler tick's worth of check-ins, end to end: N pairs due, checkins.plan() fills the outbox
 * (and kicks the sender, as in production), then sender.deliverDue() runs until every delivery is
 * settled, against the fake Slack over real HTTP with its rate limits on.
 */
export async function runFanout(report: Report, o: FanoutOptions): Promise<void> {
  if (o.botProcess) return runFanoutInBotProcess(report, o);
  const k = o.timeScale;
  // What the process already holds before the fan-out (Node, tsx, the loaded modules), to tell it from the run's own cost.
  const rssBefore = process.memoryUsage().rss;
  const rss = sampleRss(100);
  // Scaled limits on the real clock (the default), or Slack's own limits on a fake clock K times faster.
  const limits = o.strictWindows
    ? { perChannelPerSecond: 1, perWorkspacePerMinute: 300 }
    : { perChannelPerSecond: 1 * k, perWorkspacePerMinute: 300 * k };
  const senderPacing = { channelGapMs: 1000 / k, workspacePerMinute: 300 * k };
  report.heading(
    `1. Fan-out: ${fmtInt(o.pairings)} pair check-ins in one tick (time scale ${k}${o.strictWindows ? ', strict windows' : ''}${o.singleLoop ? ', single loop' : ''})`,
  );

  const database = await createBenchDatabase();
  let fake: FakeChild | undefined;
  try {
    const now = new Date();
    const tSeed = performance.now();
    // The fake runs in its own process: the RSS below is the bot's (plan, sender, WebClient, DB client).
    fake = await startFakeChild({
      type: 'start',
      botToken: 'xoxb-bench-token',
      rateLimits: limits,
      clockScale: o.strictWindows ? k : null,
      conversations: o.pairings,
    });
    await seedPairings(database.db, { pairings: o.pairings, programs: 5, now });
    const seedMs = performance.now() - tSeed;

    const logLines: string[] = [];
    let warnings = 0;
    const logger = createLogger('warn', {
      write(line: string) {
        warnings++;
        if (logLines.length < 5) logLines.push(line.trim());
      },
    });
    const client = createWebClient(fake.botToken, { apiUrl: fake.url, logger });
    const repos = createRepositories(database.db);

    // Instrumentation only: time the outbox statements the sender issues (same objects the sender holds).
    const claimMs: number[] = [];
    const claimSizes: number[] = [];
    const markMs: number[] = [];
    const repo = repos.deliveries;
    const claimDue = repo.claimDue;
    const markSent = repo.markSent;
    repo.claimDue = async (...args) => {
      const t = performance.now();
      const rows = await claimDue(...args);
      claimMs.push(performance.now() - t);
      claimSizes.push(rows.length);
      return rows;
    };
    repo.markSent = async (...args) => {
      const t = performance.now();
      const ok = await markSent(...args);
      markMs.push(performance.now() - t);
      return ok;
    };
    const services = createServices({
      db: database.db,
      repos,
      slack: createWebApiPort(client),
      clock: () => new Date(),
      logger,
      sender: senderPacing,
    });

    if (o.singleLoop) services.sender.kick = () => undefined;

    const minimumMs = (o.pairings / (300 * k)) * 60_000;
    const deadline = performance.now() + Math.max(600_000, minimumMs * 5);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const loadAtStart = os.loadavg()[0] ?? 0;
    const t0 = performance.now();
    const planned = await services.checkins.plan();
    const tPlanned = performance.now();
    const totals = { sent: 0, recovered: 0, retried: 0, failed: 0 };
    let rounds = 0;
    let timedOut = false;
    for (;;) {
      rounds++;
      const r = await services.sender.deliverDue();
      totals.sent += r.sent;
      totals.recovered += r.recovered;
      totals.retried += r.retried;
      totals.failed += r.failed;
      await services.sender.idle();
      const left = await sql<{ n: number; next: Date | null }>`
        select count(*)::int as n, min(case when status = 'pending' then not_before else claimed_until end) as next
        from deliveries where status in ('pending', 'sending')`.execute(database.db);
      const n = Number(left.rows[0]?.n ?? 0);
      if (n === 0) break;
      if (performance.now() > deadline) {
        timedOut = true;
        break;
      }
      const next = left.rows[0]?.next;
      await sleep(Math.min(1_000, Math.max(5, (next ? new Date(next).getTime() : Date.now()) - Date.now())));
    }
    const tDone = performance.now();
    loopDelay.disable();
    const rssPeak = rss.stop();

    // What the fake saw.
    const seen = await fake.report();
    const history = seen.history;
    const limited = { length: seen.limited };
    let duplicates = 0;
    let dupConversations = 0;
    let missing = 0;
    for (const count of seen.messageCounts) {
      if (count > 1) {
        dupConversations++;
        duplicates += count - 1;
      }
      if (count === 0) missing++;
    }
    const statuses = await sql<{
      status: string;
      n: number;
    }>`select status, count(*)::int as n from deliveries group by status order by status`.execute(database.db);
    const notSent = statuses.rows.filter((r) => r.status !== 'sent').reduce((a, r) => a + Number(r.n), 0);

    // Pacing quality from the accepted posts' arrival times at the fake.
    const at = [...seen.acceptedAt].sort((a, b) => a - b);
    const accepted = at;
    const gapMs = 60_000 / (300 * k);
    const sendWindowMs = at.length > 1 ? (at[at.length - 1] ?? 0) - (at[0] ?? 0) : 0;
    const perfectMs = Math.max(0, at.length - 1) * gapMs;
    // The fake's workspace window in real time; recorded call times are real-clock milliseconds.
    const windowMs = o.strictWindows ? 60_000 / k : 60_000;
    let maxPerMinute = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while ((at[i] ?? 0) - (at[j] ?? 0) >= windowMs) j++;
      maxPerMinute = Math.max(maxPerMinute, i - j + 1);
    }
    const deliveryMs = tDone - tPlanned;
    const tickMs = tDone - t0;
    const ratio = deliveryMs / minimumMs;
    const tickRatio = tickMs / minimumMs;
    const realScaleMs = tPlanned - t0 + deliveryMs * k;
    // The target is the whole tick: what a person waits from the tick to the last message. The
    // delivery-only ratio can fall below 1, as sending starts with plan()'s first page.
    const met = tickRatio <= 1.05 && duplicates === 0 && !timedOut;

    report.item('engine', `${database.engine} (${database.where})`);
    report.item(
      'fake Slack limits',
      o.strictWindows
        ? `${limits.perChannelPerSecond}/s per channel, ${fmtInt(limits.perWorkspacePerMinute)}/min per workspace on a fake clock ${k}x faster (sliding windows of ${(1000 / k).toFixed(0)} ms and ${(60 / k).toFixed(1)} s real time)`
        : `${limits.perChannelPerSecond}/s per channel, ${fmtInt(limits.perWorkspacePerMinute)}/min per workspace (sliding 1 s / 60 s windows on the real clock)`,
    );
    report.item(
      'sender pacing',
      `channelGapMs ${senderPacing.channelGapMs}, workspacePerMinute ${fmtInt(senderPacing.workspacePerMinute)} (one post every ${gapMs.toFixed(1)} ms); batchSize, leaseMs, maxAttempts at their defaults`,
    );
    report.item(
      'senders',
      o.singleLoop
        ? "one deliverDue() loop (plan()'s kick suppressed: --single-loop)"
        : "as runTick: plan()'s kick starts a deliverDue() run and the tick's own deliverDue() runs beside it",
    );
    report.item('seeding', `${fmtInt(o.pairings)} pairings + fake conversations in ${fmtMs(seedMs)}`);
    report.item('checkins.plan()', `${fmtInt(planned)} planned in ${fmtMs(tPlanned - t0)}`);
    report.item(
      'delivery phase (end of plan -> every delivery settled)',
      `${fmtMs(deliveryMs)} in ${rounds} deliverDue round(s)${timedOut ? ' — TIMED OUT' : ''}`,
    );
    report.item('rate-limit minimum at this scale', `${fmtInt(o.pairings)} / ${fmtInt(300 * k)} per min = ${fmtMs(minimumMs)}`);
    report.item(
      'whole tick (start of plan() -> every delivery settled) / minimum',
      `${fmtMs(tickMs)} / ${fmtMs(minimumMs)} = **${tickRatio.toFixed(3)}** (target <= 1.05)`,
    );
    report.item('delivery phase only (end of plan -> settled) / minimum', `${ratio.toFixed(3)} (sending starts during plan())`);
    report.item('load average (1 min) at the start of the tick', loadAtStart.toFixed(2));
    report.item(
      'real-scale equivalent (plan time + delivery x K; an upper bound, as per-batch DB overheads are multiplied by K too)',
      `${fmtMs(realScaleMs)} (minimum at 300/min: ${fmtMs(minimumMs * k)})`,
    );
    report.item(
      'first -> last accepted post at the fake',
      `${fmtMs(sendWindowMs)} (perfectly even spacing: ${fmtMs(perfectMs)}; difference ${sendWindowMs >= perfectMs ? '+' : '-'}${fmtMs(Math.abs(sendWindowMs - perfectMs))}, arrival times have ms resolution); max accepted posts in any ${fmtMs(windowMs)} (real) window: ${fmtInt(maxPerMinute)} (limit ${fmtInt(limits.perWorkspacePerMinute)})`,
    );
    report.item(
      'messages',
      `${fmtInt(accepted.length)} accepted chat.postMessage, ${fmtInt(limited.length)} answered 429, ${fmtInt(history)} conversations.history lookups`,
    );
    report.item(
      'duplicates',
      `${fmtInt(duplicates)} extra messages in ${fmtInt(dupConversations)} conversations; conversations without a message: ${fmtInt(missing)}`,
    );
    report.item(
      'failures (deliveries not sent)',
      `${fmtInt(notSent)} — by status: ${statuses.rows.map((r) => `${r.status} ${fmtInt(Number(r.n))}`).join(', ')}`,
    );
    report.item(
      'sender report (explicit deliverDue calls only)',
      `sent ${totals.sent}, recovered ${totals.recovered}, retried ${totals.retried}, failed ${totals.failed}`,
    );
    report.item(
      'claimDue',
      `${latencySummary(claimMs)}; mean batch ${(claimSizes.reduce((a, b) => a + b, 0) / Math.max(1, claimSizes.length)).toFixed(1)} rows`,
    );
    report.item('markSent', latencySummary(markMs));
    report.item(
      'event-loop delay during the tick',
      `p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms (the bot's process: WebClient, sender, DB client; the fake Slack runs in its own)`,
    );
    report.item('warnings logged', `${warnings}${logLines.length ? ` (first: ${logLines[0]?.slice(0, 200)})` : ''}`);
    report.item(
      'RSS peak of the bot process (100 ms samples; plan, sender, WebClient, DB client — the fake Slack is a separate process)',
      `${fmtMiB(rssPeak)} (${fmtMiB(rssBefore)} before the run, under tsx: the run itself added ${fmtMiB(Math.max(0, rssPeak - rssBefore))})`,
    );
    report.summary(
      `fanout${o.strictWindows ? ' (strict windows)' : ''}${o.singleLoop ? ' (single loop)' : ''}: ${fmtInt(o.pairings)} pairs at K=${k} on ${database.engine}: whole tick ${fmtMs(tickMs)} vs minimum ${fmtMs(minimumMs)} = ratio ${tickRatio.toFixed(3)} (delivery phase alone ${ratio.toFixed(3)}), ` +
        `real-scale ~${fmtMs(realScaleMs)}; duplicates ${duplicates}, failures ${notSent}, 429s ${limited.length}, RSS peak ${fmtMiB(rssPeak)} — target ${met ? 'MET' : 'NOT MET'}`,
    );
    // A missed throughput target is reported; a duplicate or an unfinished run fails the benchmark.
    if (duplicates > 0 || timedOut) report.failed = true;
  } finally {
    rss.stop();
    await fake?.stop();
    await database.close();
  }
}

/**
 * The same fan-out with the bot as deployed: `node` running dist/ (rebuilt first), in its own process,
 * against the fake Slack in another. Reports the bot process's RSS, the figure the memory target is about.
 */
async function runFanoutInBotProcess(report: Report, o: FanoutOptions): Promise<void> {
  const k = o.timeScale;
  const limits = { perChannelPerSecond: 1 * k, perWorkspacePerMinute: 300 * k };
  const senderPacing = { channelGapMs: 1000 / k, workspacePerMinute: 300 * k };
  report.heading(
    `1b. Fan-out in a separate bot process (dist/): ${fmtInt(o.pairings)} pair check-ins in one tick (time scale ${k})`,
  );
  const root = fileURLToPath(new URL('..', import.meta.url));
  // BENCH_BOT_NODE_OPTIONS: V8 flags for the bot process (e.g. --max-semi-space-size=2), to see their effect.
  const botNodeOptions = (process.env.BENCH_BOT_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const tBuild = performance.now();
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
  const buildMs = performance.now() - tBuild;
  const database = await createBenchDatabase();
  let fake: FakeChild | undefined;
  let bot: ChildProcess | undefined;
  try {
    fake = await startFakeChild({
      type: 'start',
      botToken: 'xoxb-bench-token',
      rateLimits: limits,
      clockScale: null,
      conversations: o.pairings,
    });
    await seedPairings(database.db, { pairings: o.pairings, programs: 5, now: new Date() });
    const child = fork(fileURLToPath(new URL('./lib/fanout-bot.mjs', import.meta.url)), [], {
      execArgv: ['--expose-gc', ...botNodeOptions],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    bot = child;
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`bot process exited (${code})`)));
    });
    const done = await new Promise<{
      planned: number;
      planMs: number;
      deliveryMs: number;
      rssBefore: number;
      rssPeak: number;
      warnings: number;
      heap: { usedPeak: number; totalPeak: number; externalPeak: number; liveAfter: number };
    }>((resolve, reject) => {
      child.once('message', (m: unknown) => resolve(m as never));
      child.once('exit', (code) => reject(new Error(`bot process exited (${code})`)));
      child.send({ type: 'run', databaseUrl: database.url, apiUrl: fake?.url, botToken: fake?.botToken, sender: senderPacing });
    });
    const seen = await fake.report();
    const duplicates = seen.messageCounts.reduce((a, n) => a + Math.max(0, n - 1), 0);
    const missing = seen.messageCounts.filter((n) => n === 0).length;
    const minimumMs = (o.pairings / (300 * k)) * 60_000;
    const ratio = done.deliveryMs / minimumMs;
    report.item('engine', `${database.engine} (${database.where})`);
    report.item(
      'bot process',
      `\`node\` on dist/ (tsc build ${fmtMs(buildMs)}), no TypeScript loader; plan() then deliverDue() until settled; sender pacing as in section 1`,
    );
    report.item('checkins.plan()', `${fmtInt(done.planned)} planned in ${fmtMs(done.planMs)}`);
    report.item('delivery phase', `${fmtMs(done.deliveryMs)} vs minimum ${fmtMs(minimumMs)}: ratio **${ratio.toFixed(3)}**`);
    report.item(
      'messages',
      `${fmtInt(seen.acceptedAt.length)} accepted, ${fmtInt(seen.limited)} answered 429, ${fmtInt(seen.history)} history lookups; duplicates ${fmtInt(duplicates)}, conversations without a message ${fmtInt(missing)}`,
    );
    report.item(
      'bot process RSS',
      `**${fmtMiB(done.rssPeak)} peak** (100 ms samples; ${fmtMiB(done.rssBefore)} after loading its modules, before the run)`,
    );
    report.item(
      'bot process V8 heap',
      `used peak ${fmtMiB(done.heap.usedPeak)}, reserved peak ${fmtMiB(done.heap.totalPeak)}, external peak ${fmtMiB(done.heap.externalPeak)}; still alive after the run (after a full GC): ${fmtMiB(done.heap.liveAfter)}`,
    );
    report.item('bot node options', botNodeOptions.length ? botNodeOptions.join(' ') : 'none (V8 defaults)');
    report.item('bot warnings logged', fmtInt(done.warnings));
    report.summary(
      `fanout (bot process, dist/): ${fmtInt(o.pairings)} pairs at K=${k} on ${database.engine}: delivery ratio ${ratio.toFixed(3)}, duplicates ${duplicates}, missing ${missing}; bot RSS peak ${fmtMiB(done.rssPeak)} (${fmtMiB(done.rssBefore)} at rest) — RSS target < 150 MB ${done.rssPeak < 150 * 1024 * 1024 ? 'MET' : 'MISSED'}`,
    );
    if (duplicates > 0 || missing > 0) report.failed = true;
  } finally {
    if (bot && bot.exitCode === null) bot.kill('SIGKILL');
    await fake?.stop();
    await database.close();
  }
}
