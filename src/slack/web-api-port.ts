import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { slackLoggerFrom } from '../logger.js';
import {
  SlackCallError,
  type ConversationInfo,
  type MessageRef,
  type OutgoingMessage,
  type SlackFailure,
  type SlackPort,
  type SlackUser,
} from '../services/slack-port.js';

/**
 * The WebClient is told never to retry on its own (retries: 0, rejectRateLimitedCalls): a blind
 * retry of chat.postMessage can post twice. Our callers own retries — the outbox for messages,
 * `retrying` below for calls that are safe to repeat.
 */
export function createWebClient(
  token: string,
  options: { apiUrl?: string | undefined; logger: Logger; timeoutMs?: number },
): WebClient {
  return new WebClient(token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    logger: slackLoggerFrom(options.logger, 'web-api'),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
  });
}

const permanentErrors = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
  'restricted_action',
  'message_not_found',
  'thread_not_found',
  'cant_update_message',
  'invalid_trigger_id',
  'expired_trigger_id',
]);

export function classifySlackError(err: unknown): SlackFailure {
  const e = err as Partial<WebAPICallError> & { retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000, error: 'ratelimited' };
    case ErrorCode.HTTPError:
      return (e.statusCode ?? 500) >= 500
        ? { kind: 'transient', error: `http_${e.statusCode}` }
        : { kind: 'permanent', error: `http_${e.statusCode}` };
    case ErrorCode.RequestError:
      return { kind: 'transient', error: 'request_error' };
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (code === 'ratelimited') return { kind: 'rate_limited', retryAfterMs: 1000, error: code };
      if (permanentErrors.has(code)) return { kind: 'permanent', error: code };
      // internal_error, fatal_error, service_unavailable, request_timeout and the like.
      return { kind: 'transient', error: code };
    }
    default:
      return { kind: 'transient', error: err instanceof Error ? err.message : 'unknown_error' };
  }
}

async function call<T>(method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new SlackCallError(method, classifySlackError(err));
  }
}

/** Retries a call that is safe to repeat (reads, conversations.open) on 429 and transient errors. */
export async function retrying<T>(
  fn: () => Promise<T>,
  options: { attempts?: number; maxWaitMs?: number; baseWaitMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof SlackCallError) || err.failure.kind === 'permanent' || i >= attempts) throw err;
      const wait = err.failure.kind === 'rate_limited' ? err.failure.retryAfterMs : (options.baseWaitMs ?? 250) * 2 ** (i - 1);
      if (wait > (options.maxWaitMs ?? 5_000)) throw err;
      await sleep(wait);
    }
  }
}

type WireReaction = { name?: string; users?: string[] };
type WireMessage = {
  ts?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  thread_ts?: string;
  reactions?: WireReaction[];
};

const reactionsOf = (list: WireReaction[] | undefined) =>
  (list ?? []).map((r) => ({ name: r.name ?? '', users: [...(r.users ?? [])] })).filter((r) => r.name !== '');

/** Keeps what a double-check needs and drops the rest (the text above all) as soon as it arrives. */
function messageRefs(messages: WireMessage[] | undefined): MessageRef[] {
  return (messages ?? [])
    .filter((m): m is WireMessage & { ts: string } => typeof m.ts === 'string')
    .map((m) => ({
      ts: m.ts,
      user: m.user ?? null,
      isBot: Boolean(m.bot_id),
      subtype: m.subtype ?? null,
      threadTs: m.thread_ts ?? null,
      reactions: reactionsOf(m.reactions),
    }));
}

type HistoryMessage = {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  files?: { name?: string }[];
};

