/**
 * The delivery engine and the weekly check-in on the test server (embedded PostgreSQL, or the one
 * TEST_DATABASE_URL names), against the fake Slack over HTTP through our real WebClient and port.
 *
 * The domain clock is pinned (services' `clock`); the sender's per-channel pacing uses real time, so
 * channelGapMs is small except where pacing is the subject. Where a test needs a Retry-After to be
 * honoured in real time, the clock is switched to "ticking": it starts at the pinned instant and
 * moves with real time, as the system clock does in production.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, type Db, type OpenedDatabase } from '../../src/db/database.js';
import type { NewDelivery } from '../../src/db/repositories/delivery-repository.js';
import type { Pairing } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { createPostgresRunCoordinator } from '../../src/scheduler/run-coordinator.js';
import { createSchedulerRunRepository } from '../../src/db/repositories/scheduler-run-repository.js';
import { runTick } from '../../src/scheduler/tick.js';
import type { Clock } from '../../src/services/clock.js';
import { deliveryEventType } from '../../src/services/outbox/delivery-sender.js';
import { createServices, type ServiceOptions, type Services } from '../../src/services/index.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/index.js';
import type { SlackPort } from '../../src/services/slack-port.js';
import { createWebApiPort, createWebClient } from '../../src/slack/web-api-port.js';
import { createTestDatabase, testServer, type TestDatabase } from '../support/db.js';
import { startFakeSlack, type FakeMessage, type FakeSlack, type RecordedCall } from '../support/fake-slack.js';
import { LogCapture } from '../support/harness.js';

const ADMIN = 'UADMIN';
const ALERTS = 'GALERTS';
const PROGRAM_ZONE = 'America/New_York';
/** Monday 2027-01-18 10:00 in New York: the program's week-2 check-in slot. */
const SLOT = '2027-01-18T15:00:00.000Z';
/** A few seconds of real time is the most any test here waits for. */
const SLACK_MS = 50;

let t: TestDatabase;
let fake: FakeSlack;
let logs: LogCapture;
const live: Services[] = [];
const extraPools: OpenedDatabase[] = [];

// ----- clock --------------------------------------------------------------------------------------

