import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { actionIds } from '../../../messages/ids.js';
import { button, idButton } from '../kit/button.js';

// `p<id>`: a pair's alert of the week; a bare number: one reason, on messages posted before those.
const alertIdValue = z.string().regex(/^p?\d{1,9}$/);
const actions = { [actionIds.alertAck]: 'ack', [actionIds.alertResolve]: 'resolve', [actionIds.alertSnooze]: 'snooze' } as const;

export function registerAlertActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'alert-actions' });
  for (const [actionId, verb] of Object.entries(actions)) {
    app.action<BlockButtonAction>(
      actionId,
      button(log, alertIdValue, async ({ actor, value, respond }) => {
        const r = await services.alerts.act(actor, value, verb);
        if (!r.ok) await respond(r.message);
      }),
    );
  }

  app.action<BlockButtonAction>(
    actionIds.messagePair,
    idButton(log, async ({ actor, value: pairingId, respond }) => {
      const r = await services.reports.messagePair(actor, pairingId);
      await respond(
        r.ok
          ? `<https://slack.com/app_redirect?channel=${r.channel}|Open your conversation> with <@${r.mentorId}> and <@${r.menteeId}>. Tandem said who opened it and why; what you write there is between the three of you.`
          : r.message,
      );
    }),
  );
}
