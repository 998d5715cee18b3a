import { formErrors } from '../kit/form-errors.js';
import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../../services/index.js';
import { filledValue, isChecked } from '../../../messages/form-state.js';
import { rescheduleIds } from '../../../messages/ids.js';
import { idButton } from '../kit/button.js';

export async function openRescheduleModal(
  services: Services,
  client: WebClient,
  actor: string,
  triggerId: string,
  pairingId?: number,
): Promise<string | null> {
  const form = await services.reschedules.form(actor, pairingId);
  if (!form.ok) return form.message;
  await client.views.open({ trigger_id: triggerId, view: form.view });
  return null;
}

/** Moving or cancelling a pair's meeting: the button (App Home, reminders) and the form. */
export function registerReschedule(app: App, services: Services): void {
  const log = services.logger.child({ component: 'reschedule' });
  app.action<BlockButtonAction>(
    rescheduleIds.open,
    idButton(log, async ({ actor, id, triggerId, client, respond }) => {
      const problem = await openRescheduleModal(services, client, actor, triggerId, id);
      if (problem) await respond(problem);
    }),
  );

  app.view(rescheduleIds.view, async ({ ack, body, view }) => {
    const f = rescheduleIds.fields;
    try {
      const cancel = isChecked(view.state, f.cancel, 'cancel');
      const r = await services.reschedules.reschedule(
        body.user.id,
        {
          pairingId: filledValue(view.state, f.pairing) ?? '',
          originalDate: filledValue(view.state, f.originalDate) ?? '',
          originalTime: filledValue(view.state, f.originalTime) ?? '',
          cancel,
          newDate: filledValue(view.state, f.newDate),
          newTime: filledValue(view.state, f.newTime),
          reason: filledValue(view.state, f.reason),
        },
        typeof view.id === 'string' && view.id !== '' ? services.requestKeys.viewKey(view.id) : undefined,
      );
      if (!r.ok) {
        await ack({
          response_action: 'errors',
          errors: formErrors(
            r,
            {
              pairingId: f.pairing,
              originalDate: f.originalDate,
              originalTime: f.originalTime,
              newDate: f.newDate,
              newTime: f.newTime,
              reason: f.reason,
              cancel: f.cancel,
            },
            f.pairing,
          ),
        });
        return;
      }
      await ack();
    } catch (err) {
      log.error({ err }, 'reschedule failed');
      await ack({
        response_action: 'errors',
        errors: { [f.pairing]: 'Something went wrong on our side; nothing was changed. Try again in a minute.' },
      }).catch((err: unknown) => log.warn({ err }, 'could not answer the form'));
    }
  });
}
