/** users.*: the people of the workspace. */
import { SlackApiError, paginate, type Handler } from './wire.js';
import type { Workspace } from './workspace.js';

export function usersMethods(ws: Workspace): Record<string, Handler> {
  return {
    'users.info': (args) => {
      const user = ws.users.get(args.str('user') ?? '');
      if (!user) throw new SlackApiError('user_not_found');
      return { user: ws.wireUser(user) };
    },

    'users.lookupByEmail': (args) => {
      const email = args.str('email')?.toLowerCase();
      const user = [...ws.users.values()].find((u) => email !== undefined && u.email?.toLowerCase() === email);
      if (!user) throw new SlackApiError('users_not_found');
      return { user: ws.wireUser(user) };
    },

    'users.list': (args) => {
      const { page, nextCursor } = paginate([...ws.users.values()], args, 200);
      return {
        members: page.map((u) => ws.wireUser(u)),
        cache_ts: Math.floor(ws.now() / 1000),
        response_metadata: { next_cursor: nextCursor },
      };
    },
  };
}
