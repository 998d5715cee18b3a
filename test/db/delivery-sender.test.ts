/**
 * The delivery sender alone, fast: the real outbox table on the test server (embedded PostgreSQL,
 * or TEST_DATABASE_URL), the fake Slack over HTTP through our real WebClient and port, a pinned
 * clock, jitter fixed and sleeps recorded instead of slept, so each test takes milliseconds. What is
 * asserted is what a person or an operator would notice: the message Slack received, the row stored,
 * the log line. (test/db/delivery-engine.test.ts covers the engine end to end with real pacing.)
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { createDeliveryRepository, type NewDelivery } from '../../src/db/repositories/delivery-repository.js';
import type { Delivery, DeliveryPayload } from '../../src/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { section } from '../../src/messages/text.js';
import {
  createDeliverySender,
  deliveryEventType,
  fileNameFor,
  stuckAfterMs,
  type DeliverySenderOptions,
} from '../../src/services/outbox/delivery-sender.js';
import { createRendererRegistry } from '../../src/services/outbox/renderers.js';
import { createWebApiPort, createWebClient } from '../../src/slack/web-api-port.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startFakeSlack, type FakeMessage, type FakeSlack } from '../support/fake-slack.js';

const NOW = Date.parse('2027-01-18T16:00:00Z');

class Lines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
}

let t: TestDatabase;
let fake: FakeSlack;
let logs: Lines;
let now = NOW;
let sleeps: number[] = [];
let channelSeq = 0;
const repo = () => createDeliveryRepository(t.db);

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 4 });
  fake = await startFakeSlack();
});
afterAll(async () => {
  await fake?.close();
  await t?.close();
});
beforeEach(async () => {
  await sql`delete from deliveries`.execute(t.db);
  fake.reset();
  logs = new Lines();
  now = NOW;
  sleeps = [];
});

function sender(options: Partial<DeliverySenderOptions> = {}) {
  const logger = createLogger('info', logs);
  const slack = createWebApiPort(createWebClient(fake.botToken, { apiUrl: fake.url, logger, timeoutMs: 5_000 }), {
    retryWaitMs: 1,
  });
  return createDeliverySender({
    deliveries: repo(),
    slack,
    clock: () => new Date(now),
    logger,
    random: () => 0.5,
    channelGapMs: 0,
    workspacePerMinute: 6_000_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
}

/** A fresh channel the bot is in, so tests never see each other's messages. */
function channel(): string {
  return fake.addChannel({ id: `C${String(++channelSeq).padStart(6, '0')}`, name: `chan-${channelSeq}` }).id;
}

async function enqueue(over: Partial<NewDelivery> & { channel: string }, row: Record<string, unknown> = {}): Promise<Delivery> {
  const { id } = await repo().enqueue({
    dedupeKey: `k-${Math.random()}`,
    kind: 'test_kind',
    payload: { text: 'hello' },
    notBefore: new Date(NOW - 1_000),
    ...over,
  });
  if (Object.keys(row).length > 0) await t.db.updateTable('deliveries').set(row).where('id', '=', id).execute();
  return (await repo().get(id))!;
}

const row = async (id: number) => (await repo().get(id))!;
const messages = (ch: string): FakeMessage[] => fake.conversations.get(ch)?.messages ?? [];
const logged = (msg: string) => logs.lines.filter((l) => l.msg === msg);

