import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { homeIds, sessionLogIds, standupIds } from '../../../messages/ids.js';
import { counted } from '../../../messages/text.js';
import { somethingWentWrong, tellClicker } from '../kit/respond.js';

const idValue = z.string().regex(/^\d{1,9}$/);

export async function openSessionLogModal(
  services: Services,
  client: WebClient,
  actor: string,
  triggerId: string,
  opts: { logId?: number; pairingId?: number } = {},
): Promise<string | null> {
  const form = await services.records.logForm(actor, opts);
  if (!form.ok) return form.message;
  await client.views.open({ trigger_id: triggerId, view: form.view });
  return null;
}

export async function openStandupModal(
  services: Services,
  client: WebClient,
  actor: string,
  triggerId: string,
  standupId: number,
): Promise<string | null> {
  const form = await services.standups.form(actor, standupId);
  if (!form.ok) return form.message;
  await client.views.open({ trigger_id: triggerId, view: form.view });
  return null;
}

export function registerRecordsActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'records-actions' });
  const handle = (
    actionId: string,
    open: (actor: string, triggerId: string, client: WebClient, id: number) => Promise<string | null>,
  ) =>
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const v = idValue.safeParse(action.value);
      if (!v.success) return;
      try {
        const problem = await open(body.user.id, body.trigger_id, client, Number(v.data));
        if (problem) await tellClicker({ body, respond, client, logger: log }, problem);
      } catch (err) {
        log.error({ err, actionId }, 'could not open the form');
        await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
      }
    });
  handle(standupIds.open, (actor, trigger, client, id) => openStandupModal(services, client, actor, trigger, id));
  handle(sessionLogIds.open, (actor, trigger, client, id) =>
    openSessionLogModal(services, client, actor, trigger, { pairingId: id }),
  );
  handle(sessionLogIds.edit, (actor, trigger, client, id) =>
    openSessionLogModal(services, client, actor, trigger, { logId: id }),
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
