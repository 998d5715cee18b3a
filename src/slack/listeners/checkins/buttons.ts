import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { checkinNoteModal } from '../../../messages/checkin.js';
import { actionIds } from '../../../messages/ids.js';
import { button, idButton } from '../kit/button.js';

const answerValue = z
  .string()
  .regex(/^\d{1,9}:(met|not_yet|rescheduled)$/)
  .transform((v) => {
    const [id, answer] = v.split(':') as [string, 'met' | 'not_yet' | 'rescheduled'];
    return { checkinId: Number(id), answer };
  });

export function registerCheckinActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'checkin-actions' });

  app.action<BlockButtonAction>(
    new RegExp(`^${actionIds.checkinAnswer}:`),
    button(log, answerValue, async ({ actor, value, message, respond }) => {
      const r = await services.checkins.answer(actor, value.checkinId, value.answer, message);
      if (!r.ok) await respond(r.message);
      else if (r.offer) await respond(r.offer);
    }),
  );

  app.action<BlockButtonAction>(
    actionIds.checkinNote,
    idButton(log, async ({ actor, value: checkinId, triggerId, client, respond }) => {
      const r = await services.checkins.noteDefaults(actor, checkinId);
      if (!r.ok) return void (await respond(r.message));
      await client.views.open({ trigger_id: triggerId, view: checkinNoteModal(checkinId, r.weekLabel, r.defaults) });
    }),
  );
}
