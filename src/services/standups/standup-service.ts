import { stuckAfterMs } from '../outbox/delivery-sender.js';
import { isMentorOf } from '../../domain/authorization.js';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import type { PairingRepository } from '../../db/repositories/pairing-repository.js';
import type { CheckinRepository } from '../../db/repositories/checkin-repository.js';
import { programWeekIndex, sessionsExpected } from '../../domain/cadence.js';
import type { ProgramWithHolidays } from '../../db/repositories/program-repository.js';
import type { PlannedStandup, StandupCandidate, StandupRepository } from '../../db/repositories/standup-repository.js';
import type { DeliveryPayload, StandupMet, StandupStatus } from '../../db/schema.js';
import { checkinSlotForWeek, previousWeekKey } from '../../domain/checkin-slot.js';
import { endOfLocalDay, holidaySet, isoWeekKey, programEnd, type Holidays } from '../../domain/work-days.js';
import {
  digestMessage,
  type DigestInput,
  standupModal,
  standupPageSize,
  standupPromptMessage,
  standupReminderMessage,
  standupReportMessages,
  weekRangeLabel,
} from '../../messages/standup.js';
import { userText, userTextOrNull } from '../../messages/text.js';
import { programAbsences } from '../people/absences.js';
import type { ProgramReportingDeps } from '../program-reporting.js';
import { weekLabel } from '../checkins/checkin-service.js';
import { refuse, type Outcome } from '../outcome.js';
import { weeksEndingAt } from '../../domain/program-weeks.js';

export const standupEntrySchema = z.object({
  pairingId: z.number().int().positive(),
  status: z.enum(['on_track', 'needs_attention', 'at_risk'], { error: 'Pick a status' }),
  met: z.enum(['yes', 'no', 'rescheduled'], { error: 'Pick one' }),
  hours: z.coerce.number({ error: 'Hours as a number, e.g. 1.5' }).min(0, 'Not negative').max(100, 'At most 100 hours'),
  concerns: z.string().trim().max(1000, 'At most 1000 characters').nullable(),
});
export type StandupEntryInput = z.input<typeof standupEntrySchema>;
/** A standup entry as its form sends it: every field as text, validated by standupEntrySchema. */
export type StandupEntryForm = { pairingId: number; status: string; met: string; hours: string; concerns: string | null };

/** The report's message as stored in the outbox: its thread's replies ride along until it is posted. */
type StandupReportPayload = DeliveryPayload & { threadReplies?: DeliveryPayload[] };

