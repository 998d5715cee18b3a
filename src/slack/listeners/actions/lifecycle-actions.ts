import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { counted } from '../../../messages/text.js';
import { homeIds, matchIds, rescheduleIds } from '../../../messages/ids.js';
import { somethingWentWrong, tellClicker } from '../respond.js';

const idValue = z.string().regex(/^\d{1,9}$/);

export async function openRescheduleModal(services: Services, client: WebClient, actor: string, triggerId: string, pairingId?: number): Promise<string | null> {
  const form = await services.reschedules.form(actor, pairingId);
  if (!form.ok) return form.message;
  await client.views.open({ trigger_id: triggerId, view: form.view });
  return null;
}

export function registerLifecycleActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'lifecycle-actions' });
  const guarded =
    (fn: (args: { actor: string; id: number; triggerId: string; client: WebClient; respond: (text: string, replace?: boolean) => Promise<unknown> }) => Promise<void>) =>
    async ({ ack, body, action, client, respond }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
      await ack();
      const v = idValue.safeParse(action.value);
      if (!v.success) return;
      const say = (text: string, replace = false) => tellClicker({ body, respond, client, logger: log }, text, replace);
      try {
        await fn({ actor: body.user.id, id: Number(v.data), triggerId: body.trigger_id, client, respond: say });
      } catch (err) {
        log.error({ err, action: action.action_id }, 'action failed');
        await say(somethingWentWrong);
      }
    };

  app.action<BlockButtonAction>(
    matchIds.accept,
    guarded(async ({ actor, id, respond }) => {
      const r = await services.matching.accept(actor, id);
      await respond(r.ok ? r.reply : r.message, r.ok);
    }),
  );
  app.action<BlockButtonAction>(
    matchIds.decline,
    guarded(async ({ actor, id, triggerId, client, respond }) => {
      const form = await services.matching.declineForm(actor, id);
      if (!form.ok) return void (await respond(form.message));
      await client.views.open({ trigger_id: triggerId, view: form.view });
    }),
  );
  app.action<BlockButtonAction>(
    rescheduleIds.open,
    guarded(async ({ actor, id, triggerId, client, respond }) => {
      const problem = await openRescheduleModal(services, client, actor, triggerId, id);
      if (problem) await respond(problem);
    }),
  );
  app.action<BlockButtonAction>(homeIds.exportHours, async ({ ack, body, action, client, respond }) => {
    await ack();
    const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(action.value ?? '') ? (action.value as string) : null;
    if (!month) return;
    const tell = (text: string) => tellClicker({ body, respond, client, logger: log }, text);
    try {
      const r = await services.records.exportToSlack(body.user.id, month);
      await tell(r.ok ? `The hours for ${month} are in your DM with Tandem (${counted(r.rows, 'row')}).` : r.message);
    } catch (err) {
      log.error({ err }, 'export from App Home failed');
      await tell(somethingWentWrong);
    }
  });
}
