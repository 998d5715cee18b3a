/**
 * The fake Slack for the fan-out benchmark, in its own process (child_process.fork), so the RSS the
 * benchmark reports for the bot is the bot's alone and not the fake's record of every call.
 * Messages over IPC: 'start' (limits, conversations to create) -> { url, botToken, botUserId };
 * 'report' -> what the fake saw, compactly; 'exit'.
 */
import { startFakeSlack, type FakeSlack, type RateLimits } from '../../test/support/fake-slack.js';
import { menteeId, mentorId, pairConversationId } from './seed.js';

export type FakeChildStart = {
  type: 'start';
  botToken: string;
  rateLimits: RateLimits;
  clockScale: number | null;
  conversations: number;
};
export type FakeChildMessage = FakeChildStart | { type: 'report' } | { type: 'exit' };
export type FakeChildReady = { type: 'ready'; url: string; botToken: string; botUserId: string };
export type FakeChildReport = {
  type: 'report';
  /** Arrival times (ms since epoch) of accepted chat.postMessage calls. */
  acceptedAt: number[];
  limited: number;
  history: number;
  /** Messages per pair conversation, index i-1 for pair i. */
  messageCounts: number[];
};

let fake: FakeSlack | undefined;

process.on('message', (m: FakeChildMessage) => {
  void handle(m).catch((err: unknown) => {
    process.stderr.write(`fake-child: ${String(err)}\n`);
    process.exit(1);
  });
});

async function handle(m: FakeChildMessage): Promise<void> {
  if (m.type === 'start') {
    const base = Date.now();
    const scale = m.clockScale;
    fake = await startFakeSlack({
      botToken: m.botToken,
      rateLimits: m.rateLimits,
      ...(scale ? { now: () => base + (Date.now() - base) * scale } : {}),
    });
    const created = Math.floor(Date.now() / 1000);
    for (let i = 1; i <= m.conversations; i++) {
      const id = pairConversationId(i);
      fake.conversations.set(id, {
        id,
        name: `mpdm-${mentorId(i)}--${menteeId(i)}--tandem-1`,
        is_channel: false,
        is_private: true,
        is_im: false,
        is_mpim: true,
        is_archived: false,
        members: [mentorId(i), menteeId(i), fake.botUserId],
        messages: [],
        created,
      });
    }
    const ready: FakeChildReady = { type: 'ready', url: fake.url, botToken: fake.botToken, botUserId: fake.botUserId };
    process.send?.(ready);
    return;
  }
  if (m.type === 'report') {
    if (!fake) throw new Error('not started');
    const posts = fake.callsTo('chat.postMessage');
    const counts: number[] = [];
    for (let i = 1; fake.conversations.has(pairConversationId(i)); i++)
      counts.push(fake.conversations.get(pairConversationId(i))?.messages.length ?? 0);
    const report: FakeChildReport = {
      type: 'report',
      acceptedAt: posts
        .filter((c) => c.status === 200 && (c.response as { ok?: boolean }).ok === true)
        .map((c) => c.at.getTime()),
      limited: posts.filter((c) => c.status === 429).length,
      history: fake.callsTo('conversations.history').length,
      messageCounts: counts,
    };
    process.send?.(report);
    return;
  }
  await fake?.close();
  process.exit(0);
}
