import type { CalendarRepository } from '../../db/repositories/calendar-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { Transact } from '../../db/repositories/index.js';
import type { PairingRepository, PairingRow } from '../../db/repositories/pairing-repository.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import type { PeopleRepository } from '../../db/repositories/people-repository.js';
import type { DeliveryPayload, Reschedule } from '../../db/schema.js';
import { isOccurrence, meetingSeries, type MeetingSlot } from '../../domain/meeting-series.js';
import type { IsoWeekday } from '../../domain/work-days.js';
import type { Logger } from '../../logger.js';
import { meetingChangeFile, meetingSeriesFile, type CalendarFile, type CalendarSeries } from '../../messages/calendar.js';
import { userText } from '../../messages/text.js';
import type { Clock } from '../clock.js';
import { personName } from '../people/people-service.js';

/**
 * The pair's meetings in their calendars: once the kick-off agrees a slot, an iCalendar file of the weekly
 * series (and the same as a Google Calendar link) in the pair conversation; a new slot sends the series
 * again under the same UID with a higher SEQUENCE; a moved or cancelled meeting sends that occurrence.
 * Files go through the outbox, keyed per pairing and version, so an outage delays them and a double
 * submit sends one.
 */
export function createCalendarService(deps: {
  calendars: CalendarRepository;
  pairings: PairingRepository;
  programs: ProgramRepository;
  people: PeopleRepository;
  deliveries: DeliveryRepository;
  transact: Transact;
  clock: Clock;
  logger: Logger;
  onEnqueued: () => void;
}) {
  const log = deps.logger.child({ component: 'calendar' });

  const slotOf = (p: PairingRow): MeetingSlot | null =>
    p.meeting_weekday && p.meeting_time && p.meeting_zone && p.meeting_minutes
      ? { weekday: p.meeting_weekday as IsoWeekday, time: p.meeting_time, zone: p.meeting_zone, minutes: p.meeting_minutes }
      : null;

  /** The pair's series in this slot from `from` on, with what the file says about the pair; null when no meeting is left. */
  async function seriesOf(
    p: PairingRow,
    slot: MeetingSlot,
    from: Date,
  ): Promise<Omit<CalendarSeries, 'uid' | 'sequence'> | null> {
    const program = await deps.programs.get(p.program_id);
    if (!program || !p.conversation_id) return null;
    const series = meetingSeries(
      slot,
      {
        programStartDate: program.start_date,
        programZone: program.time_zone,
        lengthWeeks: program.length_weeks,
        cadence: program.cadence,
        sessionTarget: program.session_target,
      },
      from,
    );
    if (!series) return null;
    const people = new Map((await deps.people.findMany([p.mentor_id, p.mentee_id])).map((x) => [x.slack_id, x]));
    return {
      stamp: deps.clock(),
      series,
      programName: userText(program.name),
      mentor: { id: p.mentor_id, name: userText(personName(people.get(p.mentor_id), p.mentor_id)) },
      mentee: { id: p.mentee_id, name: userText(personName(people.get(p.mentee_id), p.mentee_id)) },
      conversationUrl: `https://slack.com/app_redirect?channel=${encodeURIComponent(p.conversation_id)}`,
    };
  }

  const payloadOf = (f: CalendarFile): DeliveryPayload => ({
    text: f.comment,
    file: { filename: f.filename, title: f.title, base64: Buffer.from(f.ics, 'utf8').toString('base64') },
  });

  return {
    /**
     * A DTR is in from both sides (the kick-off agrees the slot): sends the series from now on, unless
     * this slot was sent already.
     */
    async meetingAgreed(pairingId: number): Promise<void> {
      const pairing = await deps.pairings.get(pairingId);
      const slot = pairing ? slotOf(pairing) : null;
      const now = deps.clock();
      const base = pairing && slot ? await seriesOf(pairing, slot, now) : null;
      if (!pairing || !base) return;
      // The version and its file in one transaction; two submits at once meet on the row's key, and the
      // second finds this slot already sent.
      const queued = await deps.transact(async (tx) => {
        const sent = await tx.calendars.recordSeries(pairing.id, base.series.slot, base.series.first.toJSDate(), now);
        if (!sent) return false;
        const file = meetingSeriesFile({ ...base, uid: sent.uid, sequence: sent.sequence }, sent.sequence > 0);
        await tx.deliveries.enqueue({
          dedupeKey: `calendar:${pairing.id}:${sent.sequence}`,
          kind: 'calendar',
          pairingId: pairing.id,
          channel: pairing.conversation_id as string,
          payload: payloadOf(file),
          notBefore: now,
        });
        return true;
      });
      if (queued) {
        log.info({ pairingId: pairing.id }, 'calendar series queued');
        deps.onEnqueued();
      }
    },

    /**
     * A meeting moved or cancelled: its occurrence, queued on `deliveries` (the reschedule's own
     * transaction when it has one). Nothing when the pair was sent no series, or the meeting is not one of it.
     */
    async meetingChanged(r: Reschedule, deliveries: DeliveryRepository = deps.deliveries): Promise<void> {
      const sent = await deps.calendars.get(r.pairing_id);
      const pairing = sent ? await deps.pairings.get(r.pairing_id) : undefined;
      if (!sent || !pairing) return;
      // The series as it was sent: its slot, from just before its first meeting.
      const slot: MeetingSlot = {
        weekday: sent.meeting_weekday as IsoWeekday,
        time: sent.meeting_time,
        zone: sent.meeting_zone,
        minutes: sent.meeting_minutes,
      };
      const base = await seriesOf(pairing, slot, new Date(sent.first_at.getTime() - 1));
      if (!base || !isOccurrence(base.series, r.original_at)) {
        log.info({ pairingId: pairing.id, reschedule: r.id }, 'moved meeting is not one of the calendar series; no file');
        return;
      }
      const file = meetingChangeFile(
        { ...base, uid: sent.uid, sequence: sent.sequence },
        r.original_at,
        r.cancelled ? null : r.new_at,
      );
      // Queued with the reschedule; its announcement's kick after the commit sends both.
      await deliveries.enqueue({
        dedupeKey: `calendar-change:${r.id}`,
        kind: 'calendar',
        pairingId: pairing.id,
        channel: pairing.conversation_id as string,
        payload: payloadOf(file),
        notBefore: deps.clock(),
      });
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
