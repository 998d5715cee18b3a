import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import { normalizeInputStrings } from '../domain/input-text.js';
import type { Logger } from '../logger.js';
import { eventLeaseMs, requestKeyTtlMs, type RequestKeyService } from '../services/outbox/request-keys.js';

type Args = AnyMiddlewareArgs & { ack?: (response?: unknown) => Promise<void> };
type Matcher = string | RegExp | object;

/** Text typed into commands and forms is cleaned before any listener reads it. Events carry nothing we store as typed. */
export const normalizeRequestText: Middleware<AnyMiddlewareArgs> = async ({ body, next }) => {
  if ((body as { type?: unknown }).type !== 'event_callback') normalizeInputStrings(body);
  await next();
};

/**
 * Slack delivers an event again (X-Slack-Retry-Num, the same event_id) when our 200 was late or lost.
 * The first delivery to claim its event id, on any replica, handles it; the others stop here. The key
 * is leased while the handler runs and kept for an hour once it succeeded; a failure gives it back, so
 * Slack's next retry can try again.
 */
export function dedupeEvents(keys: RequestKeyService, logger: Logger): Middleware<AnyMiddlewareArgs> {
  const log = logger.child({ component: 'events' });
  return async ({ body, next }) => {
    const b = body as { type?: unknown; event_id?: unknown; event?: { type?: unknown } };
    if (b.type !== 'event_callback' || typeof b.event_id !== 'string' || b.event_id === '') return next();
    const key = `event:${b.event_id}`;
    if (!(await keys.claim(key, eventLeaseMs))) {
      log.debug({ eventId: b.event_id, type: b.event?.type }, 'event already handled; ignoring the repeat');
      return;
    }
    try {
      await next();
      await keys.extend(key, requestKeyTtlMs.event);
    } catch (err) {
      await keys.release(key);
      log.error({ err, eventId: b.event_id, type: b.event?.type }, 'event handling failed; Slack retries it');
    }
  };
}

export type ListenerIndex = { knowsAction: (actionId: string) => boolean; knowsView: (callbackId: string) => boolean };

/** Records the action ids and view callback ids listeners are registered for, as they are registered. */
export function indexListeners(app: App): ListenerIndex {
  const actions: Matcher[] = [];
  const views: Matcher[] = [];
  const action = app.action.bind(app) as (...args: unknown[]) => void;
  const view = app.view.bind(app) as (...args: unknown[]) => void;
  (app as { action: unknown }).action = (constraint: Matcher, ...rest: unknown[]) => {
    actions.push(constraint);
    action(constraint, ...rest);
  };
  (app as { view: unknown }).view = (constraint: Matcher, ...rest: unknown[]) => {
    views.push(constraint);
    view(constraint, ...rest);
  };
  // A constraint object (block_id, type, …) is not second-guessed: it counts as a match.
  const matches = (list: Matcher[], id: string) =>
    list.some((m) => (typeof m === 'string' ? m === id : m instanceof RegExp ? m.test(id) : true));
  return { knowsAction: (id) => matches(actions, id), knowsView: (id) => matches(views, id) };
}

/**
 * A button, form or shortcut no listener handles is acknowledged at once and logged, instead of
 * timing out after three seconds (Slack then shows the person a warning).
 */
export function acknowledgeUnknown(index: ListenerIndex, logger: Logger): Middleware<AnyMiddlewareArgs> {
  const log = logger.child({ component: 'interactions' });
  return async (args) => {
    const { body, next } = args;
    const ack = (args as Args).ack;
    const b = body as {
      type?: unknown;
      actions?: { action_id?: unknown }[];
      view?: { callback_id?: unknown };
      callback_id?: unknown;
    };
    let unknown: Record<string, unknown> | null = null;
    if (b.type === 'block_actions' && Array.isArray(b.actions)) {
      const ids = b.actions.map((a) => (typeof a?.action_id === 'string' ? a.action_id : ''));
      if (!ids.some((id) => index.knowsAction(id))) unknown = { actionIds: ids.map((id) => id.slice(0, 100)) };
    } else if (
      b.type === 'view_submission' &&
      !index.knowsView(typeof b.view?.callback_id === 'string' ? b.view.callback_id : '')
    ) {
      unknown = { callbackId: String(b.view?.callback_id ?? '').slice(0, 100) };
    } else if (
      b.type === 'view_closed' ||
      b.type === 'shortcut' ||
      b.type === 'message_action' ||
      b.type === 'block_suggestion'
    ) {
      // Tandem registers none of these.
      unknown = { callbackId: String(b.callback_id ?? b.view?.callback_id ?? '').slice(0, 100) };
    }
    if (!unknown || !ack) return next();
    log.info({ type: b.type, ...unknown }, 'acknowledged an interaction no listener handles');
    await ack();
  };
}