describe('sending', () => {
  test('a due delivery is posted once with its text, blocks and metadata, and stored as sent', async () => {
    const ch = channel();
    const blocks = [section('hi *there*')];
    const d = await enqueue({ channel: ch, kind: 'checkin_prompt', payload: { text: 'hi there', blocks } });
    const report = await sender().deliverDue();
    expect(report).toEqual({ sent: 1, recovered: 0, retried: 0, failed: 0 });
    const [m, ...more] = messages(ch);
    expect(more).toEqual([]);
    expect(m).toMatchObject({
      text: 'hi there',
      blocks,
      metadata: { event_type: deliveryEventType, event_payload: { delivery_id: d.id, kind: 'checkin_prompt' } },
    });
    expect(m!.thread_ts).toBeUndefined();
    const call = fake.callsTo('chat.postMessage')[0]!;
    expect(call.args).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
    expect(await row(d.id)).toMatchObject({
      status: 'sent',
      sent_channel: ch,
      sent_ts: m!.ts,
      sent_at: new Date(NOW),
      error: null,
      claimed_by: null,
      claimed_until: null,
      attempts: 1,
    });
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(messages(ch)).toHaveLength(1);
  });

  test("deliveryEventType names Tandem's messages; a stuck delivery is one failing for an hour", () => {
    expect(deliveryEventType).toBe('tandem_delivery');
    expect(stuckAfterMs).toBe(3_600_000);
  });

  test('a delivery not yet due stays in the outbox', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch, notBefore: new Date(NOW + 1) });
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(messages(ch)).toEqual([]);
    expect((await row(d.id)).status).toBe('pending');
  });

  test('a reply goes into its thread', async () => {
    const ch = channel();
    const parent = fake.postAs('UHUMAN', ch, 'parent');
    const d = await enqueue({ channel: ch, payload: { text: 'reply', thread_ts: parent.ts } });
    await sender().deliverDue();
    const reply = messages(ch).find((m) => m.text === 'reply');
    expect(reply?.thread_ts).toBe(parent.ts);
    expect((await row(d.id)).sent_ts).toBe(reply!.ts);
  });

  test('a user id as channel is a DM: the IM is opened and the message goes there', async () => {
    fake.addUser({ id: 'UDMUSER1', tz: 'UTC' });
    const d = await enqueue({ channel: 'UDMUSER1', payload: { text: 'just you' } });
    expect(await sender().deliverDue()).toMatchObject({ sent: 1 });
    const im = [...fake.conversations.values()].find((c) => c.is_im && c.user === 'UDMUSER1')!;
    expect(im.messages.map((m) => m.text)).toEqual(['just you']);
    expect(await row(d.id)).toMatchObject({ status: 'sent', sent_channel: im.id });
  });

  test('a channel id starting with another letter is used as is (no DM opened)', async () => {
    const ch = channel();
    await enqueue({ channel: ch });
    await sender().deliverDue();
    expect(fake.callsTo('conversations.open')).toEqual([]);
    expect(messages(ch)).toHaveLength(1);
  });

  test('only an id starting with U or W is a person; a channel id with those letters inside is used as is', async () => {
    const ch = fake.addChannel({ id: 'CUW0001', name: 'has-u-and-w' }).id;
    await enqueue({ channel: ch });
    await sender().deliverDue();
    expect(fake.callsTo('conversations.open')).toEqual([]);
    expect(messages(ch)).toHaveLength(1);
  });

  test('without an injected sleep, the channel gap is waited in real time', async () => {
    const ch = channel();
    await enqueue({ channel: ch, payload: { text: 'a' } });
    await enqueue({ channel: ch, payload: { text: 'b' } });
    await sender({ channelGapMs: 150, sleep: undefined as never }).deliverDue();
    const [a, b] = fake.callsTo('chat.postMessage');
    expect(b!.at.getTime() - a!.at.getTime()).toBeGreaterThanOrEqual(140);
  });

  test('within a channel, deliveries go out in the order they were due', async () => {
    const ch = channel();
    await enqueue({ channel: ch, payload: { text: 'second' }, notBefore: new Date(NOW - 1_000) });
    await enqueue({ channel: ch, payload: { text: 'first' }, notBefore: new Date(NOW - 2_000) });
    await enqueue({ channel: ch, payload: { text: 'third' }, notBefore: new Date(NOW - 500) });
    await sender().deliverDue();
    expect(messages(ch).map((m) => m.text)).toEqual(['first', 'second', 'third']);
  });

  test('deliveries are claimed in batches until none are left; limitBatches stops early', async () => {
    const ch = channel();
    for (let i = 0; i < 5; i++) await enqueue({ channel: ch, payload: { text: `m${i}` }, notBefore: new Date(NOW - 10_000 + i) });
    const s = sender({ batchSize: 2 });
    expect(await s.deliverDue(1)).toMatchObject({ sent: 2 });
    expect(messages(ch).map((m) => m.text)).toEqual(['m0', 'm1']);
    expect(await s.deliverDue()).toMatchObject({ sent: 3 });
    expect(messages(ch).map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  test('the default batch is 50 and a run takes up to 100 batches', async () => {
    const ch = channel();
    const values = Array.from({ length: 51 }, (_, i) => ({
      dedupeKey: `batch-${i}`,
      kind: 'k',
      channel: ch,
      payload: { text: `b${i}` },
      notBefore: new Date(NOW - 100_000 + i),
    }));
    await repo().enqueueMany(values);
    const s = sender();
    expect(await s.deliverDue(1)).toMatchObject({ sent: 50 });
    expect(await s.deliverDue()).toMatchObject({ sent: 1 });
  });
});

describe('rendered at send time ({ render: { kind, ids } })', () => {
  test('the renderer of its kind renders it as things are when it is posted; a rendered payload is sent as is', async () => {
    const ch = channel();
    let answered = 'nobody';
    const renderers = createRendererRegistry();
    renderers.register('status', async (ids) => ({ text: `item ${ids.item}: ${answered} answered`, blocks: [section('now')] }));
    const ref = await enqueue({ channel: ch, kind: 'status', payload: { render: { kind: 'status', ids: { item: 7 } } } });
    const old = await enqueue({ channel: ch, kind: 'status', payload: { text: 'rendered when queued' } });
    answered = 'one person';
    expect(await sender({ renderers }).deliverDue()).toEqual({ sent: 2, recovered: 0, retried: 0, failed: 0 });
    expect(messages(ch).map((m) => [m.text, m.metadata?.event_payload?.delivery_id])).toEqual([
      ['item 7: one person answered', ref.id],
      ['rendered when queued', old.id],
    ]);
    expect(messages(ch)[0]?.blocks).toEqual([section('now')]);
    expect((await row(ref.id)).payload).toEqual({ render: { kind: 'status', ids: { item: 7 } } });
  });

  test('what it was about is gone (the renderer finds nothing): cancelled, nothing posted', async () => {
    const ch = channel();
    const renderers = createRendererRegistry();
    renderers.register('status', async () => undefined);
    const d = await enqueue({ channel: ch, payload: { render: { kind: 'status', ids: { item: 1 } } } });
    expect(await sender({ renderers }).deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(messages(ch)).toEqual([]);
    expect(await row(d.id)).toMatchObject({ status: 'skipped', error: 'nothing_to_render', claimed_by: null });
  });

  test('a kind nobody renders fails the delivery at once, logged as an error, nothing posted', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch, kind: 'status', payload: { render: { kind: 'status', ids: { item: 1 } } } });
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 1 });
    expect(messages(ch)).toEqual([]);
    expect(await row(d.id)).toMatchObject({ status: 'failed', error: 'no_renderer' });
    expect(logged('delivery failed: nothing renders its kind')).toMatchObject([
      { level: 'error', deliveryId: d.id, renderKind: 'status' },
    ]);
  });

  test('a kind is registered once', () => {
    const renderers = createRendererRegistry();
    renderers.register('status', async () => undefined);
    expect(() => renderers.register('status', async () => undefined)).toThrow(/already registered/);
  });
});

