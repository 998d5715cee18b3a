/** chat.*: posting, editing and deleting messages. */
import type { FakeConversation, FakeMessageMetadata } from './types.js';
import { SlackApiError, isRecord, type Args, type Handler } from './wire.js';
import type { Workspace } from './workspace.js';

export function chatMethods(ws: Workspace): Record<string, Handler> {
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
  const chatChannel = (args: Args): FakeConversation => {
    const channel = args.str('channel');
    if (!channel) throw new SlackApiError('channel_not_found');
    if (/^[UW]/.test(channel)) {
      const user = ws.users.get(channel);
      if (!user || user.deleted) throw new SlackApiError('channel_not_found');
      return ws.openConversation([channel]).conv;
    }
    return ws.visibleConversation(channel);
  };
  return {
    'chat.postMessage': (args) => {
      const conv = chatChannel(args);
      if (conv.is_archived) throw new SlackApiError('is_archived');
      if (!conv.members.includes(ws.botUserId)) throw new SlackApiError(conv.is_private ? 'channel_not_found' : 'not_in_channel');
      const text = args.str('text') ?? '';
      const blocks = validateBlocks(args.json('blocks'), 50);
      const attachments = args.json('attachments');
      if (!text && !blocks && !Array.isArray(attachments)) throw new SlackApiError('no_text');
      if (text.length > 40_000) throw new SlackApiError('msg_too_long');
      const threadTs = args.str('thread_ts');
      const message = ws.storeMessage(conv, {
        user: ws.botUserId,
        bot_id: ws.botId,
        text,
        blocks,
        attachments: Array.isArray(attachments) ? attachments : undefined,
        metadata: validateMetadata(args.json('metadata')),
        thread_ts: threadTs,
        subtype: threadTs && args.bool('reply_broadcast') ? 'thread_broadcast' : undefined,
      });
      // postMessage echoes the stored message, metadata included.
      return { channel: conv.id, ts: message.ts, message: ws.wireMessage(conv, message, true) };
    },

    'chat.update': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      const message = ws.findMessage(conv, args.str('ts'));
      if (message.user !== ws.botUserId) throw new SlackApiError('cant_update_message');
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
      message.edited = { user: ws.botUserId, ts: ws.nextTs() };
      return { channel: conv.id, ts: message.ts, text: message.text, message: ws.wireMessage(conv, message, true) };
    },

    'chat.delete': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      const message = ws.findMessage(conv, args.str('ts'));
      if (message.user !== ws.botUserId) throw new SlackApiError('cant_delete_message');
      conv.messages.splice(conv.messages.indexOf(message), 1);
      return { channel: conv.id, ts: message.ts };
    },

    // Ephemeral messages are invisible to history; the recorded call is the only trace, by design.
    'chat.postEphemeral': () => ({ message_ts: ws.nextTs() }),

    'chat.getPermalink': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      const message = ws.findMessage(conv, args.str('message_ts'));
      return { channel: conv.id, permalink: `https://fake.slack.test/archives/${conv.id}/p${message.ts.replace('.', '')}` };
    },
  };
}
