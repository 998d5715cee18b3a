import { DateTime } from 'luxon';
import type { DtrRepository } from '../../db/repositories/dtr-repository.js';
import type { ExpectationRepository } from '../../db/repositories/expectation-repository.js';
import type { PairingRepository } from '../../db/repositories/pairing-repository.js';
import type { StaffRepository } from '../../db/repositories/staff-repository.js';
import { chartWeeks } from '../../charts/program-chart.js';
import { answerRate, answerRateLabel, answersPerCheckin } from '../../domain/answer-rate.js';
import { answersWhere, questionSetFor } from '../../domain/dtr-questions.js';
import { hoursLabel } from '../../domain/hours.js';
import { programEnd } from '../../domain/work-days.js';
import { programTeamBlocks, type ProgramTeamAnswer } from '../../messages/dtr.js';
import { context, escapeMrkdwn, mention, plain, section, userText, type KnownBlock } from '../../messages/text.js';
import type { ProgramReportingDeps } from '../program-reporting.js';
import { refuse, staffOnly, type Outcome } from '../outcome.js';
import { programWeekKeys, type ProgramWeek } from '../../domain/program-weeks.js';

/**
 * The end of a program: after its last week, live pairings end with a thank-you in each pair
 * conversation, staff get the program's summary, and — if the program asks for it — each pair gets a
 * follow-up some weeks later. All keyed, so a pass after downtime does it once.
 */
