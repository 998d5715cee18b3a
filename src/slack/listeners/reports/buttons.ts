import type { App, BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { ReportTarget } from '../../../services/alerts/report-service.js';
import type { Services } from '../../../services/index.js';
import { pairReportView, reportIds } from '../../../messages/report.js';
import { button, idButton } from '../kit/button.js';
import { openForm } from '../kit/respond.js';

const pageValue = z
  .string()
  .regex(/^\d{1,9}:\d{1,3}$/)
  .transform((v) => v.split(':').map(Number) as [number, number]);

/** Opens the pair report on a trigger (a command or a button); returns a refusal to tell the person instead. */
export async function openPairReport(services: Services, client: WebClient, actor: string, triggerId: string, target: ReportTarget): Promise<string | null> {
  const r = await services.reports.pairReport(actor, target);
  return openForm(client, triggerId, r.ok ? { ok: true, view: pairReportView(r.report) } : r);
}

export function registerReportActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'report-actions' });

  app.action<BlockButtonAction>(
    reportIds.open,
    idButton(log, async ({ actor, value: pairingId, triggerId, client, respond }) => {
      const problem = await openPairReport(services, client, actor, triggerId, { pairingId });
      if (problem) await respond(problem);
    }),
  );

  for (const actionId of [`${reportIds.page}_newer`, `${reportIds.page}_older`]) {
    app.action<BlockButtonAction>(
      actionId,
      button(log, pageValue, async ({ actor, value: [pairingId, page], view, client, respond }) => {
        if (!view) return;
        const r = await services.reports.pairReport(actor, { pairingId });
        if (!r.ok) return void (await respond(r.message));
        await client.views.update({ view_id: view.id, hash: view.hash, view: pairReportView(r.report, page) });
      }),
    );
  }
}
