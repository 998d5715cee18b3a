import type { RespondFn } from '@slack/bolt';
import type { KnownBlock, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../../logger.js';
import type { Services } from '../../../services/index.js';
import { requestKeyTtlMs } from '../../../services/outbox/request-keys.js';
import { unknownPerson } from '../../../services/outcome.js';
import { SlackCallError } from '../../../services/slack-port.js';

export const somethingWentWrong =
  'Something went wrong on our side and nothing was changed. Please try again in a minute; if it keeps happening, tell your program staff.';

export const userNotFound = unknownPerson().message;

/**
 * Slack gives every real invocation of a command a fresh trigger id, so a second request with the same
 * one is a replay (or a retry of one already answered): it is acknowledged and does nothing, not even
 * answer, so the person sees one confirmation.
 */
export async function onceForTrigger(services: Services, logger: Logger, triggerId: string): Promise<boolean> {
  if (await services.requestKeys.claim(`command:${triggerId}`, requestKeyTtlMs.command)) return true;
  logger.info('ignored a repeat of a command already handled (same trigger id)');
  return false;
}

/**
 * Runs the slow part of a command after ack() and answers the person: with the outcome (null: nothing to
 * say, a form opened), or — when the database or Slack failed — with a clear "try again" and a log line.
 */
export async function answerAfterAck(
  respond: RespondFn,
  logger: Logger,
  work: () => Promise<string | { text: string; blocks?: unknown[] } | null>,
): Promise<void> {
  let reply: string | { text: string; blocks?: unknown[] } | null;
  try {
    reply = await work();
  } catch (err) {
    if (
      err instanceof SlackCallError &&
      err.method === 'users.info' &&
      (err.failure.error === 'user_not_found' || err.failure.error === 'user_not_visible')
    ) {
      logger.info({ error: err.failure.error }, 'a command named someone Slack does not know');
      reply = userNotFound;
    } else {
      logger.error({ err }, 'command failed after ack');
      reply = somethingWentWrong;
    }
  }
  if (reply === null) return;
  const body = typeof reply === 'string' ? { text: reply } : reply;
  try {
    await respond({ response_type: 'ephemeral', replace_original: false, ...(body as { text: string }) });
  } catch (err) {
    logger.error({ err }, 'could not answer through response_url');
  }
}

/** What an action listener needs to answer the person who clicked, wherever the button was. */
export interface Clicker {
  body: { user: { id: string }; trigger_id?: string; response_url?: string; view?: { type?: string } };
  respond?: RespondFn;
  client: { views: Pick<WebClient['views'], 'open'>; chat: Pick<WebClient['chat'], 'postMessage'> };
  logger: Logger;
}

/** An answer to one person: text, or a message with blocks (shown only where it can be: in place, under a message). */
export type Reply = string | { text: string; blocks?: KnownBlock[] };

/**
 * Tells the clicker something only they see. Buttons in messages carry a response_url (an ephemeral
 * answer in place); buttons in App Home or a modal do not, so the answer's text opens as a small notice
 * modal on the click's trigger, and — when the trigger has lapsed — arrives as a DM from the bot.
 */
export async function tellClicker({ body, respond, client, logger }: Clicker, reply: Reply, replace = false): Promise<void> {
  const text = typeof reply === 'string' ? reply : reply.text;
  try {
    if (respond && body.response_url) {
      await respond({ response_type: 'ephemeral', replace_original: replace, ...(typeof reply === 'string' ? { text } : reply) });
      return;
    }
    if (body.trigger_id) {
      try {
        await client.views.open({ trigger_id: body.trigger_id, view: noticeModal(text) });
        return;
      } catch (err) {
        logger.warn({ err }, 'could not open a notice modal; sending a DM instead');
      }
    }
    await client.chat.postMessage({ channel: body.user.id, text });
  } catch (err) {
    logger.error({ err }, 'could not answer the person who clicked');
  }
}

function noticeModal(text: string): ModalView {
  const shown = text.length > 2900 ? `${text.slice(0, 2899)}…` : text;
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Tandem' },
    close: { type: 'plain_text', text: 'OK' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: shown } }],
  };
}

/** Opens a use-case's form on a trigger (a click or a command), or hands back its refusal to tell the person instead. */
export async function openForm(
  client: { views: Pick<WebClient['views'], 'open'> },
  triggerId: string,
  form: { ok: true; view: ModalView } | { ok: false; message: string },
): Promise<string | null> {
  if (!form.ok) return form.message;
  await client.views.open({ trigger_id: triggerId, view: form.view });
  return null;
}
