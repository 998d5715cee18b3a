import type { Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { AlertRepository, AlertView } from '../db/repositories/alert-repository.js';
import type { DeliveryRepository } from '../db/repositories/delivery-repository.js';
import type { ProgramRepository } from '../db/repositories/program-repository.js';
import type { StaffRepository } from '../db/repositories/staff-repository.js';
import type { Db } from '../db/database.js';
import type { AlertReason, Database } from '../db/schema.js';
import { addWorkDays, holidaySet } from '../domain/work-days.js';
import type { Logger } from '../logger.js';
import { alertMessage } from '../slack/blocks/alert.js';
import { escapeMrkdwn, userText, userTextOrNull } from '../slack/blocks/text.js';
import type { Clock } from './clock.js';
import { refuse, staffOnly, type Outcome } from './outcome.js';
import type { PeopleService } from './people-service.js';
import type { SlackPort } from './slack-port.js';

export type RaiseAlert = {
  pairingId: number;
  programId: number;
  reason: AlertReason;
  episodeKey: string;
  subject: string | null;
  since: Date;
  /** Ids and times only: what to link to and when it was due. Never message text. */
  details: { linkChannel?: string | null; linkTs?: string | null; dueAt?: string | null; staffNote?: string | null; overdue?: string | null; evidence?: AlertEvidence | null };
};

/** How an overdue answer was established before staff were alerted. */
export type AlertEvidence = 'slack_confirmed' | 'records_only';

const overdueText: Record<AlertReason, string> = {
  checkin_unanswered: "has not answered this week's check-in within the response window",
  reply_overdue: 'has not answered their partner within the response window',
  missed_meetings: 'answered “not yet” two weeks in a row',
  milestone_overdue: 'has not completed a DTR conversation that is now due',
  mentor_concern: 'flagged in the standup',
  note_signal: 'wrote in the check-in note that something is wrong',
};

export function createAlertService(deps: {
  alerts: AlertRepository;
  deliveries: DeliveryRepository;
  programs: ProgramRepository;
  staff: StaffRepository;
  people: PeopleService;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  checkAlertsChannel: (channelId: string) => Promise<string | null>;
  onEnqueued: () => void;
}) {
  const log = deps.logger.child({ component: 'alerts' });

  function fmt(d: Date | null, zone: string): string | null {
    return d ? DateTime.fromJSDate(d, { zone }).toFormat("ccc d LLL, HH:mm ZZZZ") : null;
  }

  async function render(a: AlertView) {
    const details = a.details;
    const permalink = details.linkChannel && details.linkTs ? await deps.slack.permalink(String(details.linkChannel), String(details.linkTs)) : null;
    return alertMessage({
      alertId: a.id,
      pairingId: a.pairing_id,
      reason: a.reason,
      status: a.status,
      subject: a.subject,
      mentorId: a.mentor_id,
      menteeId: a.mentee_id,
      programName: userText(a.program_name),
      sinceLabel: fmt(a.since, a.time_zone) ?? '',
      overdueLabel: String(details.overdue ?? overdueText[a.reason]),
      permalink,
      ownerId: a.owner_id,
      snoozedUntilLabel: fmt(a.snoozed_until, a.time_zone),
      resolvedLabel: fmt(a.resolved_at, a.time_zone),
      resolvedBy: a.resolved_by,
      staffNote: a.reason === 'mentor_concern' || a.reason === 'note_signal' ? userTextOrNull(details.staffNote as string | null | undefined) : null,
      evidence: details.evidence === 'slack_confirmed' || details.evidence === 'records_only' ? details.evidence : null,
    });
  }

  /**
   * Pair details only go to a private channel Tandem is in. When the channel is not that, the error
   * is logged and each staff member is told once (per program and channel); returns the problem.
   */
  async function channelProblem(program: { id: number; name: string; alerts_channel_id: string | null }): Promise<string | null> {
    const channel = program.alerts_channel_id;
    const problem = channel ? await deps.checkAlertsChannel(channel) : 'The program has no alerts channel.';
    if (!problem) return null;
    log.error({ programId: program.id, channel }, 'refusing to post pair details: the alerts channel is not a private channel Tandem is in');
    for (const staffId of await deps.staff.list()) {
      const q = await deps.deliveries.enqueue({
        dedupeKey: `alerts-channel-problem:${program.id}:${channel ?? 'none'}:${staffId}`,
        kind: 'alerts_channel_problem',
        channel: staffId,
        payload: {
          text: `Tandem has news for staff of “${escapeMrkdwn(program.name)}” but will not post it: ${problem} Pair details only go to a private channel with Tandem in it. Fix the channel (or invite Tandem with /invite @Tandem) and what is waiting will be posted.`,
        },
        notBefore: deps.clock(),
      });
      if (q.created) deps.onEnqueued();
    }
    return problem;
  }

  /** Posts an alert if, and only if, the program's alerts channel passes channelProblem(); otherwise it waits. */
  async function post(alertId: number): Promise<boolean> {
    const a = await deps.alerts.get(alertId);
    if (!a || a.delivery_id !== null || a.status === 'resolved') return false;
    const channel = a.alerts_channel_id;
    if (!channel || (await channelProblem({ id: a.program_id, name: a.program_name, alerts_channel_id: channel }))) return false;
    const message = await render(a);
    const q = await deps.deliveries.enqueue({ dedupeKey: `alert:${a.id}`, kind: 'alert', pairingId: a.pairing_id, channel, payload: message, notBefore: deps.clock() });
    await deps.alerts.setDelivery(a.id, q.id);
    await deps.alerts.markRendered(a.id, a.version);
    deps.onEnqueued();
    return true;
  }

  /** Brings posted alert messages up to date with their state (chat.update is safe to repeat). */
  async function syncMessages(limit = 100): Promise<number> {
    let updated = 0;
    for (const a of await deps.alerts.unrendered(limit)) {
      try {
        await deps.slack.updateMessage({ channel: a.sent_channel as string, ts: a.sent_ts as string, ...(await render(a)) });
        await deps.alerts.markRendered(a.id, a.version);
        updated++;
      } catch (err) {
        log.warn({ err, alertId: a.id }, 'could not update the alert message; will retry');
      }
    }
    return updated;
  }

  async function record(input: RaiseAlert, trx?: Transaction<Database> | Db) {
    const created = await deps.alerts.raise({ ...input, details: { ...input.details, overdue: input.details.overdue ?? null, evidence: input.details.evidence ?? null } }, trx);
    if (created) log.info({ alertId: created.id, pairingId: input.pairingId, reason: input.reason }, 'alert raised');
    return created;
  }

  return {
    async raise(input: RaiseAlert): Promise<boolean> {
      const created = await record(input);
      if (!created) return false;
      await post(created.id);
      return true;
    },

    /**
     * Stores the alert inside the caller's transaction (one that holds the pair's lock); the caller
     * posts it with publish() once that transaction has committed.
     */
    record,
    publish: post,

    /** When the late person answers, their alerts say so and stop asking for attention. */
    async autoResolve(pairingId: number, subject: string, reasons: readonly AlertReason[]): Promise<number> {
      const live = await deps.alerts.liveFor(pairingId, subject, reasons);
      let n = 0;
      for (const a of live) {
        const done = await deps.alerts.transition(a.id, ['open', 'acknowledged', 'snoozed'], { status: 'resolved', resolved_at: deps.clock(), resolved_by: 'auto' });
        if (done) n++;
      }
      if (n > 0) await syncMessages();
      return n;
    },

    async act(actor: string, alertId: number, action: 'ack' | 'resolve' | 'snooze'): Promise<Outcome<{ changed: boolean }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const a = await deps.alerts.get(alertId);
      if (!a) return refuse('not_found', 'That alert no longer exists.');
      const now = deps.clock();
      let changed;
      if (action === 'ack') changed = await deps.alerts.transition(alertId, ['open', 'snoozed'], { status: 'acknowledged', owner_id: actor, snoozed_until: null });
      else if (action === 'resolve') changed = await deps.alerts.transition(alertId, ['open', 'acknowledged', 'snoozed'], { status: 'resolved', resolved_at: now, resolved_by: actor });
      else {
        const program = await deps.programs.get(a.program_id);
        const zone = (await deps.people.find(actor))?.time_zone ?? a.time_zone;
        const until = addWorkDays(DateTime.fromJSDate(now, { zone }), 2, zone, holidaySet(program?.holidays ?? []));
        changed = await deps.alerts.transition(alertId, ['open', 'acknowledged'], { status: 'snoozed', snoozed_until: until.toJSDate(), owner_id: a.owner_id ?? actor });
      }
      if (changed) await syncMessages();
      return { ok: true, changed: Boolean(changed) };
    },

    /** A DTR recorded late ends its milestone alert. */
    async autoResolveMilestone(pairingId: number, milestone: string): Promise<number> {
      const live = await deps.alerts.liveForEpisode(pairingId, 'milestone_overdue', milestone);
      let n = 0;
      for (const a of live) if (await deps.alerts.transition(a.id, ['open', 'acknowledged', 'snoozed'], { status: 'resolved', resolved_at: deps.clock(), resolved_by: 'auto' })) n++;
      if (n > 0) await syncMessages();
      return n;
    },

    /** Scheduler step: snoozes that ran out bring the alert back, with a nudge in its thread. */
    async wakeSnoozed(): Promise<number> {
      const woken = await deps.alerts.snoozeExpired(deps.clock());
      for (const a of woken) {
        const view = await deps.alerts.get(a.id);
        if (view?.sent_channel && view.sent_ts) {
          await deps.deliveries.enqueue({
            dedupeKey: `alert-snooze-over:${a.id}:${a.version}`,
            kind: 'alert_snooze_over',
            pairingId: a.pairing_id,
            channel: view.sent_channel,
            payload: { text: 'The snooze is over and this is still open.', thread_ts: view.sent_ts },
            notBefore: deps.clock(),
          });
        }
      }
      return woken.length;
    },

    /** Scheduler step: alerts that could not be posted earlier (channel problems) get another try. */
    async postWaiting(limit = 50): Promise<number> {
      let posted = 0;
      for (const a of await deps.alerts.unposted(limit)) if (await post(a.id)) posted++;
      return posted;
    },

    syncMessages,
    channelProblem,
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
