import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewOutput, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import type { Logger } from '../../../logger.js';

/** What a form's handler answers: nothing (the form closes), errors under fields, the next page, or work for after it closed. */
export type FormAnswer = void | { errors: Record<string, string> } | { update: ModalView } | { afterAck: () => Promise<unknown> };

export type FormSubmission<M> = {
  /** Who Slack says submitted: never anything carried in the view. */
  actor: string;
  meta: M;
  view: ViewOutput;
  client: WebClient;
  /** A message for the whole form, under the block that holds such messages. */
  refuse: (message: string) => { errors: Record<string, string> };
};

/** Slack waits three seconds for the answer to a submission; leave room for the network. */
export const submissionBudgetMs = 2_500;

const readJson = (s: string | undefined): unknown => {
  try {
    return JSON.parse(s || 'null');
  } catch {
    return null;
  }
};

/**
 * A modal's submission: its private_metadata read with `metadata` (JSON; a form that fails it is out of
 * date and is told so), the handler's answer given as Slack's `response_action`, and on a failure one
 * "something went wrong" under the form-wide block with a log line. With `budgetMs`, a handler slower
 * than that leaves the form open saying so (Slack waits three seconds), nothing typed lost.
 */
export function form<M = undefined>(
  logger: Logger,
  opts: {
    /** What private_metadata must hold; a form without it carries nothing there. */
    metadata?: z.ZodType<M>;
    /** What a form whose metadata does not pass is told. */
    outOfDate?: string;
    /** The block for form-wide messages: a block id, or one read off the submitted view. */
    formWide: string | ((view: ViewOutput) => string);
    /** The submit button's label, for "press it again". */
    submit: string;
    budgetMs?: number;
  },
  fn: (submission: FormSubmission<M>) => Promise<FormAnswer>,
) {
  return async ({ ack, body, view, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const formWide = typeof opts.formWide === 'string' ? opts.formWide : opts.formWide(view);
    const refuse = (message: string) => ({ errors: { [formWide]: message } });
    const meta = opts.metadata
      ? opts.metadata.safeParse(readJson(view.private_metadata))
      : { success: true as const, data: undefined as M };
    if (!meta.success)
      return void (await ack({
        response_action: 'errors',
        ...refuse(opts.outOfDate ?? 'This form is out of date. Close it and open it again.'),
      }));
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      if (opts.budgetMs !== undefined) timer = setTimeout(() => resolve('slow'), opts.budgetMs);
    });
    try {
      const answer = await Promise.race([fn({ actor: body.user.id, meta: meta.data, view, client, refuse }), slow]);
      if (answer === 'slow') {
        const text = `Tandem is slow to answer right now. Wait a moment and press “${opts.submit}” again; nothing you typed is lost.`;
        await ack({ response_action: 'errors', ...refuse(text) });
      } else if (answer && 'errors' in answer) await ack({ response_action: 'errors', errors: answer.errors });
      else if (answer && 'update' in answer) await ack({ response_action: 'update', view: answer.update });
      else {
        await ack();
        if (answer)
          await answer.afterAck().catch((err: unknown) => logger.warn({ err }, 'a form was saved, but what follows failed'));
      }
    } catch (err) {
      logger.error({ err, view: view.callback_id }, 'form failed');
      const text = `Something went wrong on our side; nothing was saved. Press “${opts.submit}” again in a minute.`;
      await ack({ response_action: 'errors', ...refuse(text) }).catch((err: unknown) =>
        logger.warn({ err }, 'could not answer the form'),
      );
    } finally {
      clearTimeout(timer);
    }
  };
}