/** `retryWaitMs`: the first wait before repeating a read after a 5xx or network error (doubling after). */
export function createWebApiPort(client: WebClient, options: { retryWaitMs?: number } = {}): SlackPort {
  const withRetry = <T>(fn: () => Promise<T>) => retrying(fn, { baseWaitMs: options.retryWaitMs ?? 250 });

  /** The ts of the first message since `oldest` (or in a thread) that `match` accepts. */
  async function scanHistory(
    channel: string,
    oldest: Date,
    threadTs: string | undefined,
    match: (msg: HistoryMessage) => boolean,
  ): Promise<string | null> {
    let cursor: string | undefined;
    // Thread replies are not in conversations.history; a reply is looked for in its thread.
    const page = (c: string | undefined) =>
      threadTs
        ? call('conversations.replies', () =>
            client.conversations.replies({
              channel,
              ts: threadTs,
              include_all_metadata: true,
              limit: 200,
              ...(c ? { cursor: c } : {}),
            }),
          )
        : call('conversations.history', () =>
            client.conversations.history({
              channel,
              oldest: (oldest.getTime() / 1000 - 60).toFixed(6),
              include_all_metadata: true,
              limit: 200,
              ...(c ? { cursor: c } : {}),
            }),
          );
    // Bounded: recovery only needs the last few pages since the delivery was first claimed.
    for (let n = 0; n < 5; n++) {
      const res = await withRetry(() => page(cursor));
      for (const msg of (res.messages ?? []) as HistoryMessage[]) if (msg.ts && match(msg)) return msg.ts;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return null;
  }

  return {
    async userInfo(userId: string): Promise<SlackUser> {
      const res = await withRetry(() => call('users.info', () => client.users.info({ user: userId })));
      const u = res.user;
      if (!u?.id) throw new SlackCallError('users.info', { kind: 'permanent', error: 'user_not_found' });
      return {
        id: u.id,
        teamId: u.team_id ?? null,
        name: u.profile?.display_name || u.real_name || u.name || u.id,
        realName: u.real_name ?? null,
        timeZone: u.tz || 'UTC',
        isBot: Boolean(u.is_bot) || u.id === 'USLACKBOT',
        deleted: Boolean(u.deleted),
      };
    },

    async openConversation(userIds: readonly string[]): Promise<string> {
      const res = await withRetry(() =>
        call('conversations.open', () => client.conversations.open({ users: userIds.join(',') })),
      );
      const id = res.channel?.id;
      if (!id) throw new SlackCallError('conversations.open', { kind: 'transient', error: 'no_channel_in_response' });
      return id;
    },

    async conversationInfo(channel: string): Promise<ConversationInfo> {
      const res = await withRetry(() => call('conversations.info', () => client.conversations.info({ channel })));
      const c = res.channel ?? {};
      return {
        id: c.id ?? channel,
        isPrivate: Boolean(c.is_private) || Boolean(c.is_im) || Boolean(c.is_mpim),
        isIm: Boolean(c.is_im),
        isMpim: Boolean(c.is_mpim),
        isMember: Boolean(c.is_member) || Boolean(c.is_im),
      };
    },

    async postMessage(m: OutgoingMessage) {
      const res = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel: m.channel,
          text: m.text,
          ...(m.blocks ? { blocks: m.blocks } : {}),
          ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
          ...(m.metadata ? { metadata: { event_type: m.metadata.eventType, event_payload: m.metadata.payload } } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!res.ts || !res.channel)
        throw new SlackCallError('chat.postMessage', { kind: 'transient', error: 'no_ts_in_response' });
      return { channel: res.channel, ts: res.ts };
    },

    async updateMessage(m) {
      await withRetry(() =>
        call('chat.update', () =>
          client.chat.update({ channel: m.channel, ts: m.ts, text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}) }),
        ),
      );
    },

    async findMessageByMetadata(channel, eventType, key, value, oldest, threadTs) {
      return scanHistory(channel, oldest, threadTs, (msg) => {
        const md = msg.metadata;
        return md?.event_type === eventType && String(md.event_payload?.[key]) === String(value);
      });
    },

    async findFileShare(channel, filename, oldest) {
      return scanHistory(channel, oldest, undefined, (msg) => (msg.files ?? []).some((f) => f.name === filename));
    },

    async publishHome(userId, view) {
      await withRetry(() => call('views.publish', () => client.views.publish({ user_id: userId, view })));
    },

    async uploadFile(file) {
      const common = {
        channel_id: file.channel,
        filename: file.filename,
        title: file.title,
        ...(file.initialComment ? { initial_comment: file.initialComment } : {}),
      };
      // Text goes as `content`; bytes (a PNG) as `file`, which the client sends unchanged.
      await call('files.uploadV2', () =>
        client.filesUploadV2(
          typeof file.content === 'string' ? { ...common, content: file.content } : { ...common, file: file.content },
        ),
      );
    },

    async messagesAfter(channel, oldestTs) {
      const res = await withRetry(() =>
        call('conversations.history', () =>
          client.conversations.history({ channel, oldest: oldestTs, inclusive: false, limit: 100 }),
        ),
      );
      return messageRefs(res.messages as WireMessage[] | undefined).reverse();
    },

    async threadMessages(channel, threadTs) {
      const res = await withRetry(() =>
        call('conversations.replies', () => client.conversations.replies({ channel, ts: threadTs, limit: 200 })),
      );
      return messageRefs(res.messages as WireMessage[] | undefined);
    },

    async reactionsOn(channel, ts) {
      const res = await withRetry(() =>
        call('reactions.get', () => client.reactions.get({ channel, timestamp: ts, full: true })),
      );
      return reactionsOf((res.message as { reactions?: WireReaction[] } | undefined)?.reactions);
    },

    async permalink(channel, ts) {
      try {
        const res = await withRetry(() => call('chat.getPermalink', () => client.chat.getPermalink({ channel, message_ts: ts })));
        return res.permalink ?? null;
      } catch {
        return null;
      }
    },
  };
}
