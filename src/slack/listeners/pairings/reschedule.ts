import { formErrors } from '../kit/form-errors.js';
import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Services } from '../../../services/index.js';
import { filledValue, isChecked } from '../../../messages/form-state.js';
import { rescheduleIds } from '../../../messages/ids.js';
import { idButton } from '../kit/button.js';
import { form } from '../kit/form.js';
import { openForm } from '../kit/respond.js';

// The service's field names -> the form's blocks.
const fieldBlocks = { ...rescheduleIds.fields, pairingId: rescheduleIds.fields.pairing };

export async function openRescheduleModal(
  services: Services,
  client: WebClient,
  actor: string,
  triggerId: string,
  pairingId?: number,
): Promise<string | null> {
  return openForm(client, triggerId, await services.reschedules.form(actor, pairingId));
}

/** Moving or cancelling a pair's meeting: the button (App Home, reminders) and the form. */
export function registerReschedule(app: App, services: Services): void {
  const log = services.logger.child({ component: 'reschedule' });
  app.action<BlockButtonAction>(
    rescheduleIds.open,
    idButton(log, async ({ actor, value: id, triggerId, client, respond }) => {
      const problem = await openRescheduleModal(services, client, actor, triggerId, id);
      if (problem) await respond(problem);
    }),
  );

  const f = rescheduleIds.fields;
  app.view(
    rescheduleIds.view,
    form(log, { formWide: f.pairing, submit: 'Tell my partner' }, async ({ actor, view }) => {
      const r = await services.reschedules.reschedule(
        actor,
        {
          pairingId: filledValue(view.state, f.pairing) ?? '',
          originalDate: filledValue(view.state, f.originalDate) ?? '',
          originalTime: filledValue(view.state, f.originalTime) ?? '',
          cancel: isChecked(view.state, f.cancel, 'cancel'),
          newDate: filledValue(view.state, f.newDate),
          newTime: filledValue(view.state, f.newTime),
          reason: filledValue(view.state, f.reason),
        },
        typeof view.id === 'string' && view.id !== '' ? services.requestKeys.viewKey(view.id) : undefined,
      );
      if (!r.ok) return { errors: formErrors(r, fieldBlocks, f.pairing) };
    }),
  );
}