describe('expiry', () => {
  test('a delivery past its expiry is cancelled, not sent late', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch, expiresAt: new Date(NOW) });
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(messages(ch)).toEqual([]);
    expect(await row(d.id)).toMatchObject({ status: 'skipped', error: 'expired', claimed_by: null });
    expect(logged('delivery outlived its purpose; cancelled, not sent late')).toMatchObject([
      { deliveryId: d.id, kind: 'test_kind' },
    ]);
  });

  test('one that expires later is sent', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch, expiresAt: new Date(NOW + 1) });
    await sender().deliverDue();
    expect(messages(ch)).toHaveLength(1);
    expect((await row(d.id)).status).toBe('sent');
  });
});

describe('attempt budget (attempts whose outcome is unknown)', () => {
  test('a claim past maxAttempts fails the delivery with the last error, without posting', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch }, { attempts: 3, error: 'lease_expired' });
    expect(await sender({ maxAttempts: 3 }).deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 1 });
    expect(messages(ch)).toEqual([]);
    expect(await row(d.id)).toMatchObject({ status: 'failed', error: 'lease_expired', claimed_by: null });
    expect(logged('delivery failed for good: attempt budget spent')).toMatchObject([
      { deliveryId: d.id, kind: 'test_kind', attempts: 4, level: 'warn' },
    ]);
  });

  test('with no error recorded the reason is too_many_attempts', async () => {
    const d = await enqueue({ channel: channel() }, { attempts: 8 });
    await sender().deliverDue();
    expect(await row(d.id)).toMatchObject({ status: 'failed', error: 'too_many_attempts' });
  });

  test('the claim that makes maxAttempts is still sent', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch }, { attempts: 7 });
    expect(await sender().deliverDue()).toMatchObject({ sent: 1 });
    expect((await row(d.id)).status).toBe('sent');
  });
});

