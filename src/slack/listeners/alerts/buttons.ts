import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { actionIds } from '../../../messages/ids.js';
import { somethingWentWrong, tellClicker } from '../kit/respond.js';

// `p<id>`: a pair's alert of the week; a bare number: one reason, on messages posted before those.
const alertIdValue = z.string().regex(/^p?\d{1,9}$/);
const pairingValue = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);
const actions = { [actionIds.alertAck]: 'ack', [actionIds.alertResolve]: 'resolve', [actionIds.alertSnooze]: 'snooze' } as const;

export function registerAlertActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'alert-actions' });
  for (const [actionId, verb] of Object.entries(actions)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const id = alertIdValue.safeParse(action.value);
      if (!id.success) return;
      try {
        const r = await services.alerts.act(body.user.id, id.data, verb);
        if (!r.ok) await tellClicker({ body, respond, client, logger: log }, r.message);
      } catch (err) {
        log.error({ err }, 'alert action failed');
        await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
      }
    });
  }

  app.action<BlockButtonAction>(actionIds.messagePair, async ({ ack, body, action, client, respond }) => {
    await ack();
    const v = pairingValue.safeParse(action.value);
    if (!v.success) return;
    const clicker = { body, respond, client, logger: log };
    try {
      const r = await services.reports.messagePair(body.user.id, v.data);
      if (!r.ok) return await tellClicker(clicker, r.message);
      await tellClicker(
        clicker,
        `<https://slack.com/app_redirect?channel=${r.channel}|Open your conversation> with <@${r.mentorId}> and <@${r.menteeId}>. Tandem said who opened it and why; what you write there is between the three of you.`,
      );
    } catch (err) {
      log.error({ err }, 'could not open a conversation with the pair');
      await tellClicker(clicker, somethingWentWrong);
    }
  });
}
