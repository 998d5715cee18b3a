import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { awayIds, awayModal } from '../../../messages/away.js';
import { filledValue } from '../../../messages/form-state.js';
import type { Services } from '../../../services/index.js';
import { button } from '../kit/button.js';
import { form } from '../kit/form.js';
import { formErrors } from '../kit/form-errors.js';

/** Out of office from App Home: "I'm away" opens the form, "I'm back" ends it early. */
export function registerAway(app: App, services: Services): void {
  const log = services.logger.child({ component: 'away' });

  app.action<BlockButtonAction>(
    awayIds.open,
    button(log, z.unknown(), async ({ actor, triggerId, client }) => {
      const { today, away } = await services.away.current(actor);
      await client.views.open({ trigger_id: triggerId, view: awayModal(today, away) });
    }),
  );

  app.action<BlockButtonAction>(
    awayIds.back,
    button(log, z.unknown(), async ({ actor }) => {
      await services.away.back(actor);
      await services.home.publish(actor);
    }),
  );

  app.view(
    awayIds.view,
    form(log, { formWide: awayIds.until, submit: 'Save' }, async ({ actor, view }) => {
      const r = await services.away.setAway(actor, {
        until: filledValue(view.state, awayIds.until) ?? '',
        note: filledValue(view.state, awayIds.note),
      });
      if (!r.ok) return { errors: formErrors(r, { until: awayIds.until, note: awayIds.note }, awayIds.until) };
      return { afterAck: () => services.home.changedAround(actor) };
    }),
  );
}
