import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { filledValue, isChecked } from '../../../messages/form-state.js';
import { matchIds, rescheduleIds } from '../../../messages/ids.js';


export function registerLifecycleViews(app: App, services: Services): void {
  const log = services.logger.child({ component: 'lifecycle-views' });

  app.view(matchIds.declineView, async ({ ack, body, view, client }) => {
    let requestId: number | null = null;
    try {
      requestId = z.object({ r: z.number().int().positive() }).parse(JSON.parse(view.private_metadata || 'null')).r;
    } catch {
      requestId = null;
    }
    if (!requestId) {
      await ack({ response_action: 'errors', errors: { [matchIds.reason]: 'This form is out of date; press Decline again.' } });
      return;
    }
    try {
      const r = await services.matching.decline(body.user.id, requestId, filledValue(view.state, matchIds.reason));
      if (!r.ok) {
        await ack({ response_action: 'errors', errors: { [matchIds.reason]: r.message } });
        return;
      }
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: r.reply }).catch(() => undefined);
    } catch (err) {
      log.error({ err }, 'decline failed');
      await ack({ response_action: 'errors', errors: { [matchIds.reason]: 'Something went wrong on our side; nothing was changed. Try again in a minute.' } }).catch(() => undefined);
    }
  });

  app.view(rescheduleIds.view, async ({ ack, body, view }) => {
    const f = rescheduleIds.fields;
    try {
      const cancel = isChecked(view.state, f.cancel, 'cancel');
      const r = await services.reschedules.reschedule(body.user.id, {
        pairingId: filledValue(view.state, f.pairing) ?? '',
        originalDate: filledValue(view.state, f.originalDate) ?? '',
        originalTime: filledValue(view.state, f.originalTime) ?? '',
        cancel,
        newDate: filledValue(view.state, f.newDate),
        newTime: filledValue(view.state, f.newTime),
        reason: filledValue(view.state, f.reason),
      }, typeof view.id === 'string' && view.id !== '' ? services.requestKeys.viewKey(view.id) : undefined);
      if (!r.ok) {
        const map: Record<string, string> = { pairingId: f.pairing, originalDate: f.originalDate, originalTime: f.originalTime, newDate: f.newDate, newTime: f.newTime, reason: f.reason, cancel: f.cancel };
        const errors = 'errors' in r ? Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [map[k] ?? f.pairing, v])) : { [f.pairing]: r.message };
        await ack({ response_action: 'errors', errors });
        return;
      }
      await ack();
    } catch (err) {
      log.error({ err }, 'reschedule failed');
      await ack({ response_action: 'errors', errors: { [f.pairing]: 'Something went wrong on our side; nothing was changed. Try again in a minute.' } }).catch(() => undefined);
    }
  });
}
