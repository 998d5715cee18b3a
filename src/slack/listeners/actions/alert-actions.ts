import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { actionIds } from '../../ids.js';
import { somethingWentWrong, tellClicker } from '../respond.js';

const alertIdValue = z.string().regex(/^\d{1,9}$/);
const actions = { [actionIds.alertAck]: 'ack', [actionIds.alertResolve]: 'resolve', [actionIds.alertSnooze]: 'snooze' } as const;

export function registerAlertActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'alert-actions' });
  for (const [actionId, verb] of Object.entries(actions)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const id = alertIdValue.safeParse(action.value);
      if (!id.success) return;
      try {
        const r = await services.alerts.act(body.user.id, Number(id.data), verb);
        if (!r.ok) await tellClicker({ body, respond, client, logger: log }, r.message);
      } catch (err) {
        log.error({ err }, 'alert action failed');
        await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
      }
    });
  }
}
