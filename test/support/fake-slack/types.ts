/** What a test can arrange in, or read from, the fake Slack: its workspace model, recorded calls and faults. */
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
