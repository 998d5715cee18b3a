/**
 * Sends requests to the bot's HTTP endpoint exactly as Slack does: same body encodings, same
 * envelopes, same signing headers — so tests go through the bot's real request verification.
 *
 * Slack's signing scheme: HMAC-SHA256(signingSecret, `v0:${timestamp}:${rawBody}`), sent as
 * `X-Slack-Signature: v0=<hex>` with `X-Slack-Request-Timestamp: <unix seconds>`.
 *
 * Usage:
 *   const slack = createSlackSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret, responseUrl: () => fake.responseUrl() });
 *   const res = await slack.command({ text: 'help', user_id: 'U1' });
 *   expect(res.status).toBe(200);
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';

export function signSlackRequest(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackSenderOptions {
  /** The bot's origin, e.g. 'http://127.0.0.1:3000' (a trailing slash is fine). */
  baseUrl: string;
  signingSecret: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  /** Used in the event envelope's `authorizations`. */
  botUserId?: string;
  /** Clock in milliseconds, like Date.now (the default); signing timestamps are derived from it. */
  now?: () => number;
  /** Endpoint path; Bolt's default receives commands, interactions and events on one path. */
  path?: string;
  /**
   * Supplies response_url for slash commands and message-originated block actions when the caller
   * gives none — typically `() => fake.responseUrl()`. Without it a hooks.slack.com URL is used,
   * which tests must never actually reach.
   */
  responseUrl?: () => string;
}

export interface SendOptions {
  /** Unix seconds to sign with (e.g. 10 minutes ago, for replay-window tests). */
  timestamp?: number;
  /** Send this signature instead of the correct one. */
  signature?: string;
  /** Omit both signing headers. */
  unsigned?: boolean;
  /** Send (and sign) this body verbatim instead of the one built from the arguments. */
  rawBody?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Client-side abort; default 10s. */
  timeoutMs?: number;
}

export interface EventOptions extends SendOptions {
  /** Adds X-Slack-Retry-Num (and X-Slack-Retry-Reason, default 'http_timeout'). */
  retryNum?: number;
  retryReason?: string;
  /** Reuse the first delivery's id when simulating a retry. */
  eventId?: string;
  /** Unix seconds; defaults to now. */
  eventTime?: number;
}

export interface SlackHttpResponse {
  status: number;
  body: string;
  headers: Headers;
  /** Wall time until the bot answered — Slack gives up after 3 seconds. */
  elapsedMs: number;
  json(): unknown;
}

export interface SlashCommandInput {
  command?: string;
  text?: string;
  user_id: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  trigger_id?: string;
  response_url?: string;
}

export type Payload = Record<string, unknown>;

export interface SlackSender {
  /** Slash command: form-encoded fields, as Slack posts them. `command` defaults to '/tandem'. */
  command(input: SlashCommandInput, opts?: SendOptions): Promise<SlackHttpResponse>;
  /** Any interactive payload (`payload=<json>` form); `payload.type` must be set. */
  interaction(payload: Payload, opts?: SendOptions): Promise<SlackHttpResponse>;
  /** block_actions unless `payload.type` says otherwise (e.g. 'message_action'). */
  action(payload: Payload, opts?: SendOptions): Promise<SlackHttpResponse>;
  viewSubmission(payload: Payload, opts?: SendOptions): Promise<SlackHttpResponse>;
  viewClosed(payload: Payload, opts?: SendOptions): Promise<SlackHttpResponse>;
  /** Global shortcut unless `payload.type` says otherwise. */
  shortcut(payload: Payload, opts?: SendOptions): Promise<SlackHttpResponse>;
  /** Events API `event_callback` envelope around `event`; the result carries the event_id used. */
  event(event: Payload, opts?: EventOptions): Promise<SlackHttpResponse & { eventId: string }>;
  urlVerification(challenge: string, opts?: SendOptions): Promise<SlackHttpResponse>;
  /** Low level: POST an arbitrary body, signed as Slack would. */
  send(body: string, contentType: string, opts?: SendOptions): Promise<SlackHttpResponse>;
}

function randomTriggerId(): string {
  return `${randomInt(1e11, 1e12)}.${randomInt(1e10, 1e11)}.${randomBytes(16).toString('hex')}`;
}