describe('an attempt that may have posted: look in the history before posting again', () => {
  test('found in the channel: recorded with the original ts, not posted again', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch, payload: { text: 'once only' } });
    await sender().deliverDue();
    const original = messages(ch)[0]!;
    // As if the sender had died after Slack stored the post, before the row was updated.
    await t.db
      .updateTable('deliveries')
      .set({ status: 'pending', sent_ts: null, sent_channel: null, sent_at: null, may_have_posted: true })
      .where('id', '=', d.id)
      .execute();
    now += 60_000;
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 1, retried: 0, failed: 0 });
    expect(messages(ch).map((m) => m.text)).toEqual(['once only']);
    expect(await row(d.id)).toMatchObject({
      status: 'sent',
      sent_ts: original.ts,
      sent_channel: ch,
      sent_at: new Date(NOW + 60_000),
    });
    expect(logged('delivery found in history; not sent again')).toMatchObject([{ deliveryId: d.id, kind: 'test_kind' }]);
  });

  test("another delivery's message in the channel is not mistaken for this one", async () => {
    const ch = channel();
    await enqueue({ channel: ch, payload: { text: 'other' } });
    await sender().deliverDue();
    const d = await enqueue({ channel: ch, payload: { text: 'mine' } }, { may_have_posted: true });
    expect(await sender().deliverDue()).toMatchObject({ sent: 1, recovered: 0 });
    expect(messages(ch).map((m) => m.text)).toEqual(['other', 'mine']);
    expect((await row(d.id)).sent_ts).toBe(messages(ch)[1]!.ts);
  });

  test('found in its thread, for a reply', async () => {
    const ch = channel();
    const parent = fake.postAs('UHUMAN', ch, 'parent');
    const d = await enqueue({ channel: ch, payload: { text: 'reply', thread_ts: parent.ts } });
    await sender().deliverDue();
    await t.db.updateTable('deliveries').set({ status: 'pending', may_have_posted: true }).where('id', '=', d.id).execute();
    expect(await sender().deliverDue()).toMatchObject({ recovered: 1, sent: 0 });
    expect(messages(ch).filter((m) => m.text === 'reply')).toHaveLength(1);
    expect(fake.callsTo('conversations.replies')[0]?.args).toMatchObject({ ts: parent.ts });
  });

  test('not found: posted, once', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch }, { may_have_posted: true });
    expect(await sender().deliverDue()).toMatchObject({ sent: 1, recovered: 0 });
    expect(fake.callsTo('conversations.history')).toHaveLength(1);
    expect(messages(ch)).toHaveLength(1);
    expect((await row(d.id)).status).toBe('sent');
  });

  test('an attempt that never reached Slack does not look (and posts)', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch });
    await sender().deliverDue();
    await t.db.updateTable('deliveries').set({ status: 'pending', may_have_posted: false }).where('id', '=', d.id).execute();
    expect(await sender().deliverDue()).toMatchObject({ sent: 1, recovered: 0 });
    expect(fake.callsTo('conversations.history')).toEqual([]);
    expect(messages(ch)).toHaveLength(2);
  });

  test("the history is searched from the delivery's creation (a minute before, for clock skew)", async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch }, { may_have_posted: true });
    await sender().deliverDue();
    const oldest = Number(fake.callsTo('conversations.history')[0]!.args.oldest);
    expect(oldest).toBeCloseTo(d.created_at.getTime() / 1000 - 60, 3);
  });
});

