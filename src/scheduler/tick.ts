import type { Services } from '../services/index.js';

export type TickReport = {
  at: string;
  resumed: number;
  conversationsOpened: number;
  checkinsPlanned: number;
  /** Reminders the day before a meeting, one per person and meeting. */
  meetingReminders: number;
  milestones: { reminded: number; escalated: number } | null;
  reminders: number;
  standupsPlanned: number;
  standupReminders: number;
  digests: number;
  /** Weekly standup reports queued for the alerts channel (their thread replies count under `sent`). */
  standupReports: number;
  escalations: number;
  snoozesOver: number;
  matches: { reminded: number; escalated: number };
  lifecycle: { closed: number; followUps: number };
  alertsPosted: number;
  alertsUpdated: number;
  sent: number;
  recovered: number;
  retried: number;
  failed: number;
  /** Settled deliveries past the retention, deleted this pass (a bounded batch). */
  pruned: number;
};

export type TickOptions = {
  /** DTR milestone reminders and escalations (on unless switched off, e.g. for a focused test). */
  milestones?: boolean;
};

/**
 * One scheduler pass, derived entirely from database state, so running it twice, late, or on
 * several replicas at once does no harm: planning is keyed, reminders and escalations are claimed,
 * sending is claimed. Order matters only for latency: what is planned here is sent at the end.
 */
export async function runTick(services: Services, options: TickOptions = {}): Promise<TickReport> {
  const at = services.clock();
  const resumed = await services.pairings.resumeDuePauses();
  const conversationsOpened = await services.pairings.openMissingConversations();
  const checkinsPlanned = await services.checkins.plan();
  const meetingReminders = await services.meetingReminders.plan();
  const milestones = options.milestones === false ? null : await services.milestones.pass();
  const standupsPlanned = await services.standups.plan();
  const reminders = await services.responseWindow.sendReminders();
  const standupReminders = await services.standups.sendReminders();
  const escalations = await services.responseWindow.escalate();
  const snoozesOver = await services.alerts.wakeSnoozed();
  const matches = await services.matching.pass();
  const lifecycle = await services.lifecycle.pass();
  const alertsPosted = await services.alerts.postWaiting();
  const digests = await services.standups.sendDigests();
  const standupReports = await services.standups.sendReports();
  const sent = await services.sender.deliverDue();
  // A long standup report threads its replies under the posted message, so they follow its sending.
  if ((await services.standups.threadReports()) > 0) {
    const more = await services.sender.deliverDue();
    for (const k of ['sent', 'recovered', 'retried', 'failed'] as const) sent[k] += more[k];
  }
  const alertsUpdated = await services.alerts.syncMessages();
  const pruned = await services.pruning.prune();
  return {
    at: at.toISOString(),
    resumed,
    conversationsOpened,
    checkinsPlanned,
    meetingReminders,
    milestones,
    reminders,
    standupsPlanned,
    standupReminders,
    digests,
    standupReports,
    escalations,
    snoozesOver,
    matches,
    lifecycle,
    alertsPosted,
    alertsUpdated,
    ...sent,
    pruned,
  };
}
