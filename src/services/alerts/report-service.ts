import { DateTime } from 'luxon';
import type { ReportRepository } from '../../db/repositories/report-repository.js';
import type { PairReport, PairReportRows, ReportWeek } from '../../domain/pair-report.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import { answersWhere, questionSetFor, staffReads } from '../../domain/dtr-questions.js';
import { escapeMrkdwn, mention, userText } from '../../messages/text.js';
import type { SlackPort } from '../slack-port.js';
import { isoWeekKey, programWeek } from '../../domain/work-days.js';
import type { Clock } from '../clock.js';
import { refuse, staffOnly, type Outcome } from '../outcome.js';
import type { PeopleService } from '../people/people-service.js';

export type { PairReport, ReportWeek };

export type ReportTarget = { pairingId: number } | { a: string; b: string; program?: string | undefined };

export function createReportService(deps: {
  reports: ReportRepository;
  staff: StaffRepository;
  people: PeopleService;
  deliveries: DeliveryRepository;
  slack: SlackPort;
  clock: Clock;
  onEnqueued: () => void;
}) {
  return {
    /**
     * Staff are not members of a pair's own conversation (and its permalink does not open for them):
     * this opens a group DM of the staff member, the mentor and the mentee, says once in it who
     * opened it and why, and returns it.
     */
    async messagePair(
      actor: string,
      pairingId: number,
    ): Promise<Outcome<{ channel: string; mentorId: string; menteeId: string }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const pair = await deps.reports.pairBasics(pairingId);
      if (!pair) return refuse('not_found', 'That pairing no longer exists.');
      if (actor === pair.mentorId || actor === pair.menteeId)
        return refuse('invalid', 'You are in this pair: write to your partner in your own conversation.');
      const channel = await deps.slack.openConversation([actor, pair.mentorId, pair.menteeId]);
      const q = await deps.deliveries.enqueue({
        dedupeKey: `message-pair:${channel}`,
        kind: 'message_pair',
        pairingId,
        channel,
        payload: {
          text: `${mention(actor)} from the ${escapeMrkdwn(userText(pair.programName))} program staff opened this conversation with ${mention(pair.mentorId)} and ${mention(pair.menteeId)} to talk about how your mentorship is going.`,
        },
        notBefore: deps.clock(),
      });
      if (q.created) deps.onEnqueued();
      return { ok: true, channel, mentorId: pair.mentorId, menteeId: pair.menteeId };
    },

    /** A pair's whole story, week by week, for staff only. */
    async pairReport(actor: string, target: ReportTarget): Promise<Outcome<{ report: PairReport }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      let pairingId: number;
      if ('pairingId' in target) pairingId = target.pairingId;
      else {
        const found = (await deps.reports.pairingsBetween(target.a, target.b)).filter(
          (p) => !target.program || p.programName.toLowerCase() === target.program.toLowerCase(),
        );
        const first = found[0];
        if (!first)
          return refuse(
            'not_found',
            `<@${target.a}> and <@${target.b}> have never been paired${target.program ? ' in that program' : ''}.`,
          );
        pairingId = (found.find((p) => p.status !== 'ended') ?? first).id;
      }
      const rows = await deps.reports.pairReport(pairingId);
      if (!rows) return refuse('not_found', 'That pairing no longer exists.');
      const readerZone = (await deps.people.find(actor))?.time_zone ?? rows.pairing.timeZone;
      return { ok: true, report: { ...groupByWeek(rows), readerZone } };
    },
  };
}

/** Sorts a pair's records into the program's calendar weeks (in the program's zone), newest week first. */
export function groupByWeek(rows: PairReportRows): Omit<PairReport, 'readerZone'> {
  const zone = rows.pairing.timeZone;
  const weeks = new Map<string, ReportWeek>();
  const week = (key: string): ReportWeek => {
    let w = weeks.get(key);
    if (!w) {
      const monday = DateTime.fromISO(`${key}-1`, { zone });
      w = {
        monday: monday.toISODate() ?? key,
        programWeek: monday.isValid
          ? programWeek(rows.pairing.startDate, rows.pairing.lengthWeeks, monday.plus({ days: 6 }), zone)
          : null,
        checkins: [],
        sessions: [],
        standups: [],
        reschedules: [],
        alerts: [],
      };
      weeks.set(key, w);
    }
    return w;
  };
  const keyOf = (d: Date) => isoWeekKey(DateTime.fromJSDate(d), zone);
  for (const c of rows.checkins) week(c.weekKey).checkins.push(c);
  for (const s of rows.sessions) week(isoWeekKey(DateTime.fromISO(s.sessionDate, { zone }), zone)).sessions.push(s);
  for (const s of rows.standups) week(s.weekKey).standups.push(s);
  for (const r of rows.reschedules) week(keyOf(r.originalAt)).reschedules.push(r);
  for (const a of rows.alerts) week(keyOf(a.since)).alerts.push(a);
  const dtrForStaff = rows.dtrAnswers
    .map((d) => ({
      milestone: d.milestone,
      personId: d.personId,
      role: d.role,
      submittedAt: d.submittedAt,
      // Who reads each answer is its question's `readers`; kick-off goal parts show once, as the pair's goals.
      answers: answersWhere(
        questionSetFor(d.milestone, { source: d.setSource, version: d.setVersion }, d.setDefinition),
        d.answers,
        (q) => staffReads(q) && !q.goal,
      ),
    }))
    .filter((d) => d.answers.length > 0);
  return {
    pairing: rows.pairing,
    weeks: [...weeks.values()].sort((x, y) => (x.monday < y.monday ? 1 : x.monday > y.monday ? -1 : 0)),
    milestones: rows.milestones,
    dtrForStaff,
    openAlerts: rows.alerts.filter((a) => a.status !== 'resolved').length,
  };
}

export type ReportService = ReturnType<typeof createReportService>;