describe('files', () => {
  const payload = (): DeliveryPayload => ({
    text: 'The week in a chart',
    file: { filename: 'chart.png', title: 'Week 3', base64: Buffer.from('PNGDATA').toString('base64') },
  });

  test('fileNameFor puts the delivery id before the extension', () => {
    expect(fileNameFor('chart.png', 42)).toBe('chart-d42.png');
    expect(fileNameFor('archive.tar.gz', 7)).toBe('archive.tar-d7.gz');
    expect(fileNameFor('README', 3)).toBe('README-d3');
    expect(fileNameFor('.env', 3)).toBe('.env-d3');
  });

  test('a file is uploaded with its unique name, title, bytes and comment; stored as sent without a ts', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch, payload: payload() });
    expect(await sender().deliverDue()).toEqual({ sent: 1, recovered: 0, retried: 0, failed: 0 });
    expect(fake.files).toContainEqual(
      expect.objectContaining({
        filename: `chart-d${d.id}.png`,
        title: 'Week 3',
        content: Buffer.from('PNGDATA'),
        completed: true,
        channel_id: ch,
        initial_comment: 'The week in a chart',
      }),
    );
    expect(fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await row(d.id)).toMatchObject({ status: 'sent', sent_channel: ch, sent_ts: null, sent_at: new Date(NOW) });
  });

  test('a file that may have been uploaded is looked for by name and not uploaded twice', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch, payload: payload() });
    await sender().deliverDue();
    const uploads = fake.files.length;
    await t.db
      .updateTable('deliveries')
      .set({ status: 'pending', sent_channel: null, may_have_posted: true })
      .where('id', '=', d.id)
      .execute();
    expect(await sender().deliverDue()).toMatchObject({ recovered: 1, sent: 0 });
    expect(fake.files).toHaveLength(uploads);
    const share = messages(ch).find((m) => m.files?.some((f) => f.name === `chart-d${d.id}.png`));
    expect(await row(d.id)).toMatchObject({ status: 'sent', sent_ts: share!.ts });
  });
});

describe('transient failures back off and are retried; permanent ones stop', () => {
  test('a 429 on the post: back to pending after Retry-After, the attempt given back, known not posted', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch });
    fake.inject('chat.postMessage', { kind: 'ratelimited', retryAfter: 7 });
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 1, failed: 0 });
    expect(messages(ch)).toEqual([]);
    expect(await row(d.id)).toMatchObject({
      status: 'pending',
      error: 'ratelimited',
      not_before: new Date(NOW + 7_000),
      attempts: 0,
      transient_failures: 1,
      transient_since: new Date(NOW),
      may_have_posted: false,
      claimed_by: null,
    });
    expect(logged('delivery will be retried')).toMatchObject([{ deliveryId: d.id, error: 'ratelimited', retryInMs: 7_000 }]);
    now += 7_000;
    expect(await sender().deliverDue()).toMatchObject({ sent: 1 });
    expect(messages(ch)).toHaveLength(1);
    expect(await row(d.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  test('a 503 on the post: retried after the back-off, and it may have posted', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch }, { transient_failures: 2, transient_since: new Date(NOW - 60_000) });
    fake.inject('chat.postMessage', { kind: 'server_error', status: 503 });
    expect(await sender().deliverDue()).toMatchObject({ retried: 1 });
    // 1 s × 2² = 4 s ceiling, equal jitter at 0.5: 2 s + 1 s.
    expect(await row(d.id)).toMatchObject({
      status: 'pending',
      error: 'http_503',
      not_before: new Date(NOW + 3_000),
      transient_failures: 3,
      transient_since: new Date(NOW - 60_000),
      may_have_posted: true,
    });
    now += 3_000;
    expect(await sender().deliverDue()).toMatchObject({ sent: 1, recovered: 0 });
    expect(fake.callsTo('conversations.history')).toHaveLength(1);
  });

  test('back-off is capped by maxBackoffMs', async () => {
    const d = await enqueue({ channel: channel() }, { transient_failures: 20, transient_since: new Date(NOW - 60_000) });
    fake.inject('chat.postMessage', { kind: 'server_error', status: 500 });
    await sender({ maxBackoffMs: 10_000 }).deliverDue();
    expect((await row(d.id)).not_before).toEqual(new Date(NOW + 7_500));
  });

  test('a failure before posting (opening the DM) is retried; the row is not marked as maybe posted', async () => {
    fake.addUser({ id: 'UDMUSER2', tz: 'UTC' });
    const d = await enqueue({ channel: 'UDMUSER2' });
    // The port tries conversations.open 3 times.
    fake.inject('conversations.open', { kind: 'server_error', status: 503 }, 3);
    expect(await sender().deliverDue()).toMatchObject({ retried: 1 });
    expect(await row(d.id)).toMatchObject({
      status: 'pending',
      error: 'http_503',
      may_have_posted: false,
      not_before: new Date(NOW + 750),
    });
  });

  test('a 429 on a retry after an attempt that may have posted keeps the history check', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch }, { may_have_posted: true });
    fake.inject('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 });
    await sender().deliverDue();
    expect(await row(d.id)).toMatchObject({ status: 'pending', may_have_posted: true });
  });

  test('a permanent error fails the delivery at once', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch });
    fake.inject('chat.postMessage', { kind: 'error', error: 'is_archived' });
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 1 });
    expect(await row(d.id)).toMatchObject({ status: 'failed', error: 'is_archived', claimed_by: null });
    expect(logged('delivery failed for good')).toMatchObject([
      {
        deliveryId: d.id,
        kind: 'test_kind',
        error: 'is_archived',
        attempts: 1,
        transientFailures: 0,
        level: 'warn',
        component: 'delivery-sender',
      },
    ]);
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
  });

  test('transient failures past the horizon fail it', async () => {
    const d = await enqueue({ channel: channel() }, { transient_failures: 5, transient_since: new Date(NOW - 3_600_000) });
    fake.inject('chat.postMessage', { kind: 'server_error', status: 502 });
    expect(await sender({ transientHorizonMs: 3_600_000 }).deliverDue()).toMatchObject({ failed: 1, retried: 0 });
    expect(await row(d.id)).toMatchObject({ status: 'failed', error: 'http_502' });
  });

  test('the default horizon is 24 hours', async () => {
    const young = await enqueue({ channel: channel() }, { transient_failures: 5, transient_since: new Date(NOW - 86_399_999) });
    const old = await enqueue({ channel: channel() }, { transient_failures: 5, transient_since: new Date(NOW - 86_400_000) });
    fake.inject('chat.postMessage', { kind: 'server_error', status: 503 }, 2);
    await sender().deliverDue();
    expect((await row(young.id)).status).toBe('pending');
    expect((await row(old.id)).status).toBe('failed');
  });

  test("an error that is not Slack's (a bug) is not swallowed as a failed delivery", async () => {
    const ch = channel();
    await enqueue({ channel: ch, payload: { text: 'broken file', file: { filename: 'x.txt', title: 'x' } as never } });
    await expect(sender().deliverDue()).rejects.toThrow(/first argument/);
  });
});

