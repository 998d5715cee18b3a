/** auth.* and team.*: who the token belongs to. */
import type { Handler } from './wire.js';
import type { Workspace } from './workspace.js';

export function authMethods(ws: Workspace): Record<string, Handler> {
  return {
    'auth.test': () => ({
      url: `https://${ws.teamDomain}.slack.com/`,
      team: ws.teamName,
      user: ws.users.get(ws.botUserId)?.name ?? 'bot',
      team_id: ws.teamId,
      user_id: ws.botUserId,
      bot_id: ws.botId,
      is_enterprise_install: false,
    }),

    'team.info': () => ({ team: { id: ws.teamId, name: ws.teamName, domain: ws.teamDomain } }),
  };
}