let pinned = Date.parse('2027-01-18T16:00:00Z');
let tickingSince: number | null = null;
const clock: Clock = () => new Date(tickingSince === null ? pinned : pinned + (Date.now() - tickingSince));
function setNow(iso: string) {
  pinned = Date.parse(iso);
  tickingSince = null;
}
function advance(ms: number) {
  pinned = clock().getTime() + ms;
  if (tickingSince !== null) tickingSince = Date.now();
}
/** From now on the domain clock moves with real time, from where it stands. */
function startTicking() {
  pinned = clock().getTime();
  tickingSince = Date.now();
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ----- wiring -------------------------------------------------------------------------------------

/**
 * `timeoutMs` is the WebClient's: 500 ms where a test holds Slack's answer back on purpose. Elsewhere
 * it is larger: on a loaded machine an answer can take longer than 500 ms to be read; the outbox
 * handles that correctly (retry, then history), but with the pinned clock the retry would not come
 * within the test.
 */
/** The use-cases, plus the repositories and Slack port they were built on (tests seed and inspect through them). */
type Wired = Services & { repos: Repositories; slack: SlackPort };

function services(options: { db?: Db; sender?: ServiceOptions['sender']; timeoutMs?: number } = {}): Wired {
  const logger = createLogger('debug', logs);
  // The port repeats a failed read after 250 ms, 500 ms in real time; the outages here fail hundreds.
  const slack = createWebApiPort(
    createWebClient(fake.botToken, { apiUrl: fake.url, logger, timeoutMs: options.timeoutMs ?? 5_000 }),
    { retryWaitMs: 2 },
  );
  const db = options.db ?? t.db;
  const s = createServices({
    db,
    slack,
    clock,
    logger,
    sender: { channelGapMs: 5, workspacePerMinute: 60_000, leaseMs: 60_000, ...options.sender },
  });
  live.push(s);
  return { ...s, repos: createRepositories(db), slack };
}

/** Another connection pool on the same database: a real second replica. */
async function replicaDb(): Promise<Db> {
  const opened = await openDatabase({ databaseUrl: t.url, poolSize: 4 });
  extraPools.push(opened);
  return opened.db;
}

async function idleAll() {
  for (const s of live) await s.sender.idle();
}

// ----- seeding ------------------------------------------------------------------------------------

type SeededPair = { pairing: Pairing; mentor: string; mentee: string; conversation: string };

async function seedProgram(s: Wired, extra: { timeZone?: string; startDate?: string; name?: string } = {}) {
  const program = await s.repos.programs.create(
    {
      name: extra.name ?? 'Backend Module 3',
      time_zone: extra.timeZone ?? PROGRAM_ZONE,
      start_date: extra.startDate ?? '2027-01-11',
      alerts_channel_id: ALERTS,
      created_by: ADMIN,
      checkin_weekday: 1,
      checkin_time: '10:00',
    },
    [],
  );
  if (!program) throw new Error('program not created');
  return program;
}

/** n pairs, each with people rows and its group DM opened in the fake through our own port. */
async function seedPairs(s: Wired, programId: number, n: number, prefix = 'P'): Promise<SeededPair[]> {
  const pairs: SeededPair[] = [];
  for (let i = 0; i < n; i++) {
    const mentor = `U${prefix}MENTOR${i}`;
    const mentee = `U${prefix}MENTEE${i}`;
    for (const [id, tz] of [
      [mentor, 'Europe/Berlin'],
      [mentee, 'America/Chicago'],
    ] as const) {
      fake.addUser({ id, name: id.toLowerCase(), tz });
      await s.repos.people.upsert(
        { slackId: id, teamId: fake.teamId, name: id.toLowerCase(), realName: null, timeZone: tz, isBot: false, deleted: false },
        clock(),
      );
    }
    const created = await s.repos.pairings.create({ programId, mentorId: mentor, menteeId: mentee, createdBy: ADMIN }, clock());
    if (!created) throw new Error('pairing not created');
    const conversation = await s.slack.openConversation([mentor, mentee]);
    const pairing = await s.repos.pairings.update(created.id, { conversation_id: conversation });
    if (!pairing) throw new Error('pairing not updated');
    pairs.push({ pairing, mentor, mentee, conversation });
  }
  return pairs;
}

/** Messages Tandem posted in a conversation, optionally only those of one kind or one delivery. */
function posted(channel: string, filter: { kind?: string; deliveryId?: number } = {}): FakeMessage[] {
  return (fake.conversations.get(channel)?.messages ?? []).filter(
    (m) =>
      m.metadata?.event_type === deliveryEventType &&
      (filter.kind === undefined || m.metadata.event_payload.kind === filter.kind) &&
      (filter.deliveryId === undefined || Number(m.metadata.event_payload.delivery_id) === filter.deliveryId),
  );
}

function okPosts(channel?: string): RecordedCall[] {
  return fake
    .callsTo('chat.postMessage')
    .filter(
      (c) =>
        c.status === 200 && (c.response as { ok?: boolean }).ok === true && (channel === undefined || c.args.channel === channel),
    );
}

/** Accepted posts of check-ins (other passes of the tick may post other kinds). */
function okCheckinPosts(): RecordedCall[] {
  return okPosts().filter(
    (c) => (c.args.metadata as { event_payload?: { kind?: string } } | undefined)?.event_payload?.kind === 'checkin',
  );
}

async function deliveryRows() {
  return t.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
}

async function count(table: 'checkins' | 'deliveries'): Promise<number> {
  const r = await t.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return r.n;
}

async function checkinExpectations(): Promise<number> {
  const r = await t.db
    .selectFrom('expectations')
    .where('kind', '=', 'checkin')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return r.n;
}

function notice(key: string, channel: string, extra: Partial<NewDelivery> = {}): NewDelivery {
  return { dedupeKey: key, kind: 'notice', channel, payload: { text: `notice ${key}` }, notBefore: clock(), ...extra };
}

/** Runs delivery passes (with the ticking clock) until every delivery is settled or `limitMs` of real time passes. */
async function deliverUntilSettled(s: Wired, limitMs = 15_000) {
  const reports = [];
  const until = Date.now() + limitMs;
  for (;;) {
    reports.push(await s.sender.deliverDue());
    const open = (await deliveryRows()).filter((d) => d.status === 'pending' || d.status === 'sending');
    if (open.length === 0 || Date.now() > until) break;
    await sleep(100);
  }
  return reports.reduce(
    (a, r) => ({
      sent: a.sent + r.sent,
      recovered: a.recovered + r.recovered,
      retried: a.retried + r.retried,
      failed: a.failed + r.failed,
    }),
    { sent: 0, recovered: 0, retried: 0, failed: 0 },
  );
}

// ----- lifecycle ----------------------------------------------------------------------------------

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  setNow('2027-01-18T16:00:00Z');
  logs = new LogCapture();
  fake = await startFakeSlack();
  fake.addUser({ id: ADMIN, name: 'sam', tz: PROGRAM_ZONE });
  fake.addChannel({ id: ALERTS, name: 'mentor-alerts', is_private: true, members: ['UBOT', ADMIN] });
});
afterEach(async () => {
  // A send kicked in the background must finish before its database and its Slack go away.
  await idleAll();
  live.length = 0;
  for (const p of extraPools.splice(0)) await p.close();
  await fake.close();
  await t.reset();
});

// ----- tests --------------------------------------------------------------------------------------