export function createSlackSender(options: SlackSenderOptions): SlackSender {
  const teamId = options.teamId ?? 'T0TEAM';
  const teamDomain = options.teamDomain ?? 'fake-team';
  const apiAppId = options.apiAppId ?? 'A0APP';
  const botUserId = options.botUserId ?? 'UBOT';
  const now = options.now ?? Date.now;
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}${options.path ?? '/slack/events'}`;
  const defaultResponseUrl = (): string =>
    options.responseUrl?.() ??
    `https://hooks.slack.com/commands/${teamId}/${randomInt(1e11, 1e12)}/${randomBytes(12).toString('hex')}`;

  async function send(body: string, contentType: string, opts: SendOptions = {}): Promise<SlackHttpResponse> {
    const rawBody = opts.rawBody ?? body;
    const timestamp = opts.timestamp ?? Math.floor(now() / 1000);
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...(opts.unsigned
        ? {}
        : {
            'X-Slack-Request-Timestamp': String(timestamp),
            'X-Slack-Signature': opts.signature ?? signSlackRequest(options.signingSecret, timestamp, rawBody),
          }),
      ...opts.headers,
    };
    const started = performance.now();
    const res = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: rawBody,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    const elapsedMs = performance.now() - started;
    return {
      status: res.status,
      body: text,
      headers: res.headers,
      elapsedMs,
      json(): unknown {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new Error(`bot response (HTTP ${res.status}) is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
        }
      },
    };
  }

  const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

  /** Envelope fields Slack puts on every interactive payload; the caller's fields win. */
  function interactionPayload(defaultType: string | undefined, payload: Payload): Payload {
    const user =
      typeof payload.user === 'string'
        ? { id: payload.user, username: payload.user.toLowerCase(), name: payload.user.toLowerCase(), team_id: teamId }
        : payload.user;
    const out: Payload = {
      ...(defaultType ? { type: defaultType } : {}),
      token: 'legacy',
      team: { id: teamId, domain: teamDomain },
      api_app_id: apiAppId,
      is_enterprise_install: false,
      enterprise: null,
      trigger_id: randomTriggerId(),
      ...payload,
      ...(user !== undefined ? { user } : {}),
    };
    return out;
  }

  function interaction(payload: Payload, opts?: SendOptions): Promise<SlackHttpResponse> {
    if (typeof payload.type !== 'string') throw new Error('interaction(): payload.type is required');
    return send(
      form({ payload: JSON.stringify(interactionPayload(undefined, payload)) }),
      'application/x-www-form-urlencoded',
      opts,
    );
  }

  return {
    send,
    interaction,

    command(input, opts) {
      const channelId = input.channel_id ?? 'C0GENERAL';
      const fields: Record<string, string> = {
        token: 'legacy',
        team_id: teamId,
        team_domain: teamDomain,
        channel_id: channelId,
        channel_name: input.channel_name ?? (channelId.startsWith('D') ? 'directmessage' : 'general'),
        user_id: input.user_id,
        user_name: input.user_name ?? input.user_id.toLowerCase(),
        command: input.command ?? '/tandem',
        text: input.text ?? '',
        api_app_id: apiAppId,
        is_enterprise_install: 'false',
        response_url: input.response_url ?? defaultResponseUrl(),
        trigger_id: input.trigger_id ?? randomTriggerId(),
      };
      return send(form(fields), 'application/x-www-form-urlencoded', opts);
    },

    action(payload, opts) {
      const full = interactionPayload('block_actions', payload);
      // Slack includes response_url only for actions on messages, not on views.
      const container = full.container as { type?: string } | undefined;
      if (
        full.type === 'block_actions' &&
        full.response_url === undefined &&
        container?.type !== 'view' &&
        full.view === undefined
      ) {
        full.response_url = defaultResponseUrl();
      }
      return send(form({ payload: JSON.stringify(full) }), 'application/x-www-form-urlencoded', opts);
    },

    viewSubmission(payload, opts) {
      return interaction({ type: 'view_submission', response_urls: [], ...payload }, opts);
    },

    viewClosed(payload, opts) {
      return interaction({ type: 'view_closed', is_cleared: false, ...payload }, opts);
    },

    shortcut(payload, opts) {
      return interaction({ type: 'shortcut', ...payload }, opts);
    },

    async event(event, opts = {}) {
      const eventTime = opts.eventTime ?? Math.floor(now() / 1000);
      const eventId = opts.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
      const envelope = {
        token: 'legacy',
        team_id: teamId,
        context_team_id: teamId,
        context_enterprise_id: null,
        api_app_id: apiAppId,
        event: { event_ts: event.ts ?? `${eventTime}.000100`, ...event },
        type: 'event_callback',
        event_id: eventId,
        event_time: eventTime,
        authorizations: [
          { enterprise_id: null, team_id: teamId, user_id: botUserId, is_bot: true, is_enterprise_install: false },
        ],
        is_ext_shared_channel: false,
        event_context: `4-${randomBytes(12).toString('base64url')}`,
      };
      const retryHeaders: Record<string, string> =
        opts.retryNum !== undefined
          ? { 'X-Slack-Retry-Num': String(opts.retryNum), 'X-Slack-Retry-Reason': opts.retryReason ?? 'http_timeout' }
          : {};
      const res = await send(JSON.stringify(envelope), 'application/json', {
        ...opts,
        headers: { ...retryHeaders, ...opts.headers },
      });
      return { ...res, eventId };
    },

    urlVerification(challenge, opts) {
      return send(JSON.stringify({ token: 'legacy', challenge, type: 'url_verification' }), 'application/json', opts);
    },
  };
}
