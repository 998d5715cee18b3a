import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { filledValue } from '../../../messages/form-state.js';
import { matchIds } from '../../../messages/ids.js';
import { idButton } from '../kit/button.js';

/** A mentor's answer to a match request: Accept, or Decline with an optional reason in a small form. */
export function registerMatching(app: App, services: Services): void {
  const log = services.logger.child({ component: 'matching' });

  app.action<BlockButtonAction>(
    matchIds.accept,
    idButton(log, async ({ actor, id, respond }) => {
      const r = await services.matching.accept(actor, id);
      await respond(r.ok ? r.reply : r.message, r.ok);
    }),
  );
  app.action<BlockButtonAction>(
    matchIds.decline,
    idButton(log, async ({ actor, id, triggerId, client, respond }) => {
      const form = await services.matching.declineForm(actor, id);
      if (!form.ok) return void (await respond(form.message));
      await client.views.open({ trigger_id: triggerId, view: form.view });
    }),
  );

  app.view(matchIds.declineView, async ({ ack, body, view, client }) => {
    let requestId: number | null = null;
    try {
      requestId = z.object({ r: z.number().int().positive() }).parse(JSON.parse(view.private_metadata || 'null')).r;
    } catch {
      requestId = null;
    }
    if (!requestId) {
      await ack({ response_action: 'errors', errors: { [matchIds.reason]: 'This form is out of date; press Decline again.' } });
      return;
    }
    try {
      const r = await services.matching.decline(body.user.id, requestId, filledValue(view.state, matchIds.reason));
      if (!r.ok) {
        await ack({ response_action: 'errors', errors: { [matchIds.reason]: r.message } });
        return;
      }
      await ack();
      await client.chat
        .postMessage({ channel: body.user.id, text: r.reply })
        .catch((err: unknown) => log.warn({ err }, 'could not confirm the decline to the mentor'));
    } catch (err) {
      log.error({ err }, 'decline failed');
      await ack({
        response_action: 'errors',
        errors: { [matchIds.reason]: 'Something went wrong on our side; nothing was changed. Try again in a minute.' },
      }).catch((err: unknown) => log.warn({ err }, 'could not answer the form'));
    }
  });
}
