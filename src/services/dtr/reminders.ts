import { DateTime } from 'luxon';
import type { DeliveryRepository, NewDelivery } from '../../db/repositories/delivery-repository.js';
import type { DtrRepository } from '../../db/repositories/dtr-repository.js';
import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import { isAway } from '../../domain/away.js';
import type { Milestone } from '../../db/schema.js';
import { programWeek } from '../../domain/work-days.js';
import type { Logger } from '../../logger.js';
import { section } from '../../messages/text.js';
import type { AlertRepository } from '../../db/repositories/alert-repository.js';
import type { AlertService } from '../alerts/alert-service.js';
import type { Clock } from '../clock.js';

export type MilestoneWindow = { milestone: Milestone; from: number; to: number };

/** Kick-off in its week, mid-module in its weeks, exit in the last week. */
export function milestoneWindows(p: {
  kickoff_week: number;
  midmod_week_from: number;
  midmod_week_to: number;
  length_weeks: number;
}): MilestoneWindow[] {
  return [
    { milestone: 'kickoff', from: p.kickoff_week, to: p.kickoff_week },
    { milestone: 'midmod', from: p.midmod_week_from, to: p.midmod_week_to },
    { milestone: 'exit', from: p.length_weeks, to: p.length_weeks },
  ];
}

const openText: Record<Milestone, { title: string; command: string }> = {
  kickoff: { title: 'kick-off conversation', command: '/dtr kickoff' },
  midmod: { title: 'mid-module follow-up', command: '/dtr midmod' },
  exit: { title: 'exit conversation', command: '/dtr exit' },
};

/**
 * Reminds each pair when a DTR milestone's window opens (only while it is open: a pass after
 * downtime does not send reminders for windows already closed) and raises one alert for a milestone
 * not completed when its window has closed.
 */
export function createMilestoneService(deps: {
  people: PeopleRepository;
  dtr: DtrRepository;
  deliveries: DeliveryRepository;
  alerts: AlertService;
  /** To skip, a page at a time, the overdue milestones already raised (raise() would find each one itself). */
  alertRecords: Pick<AlertRepository, 'raisedEpisodes'>;
  clock: Clock;
  logger: Logger;
  onEnqueued: () => void;
}) {
  return {
    async pass(pageSize = 1000): Promise<{ reminded: number; escalated: number }> {
      const now = deps.clock();
      let reminded = 0;
      let escalated = 0;
      let after = 0;
      for (;;) {
        const page = await deps.dtr.milestoneCandidates(after, pageSize);
        if (page.length === 0) break;
        after = page[page.length - 1]?.id ?? after;
        const done = await deps.dtr.completedMilestones(page.map((p) => p.id));
        const completed = new Set(done.map((d) => `${d.pairing_id}:${d.milestone}`));
        const raised = await deps.alertRecords.raisedEpisodes(
          page.map((p) => p.id),
          'milestone_overdue',
        );
        const people = new Map(
          (await deps.people.findMany([...new Set(page.flatMap((p) => [p.mentor_id, p.mentee_id]))])).map((x) => [x.slack_id, x]),
        );
        // Every pair in a milestone's window, every pass: one statement per page queues those not asked yet
        // (the outbox keeps one message per pair and milestone).
        const opens: NewDelivery[] = [];
        for (const p of page) {
          const nowDt = DateTime.fromJSDate(now, { zone: p.time_zone });
          // Nothing is asked of a pair, or said to staff about it, while one of them is away.
          if (isAway(people.get(p.mentor_id), nowDt) || isAway(people.get(p.mentee_id), nowDt)) continue;
          // After the last week programWeek is null; treat it as one past the end so the exit DTR can escalate.
          const week =
            programWeek(p.start_date, p.length_weeks, nowDt, p.time_zone) ??
            (nowDt.toISODate()! >= p.start_date ? p.length_weeks + 1 : 0);
          if (week === 0 || week > p.length_weeks + 1) continue;
          for (const w of milestoneWindows(p)) {
            if (completed.has(`${p.id}:${w.milestone}`)) continue;
            if (week >= w.from && week <= w.to) {
              const text = `It's time for your ${openText[w.milestone].title}, <@${p.mentor_id}> and <@${p.mentee_id}>. When you have talked it through, each of you records your part with \`${openText[w.milestone].command}\`.`;
              opens.push({
                dedupeKey: `milestone-open:${p.id}:${w.milestone}`,
                kind: 'milestone_open',
                pairingId: p.id,
                channel: p.conversation_id as string,
                payload: { text, blocks: [section(text)] },
                notBefore: now,
              });
            } else if (week > w.to && p.created_at.getTime() < now.getTime() && !raised.has(`${p.id}:${w.milestone}`)) {
              // Pairs made after a window closed were never asked for that milestone.
              const windowEnd = DateTime.fromISO(p.start_date, { zone: p.time_zone }).plus({ weeks: w.to });
              if (DateTime.fromJSDate(p.created_at) >= windowEnd) continue;
              const ok = await deps.alerts.raise({
                pairingId: p.id,
                programId: p.program_id,
                reason: 'milestone_overdue',
                episodeKey: w.milestone,
                subject: null,
                since: windowEnd.toJSDate(),
                details: {
                  linkChannel: p.conversation_id,
                  overdue: `the ${openText[w.milestone].title} (${openText[w.milestone].command}) was due by the end of week ${w.to}`,
                },
              });
              if (ok) escalated++;
            }
          }
        }
        reminded += await deps.deliveries.enqueueMany(opens);
        if (page.length < pageSize) break;
      }
      if (reminded > 0) deps.onEnqueued();
      return { reminded, escalated };
    },
  };
}

export type MilestoneService = ReturnType<typeof createMilestoneService>;
