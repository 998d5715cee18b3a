import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { ids, matchIds, rescheduleIds } from '../../../messages/ids.js';

type Value = { value?: string | null; selected_option?: { value?: string } | null; selected_date?: string | null; selected_time?: string | null; selected_options?: { value?: string }[] };
type Values = Record<string, Record<string, Value>>;
const read = (values: Values, block: string): string | null => {
  const v = values[block]?.[ids.value];
  const raw = v?.selected_option?.value ?? v?.selected_date ?? v?.selected_time ?? v?.value ?? null;
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
};

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
      const r = await services.matching.decline(body.user.id, requestId, read((view.state?.values ?? {}) as Values, matchIds.reason));
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
      const values = (view.state?.values ?? {}) as Values;
      const chosen: unknown = values[f.cancel]?.[ids.value]?.selected_options;
      const cancel = Array.isArray(chosen) && chosen.some((o: unknown) => typeof o === 'object' && o !== null && (o as { value?: unknown }).value === 'cancel');
      const r = await services.reschedules.reschedule(body.user.id, {
        pairingId: read(values, f.pairing) ?? '',
        originalDate: read(values, f.originalDate) ?? '',
        originalTime: read(values, f.originalTime) ?? '',
        cancel,
        newDate: read(values, f.newDate),
        newTime: read(values, f.newTime),
        reason: read(values, f.reason),
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