describe('claims', () => {
  test('a claim that lapsed while waiting to post is left to its new owner: nothing posted', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch });
    expect(await sender({ leaseMs: 0 }).deliverDue(1)).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(messages(ch)).toEqual([]);
    expect(await row(d.id)).toMatchObject({ status: 'sending', may_have_posted: false });
    expect(logged('claim expired while waiting to send; leaving it to its new owner')).toMatchObject([{ deliveryId: d.id }]);
  });

  test('the claim is held for leaseMs (default a minute) and renewed from the clock before posting', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch });
    fake.inject('chat.postMessage', { kind: 'timeout', ms: 200 });
    const s = sender();
    const run = s.deliverDue();
    await fake.waitFor('chat.postMessage');
    expect(await row(d.id)).toMatchObject({
      status: 'sending',
      claimed_by: s.owner,
      claimed_until: new Date(NOW + 60_000),
      may_have_posted: true,
    });
    await run;
    expect(s.owner).toMatch(/^sender-[0-9a-f-]{36}$/);
  });

  test('a delivery another sender holds is not touched', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch }, { status: 'sending', claimed_by: 'sender-other', claimed_until: new Date(NOW + 1) });
    expect(await sender().deliverDue()).toEqual({ sent: 0, recovered: 0, retried: 0, failed: 0 });
    expect(messages(ch)).toEqual([]);
    expect((await row(d.id)).claimed_by).toBe('sender-other');
  });
});