export function createStandupService(
  deps: ProgramReportingDeps & {
    standups: StandupRepository;
    people: PeopleRepository;
    pairings: PairingRepository;
    checkins: CheckinRepository;
  },
) {
  const log = deps.logger.child({ component: 'standups' });

  /**
   * When a program's standup for an ISO week (program's zone) closes: the end of the standup day in
   * the zone of the last mentor it waits for — each mentor asked that week (the end of the day they
   * were asked, which is later if they were asked late) and each mentor with an active mentee who may
   * still be asked. Null when nobody was asked that week (every pair paused, or outside the program).
   */
  async function reportClosesAt(program: ProgramWithHolidays, weekKey: string): Promise<DateTime | null> {
    const standups = await deps.standups.forProgramWeek(program.id, weekKey);
    if (standups.length === 0) return null;
    const holidays = holidaySet(program.holidays);
    let closes: DateTime | null = null;
    for (const m of await deps.standups.reportMentors(program.id, weekKey)) {
      const asked = standups.find((s) => s.mentor_id === m.mentor_id);
      let end: DateTime | null;
      if (asked)
        end = DateTime.fromJSDate(asked.remind_at).plus({ hours: 1 }); // remind_at is an hour before the end of their day
      else {
        const midweek = DateTime.fromISO(`${weekKey}-3T12:00`, { zone: m.zone });
        const slot = checkinSlotForWeek(midweek, {
          weekday: program.standup_weekday,
          time: program.standup_time,
          zone: m.zone,
          holidays,
          programStartDate: program.start_date,
          programLengthWeeks: program.length_weeks,
        });
        end = slot ? endOfLocalDay(slot.promptAt, m.zone) : null;
      }
      if (end && (!closes || end > closes)) closes = end;
    }
    return closes;
  }

  /** Programs whose standup reports may be due: with an alerts channel, running or closed in the last week. */
  async function reportPrograms(now: Date): Promise<ProgramWithHolidays[]> {
    return (await deps.programs.listActive()).filter(
      (p) => p.alerts_channel_id && (!p.closed_at || now.getTime() - p.closed_at.getTime() < 8 * 86_400_000),
    );
  }

  /** The outbox keys of a program's reports for the week before and this week (its zone), which may be due now. */
  function reportWeeks(program: ProgramWithHolidays, now: Date): { weekKey: string; key: string }[] {
    const thisWeek = isoWeekKey(DateTime.fromJSDate(now), program.time_zone);
    return [previousWeekKey(thisWeek), thisWeek].map((weekKey) => ({ weekKey, key: `standup-report:${program.id}:${weekKey}` }));
  }

  /** What a mentor's standup form shows: their mentees in the program, this week's entries, the week in their zone. */
  async function forMentor(actor: string, standupId: number) {
    const s = await deps.standups.get(standupId);
    if (!isMentorOf(s, actor)) return refuse('forbidden', 'That standup belongs to someone else.');
    if (deps.clock() >= s.closes_at)
      return refuse('invalid', "This week's standup is closed; the next one comes at the usual time.");
    const program = await deps.programs.get(s.program_id);
    const mentees = (await deps.standups.mentees(s.program_id, actor)).map((m) => ({
      pairingId: m.pairing_id,
      menteeId: m.mentee_id,
      menteeName: m.mentee_name,
    }));
    if (mentees.length === 0) return refuse('invalid', 'You have no active mentees in this program right now.');
    // The mentor reads it: their week, in their zone (as in the DM that asked them).
    const zone = (await deps.people.find(actor))?.time_zone ?? program?.time_zone ?? 'UTC';
    const entries = (await deps.standups.entries(s.id)).map((e) => ({
      pairingId: e.pairing_id,
      status: e.status,
      met: e.met,
      minutes: e.minutes,
      concerns: e.concerns,
    }));
    return {
      ok: true as const,
      standup: s,
      mentees,
      entries,
      weekLabel: weekLabel(s.prompt_at, zone),
      pages: Math.max(1, Math.ceil(mentees.length / standupPageSize)),
    };
  }

  /** Pairs of the digest with fewer sessions by the end of `weekKey` than the program's target calls for. */
  async function behindTarget(
    program: ProgramWithHolidays,
    weekKey: string,
    pairs: readonly { pairingId: number; mentorId: string; menteeId: string }[],
  ): Promise<NonNullable<DigestInput['behind']>> {
    const target = program.session_target;
    if (!target) return [];
    const monday = DateTime.fromISO(`${weekKey}-1`, { zone: 'UTC' }).toISODate() ?? '';
    const expected = sessionsExpected(target, program.length_weeks, programWeekIndex(program.start_date, monday) + 1);
    const held = await deps.checkins.sessionsHeldInProgram(program.id, weekKey);
    return pairs
      .map((p) => ({ mentorId: p.mentorId, menteeId: p.menteeId, held: held.get(p.pairingId) ?? 0, expected, target }))
      .filter((p) => p.held < p.expected);
  }

  return {
    /**
     * Scheduler step: each mentor's standup DM at the program's day and time in the mentor's own zone. A page
     * of due mentors (`limit`) is planned in one transaction of two statements: the standups, then their DMs
     * in the outbox (a crash leaves neither, never one without the other).
     */
    async plan(limit = 1000): Promise<number> {
      const now = deps.clock();
      const nowDt = DateTime.fromJSDate(now);
      let planned = 0;
      const holidays = new Map<number, Holidays>();
      // Pages walk (program, mentor) on from the last candidate, so those turned down here (a holiday moved
      // the slot later) never hold back the mentors after them.
      let after = { programId: 0, mentorId: '' };
      for (;;) {
        const page = await deps.standups.dueCandidates(now, limit, after);
        const due: { c: StandupCandidate; row: PlannedStandup }[] = [];
        for (const c of page) {
          if (!holidays.has(c.program_id))
            holidays.set(c.program_id, holidaySet((await deps.programs.get(c.program_id))?.holidays ?? []));
          const slot = checkinSlotForWeek(nowDt, {
            weekday: c.weekday,
            time: c.time,
            zone: c.zone,
            holidays: holidays.get(c.program_id) ?? new Set<string>(),
            programStartDate: c.start_date,
            programLengthWeeks: c.length_weeks,
          });
          if (!slot || slot.promptAt.toMillis() > now.getTime()) continue;
          const promptAt = DateTime.max(slot.promptAt, nowDt);
          due.push({
            c,
            row: {
              programId: c.program_id,
              mentorId: c.mentor_id,
              weekKey: slot.weekKey,
              promptAt: promptAt.toJSDate(),
              // The reminder comes at the end of the mentor's day, if it is not in by then.
              remindAt: endOfLocalDay(promptAt, c.zone).minus({ hours: 1 }).toJSDate(),
              closesAt: slot.closesAt.toJSDate(),
            },
          });
        }
        if (due.length > 0)
          planned += await deps.transact(async (tx) => {
            const created = await tx.standups.createMany(due.map((d) => d.row));
            const byMentor = new Map(due.map((d) => [`${d.c.program_id}:${d.c.mentor_id}`, d.c]));
            await tx.deliveries.enqueueMany(
              created.flatMap((standup) => {
                const c = byMentor.get(`${standup.program_id}:${standup.mentor_id}`);
                if (!c) return [];
                return [
                  {
                    dedupeKey: `standup:${standup.id}`,
                    kind: 'standup_prompt' as const,
                    channel: c.mentor_id,
                    payload: standupPromptMessage({
                      standupId: standup.id,
                      weekLabel: weekLabel(standup.prompt_at, c.zone),
                      menteeCount: c.mentee_count,
                    }),
                    notBefore: now,
                  },
                ];
              }),
            );
            return created.length;
          });
        const last = page.at(-1);
        if (!last || page.length < limit) break;
        after = { programId: last.program_id, mentorId: last.mentor_id };
      }
      if (planned > 0) deps.onEnqueued();
      return planned;
    },

    async sendReminders(): Promise<number> {
      // Marked and queued in one transaction: a crash loses neither half.
      const due = await deps.transact(async (tx) => {
        const rows = await tx.standups.claimReminders(deps.clock(), 500);
        await tx.deliveries.enqueueMany(
          rows.map((s) => ({
            dedupeKey: `standup-reminder:${s.id}`,
            kind: 'standup_reminder',
            channel: s.mentor_id,
            payload: standupReminderMessage({ standupId: s.id }),
            notBefore: deps.clock(),
          })),
        );
        return rows;
      });
      if (due.length > 0) deps.onEnqueued();
      return due.length;
    },

    /** What the modal shows: only the mentor's own standup, with this week's answers so far. */
    forMentor,

    /** One page of a mentor's standup form, filled in with what they already answered this week. */
    async form(actor: string, standupId: number, page = 0): Promise<Outcome<{ view: ReturnType<typeof standupModal> }>> {
      const r = await forMentor(actor, standupId);
      if (!r.ok) return r;
      return {
        ok: true,
        view: standupModal({
          standupId,
          page,
          weekLabel: r.weekLabel,
          mentees: r.mentees,
          entries: r.entries,
          generalNote: r.standup.general_note,
        }),
      };
    },

    /**
     * Saves one page of entries. Each "needs attention", "at risk" or written concern raises one staff
     * alert for that pair and week, carrying the mentor's words (to the private alerts channel only).
     */
    async savePage(
      actor: string,
      standupId: number,
      entries: (StandupEntryInput | StandupEntryForm)[],
      final: { generalNote: string | null } | null,
    ): Promise<Outcome<{ alerts: number }> | { ok: false; reason: 'fields'; errors: Record<string, string> }> {
      const s = await deps.standups.get(standupId);
      if (!isMentorOf(s, actor)) return refuse('forbidden', 'That standup belongs to someone else.');
      if (deps.clock() >= s.closes_at) return refuse('invalid', "This week's standup is closed.");
      const allowed = new Set((await deps.standups.mentees(s.program_id, actor)).map((m) => m.pairing_id));
      const errors: Record<string, string> = {};
      const clean: { pairingId: number; status: StandupStatus; met: StandupMet; minutes: number; concerns: string | null }[] = [];
      for (const e of entries) {
        if (!allowed.has(e.pairingId)) return refuse('forbidden', 'That standup lists someone who is not your mentee.');
        const r = standupEntrySchema.safeParse(e);
        if (!r.success) {
          for (const issue of r.error.issues) errors[`${String(issue.path[0])}_${e.pairingId}`] ??= issue.message;
          continue;
        }
        clean.push({
          pairingId: r.data.pairingId,
          status: r.data.status,
          met: r.data.met,
          minutes: Math.round(r.data.hours * 60),
          concerns: r.data.concerns || null,
        });
      }
      if (Object.keys(errors).length > 0) return { ok: false, reason: 'fields', errors };
      const now = deps.clock();
      await deps.standups.saveEntries(standupId, clean, now);
      if (final) await deps.standups.markSubmitted(standupId, final.generalNote, now);
      let alerts = 0;
      for (const e of clean) {
        if (e.status === 'on_track' && !e.concerns) continue;
        const words =
          e.status === 'at_risk'
            ? 'marked this pair *at risk*'
            : e.status === 'needs_attention'
              ? 'marked this pair as needing attention'
              : 'raised a concern';
        const raised = await deps.alerts.raise({
          pairingId: e.pairingId,
          programId: s.program_id,
          reason: 'mentor_concern',
          episodeKey: `${s.week_key}`,
          subject: null,
          since: now,
          details: { overdue: `<@${actor}> ${words} in the standup`, staffNote: e.concerns },
        });
        if (raised) alerts++;
      }
      if (alerts > 0) log.info({ standupId, alerts }, 'standup concerns raised');
      return { ok: true, alerts };
    },

    /**
     * Scheduler step: once a program's standup for a week has closed (reportClosesAt), one message to
     * the private alerts channel with the week's standups per mentor and who did not send theirs (a
     * long week threaded per mentor, see threadReports). Keyed per program and week in the outbox, so
     * it is posted once whichever replica or retry gets there. The week before is looked at too, so a
     * report due during downtime still goes out.
     */
    async sendReports(): Promise<number> {
      const now = deps.clock();
      let queued = 0;
      for (const program of await reportPrograms(now)) {
        for (const { weekKey, key } of reportWeeks(program, now)) {
          if (await deps.deliveries.existsByKey(key)) continue;
          const closes = await reportClosesAt(program, weekKey);
          if (!closes || closes.toMillis() > now.getTime()) continue;
          const standups = await deps.standups.forProgramWeek(program.id, weekKey);
          const sent = standups.filter((s) => s.submitted_at).sort((a, b) => (a.mentor_id < b.mentor_id ? -1 : 1));
          const entries = await deps.standups.reportEntries(sent.map((s) => s.id));
          const { message, thread } = standupReportMessages({
            programName: userText(program.name),
            weekRange: weekRangeLabel(weekKey, program.standup_weekday),
            sent: sent.map((s) => ({
              mentorId: s.mentor_id,
              generalNote: userTextOrNull(s.general_note),
              entries: entries
                .filter((e) => e.standup_id === s.id)
                .map((e) => ({
                  menteeId: e.mentee_id,
                  status: e.status,
                  met: e.met,
                  minutes: e.minutes,
                  concerns: userTextOrNull(e.concerns),
                })),
            })),
            missing: missingStandups(standups),
          });
          if (await deps.alerts.channelProblem(program)) break;
          const payload: StandupReportPayload = {
            ...message,
            ...(thread.length ? { threadReplies: thread.map((t) => ({ text: t.text, blocks: t.blocks })) } : {}),
          };
          const q = await deps.deliveries.enqueue({
            dedupeKey: key,
            kind: 'standup_report',
            channel: program.alerts_channel_id as string,
            payload,
            notBefore: now,
          });
          if (q.created) {
            queued++;
            log.info(
              {
                programId: program.id,
                weekKey,
                sent: sent.length,
                missing: standups.length - sent.length,
                threaded: thread.length,
              },
              'standup report queued',
            );
          }
        }
      }
      // Not kicking the sender: the pass sends right after this step, and threadReports then finds the
      // report posted and threads it in the same pass.
      return queued;
    },

    /**
     * Scheduler step, after sending: a long report, once posted, gets its per-mentor replies queued in
     * its thread (they need the posted message's ts). All replies are stored in one statement, keyed,
     * so this is done once.
     */
    async threadReports(): Promise<number> {
      const now = deps.clock();
      let queued = 0;
      for (const program of await reportPrograms(now)) {
        for (const { key } of reportWeeks(program, now)) {
          // Light lookups by the unique key: a long report's payload is not read every pass.
          const parent = await deps.deliveries.threadParentByKey(key);
          if (
            !parent?.threaded ||
            parent.status !== 'sent' ||
            !parent.sent_ts ||
            (await deps.deliveries.existsByKey(`${key}:thread:0`))
          )
            continue;
          if (parent.channel !== program.alerts_channel_id || (await deps.alerts.channelProblem(program))) continue;
          const payload = (await deps.deliveries.payloadOf(parent.id)) as StandupReportPayload;
          const threadTs = parent.sent_ts;
          queued += await deps.deliveries.enqueueMany(
            (payload.threadReplies ?? []).map((reply, i) => ({
              dedupeKey: `${key}:thread:${i}`,
              kind: 'standup_report_thread',
              channel: parent.channel,
              payload: { ...reply, thread_ts: threadTs },
              notBefore: now,
            })),
          );
        }
      }
      // The pass sends these next (see runTick).
      return queued;
    },

    /**
     * Scheduler step: on Monday at 09:00 in the program's zone, a digest of the week before to the
     * alerts channel (through the alerts channel check, like any alert).
     */
    async sendDigests(): Promise<number> {
      const now = deps.clock();
      let sent = 0;
      for (const program of await deps.programs.listActive()) {
        const local = DateTime.fromJSDate(now, { zone: program.time_zone });
        if (local.weekday !== 1 || local.hour < 9) continue;
        const lastWeek = previousWeekKey(isoWeekKey(local, program.time_zone));
        const key = `digest:${program.id}:${lastWeek}`;
        if (await deps.deliveries.findByKey(key)) continue;
        if (!program.alerts_channel_id) continue;
        const start = DateTime.fromISO(`${lastWeek}-1`, { zone: program.time_zone });
        if (start.plus({ weeks: 1 }).toISODate()! <= program.start_date) continue;
        // A week that began after the program ended has nothing to tell: the program summary said it.
        if (start >= programEnd(program.start_date, program.length_weeks, program.time_zone)) continue;
        // The text and the chart read the same weeks of the same read model: the last one is the digest's.
        const weeks = await deps.figures.weeks(program, weeksEndingAt(program, lastWeek, 8));
        const week = weeks.at(-1);
        if (!week) continue;
        const lateNotices = await deps.audit.countsBySubject(
          'meeting.late_notice',
          start.toJSDate(),
          start.plus({ weeks: 1 }).toJSDate(),
        );
        const standups = await deps.standups.forProgramWeek(program.id, lastWeek);
        const mentors = [...new Set(week.pairs.map((p) => p.mentorId))];
        const missing = missingStandups(standups);
        const byMentor = mentors.map((m) => ({
          mentorId: m,
          minutes: week.pairs.filter((p) => p.mentorId === m).reduce((a, p) => a + p.minutes, 0),
        }));
        const message = digestMessage({
          programName: userText(program.name),
          weekLabel: `week of ${start.toFormat('d LLLL yyyy')}`,
          pairs: week.pairs.map((p) => ({
            mentorId: p.mentorId,
            menteeId: p.menteeId,
            checkins: p.checkins,
            answers: p.answers,
            missedMeeting: p.saidNotYet && !p.met,
            lateNotices: Number(lateNotices.find((l) => l.subject === String(p.pairingId))?.n ?? 0),
          })),
          week: {
            answerRate: week.answerRate,
            answers: week.answers,
            checkins: week.checkins,
            pairsMet: week.pairsMet,
            pairs: week.pairs.length,
            openAlerts: week.openAlerts,
            minutes: week.minutes,
          },
          missingStandups: missing,
          hoursByMentor: byMentor,
          undelivered: await deps.deliveries.problems(new Date(now.getTime() - stuckAfterMs), program.id),
          behind: await behindTarget(program, lastWeek, week.pairs),
          ...(await programAbsences(deps, program.id, now)),
        });
        if (await deps.alerts.channelProblem(program)) continue;
        // A chart that fails to render is logged and left out; the text goes regardless.
        const chart = await deps.charts.programChart({ id: program.id, name: userText(program.name) }, weeks, 'digest');
        const channel = program.alerts_channel_id;
        // The digest and its chart are queued together: the outbox sends each once, the chart right after the text.
        const q = await deps.transact(async (tx) => {
          const digest = await tx.deliveries.enqueue({
            dedupeKey: key,
            kind: 'digest',
            channel,
            payload: message,
            notBefore: now,
          });
          if (digest.created && chart)
            await tx.deliveries.enqueue({
              dedupeKey: `digest-chart:${program.id}:${lastWeek}`,
              kind: 'digest_chart',
              channel,
              payload: chart,
              notBefore: now,
            });
          return digest;
        });
        if (q.created) sent++;
      }
      if (sent > 0) deps.onEnqueued();
      return sent;
    },
  };
}

export type StandupService = ReturnType<typeof createStandupService>;

/**
 * Whose standup is missing: each mentor asked that week who has not sent it. A mentor whose pairs were
 * all paused was never asked, and a mentor in a later zone not yet asked is not missing either.
 */
export function missingStandups(standups: readonly { mentor_id: string; submitted_at: Date | null }[]): string[] {
  return [...new Set(standups.filter((s) => !s.submitted_at).map((s) => s.mentor_id))].sort();
}
