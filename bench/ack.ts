import { fork, type ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { runTick } from '../src/scheduler/tick.js';
import { startTandem, type Tandem } from '../src/main.js';
import { startFakeSlack, type FakeMessage } from '../test/support/fake-slack.js';
import type { AckFakeReply, AckFakeRequest } from './lib/ack-fake-child.js';
import { createBenchDatabase, type BenchDatabase } from './lib/db.js';
import type { LoadMessage, LoadPhase, LoadRequest, LoadResult } from './lib/load-worker.js';
import { createStatementStats } from './lib/queries.js';
import { fmtInt, percentile, type Report } from './lib/report.js';

export type AckOptions = {
  rates: number[];
  seconds: number;
  /** Runs per target and rate, interleaved: Tandem, bare Bolt, Tandem, bare Bolt, ... */
  pairs: number;
  /** The fake Slack in the bot's own process (as before 2026-12-03) instead of a child process. */
  fakeInProcess: boolean;
};

const signingSecret = 'bench-signing-secret-0123456789';
const botToken = 'xoxb-bench-token';
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';
const ALERTS = 'GALERTS';
const TEAM = 'T0TEAM';
/** Target (issue 15): at 100 req/s, the median over interleaved pairs of Tandem's p99 / bare Bolt's p99. */
const targetRate = 100;
const targetP99Ratio = 2;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function command(text: string, responseUrl: string): LoadRequest {
  return {
    kind: `/tandem ${text}`,
    contentType: 'application/x-www-form-urlencoded',
    body: form({
      token: 'legacy',
      team_id: TEAM,
      team_domain: 'fake-team',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: ADMIN,
      user_name: 'admin',
      command: '/tandem',
      text,
      api_app_id: 'A0APP',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: '111.222.bench',
    }),
  };
}

function interaction(kind: string, payload: Record<string, unknown>): LoadRequest {
  const full = {
    token: 'legacy',
    team: { id: TEAM, domain: 'fake-team' },
    api_app_id: 'A0APP',
    is_enterprise_install: false,
    enterprise: null,
    trigger_id: '111.222.bench',
    ...payload,
  };
  return { kind, contentType: 'application/x-www-form-urlencoded', body: form({ payload: JSON.stringify(full) }) };
}

/** The four request shapes, sent round-robin: two commands, a check-in answer, an invalid program form. */
function buildRequests(responseUrl: (id: string) => string, checkin: FakeMessage): LoadRequest[] {
  const blocks = checkin.blocks as { type: string; block_id?: string; elements?: { action_id: string; value: string }[] }[];
  const actions = blocks.find((b) => b.type === 'actions');
  const button = actions?.elements?.find((e) => e.action_id === 'checkin_answer:met');
  if (!button) throw new Error('the seeded check-in message has no "met" button');
  const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM });
  const state = (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
  return [
    command('help', responseUrl('help')),
    command('list', responseUrl('list')),
    interaction('block action (check-in answer)', {
      type: 'block_actions',
      user: user(MENTOR),
      actions: [
        { type: 'button', action_id: button.action_id, block_id: actions?.block_id, value: button.value, action_ts: '1' },
      ],
      container: { type: 'message', channel_id: checkin.channel, message_ts: checkin.ts, is_ephemeral: false },
      channel: { id: checkin.channel },
      message: { ts: checkin.ts, text: checkin.text, blocks: checkin.blocks },
      response_url: responseUrl('action'),
    }),
    interaction('view submission (program_new, invalid)', {
      type: 'view_submission',
      response_urls: [],
      user: user(ADMIN),
      view: {
        id: 'V1',
        callback_id: 'program_new',
        state: {
          values: state({
            name: { type: 'plain_text_input', value: 'Bench program' },
            timeZone: { type: 'plain_text_input', value: 'Mars/Olympus' },
            startDate: { type: 'datepicker', selected_date: '2027-01-11' },
            lengthWeeks: { type: 'number_input', value: '6' },
            checkinWeekday: { type: 'static_select', selected_option: { value: '2' } },
            checkinTime: { type: 'timepicker', selected_time: '09:30' },
            standupWeekday: { type: 'static_select', selected_option: { value: '5' } },
            standupTime: { type: 'timepicker', selected_time: '10:00' },
            responseWindowDays: { type: 'number_input', value: '2' },
            midmodWeekFrom: { type: 'number_input', value: '5' },
            midmodWeekTo: { type: 'number_input', value: '4' },
            holidays: { type: 'plain_text_input', value: '2027-13-45' },
            alertsChannelId: { type: 'conversations_select', selected_conversation: ALERTS },
          }),
        },
      },
    }),
  ];
}

