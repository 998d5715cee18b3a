/** views.*: modals and App Home. */
import { randomBytes } from 'node:crypto';
import { SlackApiError, isRecord, type Args, type Handler } from './wire.js';
import type { Workspace } from './workspace.js';

export function viewsMethods(ws: Workspace): Record<string, Handler> {
  const validateView = (args: Args, type: 'modal' | 'home'): Record<string, unknown> => {
    const view = args.json('view');
    const problems: string[] = [];
    if (!isRecord(view))
      throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
    if (view.type !== type) problems.push(`[ERROR] must be '${type}' [json-pointer:/view/type]`);
    const title = isRecord(view.title) ? view.title.text : undefined;
    if (type === 'modal' && (typeof title !== 'string' || title.length > 24)) {
      problems.push('[ERROR] must be a plain_text object of at most 24 characters [json-pointer:/view/title/text]');
    }
    if (!Array.isArray(view.blocks) || view.blocks.length > 100)
      problems.push('[ERROR] must be an array of at most 100 items [json-pointer:/view/blocks]');
    if (problems.length > 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: problems } });
    return view;
  };
  const storeView = (
    view: Record<string, unknown>,
    id: string,
    rootId: string,
    previousId: string | null,
  ): Record<string, unknown> => {
    const wire: Record<string, unknown> = {
      callback_id: '',
      private_metadata: '',
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
      ...structuredClone(view),
      id,
      team_id: ws.teamId,
      app_id: ws.appId,
      bot_id: ws.botId,
      app_installed_team_id: ws.teamId,
      state: { values: {} },
      hash: `${Math.floor(ws.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      root_view_id: rootId,
      previous_view_id: previousId,
    };
    ws.views.set(id, wire);
    return wire;
  };
  const requireTrigger = (args: Args): void => {
    const trigger = args.str('trigger_id') ?? args.str('interactivity_pointer');
    if (!trigger || trigger === 'expired') throw new SlackApiError('invalid_trigger_id');
  };
  return {
    'views.open': (args) => {
      requireTrigger(args);
      const id = ws.newId('V', ws.views);
      return { view: storeView(validateView(args, 'modal'), id, id, null) };
    },

    'views.push': (args) => {
      requireTrigger(args);
      const id = ws.newId('V', ws.views);
      return { view: storeView(validateView(args, 'modal'), id, id, null) };
    },

    'views.update': (args) => {
      const viewId = args.str('view_id');
      const externalId = args.str('external_id');
      const current = viewId
        ? ws.views.get(viewId)
        : [...ws.views.values()].find((v) => externalId !== undefined && v.external_id === externalId);
      if (!current) throw new SlackApiError('not_found');
      const hash = args.str('hash');
      if (hash !== undefined && hash !== current.hash) throw new SlackApiError('hash_conflict');
      const view = validateView(args, current.type === 'home' ? 'home' : 'modal');
      return {
        view: storeView(
          view,
          current.id as string,
          current.root_view_id as string,
          (current.previous_view_id as string | null) ?? null,
        ),
      };
    },

    'views.publish': (args) => {
      const userId = args.str('user_id');
      if (!userId) throw new SlackApiError('invalid_arguments');
      const view = validateView(args, 'home');
      const existingId = ws.homeViews.get(userId)?.id as string | undefined;
      const id = existingId ?? ws.newId('V', ws.views);
      const wire = storeView(view, id, id, null);
      ws.homeViews.set(userId, wire);
      return { view: wire };
    },
  };
}
