/**
 * A fake Slack Web API for tests: a real HTTP server (node:http) that speaks Slack's wire format,
 * so the bot's own WebClient (pointed at `fake.url` via `slackApiUrl`) is exercised end to end —
 * serialization, auth header, HTTP status handling, retries — instead of a mocked method table.
 *
 * Everything a test might want to look at or arrange is public and mutable: users, conversations
 * (with their messages), views, files, recorded calls and response_url posts.
 *
 * Usage:
 *   const fake = await startFakeSlack();
 *   fake.addUser({ id: 'U1', name: 'ada' });
 *   fake.addChannel({ id: 'C1', name: 'mentoring', members: ['UBOT', 'U1'] });
 *   const client = new WebClient('xoxb-test-token', { slackApiUrl: fake.url });
 *   ...
 *   await fake.close();
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface FakeUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  /** IANA zone, e.g. 'America/New_York'. */
  tz: string;
  tz_label: string;
  /** Seconds east of UTC, as Slack reports it (e.g. -18000 for New York in winter). */
  tz_offset: number;
  is_bot: boolean;
  deleted: boolean;
  email?: string;
}

export interface FakeMessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** A previous version of a message, kept on every chat.update so tests can inspect the edit history. */
export interface FakeMessageVersion {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: FakeMessageMetadata;
  replacedAt: Date;
}

export interface FakeReaction {
  name: string;
  users: string[];
  count: number;
}

export interface FakeMessage {
  /** '1700000000.000100' form; strictly increasing across the whole fake. */
  ts: string;
  channel: string;
  /** Author; the bot user id for messages the bot posted. */
  user: string;
  /** Set on messages posted through the API (i.e. by the bot). */
  bot_id?: string;
  subtype?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: FakeMessageMetadata;
  /** Set on thread replies (to the parent's ts). Parents get thread_ts only on the wire. */
  thread_ts?: string;
  files?: { id: string; name: string; title: string }[];
  edited?: { user: string; ts: string };
  /** Earlier versions, oldest first. */
  edits: FakeMessageVersion[];
  reactions: FakeReaction[];
}

export interface FakeConversation {
  id: string;
  name?: string;
  is_channel: boolean;
  is_private: boolean;
  is_im: boolean;
  is_mpim: boolean;
  is_archived: boolean;
  /** For IMs: the human on the other side. */
  user?: string;
  members: string[];
  /** Chronological (oldest first), thread replies included. */
  messages: FakeMessage[];
  created: number;
}

export interface FakeFile {
  id: string;
  filename: string;
  title?: string;
  length?: number;
  alt_text?: string;
  /** The bytes POSTed to upload_url (undefined until then). */
  content?: Buffer;
  /** True once files.completeUploadExternal accepted it. */
  completed: boolean;
  channel_id?: string;
  initial_comment?: string;
  thread_ts?: string;
}

export type Fault =
  | { kind: 'ratelimited'; retryAfter: number }
  | { kind: 'server_error'; status?: number }
  /** Hold the response `ms` (Infinity: until close). The call's effect still happens at once — see handleApi. */
  | { kind: 'timeout'; ms: number }
  | { kind: 'error'; error: string };

export interface RecordedCall {
  method: string;
  /** Request arguments; form values that look like JSON arrays/objects are parsed, other values stay strings. */
  args: Record<string, unknown>;
  token: string | undefined;
  at: Date;
  status: number;
  response: unknown;
  /** True when the configured rateLimits (not an injected fault) rejected the call. */
  rateLimited: boolean;
  /** The injected fault that shaped this call's answer, if any. */
  fault?: Fault['kind'];
}

export interface RecordedResponse {
  id: string;
  body: unknown;
  at: Date;
}

export interface RateLimits {
  perChannelPerSecond?: number;
  perWorkspacePerMinute?: number;
}

export interface FakeSlackOptions {
  teamId?: string;
  teamName?: string;
  teamDomain?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  botToken?: string;
  /** Applies to chat.postMessage only (Slack's "special" tier). Mutable later via `fake.rateLimits`. */
  rateLimits?: RateLimits;
  /** Clock in milliseconds (default Date.now); drives message ts and rate-limit windows. */
  now?: () => number;
}

export interface WaitOptions {
  /** Default 2000. */
  timeoutMs?: number;
  /** Only consider calls at or after this index of `fake.calls` (e.g. `fake.calls.length` taken earlier). */
  from?: number;
}

/** Method name under which uploads to an upload_url are recorded (and can be targeted by `inject`). */
export const UPLOAD_URL_METHOD = 'upload_url';

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

/** Thrown by method handlers; becomes HTTP 200 `{ok:false,error}` as Slack does. */
class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

/**
 * Request arguments with typed accessors. String-ish reads go to the raw value so a text that
 * happens to look like JSON (e.g. '[1,2]') is never mangled by the JSON-parsing done for `args`.
 */
class Args {
  constructor(
    readonly parsed: Record<string, unknown>,
    private readonly raw: Record<string, string>,
  ) {}

  str(key: string): string | undefined {
    const v = this.raw[key];
    return v === undefined || v === '' ? undefined : v;
  }

  bool(key: string): boolean {
    const v = this.raw[key];
    return v === 'true' || v === '1';
  }

  num(key: string): number | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  json(key: string): unknown {
    return this.parsed[key];
  }
}

type Handler = (args: Args) => Record<string, unknown>;

