import { isAwayOn } from '../../domain/away.js';
import { DateTime } from 'luxon';
import type { DeliveryRepository, NewDelivery } from '../../db/repositories/delivery-repository.js';
import type { RescheduleRepository } from '../../db/repositories/match-repository.js';
import {
  meetingReminderKey,
  reminderHorizonHours,
  type MeetingReminderCandidate,
  type MeetingReminderRepository,
} from '../../db/repositories/meeting-reminder-repository.js';
import type { SessionLogRepository } from '../../db/repositories/session-log-repository.js';
import {
  isRegularMeeting,
  isReminderDue,
  meetingProgram,
  meetingsBetween,
  reminderWindow,
  type Meeting,
  type MeetingChange,
} from '../../domain/meetings.js';
import type { IsoWeekday } from '../../domain/work-days.js';
import type { Logger } from '../../logger.js';
import { meetingReminderMessage } from '../../messages/meeting-reminder.js';
import { userText, userTextOrNull } from '../../messages/text.js';
import type { Clock } from '../clock.js';

/**
 * The DM each person of an active pair gets the day before each meeting, at 09:00 in their own zone
 * (domain/meetings.ts says which meetings there are and when "the day before" is, per reader).
 */
export function createMeetingReminderService(deps: {
  meetingReminders: MeetingReminderRepository;
  reschedules: RescheduleRepository;
  sessionLogs: SessionLogRepository;
  deliveries: DeliveryRepository;
  clock: Clock;
  logger: Logger;
  onEnqueued: () => void;
}) {
  const log = deps.logger.child({ component: 'meeting-reminders' });

  type Due = { c: MeetingReminderCandidate; meeting: Meeting; personId: string; partnerId: string; zone: string };

  /** The reminders due in one page of candidates: each meeting in the horizon, each member whose morning has come. */
  function dueIn(page: MeetingReminderCandidate[], changes: Map<number, MeetingChange[]>, now: Date): Due[] {
    const from = DateTime.fromJSDate(now);
    const to = from.plus({ hours: reminderHorizonHours });
    const due: Due[] = [];
    for (const c of page) {
      const program = meetingProgram({ ...c, time_zone: c.program_zone });
      const slot = { weekday: c.meeting_weekday as IsoWeekday, time: c.meeting_time, zone: c.meeting_zone };
      const members = [
        {
          id: c.mentor_id,
          partnerId: c.mentee_id,
          zone: c.mentor_zone,
          deleted: c.mentor_deleted,
          away_from: c.mentor_away_from,
          away_until: c.mentor_away_until,
        },
        {
          id: c.mentee_id,
          partnerId: c.mentor_id,
          zone: c.mentee_zone,
          deleted: c.mentee_deleted,
          away_from: c.mentee_away_from,
          away_until: c.mentee_away_until,
        },
      ];
      const meetings = meetingsBetween(slot, changes.get(c.pairing_id) ?? [], from, to, (o) =>
        isRegularMeeting(program, o, slot.zone),
      );
      for (const meeting of meetings) {
        // A meeting either of them is away for (on its date in their own zone) is not happening: nobody is reminded.
        if (members.some((m) => isAwayOn(m, reminderWindow(meeting.at, m.zone).meetingDate))) continue;
        for (const m of members)
          if (!m.deleted && isReminderDue(meeting.at, m.zone, now))
            due.push({ c, meeting, personId: m.id, partnerId: m.partnerId, zone: m.zone });
      }
    }
    return due;
  }

  async function planPage(page: MeetingReminderCandidate[], now: Date): Promise<number> {
    const from = now;
    const to = new Date(now.getTime() + reminderHorizonHours * 3_600_000);
    const changes = new Map<number, MeetingChange[]>();
    for (const r of await deps.reschedules.forPairings(
      page.map((c) => c.pairing_id),
      from,
      to,
    )) {
      const list = changes.get(r.pairing_id) ?? [];
      list.push({ originalAt: r.original_at, newAt: r.new_at, cancelled: r.cancelled });
      changes.set(r.pairing_id, list);
    }
    const due = dueIn(page, changes, now);
    if (due.length === 0) return 0;
    const homework = await deps.sessionLogs.latestHomework([...new Set(due.map((d) => d.c.pairing_id))]);
    const deliveries: NewDelivery[] = due.map(({ c, meeting, personId, partnerId, zone }) => ({
      dedupeKey: meetingReminderKey(c.pairing_id, personId, meeting.at),
      kind: 'meeting_reminder',
      pairingId: c.pairing_id,
      channel: personId,
      payload: meetingReminderMessage({
        partnerId,
        partnerRole: personId === c.mentor_id ? 'mentee' : 'mentor',
        at: meeting.at,
        readerZone: zone,
        minutes: c.meeting_minutes,
        moved: meeting.moved,
        programName: userText(c.program_name),
        goals: c.goals.map((g) => ({
          text: userText(g.text),
          measure: userTextOrNull(g.measure) ?? undefined,
          targetDate: g.targetDate,
        })),
        homework: userTextOrNull(homework.get(c.pairing_id)),
      }),
      notBefore: now,
      // A reminder about tomorrow that could not go out while it was the day before is not sent late.
      expiresAt: reminderWindow(meeting.at, zone).until.toJSDate(),
    }));
    return deps.deliveries.enqueueMany(deliveries);
  }

  return {
    /** Plans the reminders due now, a page of pairs at a time; keyed in the outbox, so a second pass plans nothing. */
    async plan(pageSize = 500): Promise<number> {
      const now = deps.clock();
      let planned = 0;
      for (let after = 0; ; ) {
        const page = await deps.meetingReminders.dueCandidates(now, after, pageSize);
        if (page.length === 0) break;
        const created = await planPage(page, now);
        if (created > 0) deps.onEnqueued();
        planned += created;
        if (page.length < pageSize) break;
        after = (page.at(-1) as MeetingReminderCandidate).pairing_id;
      }
      if (planned > 0) log.info({ planned }, 'meeting reminders planned');
      return planned;
    },
  };
}

export type MeetingReminderService = ReturnType<typeof createMeetingReminderService>;
