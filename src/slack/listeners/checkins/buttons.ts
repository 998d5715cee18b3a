import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { checkinNoteModal } from '../../../messages/checkin.js';
import { actionIds } from '../../../messages/ids.js';
import { somethingWentWrong, tellClicker } from '../kit/respond.js';

const answerValue = z.string().regex(/^\d{1,9}:(met|not_yet|rescheduled)$/);
const checkinIdValue = z.string().regex(/^\d{1,9}$/);

export function registerCheckinActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'checkin-actions' });

  app.action<BlockButtonAction>(new RegExp(`^${actionIds.checkinAnswer}:`), async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = answerValue.safeParse(action.value);
    if (!value.success) return;
    const [id, answer] = value.data.split(':') as [string, 'met' | 'not_yet' | 'rescheduled'];
    try {
      const where =
        body.container?.channel_id && body.container?.message_ts
          ? { channel: body.container.channel_id as string, ts: body.container.message_ts as string }
          : undefined;
      const r = await services.checkins.answer(body.user.id, Number(id), answer, where);
      if (!r.ok) {
        await tellClicker({ body, respond, client, logger: log }, r.message);
        return;
      }
      if (r.offer && respond) await respond({ response_type: 'ephemeral', replace_original: false, ...r.offer });
    } catch (err) {
      log.error({ err }, 'check-in answer failed');
      await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
    }
  });

  app.action<BlockButtonAction>(actionIds.checkinNote, async ({ ack, body, action, client, respond }) => {
    await ack();
    const value = checkinIdValue.safeParse(action.value);
    if (!value.success) return;
    try {
      const r = await services.checkins.noteDefaults(body.user.id, Number(value.data));
      if (!r.ok) {
        await tellClicker({ body, respond, client, logger: log }, r.message);
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: checkinNoteModal(Number(value.data), r.weekLabel, r.defaults),
      });
    } catch (err) {
      log.error({ err }, 'could not open the check-in note');
      await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
    }
  });
}
