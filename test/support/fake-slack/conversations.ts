/** conversations.*: channels, DMs and group DMs, their members, history and threads. */
import { SlackApiError, paginate, type Handler } from './wire.js';
import type { Workspace } from './workspace.js';

export function conversationsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'conversations.open': (args) => {
      const channelId = args.str('channel');
      if (channelId) {
        const conv = ws.conversations.get(channelId);
        if (!conv || !(conv.is_im || conv.is_mpim)) throw new SlackApiError('channel_not_found');
        return { no_op: true, already_open: true, channel: { id: conv.id } };
      }
      const { conv, existed } = ws.openConversation((args.str('users') ?? '').split(','));
      const channel = args.bool('return_im') ? ws.wireConversation(conv) : { id: conv.id };
      return existed ? { no_op: true, already_open: true, channel } : { channel };
    },

    'conversations.info': (args) => ({ channel: ws.wireConversation(ws.visibleConversation(args.str('channel'))) }),

    'conversations.list': (args) => {
      const types = new Set((args.str('types') ?? 'public_channel').split(',').map((t) => t.trim()));
      const all = [...ws.conversations.values()].filter((c) => {
        if (args.bool('exclude_archived') && c.is_archived) return false;
        if (c.is_im) return types.has('im');
        if (c.is_mpim) return types.has('mpim') && c.members.includes(ws.botUserId);
        if (c.is_private) return types.has('private_channel') && c.members.includes(ws.botUserId);
        return types.has('public_channel');
      });
      const { page, nextCursor } = paginate(all, args, 100);
      return { channels: page.map((c) => ws.wireConversation(c)), response_metadata: { next_cursor: nextCursor } };
    },

    'conversations.join': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      if (conv.is_private || conv.is_im || conv.is_mpim) throw new SlackApiError('method_not_supported_for_channel_type');
      if (conv.is_archived) throw new SlackApiError('is_archived');
      if (!conv.members.includes(ws.botUserId)) conv.members.push(ws.botUserId);
      return { channel: ws.wireConversation(conv) };
    },

    'conversations.members': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      const { page, nextCursor } = paginate(conv.members, args, 100);
      return { members: page, response_metadata: { next_cursor: nextCursor } };
    },

    'conversations.history': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      if (!conv.members.includes(ws.botUserId)) throw new SlackApiError('not_in_channel');
      // Thread replies stay out of history unless broadcast to the channel, as in Slack.
      const topLevel = conv.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.subtype === 'thread_broadcast');
      const newestFirst = ws.filterByTime(topLevel, args).reverse();
      const { page, nextCursor } = paginate(newestFirst, args, 100);
      const withMetadata = args.bool('include_all_metadata');
      return {
        messages: page.map((m) => ws.wireMessage(conv, m, withMetadata)),
        has_more: nextCursor !== '',
        pin_count: 0,
        response_metadata: { next_cursor: nextCursor },
      };
    },

    'conversations.replies': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      const ts = args.str('ts');
      const target = conv.messages.find((m) => m.ts === ts);
      if (!target) throw new SlackApiError('thread_not_found');
      const rootTs = target.thread_ts ?? target.ts;
      const thread = conv.messages.filter((m) => m.ts === rootTs || m.thread_ts === rootTs);
      const { page, nextCursor } = paginate(ws.filterByTime(thread, args), args, 1000);
      const withMetadata = args.bool('include_all_metadata');
      return {
        messages: page.map((m) => ws.wireMessage(conv, m, withMetadata)),
        has_more: nextCursor !== '',
        response_metadata: { next_cursor: nextCursor },
      };
    },
  };
}
