import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { ReportTarget } from '../../../services/alerts/report-service.js';
import type { Services } from '../../../services/index.js';
import { pairReportView, reportIds } from '../../../messages/report.js';
import { somethingWentWrong, tellClicker } from '../kit/respond.js';

const openValue = z.string().regex(/^\d{1,9}$/).transform(Number);
const pageValue = z
  .string()
  .regex(/^\d{1,9}:\d{1,3}$/)
  .transform((v) => v.split(':').map(Number) as [number, number]);

/** Opens the pair report on a trigger (a command or a button); returns a refusal to tell the person instead. */
export async function openPairReport(services: Services, client: WebClient, actor: string, triggerId: string, target: ReportTarget): Promise<string | null> {
  const r = await services.reports.pairReport(actor, target);
  if (!r.ok) return r.message;
  await client.views.open({ trigger_id: triggerId, view: pairReportView(r.report) });
  return null;
}

export function registerReportActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'report-actions' });

  app.action<BlockButtonAction>(reportIds.open, async ({ ack, body, action, client, respond }) => {
    await ack();
    const v = openValue.safeParse(action.value);
    if (!v.success) return;
    try {
      const problem = await openPairReport(services, client, body.user.id, body.trigger_id, { pairingId: v.data });
      if (problem) await tellClicker({ body, respond, client, logger: log }, problem);
    } catch (err) {
      log.error({ err }, 'could not open the pair report');
      await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
    }
  });

  for (const actionId of [`${reportIds.page}_newer`, `${reportIds.page}_older`]) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const v = pageValue.safeParse(action.value);
      if (!v.success || !body.view) return;
      const [pairingId, page] = v.data;
      try {
        const r = await services.reports.pairReport(body.user.id, { pairingId });
        if (!r.ok) return await tellClicker({ body, respond, client, logger: log }, r.message);
        await client.views.update({ view_id: body.view.id, hash: body.view.hash, view: pairReportView(r.report, page) });
      } catch (err) {
        log.error({ err }, 'could not turn the page of the pair report');
      }
    });
  }
}
