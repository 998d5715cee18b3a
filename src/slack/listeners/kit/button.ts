import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../../logger.js';
import { somethingWentWrong, tellClicker } from './respond.js';

const idValue = z.string().regex(/^\d{1,9}$/);

/** What a button handler gets: who clicked, the id the button carries, and one way to answer them. */
export type IdButtonClick = {
  actor: string;
  id: number;
  triggerId: string;
  client: WebClient;
  respond: (text: string, replace?: boolean) => Promise<unknown>;
};

/**
 * A button whose value is a row id: acknowledged first, a malformed value ignored, the handler's failure
 * logged and answered with one "something went wrong" to the clicker (never a 5xx, never silence).
 */
export function idButton(logger: Logger, fn: (click: IdButtonClick) => Promise<void>) {
  return async ({
    ack,
    body,
    action,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const v = idValue.safeParse(action.value);
    if (!v.success) return;
    const say = (text: string, replace = false) => tellClicker({ body, respond, client, logger }, text, replace);
    try {
      await fn({ actor: body.user.id, id: Number(v.data), triggerId: body.trigger_id, client, respond: say });
    } catch (err) {
      logger.error({ err, action: action.action_id }, 'action failed');
      await say(somethingWentWrong);
    }
  };
}