/** A Bolt app with the same receiver settings that only acks: the floor Tandem is compared with. */
async function startBareApp(): Promise<{ url: string; stop: () => Promise<void> }> {
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: ['/slack/events'],
    processBeforeResponse: false,
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken, botId: 'B0BOT', botUserId: 'UBOT' }),
    logLevel: LogLevel.ERROR,
  });
  app.command('/tandem', async ({ ack }) => ack());
  app.action(/.*/, async ({ ack }) => ack());
  app.view(/.*/, async ({ ack }) => ack());
  const server = (await app.start(0)) as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/slack/events`, stop: () => app.stop() as Promise<void> };
}

function startWorker(): Promise<{
  child: ChildProcess;
  run: (phase: LoadPhase) => Promise<LoadResult>;
  stop: () => Promise<void>;
}> {
  const child = fork(fileURLToPath(new URL('./lib/load-worker.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const send = (m: LoadMessage) => child.send(m);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () =>
      resolve({
        child,
        run: (phase) =>
          new Promise<LoadResult>((res, rej) => {
            const onExit = (code: number | null) => rej(new Error(`load generator exited (${code})`));
            child.once('exit', onExit);
            child.once('message', (r: LoadResult) => {
              child.off('exit', onExit);
              res(r);
            });
            send({ type: 'run', secret: signingSecret, phase });
          }),
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            send({ type: 'exit' });
          }),
      }),
    );
  });
}

/** The fake Slack, in this process or (default) a child: the few things the benchmark asks of it. */
type FakeHandle = {
  url: string;
  setNow: (now: Date) => Promise<void>;
  seed: () => Promise<void>;
  responseUrl: (id: string) => Promise<string>;
  checkin: () => Promise<FakeMessage | null>;
  close: () => Promise<void>;
};

const seedUsers = [
  { id: ADMIN, name: 'sam', tz: 'America/Denver' },
  { id: MENTOR, name: 'ada', tz: 'Europe/Berlin' },
  { id: MENTEE, name: 'bo', tz: 'America/New_York' },
];
const seedChannel = { id: ALERTS, name: 'mentor-alerts', members: ['UBOT', ADMIN] };

async function startFake(inProcess: boolean, start: Date): Promise<FakeHandle> {
  if (inProcess) {
    let now = start.getTime();
    const fake = await startFakeSlack({ botToken, now: () => now });
    return {
      url: fake.url,
      setNow: async (d) => {
        now = d.getTime();
      },
      seed: async () => {
        for (const u of seedUsers) fake.addUser(u);
        fake.addChannel({ ...seedChannel, is_private: true });
      },
      responseUrl: async (id) => fake.responseUrl(id),
      checkin: async () =>
        [...fake.conversations.values()].flatMap((c) => c.messages).find((m) => m.metadata?.event_payload?.kind === 'checkin') ??
        null,
      close: () => fake.close(),
    };
  }
  const child = fork(fileURLToPath(new URL('./lib/ack-fake-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () => resolve());
  });
  // One request at a time; each gets one reply.
  let queue = Promise.resolve<AckFakeReply>({});
  const ask = (m: AckFakeRequest): Promise<AckFakeReply> =>
    (queue = queue.then(
      () =>
        new Promise<AckFakeReply>((resolve, reject) => {
          child.once('message', (r: AckFakeReply) => (r.error ? reject(new Error(r.error)) : resolve(r)));
          child.send(m);
        }),
    ));
  const started = await ask({ type: 'start', botToken, now: start.getTime() });
  return {
    url: started.url ?? '',
    setNow: async (d) => {
      await ask({ type: 'now', now: d.getTime() });
    },
    seed: async () => {
      await ask({ type: 'seed', users: seedUsers, channel: seedChannel });
    },
    responseUrl: async (id) => (await ask({ type: 'responseUrl', id })).url ?? '',
    checkin: async () => (await ask({ type: 'checkin' })).message ?? null,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'exit' });
      await exited;
    },
  };
}

/**
 * Time each request spends in this process, from Node's parsed request head to the response's last
 * byte handed to the socket (diagnostics_channel, Node >= 20): what of the latency is ours.
 */
function serverTimer() {
  const begun = new WeakMap<object, number>();
  let samples: number[] = [];
  const onStart = (m: unknown) => {
    const { response } = m as { response: object };
    begun.set(response, performance.now());
  };
  const onFinish = (m: unknown) => {
    const { response } = m as { response: object };
    const at = begun.get(response);
    if (at !== undefined) samples.push(performance.now() - at);
  };
  subscribe('http.server.request.start', onStart);
  subscribe('http.server.response.finish', onFinish);
  return {
    take: () => {
      const s = samples.sort((a, b) => a - b);
      samples = [];
      return s;
    },
    stop: () => {
      unsubscribe('http.server.request.start', onStart);
      unsubscribe('http.server.response.finish', onFinish);
    },
  };
}

type Row = {
  pair: number;
  target: string;
  rate: number;
  load: number;
  n: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  late99: number;
  achieved: number;
  kinds: Map<string, number[]>;
  serverP99: number;
  loopP99: number;
  loopMax: number;
  cpuMsPerRequest: number;
};

function summarise(r: LoadResult, pair: number, load: number): Row {
  const ok = r.samples.map((s) => s.ms).sort((a, b) => a - b);
  const kinds = new Map<string, number[]>();
  for (const s of r.samples) kinds.set(s.kind, [...(kinds.get(s.kind) ?? []), s.ms]);
  const late = r.samples.map((s) => s.lateMs).sort((a, b) => a - b);
  return {
    pair,
    target: r.target,
    rate: r.rate,
    load,
    n: r.samples.length,
    p50: percentile(ok, 50),
    p99: percentile(ok, 99),
    max: ok[ok.length - 1] ?? 0,
    errors: r.samples.filter((s) => s.status !== 200).length,
    late99: percentile(late, 99),
    achieved: r.samples.length / (r.wallMs / 1000),
    kinds,
    serverP99: 0,
    loopP99: 0,
    loopMax: 0,
    cpuMsPerRequest: 0,
  };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

/** Waits (up to 20 s) until this process used < 5 % of a core over 500 ms: the last phase's post-ack work is done. */
async function settle(): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const before = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 500));
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < 25 || performance.now() - t0 > 20_000) return performance.now() - t0;
  }
}

/**
 * Ack latency of the real bot under a steady stream of signed Slack requests, against a bare Bolt
 * app that only acks, from a load generator in a second process. The two are measured in turns
 * (Tandem, bare Bolt, Tandem, ...) so both see the same machine, with the load average of each run.
 */
export async function runAck(report: Report, o: AckOptions): Promise<void> {
  report.heading(
    `Ack latency: Tandem vs a bare Bolt app, ${o.pairs} interleaved pairs of ${o.seconds} s runs at ${o.rates.join('/')} req/s`,
  );
  let database: BenchDatabase | undefined;
  let fake: FakeHandle | undefined;
  let tandem: Tandem | undefined;
  let bare: Awaited<ReturnType<typeof startBareApp>> | undefined;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  const timer = serverTimer();
  try {
    let now = new Date('2027-01-10T12:00:00Z');
    fake = await startFake(o.fakeInProcess, now);
    database = await createBenchDatabase();
    const stats = createStatementStats(database.db);
    let logLines = 0;
    const firstLogs: string[] = [];
    const logger = createLogger('warn', {
      write(line: string) {
        logLines++;
        if (firstLogs.length < 3) firstLogs.push(line.trim().slice(0, 300));
      },
    });
    const config: Config = {
      databaseUrl: undefined,
      dataDir: '',
      logLevel: 'warn',
      slack: { botToken, signingSecret, appToken: undefined, apiUrl: fake.url },
      port: 0,
      admins: [ADMIN],
      tickCron: '* * * * *',
      schedulerEnabled: false,
    };
    tandem = await startTandem(config, logger, {
      clock: () => now,
      database: { db: stats.db, engine: database.engine, close: async () => undefined },
    });

    // Seed as the e2e check-in test does: a program, a pair, and this week's check-in posted by a tick.
    await fake.seed();
    const program = await tandem.services.programs.create(ADMIN, {
      name: 'Backend',
      timeZone: 'America/Denver',
      startDate: '2027-01-11',
      alertsChannelId: ALERTS,
      checkinWeekday: '1',
      checkinTime: '10:00',
    });
    if (!program.ok) throw new Error(program.message);
    const paired = await tandem.services.pairings.pair(ADMIN, { mentorId: MENTOR, menteeId: MENTEE });
    if (!paired.ok) throw new Error(paired.message);
    await tandem.services.sender.idle();
    now = new Date('2027-01-11T17:00:00Z');
    await fake.setNow(now);
    await runTick(tandem.services);
    await tandem.services.sender.idle();
    const checkin = await fake.checkin();
    if (!checkin) throw new Error('seeding did not post a check-in');
    now = new Date('2027-01-11T17:05:00Z');
    await fake.setNow(now);
    const urls = new Map<string, string>();
    for (const id of ['help', 'list', 'action']) urls.set(id, await fake.responseUrl(id));
    const requests = buildRequests((id) => urls.get(id) ?? '', checkin);

    bare = await startBareApp();
    worker = await startWorker();
    const targets = [
      { target: 'Tandem', url: `http://127.0.0.1:${tandem.port}/slack/events` },
      { target: 'bare Bolt', url: bare.url },
    ];
    // Warm-up (not reported): JIT, connection pools, Bolt's cached auth.test.
    for (const t of targets) await worker.run({ ...t, rate: 50, durationMs: 2_000, requests });
    await tandem.services.sender.idle();
    await settle();
    timer.take();

    const rows: Row[] = [];
    const statementsByRate = new Map<number, Map<string, { count: number; totalMs: number }>>();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    for (const rate of o.rates) {
      for (let pair = 1; pair <= o.pairs; pair++) {
        for (const t of targets) {
          stats.reset();
          loop.reset();
          const load = os.loadavg()[0] ?? 0;
          const cpu = process.cpuUsage();
          loop.enable();
          const result = await worker.run({ ...t, rate, durationMs: o.seconds * 1000, requests });
          loop.disable();
          const row = summarise(result, pair, load);
          row.serverP99 = percentile(timer.take(), 99);
          row.loopP99 = loop.percentile(99) / 1e6;
          row.loopMax = loop.max / 1e6;
          // Let post-ack work (responses, chat.update, App Home) drain: it belongs to these requests.
          await tandem.services.sender.idle();
          await settle();
          const used = process.cpuUsage(cpu);
          row.cpuMsPerRequest = (used.user + used.system) / 1000 / Math.max(1, row.n);
          if (t.target === 'Tandem') {
            const agg = statementsByRate.get(rate) ?? new Map<string, { count: number; totalMs: number }>();
            for (const st of stats.snapshot()) {
              const a = agg.get(st.label) ?? { count: 0, totalMs: 0 };
              a.count += st.count;
              a.totalMs += st.totalMs;
              agg.set(st.label, a);
            }
            statementsByRate.set(rate, agg);
          }
          rows.push(row);
          console.error(
            `ack: pair ${pair} ${t.target}@${rate}: p50 ${ms(row.p50)} p99 ${ms(row.p99)} load ${load.toFixed(2)} cpu/req ${row.cpuMsPerRequest.toFixed(2)} ms`,
          );
        }
      }
    }

    report.item('engine', `${database.engine} (${database.where})`);
    report.item(
      'load',
      `second process (child_process.fork, fetch/undici), open loop at a fixed rate, requests round-robin: ${requests.map((r) => r.kind).join(', ')}; latency = send until response body read`,
    );
    report.item(
      'fake Slack',
      o.fakeInProcess
        ? "in the bot's process (--ack-fake-in-process): its work shares the bot's event loop"
        : 'in its own process (child_process.fork), as Slack is in production',
    );
    report.item(
      'columns',
      'load = 1-min load average at the start of the run; in-process p99 = request head parsed -> response finished, in the bot process (diagnostics_channel); CPU/request = user+system CPU of the bot process (Tandem or bare Bolt, plus the benchmark harness) from the start of the run until its post-ack work drained, per request',
    );
    report.line();
    report.table(
      [
        'pair',
        'target',
        'req/s (achieved)',
        'load',
        'p50',
        'p99',
        'max',
        'non-200',
        'in-process p99',
        'sender lag p99',
        'event-loop delay p99 / max',
        'CPU/request',
      ],
      rows.map((r) => [
        String(r.pair),
        r.target,
        `${r.rate} (${r.achieved.toFixed(0)})`,
        r.load.toFixed(2),
        ms(r.p50),
        ms(r.p99),
        ms(r.max),
        String(r.errors),
        ms(r.serverP99),
        ms(r.late99),
        `${ms(r.loopP99)} / ${ms(r.loopMax)}`,
        `${r.cpuMsPerRequest.toFixed(2)} ms`,
      ]),
    );
    report.line();
    report.line('Per request kind, p50 / p99 over all runs of a target:');
    report.line();
    const kinds = requests.map((r) => r.kind);
    const byTarget = (rate: number, target: string, kind: string) =>
      rows
        .filter((r) => r.rate === rate && r.target === target)
        .flatMap((r) => r.kinds.get(kind) ?? [])
        .sort((a, b) => a - b);
    report.table(
      ['target', 'req/s', ...kinds],
      o.rates.flatMap((rate) =>
        targets.map((t) => [
          t.target,
          String(rate),
          ...kinds.map((k) => {
            const v = byTarget(rate, t.target, k);
            return `${ms(percentile(v, 50))} / ${ms(percentile(v, 99))}`;
          }),
        ]),
      ),
    );
    report.line();
    report.line('Tandem ÷ bare Bolt, pair by pair (each pair ran back to back):');
    report.line();
    const ratios = new Map<number, { p50: number[]; p99: number[]; loads: number[] }>();
    const ratioRows: string[][] = [];
    for (const rate of o.rates) {
      const r = { p50: [] as number[], p99: [] as number[], loads: [] as number[] };
      for (let pair = 1; pair <= o.pairs; pair++) {
        const a = rows.find((x) => x.rate === rate && x.pair === pair && x.target === 'Tandem');
        const b = rows.find((x) => x.rate === rate && x.pair === pair && x.target === 'bare Bolt');
        if (!a || !b) continue;
        r.p50.push(a.p50 / b.p50);
        r.p99.push(a.p99 / b.p99);
        r.loads.push(a.load, b.load);
        ratioRows.push([
          String(rate),
          String(pair),
          `${a.load.toFixed(2)} / ${b.load.toFixed(2)}`,
          `${(a.p50 / b.p50).toFixed(2)}×`,
          `${(a.p99 / b.p99).toFixed(2)}×`,
        ]);
      }
      ratios.set(rate, r);
    }
    report.table(['req/s', 'pair', 'load (Tandem / bare)', 'p50 ratio', 'p99 ratio'], ratioRows);
    report.line();
    const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`;
    for (const [rate, r] of ratios) {
      if (r.p99.length === 0) continue;
      report.item(
        `${rate} req/s, ${r.p99.length} pairs`,
        `median p99 ratio **${median(r.p99).toFixed(2)}×** (spread ${spread(r.p99)}), median p50 ratio ${median(r.p50).toFixed(2)}× (spread ${spread(r.p50)}); load average during the runs ${Math.min(...r.loads).toFixed(2)}–${Math.max(...r.loads).toFixed(2)}`,
      );
    }
    report.line();
    report.line('Statements Tandem ran, all its runs at a rate together (top 4 by total time):');
    report.line();
    for (const [rate, agg] of statementsByRate) {
      const top = [...agg].sort((a, b) => b[1].totalMs - a[1].totalMs).slice(0, 4);
      report.line(
        `- ${rate} req/s: ${top.map(([label, st]) => `${label} ×${fmtInt(st.count)} ${(st.totalMs / st.count).toFixed(2)} ms avg`).join('; ') || 'none'}`,
      );
    }
    report.item(
      'bot warnings/errors logged',
      `${fmtInt(logLines)}${firstLogs.length ? ` (first: ${firstLogs.map((l) => `\`${l}\``).join(' ')})` : ''}`,
    );

    const atTarget = ratios.get(targetRate);
    const tandemRuns = rows.filter((r) => r.target === 'Tandem');
    const errors = tandemRuns.reduce((a, r) => a + r.errors, 0);
    const loads = rows.map((r) => r.load);
    const loadText = `load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`;
    if (atTarget && atTarget.p99.length > 0) {
      const m = median(atTarget.p99);
      const tandemP99 = tandemRuns.filter((r) => r.rate === targetRate).map((r) => r.p99);
      const bareP99 = rows.filter((r) => r.rate === targetRate && r.target === 'bare Bolt').map((r) => r.p99);
      report.summary(
        `ack: at ${targetRate} req/s over ${atTarget.p99.length} interleaved pairs (${loadText}), Tandem p99 median ${ms(median(tandemP99))} vs bare Bolt ${ms(median(bareP99))}: median p99 ratio ${m.toFixed(2)}× (spread ${spread(atTarget.p99)}), ${errors} non-200 — target < ${targetP99Ratio}× ${m < targetP99Ratio && errors === 0 ? 'MET' : 'MISSED'}`,
      );
    } else {
      report.summary(
        `ack: ${[...ratios].map(([rate, r]) => `${rate} req/s median p99 ratio ${median(r.p99).toFixed(2)}× (spread ${spread(r.p99)})`).join('; ')}; ${errors} non-200; ${loadText}`,
      );
    }
  } finally {
    timer.stop();
    await worker?.stop();
    await bare?.stop();
    await tandem?.stop();
    await fake?.close();
    await database?.close();
  }
}