describe(`weekly check-in through the outbox (${testServer})`, () => {
  test('a tick before the slot plans nothing; two ticks after it ask every pair exactly once', async () => {
    const s = services();
    const program = await seedProgram(s);
    const pairs = await seedPairs(s, program.id, 30);
    fake.reset();

    setNow('2027-01-18T14:59:00Z'); // 09:59 in New York
    expect((await runTick(s)).checkinsPlanned).toBe(0);
    await s.sender.idle();
    expect(await count('checkins')).toBe(0);
    expect(okCheckinPosts()).toHaveLength(0);

    setNow('2027-01-18T16:00:00Z');
    const first = await runTick(s);
    await s.sender.idle();
    const second = await runTick(s);
    await s.sender.idle();
    expect(first.checkinsPlanned).toBe(30);
    expect(second.checkinsPlanned).toBe(0);

    for (const p of pairs) {
      const msgs = posted(p.conversation, { kind: 'checkin' });
      expect(msgs, p.conversation).toHaveLength(1);
      expect(msgs[0]?.text).toContain(`<@${p.mentor}>`);
      expect(msgs[0]?.text).toContain(`<@${p.mentee}>`);
    }
    // Thirty posts in all: nothing was sent twice and then deduplicated somewhere else.
    expect(okCheckinPosts()).toHaveLength(30);

    const checkins = await t.db.selectFrom('checkins').selectAll().execute();
    expect(checkins).toHaveLength(30);
    for (const c of checkins) {
      expect(c.week_key).toBe('2027-W03');
      expect(c.prompt_at.toISOString()).toBe(SLOT);
      expect(c.closes_at.toISOString()).toBe('2027-01-25T15:00:00.000Z');
    }
    const deliveries = (await deliveryRows()).filter((d) => d.kind === 'checkin');
    expect(deliveries).toHaveLength(30);
    expect(deliveries.map((d) => d.status)).toEqual(Array(30).fill('sent'));
    // Each row points at the very message in the pair's conversation.
    for (const d of deliveries) {
      const pair = pairs.find((p) => p.pairing.id === d.pairing_id);
      const msg = posted(pair?.conversation ?? '', { deliveryId: d.id });
      expect(msg).toHaveLength(1);
      expect({ channel: d.sent_channel, ts: d.sent_ts, attempts: d.attempts }).toEqual({
        channel: pair?.conversation,
        ts: msg[0]?.ts,
        attempts: 1,
      });
    }
    // Mentor and mentee each owe an answer.
    expect(await checkinExpectations()).toBe(60);
  });

  test('three replicas ticking at once: still one check-in per pair', async () => {
    const seedWith = services();
    const program = await seedProgram(seedWith);
    const pairs = await seedPairs(seedWith, program.id, 30);
    fake.reset();

    const replicas = [
      services({ db: await replicaDb() }),
      services({ db: await replicaDb() }),
      services({ db: await replicaDb() }),
    ];
    expect(new Set(replicas.map((r) => r.sender.owner)).size).toBe(3);
    const reports = await Promise.all(replicas.map((r) => runTick(r)));
    for (const r of replicas) await r.sender.idle();

    // Planning is keyed: the three passes together planned each pair once.
    expect(reports.reduce((n, r) => n + r.checkinsPlanned, 0)).toBe(30);
    for (const p of pairs) expect(posted(p.conversation, { kind: 'checkin' }), p.conversation).toHaveLength(1);
    const all = [...fake.conversations.values()].flatMap((c) =>
      c.messages.filter((m) => m.metadata?.event_payload.kind === 'checkin'),
    );
    expect(all).toHaveLength(30);
    expect(new Set(all.map((m) => String(m.metadata?.event_payload.delivery_id))).size).toBe(30);
    expect(okCheckinPosts()).toHaveLength(30);
    expect(await count('checkins')).toBe(30);
    expect((await deliveryRows()).filter((d) => d.kind === 'checkin' && d.status === 'sent')).toHaveLength(30);
    expect(await checkinExpectations()).toBe(60);

    // And a second concurrent round changes nothing.
    await Promise.all(replicas.map((r) => runTick(r)));
    for (const r of replicas) await r.sender.idle();
    expect(okCheckinPosts()).toHaveLength(30);
    expect(await count('checkins')).toBe(30);
  });
});

