import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { runTick } from '../src/scheduler/tick.js';
import { startTandem, type Tandem } from '../src/main.js';
import { startFakeSlack, type FakeMessage, type FakeSlack } from '../test/support/fake-slack.js';
import { createBenchDatabase, type BenchDatabase } from './lib/db.js';
import type { LoadMessage, LoadPhase, LoadRequest, LoadResult } from './lib/load-worker.js';
import { createStatementStats } from './lib/queries.js';
import { fmtInt, percentile, type Report } from './lib/report.js';

export type AckOptions = { rates: number[]; seconds: number };

const signingSecret = 'bench-signing-secret-0123456789';
const botToken = 'xoxb-bench-token';
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';
const ALERTS = 'GALERTS';
const TEAM = 'T0TEAM';
/** Target from the brief: Tandem's ack p99 at 100 req/s. */
const targetRate = 100;
const targetP99Ms = 50;

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
function buildRequests(fake: FakeSlack, checkin: FakeMessage): LoadRequest[] {
  const blocks = checkin.blocks as { type: string; block_id?: string; elements?: { action_id: string; value: string }[] }[];
  const actions = blocks.find((b) => b.type === 'actions');
  const button = actions?.elements?.find((e) => e.action_id === 'checkin_answer:met');
  if (!button) throw new Error('the seeded check-in message has no "met" button');
  const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM });
  const state = (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
  return [
    command('help', fake.responseUrl('help')),
    command('list', fake.responseUrl('list')),
    interaction('block action (check-in answer)', {
      type: 'block_actions',
      user: user(MENTOR),
      actions: [
        { type: 'button', action_id: button.action_id, block_id: actions?.block_id, value: button.value, action_ts: '1' },
      ],
      container: { type: 'message', channel_id: checkin.channel, message_ts: checkin.ts, is_ephemeral: false },
      channel: { id: checkin.channel },
      message: { ts: checkin.ts, text: checkin.text, blocks: checkin.blocks },
      response_url: fake.responseUrl('action'),
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

type Row = {
  target: string;
  rate: number;
  n: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  late99: number;
  achieved: number;
  kinds: Map<string, number[]>;
  loopP99?: number;
  statements?: string;
};

function summarise(r: LoadResult): Row {
  const ok = r.samples.map((s) => s.ms).sort((a, b) => a - b);
  const kinds = new Map<string, number[]>();
  for (const s of r.samples) kinds.set(s.kind, [...(kinds.get(s.kind) ?? []), s.ms]);
  for (const v of kinds.values()) v.sort((a, b) => a - b);
  const late = r.samples.map((s) => s.lateMs).sort((a, b) => a - b);
  return {
    target: r.target,
    rate: r.rate,
    n: r.samples.length,
    p50: percentile(ok, 50),
    p99: percentile(ok, 99),
    max: ok[ok.length - 1] ?? 0,
    errors: r.samples.filter((s) => s.status !== 200).length,
    late99: percentile(late, 99),
    achieved: r.samples.length / (r.wallMs / 1000),
    kinds,
  };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

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
 * app that only acks, from a load generator in a second process.
 */
export async function runAck(report: Report, o: AckOptions): Promise<void> {
  report.heading(`Ack latency: Tandem vs a bare Bolt app at ${o.rates.join('/')} req/s, ${o.seconds} s each`);
  let database: BenchDatabase | undefined;
  let fake: FakeSlack | undefined;
  let tandem: Tandem | undefined;
  let bare: Awaited<ReturnType<typeof startBareApp>> | undefined;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  try {
    let now = new Date('2027-01-10T12:00:00Z');
    fake = await startFakeSlack({ botToken, now: () => now.getTime() });
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
    fake.addUser({ id: ADMIN, name: 'sam', tz: 'America/Denver' });
    fake.addUser({ id: MENTOR, name: 'ada', tz: 'Europe/Berlin' });
    fake.addUser({ id: MENTEE, name: 'bo', tz: 'America/New_York' });
    fake.addChannel({ id: ALERTS, name: 'mentor-alerts', is_private: true, members: ['UBOT', ADMIN] });
    const program = await tandem.services.programs.create(ADMIN, {
      name: 'Backend',
      timeZone: 'America/Denver',
      startDate: '2027-01-11',
      alertsChannelId: ALERTS,
    });
    if (!program.ok) throw new Error(program.message);
    const paired = await tandem.services.pairings.pair(ADMIN, { mentorId: MENTOR, menteeId: MENTEE });
    if (!paired.ok) throw new Error(paired.message);
    await tandem.services.sender.idle();
    now = new Date('2027-01-11T17:00:00Z');
    await runTick(tandem.services);
    await tandem.services.sender.idle();
    const checkin = [...fake.conversations.values()]
      .flatMap((c) => c.messages)
      .find((m) => m.metadata?.event_payload?.kind === 'checkin');
    if (!checkin) throw new Error('seeding did not post a check-in');
    now = new Date('2027-01-11T17:05:00Z');
    const requests = buildRequests(fake, checkin);

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

    const rows: Row[] = [];
    const loop = monitorEventLoopDelay({ resolution: 5 });
    for (const rate of o.rates) {
      for (const t of targets) {
        stats.reset();
        loop.reset();
        loop.enable();
        const result = await worker.run({ ...t, rate, durationMs: o.seconds * 1000, requests });
        loop.disable();
        const row = summarise(result);
        row.loopP99 = loop.percentile(99) / 1e6;
        if (t.target === 'Tandem') {
          const top = stats.snapshot().slice(0, 4);
          row.statements = top.map((s) => `${s.label} ×${fmtInt(s.count)} ${(s.totalMs / s.count).toFixed(2)} ms avg`).join('; ');
        }
        rows.push(row);
        // Let post-ack work (responses, chat.update, App Home) drain before the next phase.
        await tandem.services.sender.idle();
        await settle();
      }
    }

    report.item('engine', `${database.engine} (${database.where})`);
    report.item(
      'load',
      `second process (child_process.fork, fetch/undici), open loop at a fixed rate, requests round-robin: ${requests.map((r) => r.kind).join(', ')}; latency = send until response body read`,
    );
    report.line();
    report.table(
      ['target', 'req/s (achieved)', 'requests', 'p50', 'p99', 'max', 'non-200', 'sender lag p99', 'bot event-loop delay p99'],
      rows.map((r) => [
        r.target,
        `${r.rate} (${r.achieved.toFixed(0)})`,
        fmtInt(r.n),
        ms(r.p50),
        ms(r.p99),
        ms(r.max),
        String(r.errors),
        ms(r.late99),
        ms(r.loopP99 ?? 0),
      ]),
    );
    report.line();
    report.line('Per request kind, p50 / p99:');
    report.line();
    const kinds = requests.map((r) => r.kind);
    report.table(
      ['target', 'req/s', ...kinds],
      rows.map((r) => [
        r.target,
        String(r.rate),
        ...kinds.map((k) => {
          const v = r.kinds.get(k) ?? [];
          return `${ms(percentile(v, 50))} / ${ms(percentile(v, 99))}`;
        }),
      ]),
    );
    report.line();
    report.line('Tandem ÷ bare Bolt:');
    report.line();
    const ratioRows: string[][] = [];
    for (const rate of o.rates) {
      const a = rows.find((r) => r.rate === rate && r.target === 'Tandem');
      const b = rows.find((r) => r.rate === rate && r.target === 'bare Bolt');
      if (a && b) ratioRows.push([String(rate), `${(a.p50 / b.p50).toFixed(2)}×`, `${(a.p99 / b.p99).toFixed(2)}×`]);
    }
    report.table(['req/s', 'p50 ratio', 'p99 ratio'], ratioRows);
    report.line();
    report.line('Statements Tandem ran per phase (top 4 by total time):');
    report.line();
    for (const r of rows.filter((x) => x.statements !== undefined)) report.line(`- ${r.rate} req/s: ${r.statements || 'none'}`);
    report.item(
      'bot warnings/errors logged',
      `${fmtInt(logLines)}${firstLogs.length ? ` (first: ${firstLogs.map((l) => `\`${l}\``).join(' ')})` : ''}`,
    );

    const atTarget = rows.find((r) => r.rate === targetRate && r.target === 'Tandem');
    const bareAtTarget = rows.find((r) => r.rate === targetRate && r.target === 'bare Bolt');
    if (atTarget) {
      const met = atTarget.p99 <= targetP99Ms && atTarget.errors === 0;
      report.summary(
        `ack: Tandem p99 ${ms(atTarget.p99)} at ${targetRate} req/s (bare Bolt ${ms(bareAtTarget?.p99 ?? 0)}), ${atTarget.errors} non-200 — target p99 <= ${targetP99Ms} ms ${met ? 'MET' : 'MISSED'}; ` +
          rows.map((r) => `${r.target}@${r.rate} p50/p99 ${r.p50.toFixed(1)}/${r.p99.toFixed(1)} ms`).join(', '),
      );
    } else {
      report.summary(
        `ack: ${rows.map((r) => `${r.target}@${r.rate} p50/p99 ${r.p50.toFixed(1)}/${r.p99.toFixed(1)} ms, ${r.errors} non-200`).join('; ')}`,
      );
    }
  } finally {
    await worker?.stop();
    await bare?.stop();
    await tandem?.stop();
    await fake?.close();
    await database?.close();
  }
}
