import type { Services } from '../services/index.js';

export type TickReport = { at: string; conversationsOpened: number; sent: number; recovered: number; retried: number; failed: number };

/**
 * One scheduler pass, derived entirely from database state, so running it twice, late, or on
 * several replicas at once does no harm: planning is keyed, sending is claimed.
 */
export async function runTick(services: Services): Promise<TickReport> {
  const at = services.clock();
  const conversationsOpened = await services.pairings.openMissingConversations();
  const sent = await services.sender.deliverDue();
  return { at: at.toISOString(), conversationsOpened, ...sent };
}