export function createLifecycleService(
  deps: ProgramReportingDeps & {
    pairings: PairingRepository;
    expectations: ExpectationRepository;
    dtr: DtrRepository;
    staff: StaffRepository;
  },
) {
  const log = deps.logger.child({ component: 'lifecycle' });

  async function closeProgram(programId: number): Promise<number> {
    const program = await deps.programs.get(programId);
    if (!program || program.closed_at) return 0;
    const now = deps.clock();
    const ended = await deps.pairings.endAllInProgram(programId, now);
    await deps.expectations.cancelOpenInProgram(programId);
    // Nothing more goes to the pairs but the goodbye below: prompts and reminders still queued are dropped.
    await deps.deliveries.skipPendingForProgram(programId, 'program_end');
    for (const p of ended) {
      if (!p.conversation_id) continue;
      const text = `That's a wrap on ${escapeMrkdwn(program.name)}, ${mention(p.mentor_id)} and ${mention(p.mentee_id)}! :tada: Thank you for the time and care you put into these weeks. Take a moment to celebrate what you achieved together.`;
      await deps.deliveries.enqueue({
        dedupeKey: `program-end:${p.id}`,
        kind: 'program_end',
        pairingId: p.id,
        channel: p.conversation_id,
        payload: {
          text,
          blocks: [
            section(text),
            context('Tandem stops the weekly check-ins now. Your DTR summaries stay available with `/dtr show`.'),
          ],
        },
        notBefore: now,
      });
    }
    // Archived: no more check-ins, standups, digests or reminders; open alerts end as "program ended".
    await deps.programs.archive(programId, now);
    await deps.alerts.resolveProgram(programId);
    await sendSummary(programId);
    log.info({ programId, ended: ended.length }, 'program closed');
    deps.onEnqueued();
    return ended.length;
  }

  /** What the pairs' DTRs say to the program team: answers whose question `readers` is staff. */
  async function programTeamAnswers(programId: number): Promise<ProgramTeamAnswer[]> {
    const rows = await deps.dtr.programAnswers(programId);
    return rows.flatMap((r) =>
      answersWhere(
        questionSetFor(r.milestone, { source: r.set_source, version: r.set_version }, r.definition),
        r.answers,
        (q) => q.readers === 'staff',
      ).map((answer) => ({
        personId: r.person_id,
        role: r.role,
        partnerId: r.role === 'mentor' ? r.mentee_id : r.mentor_id,
        answer,
      })),
    );
  }

  async function sendSummary(programId: number): Promise<void> {
    const program = await deps.programs.get(programId);
    if (!program?.alerts_channel_id) return;
    const exits = await deps.dtr.menteeExitAnswers(programId);
    const outcomes = exits.flatMap((e) =>
      [1, 2, 3].map((n) => e.answers[`goal${n}_outcome`]).filter((o): o is string => Boolean(o) && o !== 'none'),
    );
    const pairs = await deps.pairings.countInProgram(programId);
    // The same read model as the Monday digests and their charts, over every week of the program.
    const weeks = await deps.figures.weeks(program, programWeekKeys(program));
    const sum = (f: (w: ProgramWeek) => number) => weeks.reduce((a, w) => a + f(w), 0);
    const checkins = sum((w) => w.checkins);
    const answers = sum((w) => w.answers);
    const rate = answerRateLabel(answerRate(answers, checkins), 'no check-ins');
    const text = `${escapeMrkdwn(program.name)} has ended: the summary for staff.`;
    const blocks: KnownBlock[] = [
      { type: 'header', text: plain(`Program summary: ${program.name}`, 150) },
      section(
        [
          `*Pairs:* ${pairs}`,
          `*Check-in answer rate:* ${rate}${checkins > 0 ? ` (${answers} of ${answersPerCheckin * checkins} answers)` : ''}`,
          `*Weeks a pair met:* ${sum((w) => w.pairsMet)} of ${sum((w) => w.pairs.length)} pair-weeks`,
          `*Goals (from exit DTRs):* ${outcomes.filter((o) => o === 'met').length} met, ${outcomes.filter((o) => o === 'partly').length} partly, ${outcomes.filter((o) => o === 'not').length} not met (${exits.length === 1 ? '1 exit DTR' : `${exits.length} exit DTRs`} recorded)`,
          `*Mentor hours:* ${hoursLabel(sum((w) => w.minutes))}`,
        ].join('\n'),
      ),
      ...programTeamBlocks(await programTeamAnswers(programId)),
    ];
    if (await deps.alerts.channelProblem(program)) return;
    if (await deps.deliveries.findByKey(`program-summary:${programId}`)) return;
    // A chart that fails to render is logged and left out; the summary goes regardless.
    const chart = await deps.charts.programChart(
      { id: program.id, name: userText(program.name) },
      chartWeeks(weeks, 52),
      'summary',
    );
    const channel = program.alerts_channel_id;
    await deps.transact(async (tx) => {
      const summary = await tx.deliveries.enqueue({
        dedupeKey: `program-summary:${programId}`,
        kind: 'program_summary',
        channel,
        payload: { text, blocks },
        notBefore: deps.clock(),
      });
      if (summary.created && chart)
        await tx.deliveries.enqueue({
          dedupeKey: `program-summary-chart:${programId}`,
          kind: 'summary_chart',
          channel,
          payload: chart,
          notBefore: deps.clock(),
        });
    });
  }

  return {
    closeProgram,

    /** `/tandem program close`: staff end a program before (or at) its last week. */
    async closeByStaff(actor: string, programId: number): Promise<Outcome<{ programName: string; ended: number }>> {
      if (!(await deps.staff.isStaff(actor))) return staffOnly();
      const program = await deps.programs.get(programId);
      if (!program) return refuse('not_found', 'That program no longer exists.');
      if (program.closed_at) return refuse('conflict', `“${program.name}” is already closed.`);
      const ended = await closeProgram(programId);
      await deps.audit.record({ actor, action: 'program.close', subject: String(programId), details: { ended } }, deps.clock());
      return { ok: true, programName: program.name, ended };
    },

    async pass(): Promise<{ closed: number; followUps: number }> {
      const now = deps.clock();
      let closed = 0;
      for (const p of await deps.programs.listActive()) {
        if (p.closed_at) continue;
        if (programEnd(p.start_date, p.length_weeks, p.time_zone).toMillis() <= now.getTime()) {
          await closeProgram(p.id);
          closed++;
        }
      }
      let followUps = 0;
      const due = await deps.pairings.followUpCandidates();
      for (const p of due) {
        if (!p.closed_at || !p.follow_up_weeks) continue;
        const at = DateTime.fromJSDate(p.closed_at).plus({ weeks: p.follow_up_weeks });
        // Only while it is timely: a follow-up more than two weeks late is skipped, not sent.
        if (at.toMillis() > now.getTime() || at.plus({ weeks: 2 }).toMillis() < now.getTime()) continue;
        const goals = (p.goals ?? []).map((g, i) => `${i + 1}. ${escapeMrkdwn(g.text)}`).join('\n');
        const text = `Hello again, ${mention(p.mentor_id)} and ${mention(p.mentee_id)}! It has been ${p.follow_up_weeks} weeks since ${escapeMrkdwn(p.name)} ended. How are you doing on your goals?`;
        const q = await deps.deliveries.enqueue({
          dedupeKey: `follow-up:${p.id}`,
          kind: 'follow_up',
          pairingId: p.id,
          channel: p.conversation_id as string,
          payload: { text, blocks: [section(text), ...(goals ? [section(`*The goals you set*\n${goals}`)] : [])] },
          notBefore: now,
        });
        if (q.created) followUps++;
      }
      if (closed + followUps > 0) deps.onEnqueued();
      return { closed, followUps };
    },
  };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;