describe(`crash between send and record (${testServer})`, () => {
  test('a post whose answer never came back is found in history, not sent again', async () => {
    const s = services({ timeoutMs: 500 });
    fake.addChannel({ id: 'CPAIR', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(notice('n1', 'CPAIR'));

    fake.inject('chat.postMessage', { kind: 'timeout', ms: 2_000 });
    const first = await s.sender.deliverDue();
    expect(first).toEqual({ sent: 0, recovered: 0, retried: 1, failed: 0 });
    // Slack did post it; we never heard.
    expect(posted('CPAIR', { deliveryId: id })).toHaveLength(1);
    const pending = await s.repos.deliveries.get(id);
    expect(pending).toMatchObject({
      status: 'pending',
      attempts: 0,
      transient_failures: 1,
      sent_ts: null,
      error: 'request_error',
    });
    expect(pending?.not_before.getTime()).toBeGreaterThan(clock().getTime());

    // Not before its time.
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });

    setNow(new Date((pending?.not_before.getTime() ?? 0) + 1).toISOString());
    const second = await s.sender.deliverDue();
    expect(second).toEqual({ sent: 0, recovered: 1, retried: 0, failed: 0 });
    const msgs = posted('CPAIR');
    expect(msgs).toHaveLength(1);
    expect(await s.repos.deliveries.get(id)).toMatchObject({
      status: 'sent',
      sent_channel: 'CPAIR',
      sent_ts: msgs[0]?.ts,
      attempts: 1,
      error: null,
      claimed_by: null,
    });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.callsTo('conversations.history')).toHaveLength(1);
  });

  test('a claim left by a sender that died is taken over after its lease, and sent once', async () => {
    const s = services({ sender: { leaseMs: 60_000 } });
    fake.addChannel({ id: 'CPAIR', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(notice('n1', 'CPAIR'));
    const [claimed] = await s.repos.deliveries.claimDue(clock(), 'sender-that-died', 10, 60_000);
    expect(claimed?.id).toBe(id);

    // While the dead sender's lease runs, nobody else touches it.
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    advance(59_000);
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);

    advance(2_000);
    expect(await s.sender.deliverDue()).toEqual({ sent: 1, recovered: 0, retried: 0, failed: 0 });
    expect(posted('CPAIR', { deliveryId: id })).toHaveLength(1);
    const row = await s.repos.deliveries.get(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, claimed_by: null });

    // The dead sender waking up late cannot overwrite the record.
    expect(await s.repos.deliveries.markSent(id, 'sender-that-died', { channel: 'CPAIR', ts: '1.000001' }, clock())).toBe(false);
    expect((await s.repos.deliveries.get(id))?.sent_ts).toBe(row?.sent_ts);
    expect(okPosts()).toHaveLength(1);
  });

  test('a sender that died after posting: the taker-over finds the message and posts nothing', async () => {
    const s = services();
    fake.addChannel({ id: 'CPAIR', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(notice('n1', 'CPAIR'));
    await s.repos.deliveries.claimDue(clock(), 'sender-that-died', 10, 60_000);
    // What the dying sender managed before it went: renewing its claim right before posting (as the
    // sender does), then the post, with the delivery's metadata.
    expect(await s.repos.deliveries.renewClaim(id, 'sender-that-died', clock(), 60_000)).toBe(true);
    const sent = await s.slack.postMessage({
      channel: 'CPAIR',
      text: 'notice n1',
      metadata: { eventType: deliveryEventType, payload: { delivery_id: id, kind: 'notice' } },
    });

    advance(61_000);
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 1, retried: 0, failed: 0 });
    expect(posted('CPAIR')).toHaveLength(1);
    expect(await s.repos.deliveries.get(id)).toMatchObject({ status: 'sent', sent_ts: sent.ts, sent_channel: 'CPAIR' });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  test('a sender that died before posting: the taker-over posts once without reading history first', async () => {
    const s = services();
    fake.addChannel({ id: 'CPAIR', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(notice('n2', 'CPAIR'));
    await s.repos.deliveries.claimDue(clock(), 'sender-that-died-early', 10, 60_000);
    advance(61_000);
    expect(await s.sender.deliverDue()).toEqual({ sent: 1, recovered: 0, retried: 0, failed: 0 });
    expect(posted('CPAIR', { deliveryId: id })).toHaveLength(1);
    expect(fake.callsTo('conversations.history')).toHaveLength(0);
  });

  test('a post that timed out, then a 429 on the history read: the third try still looks first and posts nothing', async () => {
    const s = services({ timeoutMs: 300 });
    fake.addChannel({ id: 'CPAIR', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(notice('n3', 'CPAIR'));
    // Attempt 1: Slack posts it but the answer never comes back.
    fake.inject('chat.postMessage', { kind: 'timeout', ms: 1_000 });
    expect(await s.sender.deliverDue()).toMatchObject({ retried: 1 });
    // Attempt 2: the history read is rate limited. That 429 says nothing about attempt 1's post.
    advance(5_000);
    // (Retry-After longer than the port waits in place, so the sender itself sees the 429.)
    fake.inject('conversations.history', { kind: 'ratelimited', retryAfter: 30 });
    expect(await s.sender.deliverDue()).toMatchObject({ retried: 1 });
    // Attempt 3 looks again, finds the post, and sends nothing.
    advance(31_000);
    expect(await s.sender.deliverDue()).toMatchObject({ recovered: 1, sent: 0 });
    expect(posted('CPAIR', { deliveryId: id })).toHaveLength(1);
    expect(await s.repos.deliveries.get(id)).toMatchObject({ status: 'sent' });
  });
});

describe(`claims that run out (${testServer})`, () => {
  test('a delivery whose lease runs out while it waits in its channel queue is posted once', async () => {
    const a = services({ sender: { channelGapMs: 400, leaseMs: 1_000 } });
    const b = services({ sender: { channelGapMs: 400, leaseMs: 1_000 } });
    fake.addChannel({ id: 'CDUP', members: ['UBOT'] });
    const ids: number[] = [];
    for (let i = 1; i <= 3; i++)
      ids.push(
        (await a.repos.deliveries.enqueue(notice(`dup:${i}`, 'CDUP', { notBefore: new Date(clock().getTime() - 10_000 + i) })))
          .id,
      );
    // A claims all three; #2 and #3 wait their turn in A's queue while A's lease on them runs out.
    const runA = a.sender.deliverDue();
    await fake.waitFor('chat.postMessage');
    advance(5_000);
    await Promise.all([runA, b.sender.deliverDue()]);
    await deliverUntilSettled(b);
    for (const id of ids) expect(posted('CDUP', { deliveryId: id })).toHaveLength(1);
  });

  test('a thread reply whose answer never came back is found in its thread, not posted twice', async () => {
    const s = services({ timeoutMs: 500 });
    fake.addChannel({ id: 'CALERT', members: ['UBOT'] });
    const parent = await s.slack.postMessage({ channel: 'CALERT', text: 'alert' });
    const { id } = await s.repos.deliveries.enqueue(
      notice('reply', 'CALERT', { payload: { text: 'The snooze is over', thread_ts: parent.ts } }),
    );
    fake.inject('chat.postMessage', { kind: 'timeout', ms: 2_000 });
    expect(await s.sender.deliverDue()).toMatchObject({ retried: 1 });
    advance(2_000);
    const second = await s.sender.deliverDue();
    expect(posted('CALERT', { deliveryId: id })).toHaveLength(1);
    expect(second).toEqual({ sent: 0, recovered: 1, retried: 0, failed: 0 });
  });
});

describe(`429s and 5xx across a fan-out (${testServer})`, () => {
  test('every delivery ends sent, once; the rate-limited one waits out Retry-After', async () => {
    const s = services();
    const channels = Array.from({ length: 20 }, (_, i) => `CFAN${String(i).padStart(2, '0')}`);
    for (const c of channels) fake.addChannel({ id: c, members: ['UBOT'] });
    startTicking();
    const ids = new Map<string, number>();
    for (const c of channels) ids.set(c, (await s.repos.deliveries.enqueue(notice(`fan:${c}`, c))).id);

    fake.inject('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 });
    fake.inject('chat.postMessage', { kind: 'server_error', status: 500 });
    fake.inject('chat.postMessage', { kind: 'server_error', status: 503 });
    // Wildcard faults: taken by whatever call comes next once the exact queue is empty.
    fake.inject('*', { kind: 'server_error', status: 502 }, 2);

    const firstPass = await s.sender.deliverDue();
    expect(firstPass).toEqual({ sent: 15, recovered: 0, retried: 5, failed: 0 });
    // The retries look in history first; that fails too, on the wildcard and by name.
    fake.inject('conversations.history', { kind: 'ratelimited', retryAfter: 1 });
    fake.inject('*', { kind: 'server_error', status: 500 }, 2);

    const rest = await deliverUntilSettled(s);
    expect(rest.failed).toBe(0);
    expect(firstPass.sent + rest.sent + rest.recovered).toBe(20);

    const rows = await deliveryRows();
    expect(rows.map((d) => d.status)).toEqual(Array(20).fill('sent'));
    for (const c of channels) {
      const msgs = posted(c);
      expect(msgs, c).toHaveLength(1);
      expect(Number(msgs[0]?.metadata?.event_payload.delivery_id)).toBe(ids.get(c));
      expect(rows.find((d) => d.id === ids.get(c))?.sent_ts).toBe(msgs[0]?.ts);
    }
    // Every fault was actually served: 3 by name on posts, 1 by name on history, 4 wildcards.
    const served = fake.calls.filter((c) => c.fault !== undefined);
    expect(served).toHaveLength(8);
    expect(
      served
        .filter((c) => c.status === 429)
        .map((c) => c.method)
        .sort(),
    ).toEqual(['chat.postMessage', 'conversations.history']);

    // Not before Retry-After: the post that got the 429, and the history read that did.
    for (const method of ['chat.postMessage', 'conversations.history']) {
      const limited = fake.calls.find((c) => c.method === method && c.status === 429);
      expect(limited, method).toBeDefined();
      const channel = limited?.args.channel;
      const next = fake.calls.find(
        (c) => c.method === method && c.args.channel === channel && c.at > (limited?.at ?? new Date(0)) && c !== limited,
      );
      expect(next, `${method} retried`).toBeDefined();
      expect(next?.at.getTime() ?? 0).toBeGreaterThanOrEqual((limited?.at.getTime() ?? Infinity) + 1_000 - SLACK_MS);
    }
    const limitedPost = fake.calls.find((c) => c.method === 'chat.postMessage' && c.status === 429);
    const successForIt = okPosts(String(limitedPost?.args.channel));
    expect(successForIt).toHaveLength(1);
    expect(successForIt[0]?.at.getTime() ?? 0).toBeGreaterThanOrEqual((limitedPost?.at.getTime() ?? Infinity) + 1_000 - SLACK_MS);
  });
});

describe(`transient failures never drop a message (${testServer})`, () => {
  /** Moves the pinned clock to the earliest retry and runs a pass, until nothing is open; returns the passes run. */
  async function passUntilSettled(s: Wired, maxPasses = 200): Promise<number> {
    for (let pass = 1; pass <= maxPasses; pass++) {
      await s.sender.deliverDue();
      const open = (await deliveryRows()).filter((d) => d.status === 'pending' || d.status === 'sending');
      if (open.length === 0) return pass;
      const next = Math.min(...open.map((d) => d.not_before.getTime()));
      if (next > clock().getTime()) setNow(new Date(next).toISOString());
    }
    throw new Error('deliveries never settled');
  }

  test('20 consecutive 429s: each Retry-After is waited out on the clock, the budget is untouched, the message lands once', async () => {
    const s = services({ sender: { random: () => 0.5 } });
    fake.addChannel({ id: 'CLIMIT', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(notice('limited', 'CLIMIT'));
    fake.inject('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 }, 20);

    const posts: number[] = [];
    for (let i = 0; i < 20; i++) {
      expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 1, failed: 0 });
      posts.push(clock().getTime());
      const row = await s.repos.deliveries.get(id);
      expect(row).toMatchObject({ status: 'pending', attempts: 0, transient_failures: i + 1, may_have_posted: false });
      // Never before Retry-After; the back-off grows, capped at 10 minutes.
      const wait = (row?.not_before.getTime() ?? 0) - clock().getTime();
      expect(wait).toBeGreaterThanOrEqual(1_000);
      expect(wait).toBeLessThanOrEqual(600_000);
      // Not due a moment before its time.
      advance(wait - 1);
      expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
      advance(1);
    }
    expect(await s.sender.deliverDue()).toEqual({ sent: 1, recovered: 0, retried: 0, failed: 0 });
    expect(posted('CLIMIT')).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(20);
    // 429s on the post prove nothing was posted: no history reads were needed.
    expect(fake.callsTo('conversations.history')).toHaveLength(0);
    expect(await s.repos.deliveries.get(id)).toMatchObject({ status: 'sent', attempts: 1 });
    // Exponential: the 20th wait is the cap, far beyond the first.
    expect(posts[19]! - posts[18]!).toBeGreaterThan(posts[1]! - posts[0]!);
  });

  test('a 15-minute 503 outage: every message due in it is delivered exactly once afterwards', async () => {
    const s = services({ sender: { random: () => 0.5 } });
    const channels = ['COUT1', 'COUT2', 'COUT3'];
    for (const c of channels) fake.addChannel({ id: c, members: ['UBOT'] });
    fake.addUser({ id: 'UOUTDM', tz: PROGRAM_ZONE });
    const outageEnds = clock().getTime() + 15 * 60_000;
    fake.outage({ kind: 'server_error', status: 503 }, () => clock().getTime() < outageEnds);
    const ids = [];
    for (const c of [...channels, 'UOUTDM']) ids.push((await s.repos.deliveries.enqueue(notice(`out:${c}`, c))).id);
    // Messages keep being planned during the outage.
    advance(7 * 60_000);
    ids.push((await s.repos.deliveries.enqueue(notice('out:late', 'COUT1'))).id);
    setNow('2027-01-18T16:00:00Z');

    const passes = await passUntilSettled(s);
    expect(passes).toBeGreaterThan(8);
    const rows = await deliveryRows();
    expect(rows.map((d) => d.status)).toEqual(Array(5).fill('sent'));
    expect(Math.max(...rows.map((d) => d.transient_failures))).toBeGreaterThan(8);
    for (const c of channels) expect(posted(c), c).toHaveLength(c === 'COUT1' ? 2 : 1);
    const dm = fake.callsTo('conversations.open').find((c) => c.status === 200)?.response as
      | { channel?: { id?: string } }
      | undefined;
    expect(posted(dm?.channel?.id ?? '')).toHaveLength(1);
    expect(fake.calls.filter((c) => c.status === 503).length).toBeGreaterThan(20);
    expect(okPosts().every((c) => c.at.getTime() > 0)).toBe(true);
  });

  test('past the retry horizon a delivery fails for good, and staff can put it back with requeueFailed', async () => {
    const s = services({ sender: { transientHorizonMs: 3_600_000 } });
    fake.addChannel({ id: 'CHOR', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(notice('horizon', 'CHOR'));
    const downUntil = clock().getTime() + 2 * 3_600_000;
    fake.outage({ kind: 'server_error', status: 502 }, () => clock().getTime() < downUntil);
    await passUntilSettled(s);
    const failed = await s.repos.deliveries.get(id);
    expect(failed).toMatchObject({ status: 'failed', error: 'http_502' });
    expect(clock().getTime() - (failed?.transient_since?.getTime() ?? 0)).toBeGreaterThanOrEqual(3_600_000);
    expect(await s.repos.deliveries.problems(clock())).toEqual({ failed: 1, stuck: 0 });

    setNow(new Date(downUntil).toISOString());
    expect(await s.repos.deliveries.requeueFailed(clock())).toBe(1);
    expect(await s.sender.deliverDue()).toMatchObject({ failed: 0 });
    expect(await s.repos.deliveries.get(id)).toMatchObject({ status: 'sent' });
    expect(posted('CHOR')).toHaveLength(1);
    expect(await s.repos.deliveries.requeueFailed(clock())).toBe(0);
  });

  test('a delivery still failing transiently after an hour counts as stuck for staff', async () => {
    const s = services();
    fake.addChannel({ id: 'CSTUCK', members: ['UBOT'] });
    await s.repos.deliveries.enqueue(notice('stuck', 'CSTUCK'));
    fake.outage({ kind: 'server_error', status: 500 }, () => true);
    await s.sender.deliverDue();
    expect(await s.repos.deliveries.problems(new Date(clock().getTime() - 3_600_000))).toEqual({ failed: 0, stuck: 0 });
    advance(2 * 3_600_000);
    await s.sender.deliverDue();
    expect(await s.repos.deliveries.problems(new Date(clock().getTime() - 3_600_000))).toEqual({ failed: 0, stuck: 1 });
  });

  test('a message that outlived its purpose is cancelled, not sent late', async () => {
    const s = services();
    fake.addChannel({ id: 'CEXP', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(
      notice('expiring', 'CEXP', { expiresAt: new Date(clock().getTime() + 60_000) }),
    );
    fake.inject('chat.postMessage', { kind: 'server_error', status: 503 });
    await s.sender.deliverDue();
    advance(10 * 60_000);
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(await s.repos.deliveries.get(id)).toMatchObject({ status: 'skipped', error: 'expired' });
    expect(posted('CEXP')).toHaveLength(0);
  });

  test('a sender that keeps dying holding the claim spends the attempt budget, then the delivery fails', async () => {
    const s = services({ sender: { maxAttempts: 2, leaseMs: 1_000 } });
    fake.addChannel({ id: 'CDIE', members: ['UBOT'] });
    const { id } = await s.repos.deliveries.enqueue(notice('dying', 'CDIE'));
    for (let i = 0; i < 2; i++) {
      await s.repos.deliveries.claimDue(clock(), `dead-${i}`, 10, 1_000);
      advance(2_000);
    }
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 1 });
    expect(await s.repos.deliveries.get(id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(posted('CDIE')).toHaveLength(0);
  });
});

describe(`permanent errors (${testServer})`, () => {
  test.each([
    ['channel_not_found', 'C0GONE', 'chat.postMessage', () => undefined],
    ['not_in_channel', 'CNOBOT', 'chat.postMessage', () => fake.addChannel({ id: 'CNOBOT', members: [ADMIN] })],
    [
      'account_inactive',
      'CFINE',
      'chat.postMessage',
      () => {
        fake.addChannel({ id: 'CFINE', members: ['UBOT'] });
        fake.inject('chat.postMessage', { kind: 'error', error: 'account_inactive' });
      },
    ],
    ['user_disabled', 'UGONE', 'conversations.open', () => fake.addUser({ id: 'UGONE', deleted: true })],
  ])('%s: failed for good after one call', async (error, channel, method, arrange) => {
    const s = services();
    arrange();
    const { id } = await s.repos.deliveries.enqueue(notice('n1', channel));
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 1 });
    expect(await s.repos.deliveries.get(id)).toMatchObject({
      status: 'failed',
      error,
      attempts: 1,
      claimed_by: null,
      sent_ts: null,
    });
    expect(fake.callsTo(method)).toHaveLength(1);

    advance(86_400_000);
    expect(await s.sender.deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(
      fake.calls.filter(
        (c) => c.method === 'chat.postMessage' || c.method === 'conversations.open' || c.method === 'conversations.history',
      ),
    ).toHaveLength(1);
    expect([...fake.conversations.values()].flatMap((c) => c.messages)).toHaveLength(0);
  });
});

describe(`per-channel pacing (${testServer})`, () => {
  test('posts to one channel go out in not_before order, at least channelGapMs apart', async () => {
    const s = services({ sender: { channelGapMs: 200 } });
    fake.addChannel({ id: 'CPACE', members: ['UBOT'] });
    const base = clock().getTime();
    // Enqueued in one order, due in the reverse one: due order wins.
    for (let i = 1; i <= 5; i++) {
      await s.repos.deliveries.enqueue(
        notice(`pace:${i}`, 'CPACE', { notBefore: new Date(base - i * 1_000), payload: { text: `pace ${6 - i}` } }),
      );
    }
    expect(await s.sender.deliverDue()).toEqual({ sent: 5, recovered: 0, retried: 0, failed: 0 });

    expect(posted('CPACE').map((m) => m.text)).toEqual(['pace 1', 'pace 2', 'pace 3', 'pace 4', 'pace 5']);
    const at = okPosts('CPACE').map((c) => c.at.getTime());
    expect(at).toHaveLength(5);
    for (let i = 1; i < at.length; i++)
      expect((at[i] ?? 0) - (at[i - 1] ?? 0), `gap ${i}`).toBeGreaterThanOrEqual(200 - SLACK_MS);
  });

  test('channels are paced independently: a busy channel does not hold up another one', async () => {
    // The busy channel's wait ends once the quiet channel has posted (or after 5 s): however slow the
    // machine, a quiet post that was held up by the busy channel shows as the wrong order, never as a race.
    const paced = async (ms: number) => {
      const until = Date.now() + 5_000;
      if (ms > 10) while (posted('CQUIET').length === 0 && Date.now() < until) await sleep(5);
      await sleep(ms);
    };
    const s = services({ sender: { channelGapMs: 300, sleep: paced } });
    fake.addChannel({ id: 'CBUSY', members: ['UBOT'] });
    fake.addChannel({ id: 'CQUIET', members: ['UBOT'] });
    const base = clock().getTime();
    for (let i = 1; i <= 3; i++)
      await s.repos.deliveries.enqueue(
        notice(`busy:${i}`, 'CBUSY', { notBefore: new Date(base - 10_000 + i), payload: { text: `busy ${i}` } }),
      );
    await s.repos.deliveries.enqueue(notice('quiet:1', 'CQUIET', { notBefore: new Date(base), payload: { text: 'quiet 1' } }));
    expect(await s.sender.deliverDue()).toEqual({ sent: 4, recovered: 0, retried: 0, failed: 0 });

    expect(posted('CBUSY').map((m) => m.text)).toEqual(['busy 1', 'busy 2', 'busy 3']);
    expect(posted('CQUIET').map((m) => m.text)).toEqual(['quiet 1']);
    // Due last, yet posted before the busy channel's second message.
    expect(okPosts('CQUIET')[0]?.at.getTime() ?? Infinity).toBeLessThan(okPosts('CBUSY')[1]?.at.getTime() ?? 0);
  });

  test('a run that fails in one channel ends only when the other channels have finished posting', async () => {
    // The database refuses to record one channel's post; the other channel is still pacing its second message.
    await sql`
      create function refuse_sent_cbroken() returns trigger language plpgsql as $$
      begin raise exception 'the database refused the write'; end $$`.execute(t.db);
    await sql`
      create trigger refuse_sent_cbroken before update on deliveries for each row
      when (new.channel = 'CBROKEN' and new.status = 'sent') execute function refuse_sent_cbroken()`.execute(t.db);
    try {
      const s = services({ sender: { channelGapMs: 700 } });
      fake.addChannel({ id: 'CBROKEN', members: ['UBOT'] });
      fake.addChannel({ id: 'CPACED', members: ['UBOT'] });
      const base = clock().getTime();
      await s.repos.deliveries.enqueue(notice('broken:1', 'CBROKEN', { notBefore: new Date(base - 3) }));
      for (let i = 1; i <= 2; i++)
        await s.repos.deliveries.enqueue(notice(`paced:${i}`, 'CPACED', { notBefore: new Date(base - 3 + i) }));

      await expect(s.sender.deliverDue()).rejects.toThrow('the database refused the write');
      // Both of the other channel's messages were posted and recorded before the run ended: nothing of it is
      // still in flight once the sender says it is done.
      expect(posted('CPACED').map((m) => m.text)).toEqual(['notice paced:1', 'notice paced:2']);
      expect((await deliveryRows()).filter((d) => d.channel === 'CPACED').map((d) => d.status)).toEqual(['sent', 'sent']);
      // The refused one was posted once and stays claimed, to be found in the channel's history later.
      expect(posted('CBROKEN')).toHaveLength(1);
      expect((await deliveryRows()).find((d) => d.channel === 'CBROKEN')).toMatchObject({
        status: 'sending',
        may_have_posted: true,
      });
    } finally {
      await sql`drop trigger refuse_sent_cbroken on deliveries`.execute(t.db);
      await sql`drop function refuse_sent_cbroken()`.execute(t.db);
    }
  });

  test('when Slack itself limits the channel, every message still lands once and in order', async () => {
    fake.rateLimits = { perChannelPerSecond: 1 };
    const s = services({ sender: { channelGapMs: 200 } });
    fake.addChannel({ id: 'CBUSY', members: ['UBOT'] });
    startTicking();
    const base = clock().getTime();
    for (let i = 1; i <= 3; i++)
      await s.repos.deliveries.enqueue(
        notice(`busy:${i}`, 'CBUSY', { notBefore: new Date(base - (10 - i) * 1_000), payload: { text: `busy ${i}` } }),
      );

    const total = await deliverUntilSettled(s);
    expect(total.sent).toBe(3);
    expect(total.failed).toBe(0);
    expect(posted('CBUSY').map((m) => m.text)).toEqual(['busy 1', 'busy 2', 'busy 3']);
    const limited = fake.callsTo('chat.postMessage').filter((c) => c.rateLimited);
    expect(limited.length).toBeGreaterThan(0);
    // Each rate-limited post was tried again only after the Retry-After it was given.
    for (const l of limited) {
      const next = fake.callsTo('chat.postMessage').find((c) => c.at > l.at && c.args.text === l.args.text);
      expect(next).toBeDefined();
      expect(next?.at.getTime() ?? 0).toBeGreaterThanOrEqual(l.at.getTime() + 1_000 - SLACK_MS);
    }
  });
});

describe(`run coordinator (${testServer})`, () => {
  test('of two replicas asking for the same slot, exactly one runs it; an expired claim can be taken again', async () => {
    const a = createPostgresRunCoordinator(createSchedulerRunRepository(await replicaDb()), 'replica-a');
    const b = createPostgresRunCoordinator(createSchedulerRunRepository(await replicaDb()), 'replica-b');
    const keys = Array.from({ length: 20 }, (_, i) => `tandem-tick:2027-01-18T16:${String(i).padStart(2, '0')}:00.000Z`);
    const results = await Promise.all(keys.map((k) => Promise.all([a.shouldRun(k, 60_000), b.shouldRun(k, 60_000)])));
    for (const [i, [ra, rb]] of results.entries()) expect([ra, rb].filter(Boolean), keys[i]).toHaveLength(1);

    const rows = await t.db.selectFrom('scheduler_runs').selectAll().orderBy('key').execute();
    expect(rows).toHaveLength(20);
    expect(rows.map((r) => r.owner)).toEqual(results.map(([ra]) => (ra ? 'replica-a' : 'replica-b')));

    // Asking again while the claim is live: nobody, not even the winner, runs it twice.
    const key = keys[0] as string;
    expect(await a.shouldRun(key, 60_000)).toBe(false);
    expect(await b.shouldRun(key, 60_000)).toBe(false);

    // The claim expires (as if its TTL ran out): the slot can be taken again, by one replica.
    await t.db
      .updateTable('scheduler_runs')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('key', '=', key)
      .execute();
    const retake = await Promise.all([a.shouldRun(key, 60_000), b.shouldRun(key, 60_000)]);
    expect(retake.filter(Boolean)).toHaveLength(1);
    const row = await t.db.selectFrom('scheduler_runs').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
    expect(row.owner).toBe(retake[0] ? 'replica-a' : 'replica-b');
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now());

    // An expired row left behind by another replica does not block a new claim.
    await t.db
      .insertInto('scheduler_runs')
      .values({ key: 'tandem-tick:stale', owner: 'replica-gone', expires_at: new Date(Date.now() - 5_000) })
      .execute();
    expect(await b.shouldRun('tandem-tick:stale', 60_000)).toBe(true);
    expect(await a.shouldRun('tandem-tick:stale', 60_000)).toBe(false);
  });
});

describe(`paused pairings (${testServer})`, () => {
  test('a paused pair gets no check-in; its pause ends on the date in the program zone and the tick asks it then', async () => {
    const s = services();
    // Los Angeles: 2027-01-19 begins there at 08:00 UTC, eight hours after it has begun in UTC.
    const program = await seedProgram(s, { timeZone: 'America/Los_Angeles' });
    const [active, paused] = await seedPairs(s, program.id, 2);
    if (!active || !paused) throw new Error('seed');
    expect(
      await s.repos.pairings.transition(paused.pairing.id, ['active'], {
        status: 'paused',
        paused_until: '2027-01-19',
        pause_reason: 'holiday',
      }),
    ).toBeDefined();
    fake.reset();

    setNow('2027-01-18T19:00:00Z'); // Monday 11:00 in Los Angeles, an hour after the slot
    const monday = await runTick(s);
    await s.sender.idle();
    expect(monday).toMatchObject({ resumed: 0, checkinsPlanned: 1 });
    expect(posted(active.conversation, { kind: 'checkin' })).toHaveLength(1);
    expect(posted(paused.conversation, { kind: 'checkin' })).toHaveLength(0);

    setNow('2027-01-19T07:30:00Z'); // already the 19th in UTC, still Monday 23:30 in Los Angeles
    const lateMonday = await runTick(s);
    await s.sender.idle();
    expect(lateMonday).toMatchObject({ resumed: 0, checkinsPlanned: 0 });
    expect(await s.repos.pairings.get(paused.pairing.id)).toMatchObject({ status: 'paused', paused_until: '2027-01-19' });
    expect(posted(paused.conversation, { kind: 'checkin' })).toHaveLength(0);

    setNow('2027-01-19T08:30:00Z'); // Tuesday 00:30 in Los Angeles
    const tuesday = await runTick(s);
    await s.sender.idle();
    expect(tuesday).toMatchObject({ resumed: 1, checkinsPlanned: 1 });
    expect(await s.repos.pairings.get(paused.pairing.id)).toMatchObject({
      status: 'active',
      paused_until: null,
      pause_reason: null,
    });
    // This week's check-in, asked late; the active pair is not asked twice.
    expect(posted(paused.conversation, { kind: 'checkin' })).toHaveLength(1);
    expect(posted(active.conversation, { kind: 'checkin' })).toHaveLength(1);
    const checkin = await t.db
      .selectFrom('checkins')
      .selectAll()
      .where('pairing_id', '=', paused.pairing.id)
      .where('week_key', '=', '2027-W03')
      .executeTakeFirst();
    expect(checkin?.prompt_at.toISOString()).toBe('2027-01-18T18:00:00.000Z');
    // Its answer window starts when it was actually asked, not at the missed slot.
    const owed = await t.db.selectFrom('expectations').selectAll().where('pairing_id', '=', paused.pairing.id).execute();
    expect(owed.map((e) => e.started_at.toISOString())).toEqual(['2027-01-19T08:30:00.000Z', '2027-01-19T08:30:00.000Z']);
  });
});
