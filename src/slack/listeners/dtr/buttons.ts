import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import { dtrIds } from '../../../messages/ids.js';
import { openDtrModal } from './command.js';
import { somethingWentWrong, tellClicker } from '../kit/respond.js';

const value = z.string().regex(/^\d{1,9}:(kickoff|midmod|exit)$/);

/** "Add my part" in the partner's DM, and the chooser's buttons: both open the clicker's own DTR form. */
export function registerDtrActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'dtr-actions' });
  app.action<BlockButtonAction>(new RegExp(`^${dtrIds.open}(:|$)`), async ({ ack, body, action, client, respond }) => {
    await ack();
    const v = value.safeParse(action.value);
    if (!v.success) return;
    const [id, milestone] = v.data.split(':') as [string, 'kickoff' | 'midmod' | 'exit'];
    try {
      const problem = await openDtrModal(
        services,
        client,
        body.user.id,
        body.trigger_id,
        milestone,
        undefined,
        Number(id) > 0 ? Number(id) : undefined,
      );
      if (problem) await tellClicker({ body, respond, client, logger: log }, problem);
    } catch (err) {
      log.error({ err }, 'could not open the DTR form');
      await tellClicker({ body, respond, client, logger: log }, somethingWentWrong);
    }
  });
}
