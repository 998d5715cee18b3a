import type { RespondFn } from '@slack/bolt';
import type { Logger } from '../../logger.js';

export const somethingWentWrong =
  'Something went wrong on our side and nothing was changed. Please try again in a minute; if it keeps happening, tell your program staff.';

/**
 * Runs the slow part of a command after ack() and always answers the person: with the outcome,
 * or — when the database or Slack failed — with a clear "try again" and a log line.
 */
export async function answerAfterAck(respond: RespondFn, logger: Logger, work: () => Promise<string | { text: string; blocks?: unknown[] }>): Promise<void> {
  let reply: string | { text: string; blocks?: unknown[] };
  try {
    reply = await work();
  } catch (err) {
    logger.error({ err }, 'command failed after ack');
    reply = somethingWentWrong;
  }
  const body = typeof reply === 'string' ? { text: reply } : reply;
  try {
    await respond({ response_type: 'ephemeral', replace_original: false, ...(body as { text: string }) });
  } catch (err) {
    logger.error({ err }, 'could not answer through response_url');
  }
}
