import type { ProgramFigures } from '../../db/repositories/program-figures-repository.js';
import { DateTime } from 'luxon';
import type { PairingRepository } from '../../db/repositories/pairing-repository.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import { stuckAfterMs } from '../outbox/delivery-sender.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import type { StandupRepository } from '../../db/repositories/standup-repository.js';
import type { DtrRepository } from '../../db/repositories/dtr-repository.js';
import type { AlertRepository, OpenProgramAlert } from '../../db/repositories/alert-repository.js';
import type { CheckinRepository } from '../../db/repositories/checkin-repository.js';
import type { ExpectationRepository } from '../../db/repositories/expectation-repository.js';
import { answerLabels } from '../../messages/checkin.js';
import { weekLabel } from '../checkins/checkin-service.js';
import { missingStandups } from '../standups/standup-service.js';
import { homeAlertPairs, homeView, type HomeInput, type HomeStaffProgram } from '../../messages/home.js';
import { userText, userTextOrNull } from '../../messages/text.js';
import { slackTime } from '../../messages/time.js';
import { isoWeekKey, programWeek } from '../../domain/work-days.js';
import { milestoneWindows } from '../dtr/reminders.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../clock.js';
import { programAbsences } from '../people/absences.js';
import type { PeopleService } from '../people/people-service.js';
import type { RescheduleService } from '../pairings/reschedule-service.js';
import type { SlackPort } from '../slack-port.js';
import { answerRate, answerRateLabel } from '../../domain/answer-rate.js';

const milestoneNames = { kickoff: 'kick-off', midmod: 'mid-module', exit: 'exit' } as const;

