import type { App, BlockButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { Services } from '../../../services/index.js';
import type { Milestone } from '../../../domain/vocabulary.js';
import { dtrIds } from '../../../messages/ids.js';
import { openDtrModal } from './command.js';
import { button } from '../kit/button.js';

// `<pairing>:<milestone>`; pairing 0 lets the form ask which partner.
const value = z
  .string()
  .regex(/^\d{1,9}:(kickoff|midmod|exit)$/)
  .transform((v) => {
    const [id, milestone] = v.split(':') as [string, Milestone];
    return { pairingId: Number(id) > 0 ? Number(id) : undefined, milestone };
  });

/** "Add my part" in the partner's DM, and the chooser's buttons: both open the clicker's own DTR form. */
export function registerDtrActions(app: App, services: Services): void {
  const log = services.logger.child({ component: 'dtr-actions' });
  app.action<BlockButtonAction>(
    new RegExp(`^${dtrIds.open}(:|$)`),
    button(log, value, async ({ actor, value: { pairingId, milestone }, triggerId, client, respond }) => {
      const problem = await openDtrModal(services, client, actor, triggerId, milestone, undefined, pairingId);
      if (problem) await respond(problem);
    }),
  );
}
