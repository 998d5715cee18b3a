/**
 * The workspace the fake Slack holds (users, conversations with their messages, views, files) and the
 * model helpers the Web API method families use to read and change it, with Slack's own serializations.
 * Public members are meant for tests (arrange, inspect) and for the method families in this folder.
 */
import { randomBytes } from 'node:crypto';
import type { FakeConversation, FakeFile, FakeMessage, FakeSlackOptions, FakeUser } from './types.js';
import { Args, SlackApiError, formatTs, tsMicros, tzInfo } from './wire.js';

export class Workspace {
  readonly teamId: string;
  readonly teamName: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;

  readonly users = new Map<string, FakeUser>();
  readonly conversations = new Map<string, FakeConversation>();
  /** Every view opened/pushed/updated/published, by view id. */
  readonly views = new Map<string, Record<string, unknown>>();
  /** Latest App Home view per user, from views.publish. */
  readonly homeViews = new Map<string, Record<string, unknown>>();
  readonly files: FakeFile[] = [];

  /** Clock in milliseconds; drives message ts and rate-limit windows. */
  readonly now: () => number;
  /** Where the server listens (set by listen()); upload and response URLs point here. */
  origin = '';
  protected lastTsMicros = 0;
  protected idCounter = 0;

  constructor(options: FakeSlackOptions = {}) {
    this.teamId = options.teamId ?? 'T0TEAM';
    this.teamName = options.teamName ?? 'Fake Team';
    this.teamDomain = options.teamDomain ?? 'fake-team';
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'B0BOT';
    this.appId = options.appId ?? 'A0APP';
    this.now = options.now ?? Date.now;
    this.addUser({ id: this.botUserId, name: 'tandem', real_name: 'Tandem', is_bot: true, tz: 'UTC' });
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
  addChannel(spec: {
    id?: string;
    name?: string;
    is_private?: boolean;
    is_archived?: boolean;
    members?: string[];
  }): FakeConversation {
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

  // ----- model helpers ----------------------------------------------------------------------------

  newId(prefix: string, taken: Map<string, unknown>): string {
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

  storeMessage(
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
  findConversationFor(channel: string): FakeConversation | undefined {
    if (/^[UW]/.test(channel)) {
      return [...this.conversations.values()].find((c) => c.is_im && c.user === channel);
    }
    return this.conversations.get(channel);
  }

  /** Conversations the bot cannot see at all answer channel_not_found, as in Slack. */
  visibleConversation(channel: string | undefined): FakeConversation {
    const conv = channel ? this.conversations.get(channel) : undefined;
    if (!conv) throw new SlackApiError('channel_not_found');
    if (conv.is_private && !conv.members.includes(this.botUserId)) throw new SlackApiError('channel_not_found');
    return conv;
  }

  findMessage(conv: FakeConversation, ts: string | undefined): FakeMessage {
    const message = ts ? conv.messages.find((m) => m.ts === ts) : undefined;
    if (!message) throw new SlackApiError('message_not_found');
    return message;
  }

  openConversation(userIds: string[]): { conv: FakeConversation; existed: boolean } {
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

  wireUser(u: FakeUser): Record<string, unknown> {
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

  wireConversation(c: FakeConversation): Record<string, unknown> {
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
      ...(c.is_im
        ? { user: c.user, is_user_deleted: this.users.get(c.user ?? '')?.deleted ?? false }
        : { num_members: c.members.length }),
      context_team_id: this.teamId,
    };
  }

  /** Copies out of state so callers mutating a response cannot corrupt the fake. */
  wireMessage(conv: FakeConversation, m: FakeMessage, includeMetadata: boolean): Record<string, unknown> {
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

  wireFile(f: FakeFile): Record<string, unknown> {
    return {
      id: f.id,
      name: f.filename,
      title: f.title ?? f.filename,
      size: f.content?.length ?? f.length ?? 0,
      user: this.botUserId,
      permalink: `https://fake.slack.test/files/${this.botUserId}/${f.id}/${encodeURIComponent(f.filename)}`,
    };
  }

  filterByTime(messages: FakeMessage[], args: Args): FakeMessage[] {
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
}
