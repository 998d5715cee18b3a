import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { filledValue } from '../../../messages/form-state.js';
import { matchIds } from '../../../messages/ids.js';
import { idButton } from '../kit/button.js';
import { form } from '../kit/form.js';
import { openForm } from '../kit/respond.js';

/** A mentor's answer to a match request: Accept, or Decline with an optional reason in a small form. */
export function registerMatching(app: App, services: Services): void {
  const log = services.logger.child({ component: 'matching' });

  app.action<BlockButtonAction>(
    matchIds.accept,
    idButton(log, async ({ actor, value: id, respond }) => {
      const r = await services.matching.accept(actor, id);
      await respond(r.ok ? r.reply : r.message, r.ok);
    }),
  );
  app.action<BlockButtonAction>(
    matchIds.decline,
    idButton(log, async ({ actor, value: id, triggerId, client, respond }) => {
      const problem = await openForm(client, triggerId, await services.matching.declineForm(actor, id));
      if (problem) await respond(problem);
    }),
  );

  app.view(
    matchIds.declineView,
    form(
      log,
      {
        metadata: z.object({ r: z.number().int().positive() }),
        formWide: matchIds.reason,
        outOfDate: 'This form is out of date; press Decline again.',
        submit: 'Decline',
      },
      async ({ actor, meta, view, client, refuse }) => {
        const r = await services.matching.decline(actor, meta.r, filledValue(view.state, matchIds.reason));
        if (!r.ok) return refuse(r.message);
        return { afterAck: () => client.chat.postMessage({ channel: actor, text: r.reply }) };
      },
    ),
  );
}
