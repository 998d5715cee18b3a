import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cliEnv, freePort, killRunningClis, runCli, startCli, type CliProcess } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { createSlackSender, type SlackSender } from '../support/slack-signer.js';
import { ADMIN, insertProgram, seedPairs, type SeededPair } from './crash-and-outage/world.js';

/**
 * The "done when": two `tandem start` processes share one database and one fake Slack.
 * For each generated case a fresh pair's four events (the mentee's message, the mentor's reaction
 * to it, the mentor's thread reply, the mentee's reaction to that reply) are sent over signed HTTP
 * in a generated order, with retries and duplicates, random pauses, some at the same moment, spread
 * over both processes. Afterwards each fact is stored once and every deadline is met; two tick
 * processes run at once well past the deadlines: no alert for any of those pairs, and exactly one
 * for a pair whose mentor stayed silent.
 */
const BOT_TOKEN = 'xoxb-event-order';
const SIGNING_SECRET = 'event-order-signing-secret';
const ALERTS = 'GALERTS';
const RUNS = 20;

let fake: FakeSlack;
let t: TestDatabase;
let programId: number;
let senders: SlackSender[] = [];
const bots: CliProcess[] = [];

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN });
  t = await createTestDatabase();
  fake.addChannel({ id: ALERTS, name: 'mentor-alerts', is_private: true, members: ['UBOT', ADMIN] });
  // Starts long after the test's ticks, so no check-in or DTR prompt mixes in: only replies are at stake.
  programId = await insertProgram(t.db, {
    name: 'Order',
    timeZone: 'America/Denver',
    startDate: '2031-01-06',
    alertsChannelId: ALERTS,
  });
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const bot = startCli(
      ['start'],
      cliEnv({
        DATABASE_URL: t.url,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.url,
        PORT: String(port),
        SCHEDULER: 'off',
        LOG_LEVEL: 'info',
      }),
    );
    await bot.waitForLine((l) => l.includes('Tandem is running'), 60_000);
    bots.push(bot);
    senders.push(createSlackSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, teamId: fake.teamId }));
  }
});

afterAll(async () => {
  for (const bot of bots) bot.kill('SIGTERM');
  await Promise.all(bots.map((b) => b.exited));
  await killRunningClis();
  senders = [];
  await t?.close();
  await fake?.close();
});

let pairCount = 0;
async function newPair(): Promise<SeededPair> {
  const [pair] = await seedPairs(t.db, fake, {
    programId,
    n: 1,
    prefix: `R${String(++pairCount).padStart(3, '0')}`,
    createdAt: new Date(),
    fakeUsers: true,
  });
  return pair as SeededPair;
}

const factsOf = (pairingId: number) => t.db.selectFrom('pair_activity').selectAll().where('pairing_id', '=', pairingId).execute();
const repliesOf = (pairingId: number) =>
  t.db.selectFrom('expectations').selectAll().where('pairing_id', '=', pairingId).where('kind', '=', 'reply').execute();

async function waitUntil(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One delivery: which event, which process, a retry header or not, and a pause before it. */
const delivery = fc.record({
  bot: fc.integer({ min: 0, max: 1 }),
  retry: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  delayMs: fc.integer({ min: 0, max: 25 }),
  together: fc.boolean(),
});
const scenario = fc.record({
  order: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
  first: fc.array(delivery, { minLength: 4, maxLength: 4 }),
  again: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), delivery), { maxLength: 6 }),
});

const answered: SeededPair[] = [];

test('every order, retry, duplicate and pause over two processes: each fact once, every deadline met; then no alert, and one for a silent partner', async () => {
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(scenario, async ({ order, first, again }) => {
      const pair = await newPair();
      const message = fake.postAs(pair.mentee, pair.conversation, 'Can we talk about my portfolio?');
      const reaction = fake.reactAs(pair.mentor, message, 'eyes');
      const reply = fake.postAs(pair.mentor, pair.conversation, 'Yes, Thursday.', { thread_ts: message.ts });
      const ack = fake.reactAs(pair.mentee, reply, '+1');
      const events = [fake.messageEvent(message), reaction, fake.messageEvent(reply), ack];
      const plan = [...order.map((e, k) => [e, first[k]] as const), ...again];
      // Deliveries marked "together" go out at once with the next; the rest one after another.
      let batch: Promise<unknown>[] = [];
      for (const [e, d] of plan) {
        if (!d) continue;
        await sleep(d.delayMs);
        const sender = senders[d.bot] as SlackSender;
        batch.push(
          sender
            .event(events[e] as Record<string, unknown>, d.retry === undefined ? {} : { retryNum: d.retry })
            .then((r) => expect(r.status).toBe(200)),
        );
        if (!d.together) {
          await Promise.all(batch);
          batch = [];
        }
      }
      await Promise.all(batch);
      await waitUntil(async () => (await factsOf(pair.pairingId)).length >= 4, 'four facts');
      // Let any handler still running on the other process finish before reading the outcome.
      await waitUntil(
        async () =>
          (await repliesOf(pair.pairingId)).length === 2 && (await repliesOf(pair.pairingId)).every((e) => e.status === 'met'),
        'both deadlines met',
      );
      expect(await factsOf(pair.pairingId)).toHaveLength(4);
      const owed = await repliesOf(pair.pairingId);
      expect(owed.map((e) => [e.subject, e.source_ref, e.status]).sort()).toEqual(
        [
          [pair.mentor, message.ts, 'met'],
          [pair.mentee, reply.ts, 'met'],
        ].sort(),
      );
      answered.push(pair);
    }),
    { seed: 16, numRuns: RUNS, endOnFailure: true },
  );
  const propertyMs = performance.now() - started;

  // A mentor who never answers, with the mentee's message delivered twice to different processes.
  const silent = await newPair();
  const unanswered = fake.postAs(silent.mentee, silent.conversation, 'Hello?');
  await Promise.all(senders.map((s, i) => s.event(fake.messageEvent(unanswered), i === 0 ? {} : { retryNum: 1 })));
  await waitUntil(async () => (await repliesOf(silent.pairingId)).length === 1, 'the silent mentor deadline');

  // Two replicas tick at the same instant, a week on, and again a minute later.
  const env = cliEnv({
    DATABASE_URL: t.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    LOG_LEVEL: 'warn',
  });
  const weekOn = new Date(Date.now() + 8 * 24 * 3600_000);
  for (const at of [weekOn, new Date(weekOn.getTime() + 60_000)]) {
    const ticks = await Promise.all([0, 1].map(() => runCli(['tick', '--at', at.toISOString()], env)));
    for (const r of ticks) expect(r.code).toBe(0);
  }

  const alerts = (fake.conversations.get(ALERTS)?.messages ?? []).filter((m) => m.text.includes('Message not answered'));
  for (const pair of answered)
    expect(alerts.filter((a) => a.text.includes(`<@${pair.mentor}>`) || a.text.includes(`<@${pair.mentee}>`))).toEqual([]);
  const aboutSilent = alerts.filter((a) => a.text.includes(`<@${silent.mentor}>`));
  expect(aboutSilent).toHaveLength(1);
  expect(JSON.stringify(aboutSilent[0]?.blocks)).toContain('Slack showed none either');
  expect(await t.db.selectFrom('alerts').selectAll().where('reason', '=', 'reply_overdue').execute()).toHaveLength(1);
  for (const bot of bots) expect(bot.stderr).toBe('');
  console.log(JSON.stringify({ runs: RUNS, propertyMs: Math.round(propertyMs), pairs: answered.length }));
});
