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
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authMethods } from './auth.js';
import { bareTimesIn, fakesToCheck, showsText } from './bare-times.js';
import { chatMethods } from './chat.js';
import { conversationsMethods } from './conversations.js';
import { filesMethods } from './files.js';
import { reactionsMethods } from './reactions.js';
import {
  UPLOAD_URL_METHOD,
  type Fault,
  type FakeSlackOptions,
  type RateLimits,
  type RecordedCall,
  type RecordedResponse,
  type WaitOptions,
} from './types.js';
import { usersMethods } from './users.js';
import { viewsMethods } from './views.js';
import { Args, SlackApiError, isRecord, parseFormValue, readBody, type Handler } from './wire.js';
import { Workspace } from './workspace.js';

/** The fake's HTTP side: routing, recording, injected faults and rate limits, over the workspace it holds. */
export class FakeSlack extends Workspace {
  readonly botToken: string;
  rateLimits: RateLimits | undefined;

  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** Clock times the bot showed without a date token or a zone (bare-times.ts); the test that ran fails on them. */
  readonly bareTimes: string[] = [];
  /** For the fake's own tests, which post whatever text they like. */
  ignoreBareTimes = false;
  /** Set by close(); the check after the test forgets a closed fake once it has read its bare times. */
  closed = false;

  private readonly server: Server;
  private readonly handlers: Record<string, Handler>;
  private readonly faults = new Map<string, Fault[]>();
  private outages: { fault: Fault; active: () => boolean }[] = [];
  private readonly emitter = new EventEmitter();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<(err: Error) => void>();
  /** Accepted chat.postMessage calls, for the sliding rate-limit windows. */
  private postLog: { at: number; channel: string }[] = [];

  constructor(options: FakeSlackOptions = {}) {
    super(options);
    this.botToken = options.botToken ?? 'xoxb-test-token';
    this.rateLimits = options.rateLimits;
    this.emitter.setMaxListeners(0);
    fakesToCheck.add(this);
    this.handlers = {
      ...authMethods(this),
      ...usersMethods(this),
      ...conversationsMethods(this),
      ...chatMethods(this),
      ...viewsMethods(this),
      ...reactionsMethods(this),
      ...filesMethods(this),
    };
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
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const reject of this.waiters) reject(new Error('fake Slack closed while waiting'));
    this.waiters.clear();
    // Keep-alive sockets from fetch and responses held by 'timeout' faults would otherwise keep close() pending.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
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

  waitForResponse(
    match: string | ((r: RecordedResponse) => boolean) = () => true,
    options: WaitOptions = {},
  ): Promise<RecordedResponse> {
    const predicate = typeof match === 'string' ? (r: RecordedResponse) => r.id === match : match;
    return this.waitUntil(
      'response',
      () => this.responses.slice(options.from ?? 0).find(predicate),
      options.timeoutMs ?? 2000,
      () =>
        `fake Slack: timed out waiting for a response_url post; ids seen: ${this.responses.map((r) => r.id).join(', ') || '(none)'}`,
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
    if (showsText(call.method)) this.bareTimes.push(...bareTimesIn(call.method, call.args));
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
  private async parseArgs(
    req: IncomingMessage,
    url: URL,
    body: Buffer,
  ): Promise<{ parsed: Record<string, unknown>; raw: Record<string, string> }> {
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
    if (token !== this.botToken)
      return { status: 200, response: { ok: false, error: 'invalid_auth' }, headers: {}, rateLimited: false };
    if (method === 'chat.postMessage') {
      const retryAfter = this.checkRateLimit(args.str('channel') ?? '');
      if (retryAfter !== undefined) {
        return {
          status: 429,
          response: { ok: false, error: 'ratelimited' },
          headers: { 'Retry-After': String(retryAfter) },
          rateLimited: true,
        };
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
    const base = {
      method: UPLOAD_URL_METHOD,
      args: { file_id: fileId, bytes: body.length },
      token: undefined,
      rateLimited: false,
    };
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
    this.bareTimes.push(...bareTimesIn('response_url', parsed));
    this.responses.push({ id, body: parsed, at: new Date() });
    this.emitter.emit('response');
    this.send(res, 200, { ok: true });
  }
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlack(options);
  await fake.listen();
  return fake;
}