const JSON_LIKE = /^\s*[[{]/;

function parseFormValue(value: string): unknown {
  if (!JSON_LIKE.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Slack ts -> integer microseconds (NaN when unparseable). Comparing strings would break on '9.x' vs '10.x'. */
function tsMicros(ts: string): number {
  const [sec = '', frac = ''] = ts.split('.');
  if (!/^\d+$/.test(sec) || !/^\d*$/.test(frac)) return Number.NaN;
  return Number(sec) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
}

function formatTs(micros: number): string {
  const sec = Math.floor(micros / 1_000_000);
  const frac = micros - sec * 1_000_000;
  return `${sec}.${String(frac).padStart(6, '0')}`;
}

/** Cursor = base64 offset; opaque to clients, like Slack's. */
function paginate<T>(items: T[], args: Args, defaultLimit: number): { page: T[]; nextCursor: string } {
  const limit = Math.max(1, Math.min(args.num('limit') || defaultLimit, 1000));
  const cursor = args.str('cursor');
  let offset = 0;
  if (cursor !== undefined) {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!decoded?.[1]) throw new SlackApiError('invalid_cursor');
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit;
  return { page, nextCursor: next < items.length ? Buffer.from(`offset:${next}`).toString('base64') : '' };
}

function tzInfo(tz: string, at: Date): { offset: number; label: string } {
  try {
    const offsetName =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const label =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? tz;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetName);
    const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
    return { offset, label };
  } catch {
    return { offset: 0, label: tz };
  }
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

export class FakeSlack {
  readonly teamId: string;
  readonly teamName: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly botToken: string;
  rateLimits: RateLimits | undefined;

  readonly users = new Map<string, FakeUser>();
  readonly conversations = new Map<string, FakeConversation>();
  /** Every view opened/pushed/updated/published, by view id. */
  readonly views = new Map<string, Record<string, unknown>>();
  /** Latest App Home view per user, from views.publish. */
  readonly homeViews = new Map<string, Record<string, unknown>>();
  readonly files: FakeFile[] = [];
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];

  private readonly server: Server;
  private readonly now: () => number;
  private readonly handlers: Record<string, Handler>;
  private readonly faults = new Map<string, Fault[]>();
  private outages: { fault: Fault; active: () => boolean }[] = [];
  private readonly emitter = new EventEmitter();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<(err: Error) => void>();
  /** Accepted chat.postMessage calls, for the sliding rate-limit windows. */
  private postLog: { at: number; channel: string }[] = [];
  private lastTsMicros = 0;
  private idCounter = 0;
  private origin = '';

  constructor(options: FakeSlackOptions = {}) {
    this.teamId = options.teamId ?? 'T0TEAM';
    this.teamName = options.teamName ?? 'Fake Team';
    this.teamDomain = options.teamDomain ?? 'fake-team';
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'B0BOT';
    this.appId = options.appId ?? 'A0APP';
    this.botToken = options.botToken ?? 'xoxb-test-token';
    this.rateLimits = options.rateLimits;
    this.now = options.now ?? Date.now;
    this.emitter.setMaxListeners(0);
    this.addUser({ id: this.botUserId, name: 'tandem', real_name: 'Tandem', is_bot: true, tz: 'UTC' });
    this.handlers = this.buildHandlers();
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        // A bug in the fake must be loud, not look like a Slack outage the bot should survive.
        console.error('fake-slack internal error', err);
        if (!res.headersSent) this.send(res, 500, { ok: false, error: 'fake_slack_internal_error' });
      });
    });
  }

  /** WebClient `slackApiUrl` form, with trailing slash. */
  get url(): string {
    return `${this.origin}/api/`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const reject of this.waiters) reject(new Error('fake Slack closed while waiting'));
    this.waiters.clear();
    // Keep-alive sockets from fetch and responses held by 'timeout' faults would otherwise keep close() pending.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ----- state helpers --------------------------------------------------------------------------

  addUser(partial: Partial<FakeUser> = {}): FakeUser {
    const id = partial.id ?? this.newId('U', this.users);
    const tz = partial.tz ?? 'America/New_York';
    const info = tzInfo(tz, new Date(this.now()));
    const name = partial.name ?? id.toLowerCase();
    const user: FakeUser = {
      id,
      team_id: this.teamId,
      name,
      real_name: name,
      tz,
      tz_label: info.label,
      tz_offset: info.offset,
      is_bot: false,
      deleted: false,
      ...partial,
    };
    this.users.set(id, user);
    return user;
  }

  /** `members` is taken as given; when omitted the channel holds just the bot. */
  addChannel(spec: { id?: string; name?: string; is_private?: boolean; is_archived?: boolean; members?: string[] }): FakeConversation {
    const id = spec.id ?? this.newId(spec.is_private ? 'G' : 'C', this.conversations);
    const conv: FakeConversation = {
      id,
      name: spec.name ?? id.toLowerCase(),
      is_channel: true,
      is_private: spec.is_private ?? false,
      is_im: false,
      is_mpim: false,
      is_archived: spec.is_archived ?? false,
      members: [...(spec.members ?? [this.botUserId])],
      messages: [],
      created: Math.floor(this.now() / 1000),
    };
    this.conversations.set(id, conv);
    return conv;
  }

  /** Simulate a human posting (stores it only — delivering the event to the bot is the signer's job). */
  postAs(userId: string, channel: string, text: string, extra: { thread_ts?: string; blocks?: unknown[] } = {}): FakeMessage {
    const conv = /^[UW]/.test(channel) ? this.openConversation([channel]).conv : this.conversations.get(channel);
    if (!conv) throw new Error(`postAs: unknown conversation ${channel}`);
    return this.storeMessage(conv, { user: userId, text, blocks: extra.blocks, thread_ts: extra.thread_ts });
  }

  /** The Events API `message` event Slack would deliver for a stored message. */
  messageEvent(message: FakeMessage): Record<string, unknown> {
    const conv = this.conversations.get(message.channel);
    const channelType = !conv ? 'channel' : conv.is_im ? 'im' : conv.is_mpim ? 'mpim' : conv.is_private ? 'group' : 'channel';
    return {
      type: 'message',
      channel: message.channel,
      user: message.user,
      text: message.text,
      ts: message.ts,
      event_ts: message.ts,
      channel_type: channelType,
      team: this.teamId,
      client_msg_id: randomBytes(16).toString('hex'),
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    };
  }

  /** Simulate a human reacting to a message (stores it only — delivering the event is the signer's job). */
  reactAs(userId: string, message: FakeMessage, name: string): Record<string, unknown> {
    const conv = this.conversations.get(message.channel);
    const stored = conv?.messages.find((m) => m.ts === message.ts);
    if (!stored) throw new Error(`reactAs: unknown message ${message.ts}`);
    const reaction = stored.reactions.find((r) => r.name === name);
    if (reaction && !reaction.users.includes(userId)) {
      reaction.users.push(userId);
      reaction.count += 1;
    } else if (!reaction) {
      stored.reactions.push({ name, users: [userId], count: 1 });
    }
    return this.reactionEvent(userId, stored, name);
  }

  /** The Events API `reaction_added` event Slack would deliver for a reaction on a stored message. */
  reactionEvent(userId: string, message: FakeMessage, name: string, eventTs: string = this.nextTs()): Record<string, unknown> {
    return {
      type: 'reaction_added',
      user: userId,
      reaction: name,
      item_user: message.user,
      item: { type: 'message', channel: message.channel, ts: message.ts },
      event_ts: eventTs,
    };
  }

  /** A response_url served by this fake; POSTs to it land in `fake.responses`. */
  responseUrl(id: string = `R${++this.idCounter}`): string {
    return `${this.origin}/response/${encodeURIComponent(id)}`;
  }

  // ----- recording & faults ---------------------------------------------------------------------

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Clears recorded calls, response_url posts, injected faults and rate-limit windows; keeps workspace state. */
  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.faults.clear();
    this.outages = [];
    this.postLog = [];
    // Tests that rewind their clock between cases get timestamps from that clock again.
    this.lastTsMicros = 0;
  }

  /** Queue `times` copies of `fault` for `method` ('*' = any method); consumed FIFO, exact method first. */
  inject(method: string, fault: Fault, times = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  waitFor(match: string | ((call: RecordedCall) => boolean), options: WaitOptions = {}): Promise<RecordedCall> {
    const predicate = typeof match === 'string' ? (c: RecordedCall) => c.method === match : match;
    const what = typeof match === 'string' ? `call to ${match}` : 'matching call';
    return this.waitUntil(
      'call',
      () => this.calls.slice(options.from ?? 0).find(predicate),
      options.timeoutMs ?? 2000,
      () => {
        const counts = new Map<string, number>();
        for (const c of this.calls) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
        const seen = [...counts].map(([m, n]) => `${m} x${n}`).join(', ') || '(none)';
        return `fake Slack: timed out waiting for ${what}; methods seen: ${seen}`;
      },
    );
  }

  waitForResponse(match: string | ((r: RecordedResponse) => boolean) = () => true, options: WaitOptions = {}): Promise<RecordedResponse> {
    const predicate = typeof match === 'string' ? (r: RecordedResponse) => r.id === match : match;
    return this.waitUntil(
      'response',
      () => this.responses.slice(options.from ?? 0).find(predicate),
      options.timeoutMs ?? 2000,
      () => `fake Slack: timed out waiting for a response_url post; ids seen: ${this.responses.map((r) => r.id).join(', ') || '(none)'}`,
    );
  }

  private waitUntil<T>(event: string, find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const existing = find();
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise<T>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.emitter.off(event, check);
        this.waiters.delete(fail);
      };
      const fail = (err: Error): void => {
        cleanup();
        reject(err);
      };
      const check = (): void => {
        const found = find();
        if (found === undefined) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => fail(new Error(describe())), timeoutMs);
      this.emitter.on(event, check);
      this.waiters.add(fail);
    });
  }

  /** While `active()` is true, every Web API call gets `fault` (an outage measured on the test's own clock). */
  outage(fault: Fault, active: () => boolean): void {
    this.outages.push({ fault, active });
  }

  private takeFault(method: string): Fault | undefined {
    const down = this.outages.find((o) => o.active());
    if (down) return down.fault;
    for (const key of [method, '*']) {
      const queue = this.faults.get(key);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  private record(call: Omit<RecordedCall, 'at'>): void {
    this.calls.push({ ...call, at: new Date() });
    this.emitter.emit('call');
  }

  // ----- HTTP plumbing ----------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin || 'http://127.0.0.1');
    const body = await readBody(req);
    const [, kind, rest] = /^\/(api|upload|response)\/(.+)$/.exec(url.pathname) ?? [];
    if (kind === 'api' && rest) return this.handleApi(rest, req, res, url, body);
    if (kind === 'upload' && rest) return this.handleUpload(decodeURIComponent(rest), req, res, body);
    if (kind === 'response' && rest) return this.handleResponseUrl(decodeURIComponent(rest), res, body);
    this.send(res, 404, { ok: false, error: 'not_found' });
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    // The client may have given up (its own timeout) while a fault held the response.
    if (res.destroyed || res.writableEnded) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...headers,
    });
    res.end(text);
  }

  /** Accepts x-www-form-urlencoded (WebClient's default), JSON, multipart, and query-string GETs. */
  private async parseArgs(req: IncomingMessage, url: URL, body: Buffer): Promise<{ parsed: Record<string, unknown>; raw: Record<string, string> }> {
    const parsed: Record<string, unknown> = {};
    const raw: Record<string, string> = {};
    const addString = (k: string, v: string): void => {
      raw[k] = v;
      parsed[k] = parseFormValue(v);
    };
    for (const [k, v] of url.searchParams) addString(k, v);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    if (body.length === 0) return { parsed, raw };
    if (contentType.includes('application/json')) {
      const value: unknown = JSON.parse(body.toString('utf8'));
      if (isRecord(value)) {
        for (const [k, v] of Object.entries(value)) {
          parsed[k] = v;
          raw[k] = typeof v === 'string' ? v : JSON.stringify(v);
        }
      }
    } else if (contentType.includes('multipart/form-data')) {
      for (const [k, v] of await this.parseMultipart(contentType, body)) {
        if (typeof v === 'string') addString(k, v);
      }
    } else {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) addString(k, v);
    }
    return { parsed, raw };
  }

  /** Reuses the runtime's fetch machinery as a multipart parser rather than hand-rolling one. */
  private parseMultipart(contentType: string, body: Buffer): Promise<FormData> {
    return new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData();
  }

  private async handleApi(method: string, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    let parsedArgs: { parsed: Record<string, unknown>; raw: Record<string, string> };
    try {
      parsedArgs = await this.parseArgs(req, url, body);
    } catch {
      const response = { ok: false, error: 'invalid_json' };
      this.record({ method, args: {}, token: undefined, status: 200, response, rateLimited: false });
      return this.send(res, 200, response);
    }
    const { parsed, raw } = parsedArgs;
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : raw.token;
    // The token is recorded separately; keeping it out of args keeps assertions on args simple.
    delete parsed.token;
    delete raw.token;
    const base = { method, args: parsed, token, rateLimited: false };

    const fault = this.takeFault(method);
    if (fault?.kind === 'ratelimited') {
      const response = { ok: false, error: 'ratelimited' };
      this.record({ ...base, status: 429, response, fault: fault.kind });
      return this.send(res, 429, response, { 'Retry-After': String(fault.retryAfter) });
    }
    if (fault?.kind === 'server_error') {
      const status = fault.status ?? 500;
      const response = { ok: false, error: status === 503 ? 'service_unavailable' : 'internal_error' };
      this.record({ ...base, status, response, fault: fault.kind });
      return this.send(res, status, response);
    }
    if (fault?.kind === 'error') {
      const response = { ok: false, error: fault.error };
      this.record({ ...base, status: 200, response, fault: fault.kind });
      return this.send(res, 200, response);
    }

    const { status, response, headers, rateLimited } = this.execute(method, new Args(parsed, raw), token);
    this.record({ ...base, status, response, rateLimited, ...(fault ? { fault: fault.kind } : {}) });

    if (fault?.kind === 'timeout') {
      // The effect has already happened: like real Slack, the message may be posted even though the
      // caller never sees the answer — exactly the case retry/idempotency logic must cope with.
      if (fault.ms === Infinity) return; // held until close() tears the socket down
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(res, status, response, headers);
      }, fault.ms);
      this.timers.add(timer);
      return;
    }
    this.send(res, status, response, headers);
  }

  private execute(
    method: string,
    args: Args,
    token: string | undefined,
  ): { status: number; response: Record<string, unknown>; headers: Record<string, string>; rateLimited: boolean } {
    const handler = this.handlers[method];
    if (!handler) return { status: 200, response: { ok: false, error: 'unknown_method' }, headers: {}, rateLimited: false };
    if (!token) return { status: 200, response: { ok: false, error: 'not_authed' }, headers: {}, rateLimited: false };
    if (token !== this.botToken) return { status: 200, response: { ok: false, error: 'invalid_auth' }, headers: {}, rateLimited: false };
    if (method === 'chat.postMessage') {
      const retryAfter = this.checkRateLimit(args.str('channel') ?? '');
      if (retryAfter !== undefined) {
        return { status: 429, response: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': String(retryAfter) }, rateLimited: true };
      }
    }
    try {
      return { status: 200, response: { ok: true, ...handler(args) }, headers: {}, rateLimited: false };
    } catch (err) {
      if (err instanceof SlackApiError) {
        return { status: 200, response: { ok: false, error: err.code, ...err.extra }, headers: {}, rateLimited: false };
      }
      throw err;
    }
  }

  /** Sliding windows over accepted posts; returns Retry-After seconds when over a limit. */
  private checkRateLimit(channelArg: string): number | undefined {
    const limits = this.rateLimits;
    if (!limits) return undefined;
    // Key by the resolved conversation so posting to 'U1' and to the IM 'D…' share one budget.
    const channel = this.findConversationFor(channelArg)?.id ?? channelArg;
    const now = this.now();
    this.postLog = this.postLog.filter((p) => p.at > now - 60_000);
    const wait = (oldest: number, windowMs: number): number => Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    if (limits.perChannelPerSecond !== undefined) {
      const recent = this.postLog.filter((p) => p.channel === channel && p.at > now - 1000);
      if (recent.length >= limits.perChannelPerSecond) return wait(recent[0]?.at ?? now, 1000);
    }
    if (limits.perWorkspacePerMinute !== undefined && this.postLog.length >= limits.perWorkspacePerMinute) {
      return wait(this.postLog[0]?.at ?? now, 60_000);
    }
    this.postLog.push({ at: now, channel });
    return undefined;
  }

  private async handleUpload(fileId: string, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const fault = this.takeFault(UPLOAD_URL_METHOD);
    const base = { method: UPLOAD_URL_METHOD, args: { file_id: fileId, bytes: body.length }, token: undefined, rateLimited: false };
    if (fault && fault.kind !== 'timeout') {
      const status = fault.kind === 'ratelimited' ? 429 : fault.kind === 'server_error' ? (fault.status ?? 500) : 500;
      this.record({ ...base, status, response: 'error', fault: fault.kind });
      return this.send(res, status, 'error');
    }
    const file = this.files.find((f) => f.id === fileId);
    if (!file) {
      this.record({ ...base, status: 404, response: 'not found' });
      return this.send(res, 404, 'not found');
    }
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let content = body;
    // WebClient sends the bytes as a multipart field named 'body'; raw bodies are accepted too.
    if (contentType.includes('multipart/form-data')) {
      const form = await this.parseMultipart(contentType, body);
      const part = form.get('body') ?? form.get('file') ?? [...form.values()][0];
      content = typeof part === 'string' ? Buffer.from(part) : part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    file.content = content;
    const response = `OK - ${content.length}`;
    this.record({ ...base, status: 200, response, ...(fault ? { fault: fault.kind } : {}) });
    if (fault?.kind === 'timeout') {
      if (fault.ms === Infinity) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(res, 200, response);
      }, fault.ms);
      this.timers.add(timer);
      return;
    }
    this.send(res, 200, response);
  }

  private handleResponseUrl(id: string, res: ServerResponse, body: Buffer): void {
    const text = body.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      // Legacy senders post `payload=<json>` forms; keep anything else as raw text.
      const payload = new URLSearchParams(text).get('payload');
      if (payload !== null) parsed = parseFormValue(payload);
    }
    this.responses.push({ id, body: parsed, at: new Date() });
    this.emitter.emit('response');
    this.send(res, 200, { ok: true });
  }

  // ----- model helpers ----------------------------------------------------------------------------

  private newId(prefix: string, taken: Map<string, unknown>): string {
    let id: string;
    do {
      id = `${prefix}${String(++this.idCounter).padStart(8, '0')}`;
    } while (taken.has(id));
    return id;
  }

  nextTs(): string {
    const micros = Math.max(Math.floor(this.now() * 1000), this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return formatTs(micros);
  }

  private storeMessage(
    conv: FakeConversation,
    m: Partial<Omit<FakeMessage, 'ts' | 'channel' | 'edits' | 'reactions'>> & { user: string; text: string },
  ): FakeMessage {
    const message: FakeMessage = { ...m, ts: this.nextTs(), channel: conv.id, edits: [], reactions: [] };
    for (const key of Object.keys(message) as (keyof FakeMessage)[]) {
      if (message[key] === undefined) delete message[key];
    }
    conv.messages.push(message);
    return message;
  }

  /** Finds (never creates) the conversation a chat.* `channel` argument refers to. */
  private findConversationFor(channel: string): FakeConversation | undefined {
    if (/^[UW]/.test(channel)) {
      return [...this.conversations.values()].find((c) => c.is_im && c.user === channel);
    }
    return this.conversations.get(channel);
  }

  /** Conversations the bot cannot see at all answer channel_not_found, as in Slack. */
  private visibleConversation(channel: string | undefined): FakeConversation {
    const conv = channel ? this.conversations.get(channel) : undefined;
    if (!conv) throw new SlackApiError('channel_not_found');
    if (conv.is_private && !conv.members.includes(this.botUserId)) throw new SlackApiError('channel_not_found');
    return conv;
  }

  private findMessage(conv: FakeConversation, ts: string | undefined): FakeMessage {
    const message = ts ? conv.messages.find((m) => m.ts === ts) : undefined;
    if (!message) throw new SlackApiError('message_not_found');
    return message;
  }

  private openConversation(userIds: string[]): { conv: FakeConversation; existed: boolean } {
    const ids = [...new Set(userIds.map((u) => u.trim()).filter(Boolean))];
    if (ids.length === 0) throw new SlackApiError('users_list_not_supplied');
    const humans = ids.filter((id) => id !== this.botUserId);
    if (humans.length === 0) throw new SlackApiError('cannot_dm_bot');
    for (const id of humans) {
      const user = this.users.get(id);
      if (!user) throw new SlackApiError('user_not_found');
      if (user.is_bot) throw new SlackApiError('cannot_dm_bot');
      if (user.deleted) throw new SlackApiError('user_disabled');
    }
    if (humans.length === 1) {
      const user = humans[0] as string;
      const existing = [...this.conversations.values()].find((c) => c.is_im && c.user === user);
      if (existing) return { conv: existing, existed: true };
      const conv: FakeConversation = {
        id: this.newId('D', this.conversations),
        is_channel: false,
        is_private: true,
        is_im: true,
        is_mpim: false,
        is_archived: false,
        user,
        members: [user, this.botUserId],
        messages: [],
        created: Math.floor(this.now() / 1000),
      };
      this.conversations.set(conv.id, conv);
      return { conv, existed: false };
    }
    if (humans.length > 8) throw new SlackApiError('too_many_users');
    const key = [...humans, this.botUserId].sort().join(',');
    const existing = [...this.conversations.values()].find((c) => c.is_mpim && [...c.members].sort().join(',') === key);
    if (existing) return { conv: existing, existed: true };
    const names = [...humans, this.botUserId].map((id) => this.users.get(id)?.name ?? id);
    const conv: FakeConversation = {
      id: this.newId('G', this.conversations),
      name: `mpdm-${names.join('--')}-1`,
      is_channel: false,
      is_private: true,
      is_im: false,
      is_mpim: true,
      is_archived: false,
      members: [...humans, this.botUserId],
      messages: [],
      created: Math.floor(this.now() / 1000),
    };
    this.conversations.set(conv.id, conv);
    return { conv, existed: false };
  }

  private wireUser(u: FakeUser): Record<string, unknown> {
    return {
      id: u.id,
      team_id: u.team_id,
      name: u.name,
      deleted: u.deleted,
      real_name: u.real_name,
      tz: u.tz,
      tz_label: u.tz_label,
      tz_offset: u.tz_offset,
      is_bot: u.is_bot,
      is_admin: false,
      is_owner: false,
      is_app_user: false,
      updated: Math.floor(this.now() / 1000),
      profile: {
        real_name: u.real_name,
        real_name_normalized: u.real_name,
        display_name: u.name,
        display_name_normalized: u.name,
        ...(u.email ? { email: u.email } : {}),
        ...(u.is_bot && u.id === this.botUserId ? { bot_id: this.botId } : {}),
        team: u.team_id,
      },
    };
  }

  private wireConversation(c: FakeConversation): Record<string, unknown> {
    return {
      id: c.id,
      ...(c.name !== undefined ? { name: c.name, name_normalized: c.name } : {}),
      created: c.created,
      is_channel: c.is_channel,
      is_group: false,
      is_im: c.is_im,
      is_mpim: c.is_mpim,
      is_private: c.is_private,
      is_archived: c.is_archived,
      is_general: false,
      is_member: c.members.includes(this.botUserId),
      ...(c.is_im ? { user: c.user, is_user_deleted: this.users.get(c.user ?? '')?.deleted ?? false } : { num_members: c.members.length }),
      context_team_id: this.teamId,
    };
  }

  /** Copies out of state so callers mutating a response cannot corrupt the fake. */
  private wireMessage(conv: FakeConversation, m: FakeMessage, includeMetadata: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = { type: 'message', ts: m.ts, user: m.user, text: m.text, team: this.teamId };
    if (m.subtype) out.subtype = m.subtype;
    if (m.bot_id) {
      out.bot_id = m.bot_id;
      out.app_id = this.appId;
    }
    if (m.blocks) out.blocks = structuredClone(m.blocks);
    if (m.attachments) out.attachments = structuredClone(m.attachments);
    if (m.files) out.files = structuredClone(m.files);
    if (m.edited) out.edited = { ...m.edited };
    if (m.reactions.length > 0) out.reactions = m.reactions.map((r) => ({ ...r, users: [...r.users] }));
    if (m.thread_ts) out.thread_ts = m.thread_ts;
    const replies = conv.messages.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts);
    if (replies.length > 0) {
      out.thread_ts = m.ts;
      out.reply_count = replies.length;
      out.reply_users = [...new Set(replies.map((r) => r.user))];
      out.reply_users_count = (out.reply_users as string[]).length;
      out.latest_reply = replies[replies.length - 1]?.ts;
    }
    // Slack only returns metadata from history/replies when include_all_metadata=true.
    if (includeMetadata && m.metadata) out.metadata = structuredClone(m.metadata);
    return out;
  }

  private wireFile(f: FakeFile): Record<string, unknown> {
    return {
      id: f.id,
      name: f.filename,
      title: f.title ?? f.filename,
      size: f.content?.length ?? f.length ?? 0,
      user: this.botUserId,
      permalink: `https://fake.slack.test/files/${this.botUserId}/${f.id}/${encodeURIComponent(f.filename)}`,
    };
  }

  private filterByTime(messages: FakeMessage[], args: Args): FakeMessage[] {
    const inclusive = args.bool('inclusive');
    const oldestArg = args.str('oldest');
    const latestArg = args.str('latest');
    const oldest = oldestArg === undefined ? -Infinity : tsMicros(oldestArg);
    const latest = latestArg === undefined ? Infinity : tsMicros(latestArg);
    return messages.filter((m) => {
      const t = tsMicros(m.ts);
      return (inclusive ? t >= oldest : t > oldest) && (inclusive ? t <= latest : t < latest);
    });
  }

  // ----- method handlers ---------------------------------------------------------------------------

  private buildHandlers(): Record<string, Handler> {
    const validateBlocks = (blocks: unknown, max: number): unknown[] | undefined => {
      if (blocks === undefined) return undefined;
      if (!Array.isArray(blocks) || blocks.length > max || !blocks.every((b) => isRecord(b) && typeof b.type === 'string')) {
        throw new SlackApiError('invalid_blocks');
      }
      return blocks;
    };
    const validateMetadata = (metadata: unknown): FakeMessageMetadata | undefined => {
      if (metadata === undefined) return undefined;
      if (!isRecord(metadata) || typeof metadata.event_type !== 'string' || !isRecord(metadata.event_payload)) {
        throw new SlackApiError('invalid_metadata_format');
      }
      return { event_type: metadata.event_type, event_payload: metadata.event_payload };
    };
    const validateView = (args: Args, type: 'modal' | 'home'): Record<string, unknown> => {
      const view = args.json('view');
      const problems: string[] = [];
      if (!isRecord(view)) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
      if (view.type !== type) problems.push(`[ERROR] must be '${type}' [json-pointer:/view/type]`);
      const title = isRecord(view.title) ? view.title.text : undefined;
      if (type === 'modal' && (typeof title !== 'string' || title.length > 24)) {
        problems.push('[ERROR] must be a plain_text object of at most 24 characters [json-pointer:/view/title/text]');
      }
      if (!Array.isArray(view.blocks) || view.blocks.length > 100) problems.push('[ERROR] must be an array of at most 100 items [json-pointer:/view/blocks]');
      if (problems.length > 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: problems } });
      return view;
    };
    const storeView = (view: Record<string, unknown>, id: string, rootId: string, previousId: string | null): Record<string, unknown> => {
      const wire: Record<string, unknown> = {
        callback_id: '',
        private_metadata: '',
        external_id: '',
        clear_on_close: false,
        notify_on_close: false,
        ...structuredClone(view),
        id,
        team_id: this.teamId,
        app_id: this.appId,
        bot_id: this.botId,
        app_installed_team_id: this.teamId,
        state: { values: {} },
        hash: `${Math.floor(this.now() / 1000)}.${randomBytes(4).toString('hex')}`,
        root_view_id: rootId,
        previous_view_id: previousId,
      };
      this.views.set(id, wire);
      return wire;
    };
    const requireTrigger = (args: Args): void => {
      const trigger = args.str('trigger_id') ?? args.str('interactivity_pointer');
      if (!trigger || trigger === 'expired') throw new SlackApiError('invalid_trigger_id');
    };
    const chatChannel = (args: Args): FakeConversation => {
      const channel = args.str('channel');
      if (!channel) throw new SlackApiError('channel_not_found');
      if (/^[UW]/.test(channel)) {
        const user = this.users.get(channel);
        if (!user || user.deleted) throw new SlackApiError('channel_not_found');
        return this.openConversation([channel]).conv;
      }
      return this.visibleConversation(channel);
    };

    return {
      'auth.test': () => ({
        url: `https://${this.teamDomain}.slack.com/`,
        team: this.teamName,
        user: this.users.get(this.botUserId)?.name ?? 'bot',
        team_id: this.teamId,
        user_id: this.botUserId,
        bot_id: this.botId,
        is_enterprise_install: false,
      }),

      'team.info': () => ({ team: { id: this.teamId, name: this.teamName, domain: this.teamDomain } }),

      'users.info': (args) => {
        const user = this.users.get(args.str('user') ?? '');
        if (!user) throw new SlackApiError('user_not_found');
        return { user: this.wireUser(user) };
      },

      'users.lookupByEmail': (args) => {
        const email = args.str('email')?.toLowerCase();
        const user = [...this.users.values()].find((u) => email !== undefined && u.email?.toLowerCase() === email);
        if (!user) throw new SlackApiError('users_not_found');
        return { user: this.wireUser(user) };
      },

      'users.list': (args) => {
        const { page, nextCursor } = paginate([...this.users.values()], args, 200);
        return { members: page.map((u) => this.wireUser(u)), cache_ts: Math.floor(this.now() / 1000), response_metadata: { next_cursor: nextCursor } };
      },

      'conversations.open': (args) => {
        const channelId = args.str('channel');
        if (channelId) {
          const conv = this.conversations.get(channelId);
          if (!conv || !(conv.is_im || conv.is_mpim)) throw new SlackApiError('channel_not_found');
          return { no_op: true, already_open: true, channel: { id: conv.id } };
        }
        const { conv, existed } = this.openConversation((args.str('users') ?? '').split(','));
        const channel = args.bool('return_im') ? this.wireConversation(conv) : { id: conv.id };
        return existed ? { no_op: true, already_open: true, channel } : { channel };
      },

      'conversations.info': (args) => ({ channel: this.wireConversation(this.visibleConversation(args.str('channel'))) }),

      'conversations.list': (args) => {
        const types = new Set((args.str('types') ?? 'public_channel').split(',').map((t) => t.trim()));
        const all = [...this.conversations.values()].filter((c) => {
          if (args.bool('exclude_archived') && c.is_archived) return false;
          if (c.is_im) return types.has('im');
          if (c.is_mpim) return types.has('mpim') && c.members.includes(this.botUserId);
          if (c.is_private) return types.has('private_channel') && c.members.includes(this.botUserId);
          return types.has('public_channel');
        });
        const { page, nextCursor } = paginate(all, args, 100);
        return { channels: page.map((c) => this.wireConversation(c)), response_metadata: { next_cursor: nextCursor } };
      },

      'conversations.join': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        if (conv.is_private || conv.is_im || conv.is_mpim) throw new SlackApiError('method_not_supported_for_channel_type');
        if (conv.is_archived) throw new SlackApiError('is_archived');
        if (!conv.members.includes(this.botUserId)) conv.members.push(this.botUserId);
        return { channel: this.wireConversation(conv) };
      },

      'conversations.members': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        const { page, nextCursor } = paginate(conv.members, args, 100);
        return { members: page, response_metadata: { next_cursor: nextCursor } };
      },

      'conversations.history': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        if (!conv.members.includes(this.botUserId)) throw new SlackApiError('not_in_channel');
        // Thread replies stay out of history unless broadcast to the channel, as in Slack.
        const topLevel = conv.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast');
        const newestFirst = this.filterByTime(topLevel, args).reverse();
        const { page, nextCursor } = paginate(newestFirst, args, 100);
        const withMetadata = args.bool('include_all_metadata');
        return {
          messages: page.map((m) => this.wireMessage(conv, m, withMetadata)),
          has_more: nextCursor !== '',
          pin_count: 0,
          response_metadata: { next_cursor: nextCursor },
        };
      },

      'conversations.replies': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        const ts = args.str('ts');
        const target = conv.messages.find((m) => m.ts === ts);
        if (!target) throw new SlackApiError('thread_not_found');
        const rootTs = target.thread_ts ?? target.ts;
        const thread = conv.messages.filter((m) => m.ts === rootTs || m.thread_ts === rootTs);
        const { page, nextCursor } = paginate(this.filterByTime(thread, args), args, 1000);
        const withMetadata = args.bool('include_all_metadata');
        return {
          messages: page.map((m) => this.wireMessage(conv, m, withMetadata)),
          has_more: nextCursor !== '',
          response_metadata: { next_cursor: nextCursor },
        };
      },

      'chat.postMessage': (args) => {
        const conv = chatChannel(args);
        if (conv.is_archived) throw new SlackApiError('is_archived');
        if (!conv.members.includes(this.botUserId)) throw new SlackApiError(conv.is_private ? 'channel_not_found' : 'not_in_channel');
        const text = args.str('text') ?? '';
        const blocks = validateBlocks(args.json('blocks'), 50);
        const attachments = args.json('attachments');
        if (!text && !blocks && !Array.isArray(attachments)) throw new SlackApiError('no_text');
        if (text.length > 40_000) throw new SlackApiError('msg_too_long');
        const threadTs = args.str('thread_ts');
        const message = this.storeMessage(conv, {
          user: this.botUserId,
          bot_id: this.botId,
          text,
          blocks,
          attachments: Array.isArray(attachments) ? attachments : undefined,
          metadata: validateMetadata(args.json('metadata')),
          thread_ts: threadTs,
          subtype: threadTs && args.bool('reply_broadcast') ? 'thread_broadcast' : undefined,
        });
        // postMessage echoes the stored message, metadata included.
        return { channel: conv.id, ts: message.ts, message: this.wireMessage(conv, message, true) };
      },

      'chat.update': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        const message = this.findMessage(conv, args.str('ts'));
        if (message.user !== this.botUserId) throw new SlackApiError('cant_update_message');
        const blocks = validateBlocks(args.json('blocks'), 50);
        const attachments = args.json('attachments');
        const metadata = validateMetadata(args.json('metadata'));
        message.edits.push({
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
          ...(message.attachments ? { attachments: message.attachments } : {}),
          ...(message.metadata ? { metadata: message.metadata } : {}),
          replacedAt: new Date(),
        });
        // Omitted fields keep their previous value, as chat.update does.
        const text = args.str('text');
        if (text !== undefined) message.text = text;
        if (blocks) message.blocks = blocks;
        if (Array.isArray(attachments)) message.attachments = attachments;
        if (metadata) message.metadata = metadata;
        message.edited = { user: this.botUserId, ts: this.nextTs() };
        return { channel: conv.id, ts: message.ts, text: message.text, message: this.wireMessage(conv, message, true) };
      },

      'chat.delete': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        const message = this.findMessage(conv, args.str('ts'));
        if (message.user !== this.botUserId) throw new SlackApiError('cant_delete_message');
        conv.messages.splice(conv.messages.indexOf(message), 1);
        return { channel: conv.id, ts: message.ts };
      },

      // Ephemeral messages are invisible to history; the recorded call is the only trace, by design.
      'chat.postEphemeral': () => ({ message_ts: this.nextTs() }),

      'chat.getPermalink': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        const message = this.findMessage(conv, args.str('message_ts'));
        return { channel: conv.id, permalink: `https://fake.slack.test/archives/${conv.id}/p${message.ts.replace('.', '')}` };
      },

      'views.open': (args) => {
        requireTrigger(args);
        const id = this.newId('V', this.views);
        return { view: storeView(validateView(args, 'modal'), id, id, null) };
      },

      'views.push': (args) => {
        requireTrigger(args);
        const id = this.newId('V', this.views);
        return { view: storeView(validateView(args, 'modal'), id, id, null) };
      },

      'views.update': (args) => {
        const viewId = args.str('view_id');
        const externalId = args.str('external_id');
        const current = viewId
          ? this.views.get(viewId)
          : [...this.views.values()].find((v) => externalId !== undefined && v.external_id === externalId);
        if (!current) throw new SlackApiError('not_found');
        const hash = args.str('hash');
        if (hash !== undefined && hash !== current.hash) throw new SlackApiError('hash_conflict');
        const view = validateView(args, current.type === 'home' ? 'home' : 'modal');
        return { view: storeView(view, current.id as string, current.root_view_id as string, (current.previous_view_id as string | null) ?? null) };
      },

      'views.publish': (args) => {
        const userId = args.str('user_id');
        if (!userId) throw new SlackApiError('invalid_arguments');
        const view = validateView(args, 'home');
        const existingId = this.homeViews.get(userId)?.id as string | undefined;
        const id = existingId ?? this.newId('V', this.views);
        const wire = storeView(view, id, id, null);
        this.homeViews.set(userId, wire);
        return { view: wire };
      },

      'reactions.add': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        const message = this.findMessage(conv, args.str('timestamp'));
        const name = args.str('name');
        if (!name) throw new SlackApiError('invalid_name');
        const reaction = message.reactions.find((r) => r.name === name);
        if (reaction?.users.includes(this.botUserId)) throw new SlackApiError('already_reacted');
        if (reaction) {
          reaction.users.push(this.botUserId);
          reaction.count += 1;
        } else {
          message.reactions.push({ name, users: [this.botUserId], count: 1 });
        }
        return {};
      },

      'reactions.get': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        const message = this.findMessage(conv, args.str('timestamp'));
        // Slack answers with the message itself (reactions included) and a permalink.
        return {
          type: 'message',
          channel: conv.id,
          message: { ...this.wireMessage(conv, message, false), permalink: `https://fake.slack.test/archives/${conv.id}/p${message.ts.replace('.', '')}` },
        };
      },

      'reactions.remove': (args) => {
        const conv = this.visibleConversation(args.str('channel'));
        const message = this.findMessage(conv, args.str('timestamp'));
        const reaction = message.reactions.find((r) => r.name === args.str('name'));
        if (!reaction?.users.includes(this.botUserId)) throw new SlackApiError('no_reaction');
        reaction.users = reaction.users.filter((u) => u !== this.botUserId);
        reaction.count -= 1;
        if (reaction.count === 0) message.reactions.splice(message.reactions.indexOf(reaction), 1);
        return {};
      },

      'files.getUploadURLExternal': (args) => {
        const filename = args.str('filename');
        const length = args.num('length');
        if (!filename || length === undefined) throw new SlackApiError('invalid_arguments');
        const id = this.newId('F', new Map(this.files.map((f) => [f.id, f])));
        const altText = args.str('alt_text');
        this.files.push({ id, filename, length, completed: false, ...(altText ? { alt_text: altText } : {}) });
        return { upload_url: `${this.origin}/upload/${id}`, file_id: id };
      },

      'files.completeUploadExternal': (args) => {
        const entries = args.json('files');
        if (!Array.isArray(entries) || entries.length === 0) throw new SlackApiError('invalid_arguments');
        const files = entries.map((entry) => {
          const file = isRecord(entry) ? this.files.find((f) => f.id === entry.id) : undefined;
          if (!file?.content) throw new SlackApiError('file_not_found');
          return { file, title: isRecord(entry) && typeof entry.title === 'string' ? entry.title : undefined };
        });
        const channelId = args.str('channel_id') ?? args.str('channels');
        const conv = channelId ? this.visibleConversation(channelId) : undefined;
        if (conv && !conv.members.includes(this.botUserId)) throw new SlackApiError('not_in_channel');
        const comment = args.str('initial_comment');
        const threadTs = args.str('thread_ts');
        for (const { file, title } of files) {
          file.title = title ?? file.filename;
          file.completed = true;
          if (conv) file.channel_id = conv.id;
          if (comment !== undefined) file.initial_comment = comment;
          if (threadTs !== undefined) file.thread_ts = threadTs;
        }
        // Sharing to a channel shows up as a bot message carrying the files, like Slack's file share.
        if (conv) {
          this.storeMessage(conv, {
            user: this.botUserId,
            bot_id: this.botId,
            text: comment ?? '',
            thread_ts: threadTs,
            files: files.map(({ file }) => ({ id: file.id, name: file.filename, title: file.title ?? file.filename })),
          });
        }
        return { files: files.map(({ file }) => this.wireFile(file)) };
      },
    };
  }
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(options);
  await fake.listen();
  return fake;
}