describe('pacing (Date frozen, so the planned waits are exact)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('two posts to one channel are channelGapMs apart', async () => {
    const ch = channel();
    await enqueue({ channel: ch, payload: { text: 'a' } });
    await enqueue({ channel: ch, payload: { text: 'b' } });
    await sender({ channelGapMs: 60_000 }).deliverDue();
    expect(messages(ch).map((m) => m.text)).toEqual(['a', 'b']);
    expect(sleeps).toEqual([60_000]);
  });

  test('the default gap is 1030 ms per channel', async () => {
    const ch = channel();
    await enqueue({ channel: ch, payload: { text: 'a' } });
    await enqueue({ channel: ch, payload: { text: 'b' } });
    await sender({ channelGapMs: undefined as never }).deliverDue();
    expect(sleeps).toEqual([1_030]);
  });

  test('posts to different channels are spread across the workspace', async () => {
    const a = channel();
    const b = channel();
    await enqueue({ channel: a, payload: { text: 'a' } });
    await enqueue({ channel: b, payload: { text: 'b' } });
    await sender({ workspacePerMinute: 1 }).deliverDue();
    expect(messages(a)).toHaveLength(1);
    expect(messages(b)).toHaveLength(1);
    expect(sleeps).toEqual([60_000]);
  });

  test("the default workspace rate is 291 a minute (3% under Slack's 300)", async () => {
    const chans = [channel(), channel(), channel()];
    for (const c of chans) await enqueue({ channel: c });
    await sender({ workspacePerMinute: undefined as never }).deliverDue();
    const gap = 60_000 / 291;
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeCloseTo(gap, 3);
    expect(sleeps[1]).toBeCloseTo(2 * gap, 3);
  });

  test("a channel's gap counts from its last post, a failed one too, and ends when it has passed", async () => {
    const ch = channel();
    await enqueue({ channel: ch, payload: { text: 'a' } });
    fake.inject('chat.postMessage', { kind: 'server_error', status: 503 });
    const s = sender({
      channelGapMs: 60_000,
      sleep: async (ms) => {
        sleeps.push(ms);
        vi.advanceTimersByTime(ms);
      },
    });
    await s.deliverDue();
    now += 60_000;
    vi.advanceTimersByTime(20_000);
    await s.deliverDue();
    expect(sleeps).toEqual([40_000]);
    vi.advanceTimersByTime(60_000);
    await enqueue({ channel: ch, payload: { text: 'b' } });
    await s.deliverDue();
    expect(sleeps).toEqual([40_000]);
    expect(messages(ch).map((m) => m.text)).toEqual(['a', 'b']);
  });
});

describe('kick', () => {
  test('kick sends in the background; idle waits for it', async () => {
    const ch = channel();
    const d = await enqueue({ channel: ch });
    const s = sender();
    await s.idle();
    s.kick();
    await s.idle();
    expect(messages(ch)).toHaveLength(1);
    expect((await row(d.id)).status).toBe('sent');
  });

  test('a kick during a run starts another run after it', async () => {
    // 100 expired deliveries fill the first run's 100 batches of 1 (cancelled without a Slack call);
    // the one due last is left for the run that the second kick asked for.
    await repo().enqueueMany(
      Array.from({ length: 100 }, (_, i) => ({
        dedupeKey: `old-${i}`,
        kind: 'k',
        channel: 'CNOWHERE',
        payload: { text: 'late' },
        notBefore: new Date(NOW - 100_000 + i),
        expiresAt: new Date(NOW - 1),
      })),
    );
    const ch = channel();
    const d = await enqueue({ channel: ch, payload: { text: 'after the others' }, notBefore: new Date(NOW - 1_000) });
    const s = sender({ batchSize: 1 });
    s.kick();
    s.kick();
    await s.idle();
    expect(messages(ch).map((m) => m.text)).toEqual(['after the others']);
    expect((await row(d.id)).status).toBe('sent');
    expect(messages('CNOWHERE')).toEqual([]);
  });

  test('a single kick is one run of at most 100 batches', async () => {
    await repo().enqueueMany(
      Array.from({ length: 100 }, (_, i) => ({
        dedupeKey: `old1-${i}`,
        kind: 'k',
        channel: 'CNOWHERE',
        payload: { text: 'late' },
        notBefore: new Date(NOW - 100_000 + i),
        expiresAt: new Date(NOW - 1),
      })),
    );
    const d = await enqueue({ channel: channel(), notBefore: new Date(NOW - 1_000) });
    const s = sender({ batchSize: 1 });
    s.kick();
    await s.idle();
    expect((await row(d.id)).status).toBe('pending');
  });

  test('a run that breaks is logged and the sender keeps working', async () => {
    const ch = channel();
    const bad = await enqueue({
      channel: ch,
      payload: { text: 'broken file', file: { filename: 'x.txt', title: 'x' } as never },
    });
    const s = sender();
    s.kick();
    await s.idle();
    expect(logged('delivery run failed')).toHaveLength(1);
    expect(logged('delivery run failed')[0]).toMatchObject({
      level: 'error',
      err: { message: expect.stringMatching(/first argument/) },
    });
    await t.db.updateTable('deliveries').set({ status: 'skipped' }).where('id', '=', bad.id).execute();
    await enqueue({ channel: ch, payload: { text: 'fine' } });
    s.kick();
    await s.idle();
    expect(messages(ch).map((m) => m.text)).toEqual(['fine']);
  });
});
