import { DateTime } from 'luxon';
import type { AlertRepository, NewAlert, PairAlertView } from '../../db/repositories/alert-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import type { Alert, AlertReason } from '../../db/schema.js';
import { addWorkDays, holidaySet } from '../../domain/work-days.js';
import type { Logger } from '../../logger.js';
import { alertMessage, alertReasonAdded, type AlertReasonView } from '../../messages/alert.js';
import { escapeMrkdwn, userText, userTextOrNull } from '../../messages/text.js';
import { slackTime } from '../../messages/time.js';
import type { Clock } from '../clock.js';
import { refuse, staffOnly, type Outcome } from '../outcome.js';
import type { PeopleService } from '../people/people-service.js';
import type { SlackPort } from '../slack-port.js';

export type RaiseAlert = Omit<NewAlert, 'details'> & {
  /** Ids and times only: what to link to and when it was due. Never message text. */
  details: {
    linkChannel?: string | null;
    linkTs?: string | null;
    dueAt?: string | null;
    staffNote?: string | null;
    overdue?: string | null;
    evidence?: AlertEvidence | null;
  };
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

  const weekLabel = (weekStart: string) => `week of ${DateTime.fromISO(weekStart).toFormat('d LLL')}`;

  async function reasonView(r: Alert, zone: string): Promise<AlertReasonView> {
    const d = r.details;
    const permalink = d.linkChannel && d.linkTs ? await deps.slack.permalink(String(d.linkChannel), String(d.linkTs)) : null;
    return {
      reason: r.reason,
      subject: r.subject,
      since: slackTime(r.since, zone),
      overdueLabel: String(d.overdue ?? overdueText[r.reason]),
      permalink,
      resolved: r.status === 'resolved' ? { at: r.resolved_at ? slackTime(r.resolved_at, zone) : '', by: r.resolved_by } : null,
      staffNote:
        r.reason === 'mentor_concern' || r.reason === 'note_signal'
          ? userTextOrNull(d.staffNote as string | null | undefined)
          : null,
      evidence: d.evidence === 'slack_confirmed' || d.evidence === 'records_only' ? d.evidence : null,
    };
  }

  async function render(g: PairAlertView) {
    const zone = g.time_zone;
    const reasons = await Promise.all((await deps.alerts.reasonsOf(g.id)).map((r) => reasonView(r, zone)));
    const before = g.previous_id ? await deps.alerts.getGroup(g.previous_id) : undefined;
    const beforeLink =
      before?.sent_channel && before.sent_ts ? await deps.slack.permalink(before.sent_channel, before.sent_ts) : null;
    return alertMessage({
      alertId: g.id,
      pairingId: g.pairing_id,
      status: g.status,
      mentorId: g.mentor_id,
      menteeId: g.mentee_id,
      programName: userText(g.program_name),
      weekLabel: weekLabel(g.week_start),
      reasons,
      previous:
        before && beforeLink
          ? { permalink: beforeLink, weekLabel: weekLabel(before.week_start), resolved: before.status === 'resolved' }
          : null,
      ownerId: g.owner_id,
      snoozedUntilLabel: g.snoozed_until ? slackTime(g.snoozed_until, zone) : null,
      resolvedLabel: g.resolved_at ? slackTime(g.resolved_at, zone) : null,
      resolvedBy: g.resolved_by,
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
    log.error(
      { programId: program.id, channel },
      'refusing to post pair details: the alerts channel is not a private channel Tandem is in',
    );
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

  /** Posts a pair-week alert if, and only if, the program's alerts channel passes channelProblem(); otherwise it waits. */
  async function post(groupId: number): Promise<boolean> {
    const g = await deps.alerts.getGroup(groupId);
    if (!g || g.delivery_id !== null || g.status === 'resolved') return false;
    const channel = g.alerts_channel_id;
    if (!channel || (await channelProblem({ id: g.program_id, name: g.program_name, alerts_channel_id: channel }))) return false;
    const message = await render(g);
    const q = await deps.deliveries.enqueue({
      dedupeKey: `pair-alert:${g.id}`,
      kind: 'alert',
      pairingId: g.pairing_id,
      channel,
      payload: message,
      notBefore: deps.clock(),
    });
    await deps.alerts.setGroupDelivery(g.id, q.id);
    await deps.alerts.markGroupRendered(g.id, g.version);
    deps.onEnqueued();
    return true;
  }

  /** Brings posted alert messages up to date with their state (chat.update is safe to repeat). */
  async function syncMessages(limit = 100): Promise<number> {
    let updated = 0;
    for (const g of await deps.alerts.unrenderedGroups(limit)) {
      try {
        await deps.slack.updateMessage({ channel: g.sent_channel as string, ts: g.sent_ts as string, ...(await render(g)) });
        await deps.alerts.markGroupRendered(g.id, g.version);
        updated++;
      } catch (err) {
        log.warn({ err, pairAlertId: g.id }, 'could not update the alert message; will retry');
      }
    }
    return updated;
  }

  async function record(input: RaiseAlert, alerts: AlertRepository = deps.alerts): Promise<Alert | undefined> {
    const raised = await alerts.raise(
      {
        ...input,
        details: { ...input.details, overdue: input.details.overdue ?? null, evidence: input.details.evidence ?? null },
      },
      deps.clock(),
    );
    if (raised)
      log.info(
        { alertId: raised.alert.id, pairAlertId: raised.alert.pair_alert_id, pairingId: input.pairingId, reason: input.reason },
        'alert raised',
      );
    return raised?.alert;
  }

  /**
   * After record(): the pair's alert of the week is posted, or, if it already was, edited to list the
   * new reason, with a line in its thread so staff following it hear of it.
   */
  async function publish(alertId: number): Promise<boolean> {
    const reason = await deps.alerts.getAlert(alertId);
    if (!reason) return false;
    if (await post(reason.pair_alert_id)) return true;
    const g = await deps.alerts.getGroup(reason.pair_alert_id);
    if (!g?.sent_channel || !g.sent_ts) return false;
    const line = alertReasonAdded(await reasonView(reason, g.time_zone));
    const q = await deps.deliveries.enqueue({
      dedupeKey: `alert-reason:${reason.id}`,
      kind: 'alert_reason',
      pairingId: g.pairing_id,
      channel: g.sent_channel,
      payload: { text: line, thread_ts: g.sent_ts },
      notBefore: deps.clock(),
    });
    if (q.created) deps.onEnqueued();
    await syncMessages();
    return true;
  }

  /** A staff button's value: `p<id>` is a pair-week alert; a bare number is a reason (messages posted before pair-week alerts). */
  async function groupOf(value: string): Promise<number | undefined> {
    if (value.startsWith('p')) return Number(value.slice(1));
    return (await deps.alerts.getAlert(Number(value)))?.pair_alert_id;
  }

  /** Reasons whose person answered: struck through, their alert resolved when none is left open. */
  async function resolveAuto(live: readonly { id: number }[]): Promise<number> {
    const n = await deps.alerts.resolveReasons(
      live.map((a) => a.id),
      'auto',
      deps.clock(),
    );
    if (n > 0) await syncMessages();
    return n;
  }

  return {
    async raise(input: RaiseAlert): Promise<boolean> {
      const created = await record(input);
      if (!created) return false;
      await publish(created.id);
      return true;
    },

    /**
     * Stores the alert inside the caller's transaction (through its bound `alerts` repository, in one
     * that holds the pair's lock); the caller posts it with publish() once that transaction has committed.
     */
    record,
    publish,

    /** When the late person answers, their reasons are struck through; an alert with none left open resolves itself. */
    async autoResolve(pairingId: number, subject: string, reasons: readonly AlertReason[]): Promise<number> {
      return resolveAuto(await deps.alerts.liveFor(pairingId, subject, reasons));
    },

    /** Staff act on a pair's alert of the week (button value: see groupOf). */
    async act(actor: string, value: string, action: 'ack' | 'resolve' | 'snooze'): Promise<Outcome<{ changed: boolean }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const id = await groupOf(value);
      const g = id === undefined ? undefined : await deps.alerts.getGroup(id);
      if (!g) return refuse('not_found', 'That alert no longer exists.');
      const now = deps.clock();
      let changed;
      if (action === 'ack')
        changed = await deps.alerts.transitionGroup(g.id, ['open', 'snoozed'], {
          status: 'acknowledged',
          owner_id: actor,
          snoozed_until: null,
        });
      else if (action === 'resolve')
        changed = await deps.alerts.transitionGroup(g.id, ['open', 'acknowledged', 'snoozed'], {
          status: 'resolved',
          resolved_at: now,
          resolved_by: actor,
          snoozed_until: null,
        });
      else {
        const program = await deps.programs.get(g.program_id);
        const zone = (await deps.people.find(actor))?.time_zone ?? g.time_zone;
        const until = addWorkDays(DateTime.fromJSDate(now, { zone }), 2, zone, holidaySet(program?.holidays ?? []));
        changed = await deps.alerts.transitionGroup(g.id, ['open', 'acknowledged'], {
          status: 'snoozed',
          snoozed_until: until.toJSDate(),
          owner_id: g.owner_id ?? actor,
        });
      }
      if (changed) await syncMessages();
      return { ok: true, changed: Boolean(changed) };
    },

    /** A DTR recorded late ends its milestone alert. */
    async autoResolveMilestone(pairingId: number, milestone: string): Promise<number> {
      return resolveAuto(await deps.alerts.liveForEpisode(pairingId, 'milestone_overdue', milestone));
    },

    /** A program that ended or was closed: its open alerts are resolved as "program ended". */
    async resolveProgram(programId: number): Promise<number> {
      const n = await deps.alerts.resolveProgram(programId, 'program_ended', deps.clock());
      if (n > 0) await syncMessages();
      return n;
    },

    /** Scheduler step: snoozes that ran out bring the alert back, with a nudge in its thread. */
    async wakeSnoozed(): Promise<number> {
      const woken = await deps.alerts.snoozeExpiredGroups(deps.clock());
      for (const w of woken) {
        const g = await deps.alerts.getGroup(w.id);
        if (g?.sent_channel && g.sent_ts) {
          await deps.deliveries.enqueue({
            dedupeKey: `pair-alert-snooze-over:${g.id}:${w.version}`,
            kind: 'alert_snooze_over',
            pairingId: g.pairing_id,
            channel: g.sent_channel,
            payload: { text: 'The snooze is over and this is still open.', thread_ts: g.sent_ts },
            notBefore: deps.clock(),
          });
        }
      }
      return woken.length;
    },

    /** Scheduler step: alerts that could not be posted earlier (channel problems) get another try. */
    async postWaiting(limit = 50): Promise<number> {
      let posted = 0;
      for (const g of await deps.alerts.unpostedGroups(limit)) if (await post(g.id)) posted++;
      return posted;
    },

    syncMessages,
    channelProblem,
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