/** Builds each person's App Home from their own data only, and republishes it (debounced) on change. */
export function createHomeService(deps: {
  figures: ProgramFigures;
  pairings: PairingRepository;
  programs: ProgramRepository;
  staff: StaffRepository;
  standups: StandupRepository;
  deliveries: DeliveryRepository;
  dtr: DtrRepository;
  checkins: CheckinRepository;
  expectations: ExpectationRepository;
  alerts: AlertRepository;
  people: PeopleService;
  reschedules: RescheduleService;
  slack: SlackPort;
  clock: Clock;
  logger: Logger;
  debounceMs?: number;
}) {
  const log = deps.logger.child({ component: 'home' });

  async function build(userId: string): Promise<HomeInput> {
    const now = deps.clock();
    const me = await deps.people.find(userId);
    const zone = me?.time_zone ?? 'UTC';
    const today = DateTime.fromJSDate(now, { zone }).toISODate() ?? '';
    const away = me?.away_until && me.away_until >= today ? { until: me.away_until, note: userTextOrNull(me.away_note) } : null;
    const fmt = (d: Date | null | undefined) => (d ? slackTime(d, zone) : null);
    const pairings = (await deps.pairings.listLiveFor(userId)).filter((p) => p.status !== 'ended');
    const asMentee: HomeInput['asMentee'] = [];
    const asMentor: HomeInput['asMentor'] = [];
    for (const p of pairings) {
      const next = await deps.reschedules.nextMeeting(p);
      const nextLabel = next ? `${fmt(next.at)}${next.moved ? ' (moved)' : ''}` : null;
      const program = await deps.programs.get(p.program_id);
      const done = new Set((await deps.dtr.completedMilestones([p.id])).map((m) => m.milestone));
      const week = program
        ? programWeek(program.start_date, program.length_weeks, DateTime.fromJSDate(now), program.time_zone)
        : null;
      const openMilestones =
        program && week
          ? milestoneWindows(program)
              .filter((w) => week >= w.from && !done.has(w.milestone))
              .map((w) => `${milestoneNames[w.milestone]} (\`/dtr ${w.milestone}\`)`)
          : [];
      if (p.mentee_id === userId) {
        const owed = await deps.expectations.openOwedBy(p.id, userId);
        const kickoff = (await deps.dtr.answers(p.id, 'kickoff')).find((a) => a.role === 'mentor');
        asMentee.push({
          pairingId: p.id,
          mentorId: p.mentor_id,
          programName: userText(p.program_name),
          status: p.status,
          nextMeeting: nextLabel,
          goals: (p.goals ?? []).map((g) => ({ text: userText(g.text), targetDate: g.targetDate ?? null })),
          homework: userTextOrNull(kickoff?.answers.homework),
          due: [
            ...owed.map(
              (o) => `${o.kind === 'checkin' ? "this week's check-in" : 'an answer to your mentor'} by ${fmt(o.due_at)}`,
            ),
            ...openMilestones.map((m) => `the ${m} DTR`),
          ],
        });
      } else {
        const last = await deps.checkins.lastAnswerOf(p.id, p.mentee_id);
        asMentor.push({
          pairingId: p.id,
          menteeId: p.mentee_id,
          programName: userText(p.program_name),
          status: p.status,
          nextMeeting: nextLabel,
          lastAnswer: last?.answer ? `${answerLabels[last.answer]} (${weekLabel(last.prompt_at, zone)})` : null,
          openMilestones,
        });
      }
    }
    const latest = asMentor.length > 0 ? await deps.standups.latestFor(userId) : undefined;
    const standup =
      latest && latest.closes_at > now
        ? { id: latest.id, submitted: Boolean(latest.submitted_at), weekLabel: weekLabel(latest.prompt_at, zone) }
        : null;
    const staff = (await deps.staff.isStaff(userId)) ? await staffView(now, zone) : null;
    return {
      userId,
      asMentee,
      asMentor,
      standup,
      staff,
      month: DateTime.fromJSDate(now, { zone }).toFormat('yyyy-MM'),
      away,
    };
  }

  async function staffView(now: Date, zone: string): Promise<HomeStaffProgram[]> {
    const out: HomeStaffProgram[] = [];
    for (const program of await deps.programs.listActive()) {
      if (program.closed_at) continue;
      const week = isoWeekKey(DateTime.fromJSDate(now), program.time_zone);
      const counts = await deps.pairings.liveCountsByStatus(program.id);
      // The same read model as the digest and the program summary: one count of asked and answered.
      const [figures] = await deps.figures.weeks(program, [week]);
      const asked = figures?.checkins ?? 0;
      const answered = figures?.answers ?? 0;
      const late = await deps.expectations.countOverdueInProgram(program.id, now);
      const alerts = await deps.alerts.openInProgram(program.id);
      const standups = await deps.standups.forProgramWeek(program.id, week);
      const missing = missingStandups(standups);
      const n = (status: string) => Number(counts.find((c) => c.status === status)?.n ?? 0);
      out.push({
        programId: program.id,
        name: userText(program.name),
        active: n('active'),
        paused: n('paused'),
        answerRate: answerRateLabel(answerRate(answered, asked), 'not asked yet'),
        lateAnswers: late,
        openAlerts: await withLinks(openPairs(alerts, zone)),
        missingStandups: missing,
        undelivered: await deps.deliveries.problems(new Date(now.getTime() - stuckAfterMs), program.id),
        ...(await programAbsences(deps, program.id, now)),
      });
    }
    return out;
  }

  /** The alert messages of the pairs App Home shows (it lists six per program). */
  async function withLinks(pairs: OpenPair[]): Promise<HomeStaffProgram['openAlerts']> {
    return Promise.all(
      pairs.map(async ({ message, ...pair }, i) => ({
        ...pair,
        alertLink:
          i < homeAlertPairs && message ? await deps.slack.permalink(message.channel, message.ts).catch(() => null) : null,
      })),
    );
  }

  async function publish(userId: string): Promise<void> {
    await deps.slack.publishHome(userId, homeView(await build(userId)));
  }

  const timers = new Map<string, NodeJS.Timeout>();
  /** Many changes in a row publish once, shortly after the last. */
  function changed(userIds: readonly string[]): void {
    for (const id of new Set(userIds)) {
      clearTimeout(timers.get(id));
      const t = setTimeout(() => {
        timers.delete(id);
        publish(id).catch((err: unknown) => log.warn({ err, userId: id }, 'could not refresh App Home'));
      }, deps.debounceMs ?? 2_000);
      t.unref();
      timers.set(id, t);
    }
  }

  const around = new Map<string, NodeJS.Timeout>();
  /** Publishes the Homes of a person and of everyone they are paired with now. */
  async function refreshAround(userId: string): Promise<void> {
    let ids: string[];
    try {
      const pairs = await deps.pairings.listLiveFor(userId);
      ids = [...new Set([userId, ...pairs.flatMap((p) => [p.mentor_id, p.mentee_id])])];
    } catch (err) {
      log.warn({ err, userId }, 'could not find whose App Home to refresh');
      return;
    }
    for (const id of ids) {
      clearTimeout(timers.get(id));
      timers.delete(id);
    }
    await Promise.all(
      ids.map((id) => publish(id).catch((err: unknown) => log.warn({ err, userId: id }, 'could not refresh App Home'))),
    );
  }

  return {
    build,
    publish,
    changed,
    /**
     * After a person acted: their Home and the Homes of everyone they are paired with (debounced).
     * Who they are paired with is looked up once per burst of actions, when the burst is over, not
     * once per request: a busy person's clicks cost no query each.
     */
    async changedAround(userId: string): Promise<void> {
      clearTimeout(around.get(userId));
      const t = setTimeout(() => {
        around.delete(userId);
        void refreshAround(userId);
      }, deps.debounceMs ?? 2_000);
      t.unref();
      around.set(userId, t);
    },
    async flush(): Promise<void> {
      const people = [...around.keys()];
      for (const id of people) clearTimeout(around.get(id));
      around.clear();
      await Promise.all(people.map((id) => refreshAround(id)));
      const ids = [...timers.keys()];
      for (const id of ids) clearTimeout(timers.get(id));
      timers.clear();
      await Promise.all(
        ids.map((id) => publish(id).catch((err: unknown) => log.warn({ err, userId: id }, 'could not refresh App Home'))),
      );
    },
  };
}

export type HomeService = ReturnType<typeof createHomeService>;

type OpenPair = Omit<HomeStaffProgram['openAlerts'][number], 'alertLink'> & { message: { channel: string; ts: string } | null };

/** Open alerts, one entry per pair: each reason with who and since when (in the reader's zone), and the newest alert message. */
function openPairs(alerts: OpenProgramAlert[], zone: string): OpenPair[] {
  const pairs = new Map<number, OpenPair>();
  for (const a of alerts) {
    let pair = pairs.get(a.pairing_id);
    if (!pair) {
      pair = { pairingId: a.pairing_id, mentorId: a.mentor_id, menteeId: a.mentee_id, reasons: [], ownerId: null, message: null };
      pairs.set(a.pairing_id, pair);
    }
    pair.reasons.push({
      reason: a.reason,
      subject: a.subject,
      since: DateTime.fromJSDate(a.since, { zone }).toFormat('ccc d LLL'),
    });
    pair.ownerId ??= a.owner_id;
    if (a.sent_channel && a.sent_ts) pair.message = { channel: a.sent_channel, ts: a.sent_ts };
  }
  return [...pairs.values()];
}
