import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { homeIds, sessionLogIds, standupIds } from '../../../messages/ids.js';
import { counted } from '../../../messages/text.js';
import { button, idButton } from '../kit/button.js';
import { openForm } from '../kit/respond.js';

const monthValue = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

export async function openSessionLogModal(
  services: Services,
  client: WebClient,
  actor: string,
  triggerId: string,
  opts: { logId?: number; pairingId?: number } = {},
): Promise<string | null> {
  return openForm(client, triggerId, await services.records.logForm(actor, opts));
}

export async function openStandupModal(
  services: Services,
  client: WebClient,
  actor: string,
  triggerId: string,
  standupId: number,
): Promise<string | null> {
  return openForm(client, triggerId, await services.standups.form(actor, standupId));
}

export function registerRecordsActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'records-actions' });
  const opens = (
    actionId: string,
    open: (actor: string, triggerId: string, client: WebClient, id: number) => Promise<string | null>,
  ) =>
    app.action<BlockButtonAction>(
      actionId,
      idButton(log, async ({ actor, value, triggerId, client, respond }) => {
        const problem = await open(actor, triggerId, client, value);
        if (problem) await respond(problem);
      }),
    );
  opens(standupIds.open, (actor, trigger, client, id) => openStandupModal(services, client, actor, trigger, id));
  opens(sessionLogIds.open, (actor, trigger, client, id) =>
    openSessionLogModal(services, client, actor, trigger, { pairingId: id }),
  );
  opens(sessionLogIds.edit, (actor, trigger, client, id) => openSessionLogModal(services, client, actor, trigger, { logId: id }));

  app.action<BlockButtonAction>(
    homeIds.exportHours,
    button(log, monthValue, async ({ actor, value: month, respond }) => {
      const r = await services.records.exportToSlack(actor, month);
      await respond(r.ok ? `The hours for ${month} are in your DM with Tandem (${counted(r.rows, 'row')}).` : r.message);
    }),
  );
}
