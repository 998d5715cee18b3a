/** reactions.*: emoji on messages. */
import { SlackApiError, type Handler } from './wire.js';
import type { Workspace } from './workspace.js';

export function reactionsMethods(ws: Workspace): Record<string, Handler> {
  return {
    'reactions.add': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      const message = ws.findMessage(conv, args.str('timestamp'));
      const name = args.str('name');
      if (!name) throw new SlackApiError('invalid_name');
      const reaction = message.reactions.find((r) => r.name === name);
      if (reaction?.users.includes(ws.botUserId)) throw new SlackApiError('already_reacted');
      if (reaction) {
        reaction.users.push(ws.botUserId);
        reaction.count += 1;
      } else {
        message.reactions.push({ name, users: [ws.botUserId], count: 1 });
      }
      return {};
    },

    'reactions.get': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      const message = ws.findMessage(conv, args.str('timestamp'));
      // Slack answers with the message itself (reactions included) and a permalink.
      return {
        type: 'message',
        channel: conv.id,
        message: {
          ...ws.wireMessage(conv, message, false),
          permalink: `https://fake.slack.test/archives/${conv.id}/p${message.ts.replace('.', '')}`,
        },
      };
    },

    'reactions.remove': (args) => {
      const conv = ws.visibleConversation(args.str('channel'));
      const message = ws.findMessage(conv, args.str('timestamp'));
      const reaction = message.reactions.find((r) => r.name === args.str('name'));
      if (!reaction?.users.includes(ws.botUserId)) throw new SlackApiError('no_reaction');
      reaction.users = reaction.users.filter((u) => u !== ws.botUserId);
      reaction.count -= 1;
      if (reaction.count === 0) message.reactions.splice(message.reactions.indexOf(reaction), 1);
      return {};
    },
  };
}
