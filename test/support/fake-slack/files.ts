/** files.*: the two-step external upload (the bytes go to upload_url, served by server.ts). */
import { SlackApiError, isRecord, type Handler } from './wire.js';
import type { Workspace } from './workspace.js';

export function filesMethods(ws: Workspace): Record<string, Handler> {
  return {
    'files.getUploadURLExternal': (args) => {
      const filename = args.str('filename');
      const length = args.num('length');
      if (!filename || length === undefined) throw new SlackApiError('invalid_arguments');
      const id = ws.newId('F', new Map(ws.files.map((f) => [f.id, f])));
      const altText = args.str('alt_text');
      ws.files.push({ id, filename, length, completed: false, ...(altText ? { alt_text: altText } : {}) });
      return { upload_url: `${ws.origin}/upload/${id}`, file_id: id };
    },

    'files.completeUploadExternal': (args) => {
      const entries = args.json('files');
      if (!Array.isArray(entries) || entries.length === 0) throw new SlackApiError('invalid_arguments');
      const files = entries.map((entry) => {
        const file = isRecord(entry) ? ws.files.find((f) => f.id === entry.id) : undefined;
        if (!file?.content) throw new SlackApiError('file_not_found');
        return { file, title: isRecord(entry) && typeof entry.title === 'string' ? entry.title : undefined };
      });
      const channelId = args.str('channel_id') ?? args.str('channels');
      const conv = channelId ? ws.visibleConversation(channelId) : undefined;
      if (conv && !conv.members.includes(ws.botUserId)) throw new SlackApiError('not_in_channel');
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
        ws.storeMessage(conv, {
          user: ws.botUserId,
          bot_id: ws.botId,
          text: comment ?? '',
          thread_ts: threadTs,
          files: files.map(({ file }) => ({ id: file.id, name: file.filename, title: file.title ?? file.filename })),
        });
      }
      return { files: files.map(({ file }) => ws.wireFile(file)) };
    },
  };
}
