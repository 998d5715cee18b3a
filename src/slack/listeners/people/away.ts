import type { App, BlockButtonAction } from '@slack/bolt';
import { awayIds, awayModal } from '../../../messages/away.js';
import { filledValue } from '../../../messages/form-state.js';
import type { Services } from '../../../services/index.js';
import { formErrors } from '../kit/form-errors.js';
import { somethingWentWrong, tellClicker } from '../kit/respond.js';

/** Out of office from App Home: "I'm away" opens the form, "I'm back" ends it early. */
export function registerAway(app: App, services: Services): void {
  const log = services.logger.child({ component: 'away' });

  app.action<BlockButtonAction>(awayIds.open, async ({ ack, body, client, respond }) => {
    await ack();
    try {
      const { today, away } = await services.away.current(body.user.id);
      await client.views.open({ trigger_id: body.trigger_id, view: awayModal(today, away) });
    } catch (err) {
      log.error({ err }, 'could not open the away form');
      await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
    }
  });

  app.action<BlockButtonAction>(awayIds.back, async ({ ack, body, client, respond }) => {
    await ack();
    try {
      await services.away.back(body.user.id);
      await services.home.publish(body.user.id);
    } catch (err) {
      log.error({ err }, 'could not end an absence');
      await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
    }
  });

  app.view(awayIds.view, async ({ ack, body, view }) => {
    try {
      const r = await services.away.setAway(body.user.id, {
        until: filledValue(view.state, awayIds.until) ?? '',
        note: filledValue(view.state, awayIds.note),
      });
      if (!r.ok) {
        await ack({
          response_action: 'errors',
          errors: formErrors(r, { until: awayIds.until, note: awayIds.note }, awayIds.until),
        });
        return;
      }
      await ack();
      await services.home.changedAround(body.user.id);
    } catch (err) {
      log.error({ err }, 'could not save an absence');
      await ack({
        response_action: 'errors',
        errors: { [awayIds.until]: 'Something went wrong on our side; nothing was changed. Try again in a minute.' },
      }).catch((e: unknown) => log.warn({ err: e }, 'could not answer the form'));
    }
  });
}
