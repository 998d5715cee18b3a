import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../../logger.js';
import { type Reply, somethingWentWrong, tellClicker } from './respond.js';

const idValue = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);

/** What a button handler gets: who clicked, the button's value as its schema read it, and one way to answer them. */
export type ButtonClick<V> = {
  actor: string;
  value: V;
  triggerId: string;
  client: WebClient;
  /** Only the clicker sees it: in place under a message, else a notice modal or a DM (there, the text alone). */
  respond: (reply: Reply, replace?: boolean) => Promise<unknown>;
  /** The message the button is in, when it is in one. */
  message: { channel: string; ts: string } | undefined;
  /** The view (App Home or a modal) the button is in, when it is in one. */
  view: { id: string; hash: string } | undefined;
};

/**
 * A button: acknowledged first, a value its schema refuses ignored (a forged or stale button), the handler's
 * failure logged and answered with one "something went wrong" to the clicker (never a 5xx, never silence).
 */
export function button<V>(logger: Logger, value: z.ZodType<V>, fn: (click: ButtonClick<V>) => Promise<void>) {
  return async ({
    ack,
    body,
    action,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const v = value.safeParse(action.value);
    if (!v.success) return;
    const say = (reply: Reply, replace = false) => tellClicker({ body, respond, client, logger }, reply, replace);
    const { channel_id: channel, message_ts: ts } = (body.container ?? {}) as { channel_id?: unknown; message_ts?: unknown };
    try {
      await fn({
        actor: body.user.id,
        value: v.data,
        triggerId: body.trigger_id,
        client,
        respond: say,
        message: typeof channel === 'string' && typeof ts === 'string' ? { channel, ts } : undefined,
        view: body.view ? { id: body.view.id, hash: body.view.hash } : undefined,
      });
    } catch (err) {
      logger.error({ err, action: action.action_id }, 'action failed');
      await say(somethingWentWrong);
    }
  };
}

/** A button whose value is a row id. */
export const idButton = (logger: Logger, fn: (click: ButtonClick<number>) => Promise<void>) => button(logger, idValue, fn);
