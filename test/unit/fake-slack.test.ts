/**
 * Tests of the test harness itself: the fake Slack server (driven by a real WebClient) and the
 * request signer (checked against Slack's documented example and Bolt's own verifier).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPModuleFunctions } from '@slack/bolt';
import {
  ErrorCode,
  LogLevel,
  WebClient,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
  type WebAPIHTTPError,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { createSlackSender, signSlackRequest } from '../support/slack-signer.js';

const TOKEN = 'xoxb-test-token';

function clientFor(fake: FakeSlack, options: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the call to fail');
}

describe('fake Slack', () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeEach(async () => {
    fake = await startFakeSlack();
    fake.addUser({ id: 'U1', name: 'ada', tz: 'America/New_York' });
    fake.addUser({ id: 'U2', name: 'grace', tz: 'Europe/Paris' });
    fake.addChannel({ id: 'C1', name: 'mentoring', members: ['UBOT', 'U1', 'U2'] });
    client = clientFor(fake);
  });

  afterEach(async () => {
    await fake.close();
  });

  it('answers auth.test as the bot and rejects other tokens', async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: 'UBOT', team_id: 'T0TEAM', bot_id: 'B0BOT' });
    expect(fake.calls[0]).toMatchObject({ method: 'auth.test', token: TOKEN, status: 200 });

    const err = await rejection(new WebClient('xoxb-wrong', { slackApiUrl: fake.url, retryConfig: { retries: 0 } }).auth.test());
    expect((err as WebAPIPlatformError).data.error).toBe('invalid_auth');
  });

  it('reports unknown methods and users like Slack', async () => {
    expect(((await rejection(client.apiCall('nope.nothing'))) as WebAPIPlatformError).data.error).toBe('unknown_method');
    expect(((await rejection(client.users.info({ user: 'U404' }))) as WebAPIPlatformError).data.error).toBe('user_not_found');
    const info = await client.users.info({ user: 'U1' });
    expect(info.user).toMatchObject({ id: 'U1', name: 'ada', tz: 'America/New_York', is_bot: false });
    expect([-18000, -14400]).toContain(info.user?.tz_offset);
  });

  it('stores posted messages with metadata, returned by history only with include_all_metadata', async () => {
    const metadata = { event_type: 'tandem_checkin', event_payload: { pair_id: 'p1', week: 3 } };
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'hello [1,2]', blocks: [{ type: 'divider' }], metadata });
    expect(posted).toMatchObject({ ok: true, channel: 'C1' });

    const stored = fake.conversations.get('C1')?.messages[0];
    expect(stored).toMatchObject({ ts: posted.ts, user: 'UBOT', text: 'hello [1,2]', metadata, blocks: [{ type: 'divider' }] });
    // Form values that look like JSON are parsed in the record; plain strings stay strings.
    expect(fake.callsTo('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C1', metadata, blocks: [{ type: 'divider' }] });

    const plain = await client.conversations.history({ channel: 'C1' });
    expect(plain.messages?.[0]).toMatchObject({ ts: posted.ts, text: 'hello [1,2]' });
    expect(plain.messages?.[0]).not.toHaveProperty('metadata');

    const withMeta = await client.conversations.history({ channel: 'C1', include_all_metadata: true });
    expect(withMeta.messages?.[0]?.metadata).toEqual(metadata);
  });

  it('returns history newest first and honours oldest/latest/inclusive/limit', async () => {
    const ts: string[] = [];
    for (const text of ['a', 'b', 'c', 'd']) ts.push((await client.chat.postMessage({ channel: 'C1', text })).ts as string);
    expect([...ts].sort()).toEqual(ts); // strictly increasing

    const all = await client.conversations.history({ channel: 'C1' });
    expect(all.messages?.map((m) => m.text)).toEqual(['d', 'c', 'b', 'a']);

    const window = await client.conversations.history({ channel: 'C1', oldest: ts[0], latest: ts[3] });
    expect(window.messages?.map((m) => m.text)).toEqual(['c', 'b']);
    const inclusive = await client.conversations.history({ channel: 'C1', oldest: ts[0], latest: ts[3], inclusive: true });
    expect(inclusive.messages?.map((m) => m.text)).toEqual(['d', 'c', 'b', 'a']);

    const page1 = await client.conversations.history({ channel: 'C1', limit: 3 });
    expect(page1.messages?.map((m) => m.text)).toEqual(['d', 'c', 'b']);
    expect(page1.has_more).toBe(true);
    const page2 = await client.conversations.history({ channel: 'C1', limit: 3, cursor: page1.response_metadata?.next_cursor });
    expect(page2.messages?.map((m) => m.text)).toEqual(['a']);
    expect(page2.has_more).toBe(false);
  });

  it('keeps threads out of history and serves them from conversations.replies', async () => {
    const parent = await client.chat.postMessage({ channel: 'C1', text: 'parent' });
    const human = fake.postAs('U1', 'C1', 'reply', { thread_ts: parent.ts });
    const history = await client.conversations.history({ channel: 'C1' });
    expect(history.messages).toHaveLength(1);
    expect(history.messages?.[0]).toMatchObject({ reply_count: 1, thread_ts: parent.ts, latest_reply: human.ts });
    const replies = await client.conversations.replies({ channel: 'C1', ts: parent.ts as string });
    expect(replies.messages?.map((m) => m.text)).toEqual(['parent', 'reply']);
  });

  it('opens the same IM / mpim for the same set of users', async () => {
    const im1 = await client.conversations.open({ users: 'U1' });
    const im2 = await client.conversations.open({ users: 'U1' });
    expect(im1.channel?.id).toMatch(/^D/);
    expect(im2.channel?.id).toBe(im1.channel?.id);

    const mp1 = await client.conversations.open({ users: 'U1,U2' });
    const mp2 = await client.conversations.open({ users: 'U2,U1' });
    expect(mp1.channel?.id).toMatch(/^G/);
    expect(mp2.channel?.id).toBe(mp1.channel?.id);
    expect(fake.conversations.get(mp1.channel?.id as string)?.members).toEqual(expect.arrayContaining(['U1', 'U2', 'UBOT']));

    expect(((await rejection(client.conversations.open({ users: 'U404' }))) as WebAPIPlatformError).data.error).toBe(
      'user_not_found',
    );
    expect(((await rejection(client.conversations.open({ users: 'UBOT' }))) as WebAPIPlatformError).data.error).toBe(
      'cannot_dm_bot',
    );

    // Posting to a user id lands in the IM with that user.
    const post = await client.chat.postMessage({ channel: 'U1', text: 'hi' });
    expect(post.channel).toBe(im1.channel?.id);
    const info = await client.conversations.info({ channel: im1.channel?.id as string });
    expect(info.channel).toMatchObject({ is_im: true, is_member: true });
  });

  it('enforces channel membership and existence', async () => {
    fake.addChannel({ id: 'C2', name: 'random', members: ['U1'] });
    fake.addChannel({ id: 'G9', name: 'secret', is_private: true, members: ['U1'] });
    const notIn = await rejection(client.chat.postMessage({ channel: 'C2', text: 'x' }));
    expect((notIn as WebAPIPlatformError).data.error).toBe('not_in_channel');
    const hidden = await rejection(client.conversations.info({ channel: 'G9' }));
    expect((hidden as WebAPIPlatformError).data.error).toBe('channel_not_found');
    const missing = await rejection(client.chat.postMessage({ channel: 'C404', text: 'x' }));
    expect((missing as WebAPIPlatformError).data.error).toBe('channel_not_found');
  });

  it('updates, deletes, reacts and links messages', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'v1' });
    const ts = posted.ts as string;
    await client.chat.update({ channel: 'C1', ts, text: 'v2' });
    await client.reactions.add({ channel: 'C1', timestamp: ts, name: 'tada' });
    const message = fake.conversations.get('C1')?.messages[0];
    expect(message).toMatchObject({
      text: 'v2',
      edits: [{ text: 'v1' }],
      reactions: [{ name: 'tada', users: ['UBOT'], count: 1 }],
    });

    const link = await client.chat.getPermalink({ channel: 'C1', message_ts: ts });
    expect(link.permalink).toBe(`https://fake.slack.test/archives/C1/p${ts.replace('.', '')}`);

    await client.chat.delete({ channel: 'C1', ts });
    expect(fake.conversations.get('C1')?.messages).toHaveLength(0);
    const gone = await rejection(client.chat.update({ channel: 'C1', ts, text: 'v3' }));
    expect((gone as WebAPIPlatformError).data.error).toBe('message_not_found');
  });

  it('opens modals only with a live trigger and tracks published home views', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Check-in' }, blocks: [] };
    const expired = await rejection(client.views.open({ trigger_id: 'expired', view }));
    expect((expired as WebAPIPlatformError).data.error).toBe('invalid_trigger_id');

    const opened = await client.views.open({ trigger_id: '123.456.abc', view });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal', title: view.title });
    const updated = await client.views.update({
      view_id: opened.view?.id as string,
      view: { ...view, blocks: [{ type: 'divider' }] },
    });
    expect(updated.view?.id).toBe(opened.view?.id);

    await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [{ type: 'divider' }] } });
    expect(fake.homeViews.get('U1')).toMatchObject({ type: 'home', blocks: [{ type: 'divider' }] });
  });

  it('surfaces an injected 429 as a rate-limited error with retryAfter', async () => {
    fake.inject('chat.postMessage', { kind: 'ratelimited', retryAfter: 7 });
    // rejectRateLimitedCalls makes WebClient throw instead of sleeping Retry-After and retrying.
    const limited = clientFor(fake, { rejectRateLimitedCalls: true });
    const err = (await rejection(limited.chat.postMessage({ channel: 'C1', text: 'x' }))) as WebAPIRateLimitedError;
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
    expect(fake.calls[0]).toMatchObject({ method: 'chat.postMessage', status: 429, fault: 'ratelimited', rateLimited: false });
    expect(fake.conversations.get('C1')?.messages).toHaveLength(0);

    // The fault was consumed: the next call goes through.
    await limited.chat.postMessage({ channel: 'C1', text: 'y' });
    expect(fake.conversations.get('C1')?.messages).toHaveLength(1);
  });

  it('injects server errors, platform errors and slow responses', async () => {
    fake.inject('*', { kind: 'server_error', status: 503 });
    fake.inject('users.info', { kind: 'error', error: 'fatal_error' });
    const http = (await rejection(client.auth.test())) as WebAPIHTTPError;
    expect(http.code).toBe(ErrorCode.HTTPError);
    expect(http.statusCode).toBe(503);
    expect(((await rejection(client.users.info({ user: 'U1' }))) as WebAPIPlatformError).data.error).toBe('fatal_error');

    // A held response times the client out, yet the post already happened — as it can in Slack.
    fake.inject('chat.postMessage', { kind: 'timeout', ms: Infinity });
    const impatient = clientFor(fake, { timeout: 200, logLevel: LogLevel.ERROR });
    const timedOut = await rejection(impatient.chat.postMessage({ channel: 'C1', text: 'slow' }));
    expect(timedOut.code).toBe(ErrorCode.RequestError);
    expect(fake.conversations.get('C1')?.messages.map((m) => m.text)).toEqual(['slow']);

    fake.inject('chat.postMessage', { kind: 'timeout', ms: 50 });
    const started = Date.now();
    await client.chat.postMessage({ channel: 'C1', text: 'late' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('rate-limits chat.postMessage per channel when configured', async () => {
    await fake.close();
    let clock = 1_700_000_000_000;
    fake = await startFakeSlack({ rateLimits: { perChannelPerSecond: 2 }, now: () => clock });
    fake.addChannel({ id: 'C1', members: ['UBOT'] });
    fake.addChannel({ id: 'C2', members: ['UBOT'] });
    const limited = clientFor(fake, { rejectRateLimitedCalls: true });

    await limited.chat.postMessage({ channel: 'C1', text: '1' });
    await limited.chat.postMessage({ channel: 'C1', text: '2' });
    const err = (await rejection(limited.chat.postMessage({ channel: 'C1', text: '3' }))) as WebAPIRateLimitedError;
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(1);
    await limited.chat.postMessage({ channel: 'C2', text: 'other channel is fine' });

    expect(fake.callsTo('chat.postMessage').map((c) => [c.status, c.rateLimited])).toEqual([
      [200, false],
      [200, false],
      [429, true],
      [200, false],
    ]);
    expect(fake.conversations.get('C1')?.messages).toHaveLength(2);

    clock += 1001;
    await limited.chat.postMessage({ channel: 'C1', text: 'after the window' });
    expect(fake.conversations.get('C1')?.messages).toHaveLength(3);
  });

  it('round-trips files.uploadV2', async () => {
    const content = Buffer.from('pair,checkins\nada+grace,4\n');
    await client.files.uploadV2({
      channel_id: 'C1',
      file: content,
      filename: 'report.csv',
      title: 'Weekly report',
      initial_comment: 'Here you go',
    });

    expect(fake.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(fake.files).toHaveLength(1);
    const file = fake.files[0];
    expect(file).toMatchObject({
      filename: 'report.csv',
      title: 'Weekly report',
      channel_id: 'C1',
      initial_comment: 'Here you go',
      completed: true,
    });
    expect(file?.content?.equals(content)).toBe(true);
    expect(fake.conversations.get('C1')?.messages[0]).toMatchObject({ text: 'Here you go', files: [{ id: file?.id }] });
  });

  it('waits for calls and explains timeouts', async () => {
    const waiting = fake.waitFor('chat.postMessage');
    await client.auth.test();
    await client.chat.postMessage({ channel: 'C1', text: 'x' });
    expect((await waiting).args).toMatchObject({ text: 'x' });

    await expect(fake.waitFor('views.open', { timeoutMs: 50 })).rejects.toThrow(
      /views\.open.*auth\.test x1, chat\.postMessage x1/,
    );
    fake.reset();
    expect(fake.calls).toHaveLength(0);
  });

  it('records response_url posts', async () => {
    const url = fake.responseUrl('cmd-1');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', response_type: 'ephemeral' }),
    });
    expect(await res.json()).toEqual({ ok: true });
    const recorded = await fake.waitForResponse('cmd-1');
    expect(recorded.body).toEqual({ text: 'done', response_type: 'ephemeral' });
  });

  it('accepts JSON request bodies as well as forms', async () => {
    const res = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: 'C1', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C1' });
    expect(fake.conversations.get('C1')?.messages[0]).toMatchObject({ text: 'json', blocks: [{ type: 'divider' }] });
  });
});

describe('slack signer', () => {
  const secret = 'test-signing-secret';
  let server: Server;
  let baseUrl: string;
  /** What the receiving end (Bolt's own parsing and verification) made of the last request. */
  let received: { body: unknown; retryNum?: number; retryReason?: string; contentType?: string } | undefined;

  beforeEach(async () => {
    received = undefined;
    server = createServer((req, res) => {
      HTTPModuleFunctions.parseAndVerifyHTTPRequest({ signingSecret: secret }, req)
        .then((buffered) => {
          received = {
            body: HTTPModuleFunctions.parseHTTPRequestBody(buffered) as unknown,
            retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
            retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
            contentType: req.headers['content-type'],
          };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, path: req.url }));
        })
        .catch(() => res.writeHead(401).end('invalid signature'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("matches the signature from Slack's documentation", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('sends slash commands that Bolt verifies and parses', async () => {
    const sender = createSlackSender({ baseUrl, signingSecret: secret, responseUrl: () => 'http://127.0.0.1:1/response/x' });
    const res = await sender.command({ text: 'pair @ada', user_id: 'U1', channel_id: 'C1' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, path: '/slack/events' });
    expect(received?.contentType).toBe('application/x-www-form-urlencoded');
    expect(received?.body).toMatchObject({
      command: '/tandem',
      text: 'pair @ada',
      user_id: 'U1',
      user_name: 'u1',
      channel_id: 'C1',
      team_id: 'T0TEAM',
      response_url: 'http://127.0.0.1:1/response/x',
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
    });
  });

  it('sends interactions as a payload form field', async () => {
    const sender = createSlackSender({ baseUrl, signingSecret: secret });
    await sender.action({
      user: 'U1',
      actions: [{ action_id: 'ack', type: 'button', value: '1' }],
      container: { type: 'message' },
    });
    expect(received?.body).toMatchObject({
      type: 'block_actions',
      user: { id: 'U1' },
      team: { id: 'T0TEAM' },
      actions: [{ action_id: 'ack' }],
    });
    expect((received?.body as { response_url?: string }).response_url).toMatch(/^https:\/\/hooks\.slack\.com\//);

    await sender.viewSubmission({ user: { id: 'U2' }, view: { id: 'V1', callback_id: 'checkin', state: { values: {} } } });
    expect(received?.body).toMatchObject({ type: 'view_submission', user: { id: 'U2' }, view: { callback_id: 'checkin' } });
  });

  it('sends events with retry headers and url verification', async () => {
    const sender = createSlackSender({ baseUrl, signingSecret: secret });
    const first = await sender.event({ type: 'app_mention', user: 'U1', text: 'hi', channel: 'C1', ts: '1700000000.000100' });
    expect(received?.body).toMatchObject({
      type: 'event_callback',
      event_id: first.eventId,
      team_id: 'T0TEAM',
      event: { type: 'app_mention', event_ts: '1700000000.000100' },
      authorizations: [{ user_id: 'UBOT', is_bot: true }],
    });
    expect(received?.retryNum).toBeUndefined();

    await sender.event({ type: 'app_mention', user: 'U1', text: 'hi', channel: 'C1' }, { eventId: first.eventId, retryNum: 1 });
    expect(received).toMatchObject({ retryNum: 1, retryReason: 'http_timeout', body: { event_id: first.eventId } });

    await sender.urlVerification('challenge-123');
    expect(received?.body).toEqual({ token: 'legacy', challenge: 'challenge-123', type: 'url_verification' });
  });

  it('can send stale, forged or unsigned requests', async () => {
    const sender = createSlackSender({ baseUrl, signingSecret: secret });
    expect((await sender.command({ user_id: 'U1' }, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect((await sender.command({ user_id: 'U1' }, { signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await sender.command({ user_id: 'U1' }, { unsigned: true })).status).toBe(401);
    expect((await sender.command({ user_id: 'U1' }, { rawBody: 'command=%2Ftandem&text=raw&user_id=U1' })).status).toBe(200);
    expect(received?.body).toEqual({ command: '/tandem', text: 'raw', user_id: 'U1' });
  });
});
