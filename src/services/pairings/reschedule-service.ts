import { rescheduleModal, rescheduleNotice } from '../../messages/reschedule.js';
import { personName } from '../people/people-service.js';
import { DateTime } from 'luxon';
import { isInPair } from '../../domain/authorization.js';
import { z } from 'zod';
import type { AuditRepository } from '../../db/repositories/audit-repository.js';
import type { DeliveryRepository } from '../../db/repositories/delivery-repository.js';
import type { RescheduleRepository } from '../../db/repositories/match-repository.js';
import type { PairingRepository, PairingRow } from '../../db/repositories/pairing-repository.js';
import type { Reschedule } from '../../db/schema.js';
import { isoDate, timeOfDay } from '../../domain/program-settings.js';
import type { IsoWeekday } from '../../domain/work-days.js';
import { isRegularMeeting, meetingProgram, meetingsBetween } from '../../domain/meetings.js';
import type { ProgramRepository } from '../../db/repositories/program-repository.js';
import { userText } from '../../messages/text.js';
import { fieldErrors } from '../../domain/program-settings.js';
import type { CalendarService } from '../calendar/calendar-service.js';
import type { Clock } from '../clock.js';
import { refuse, type Outcome } from '../outcome.js';
import type { PeopleService } from '../people/people-service.js';

/** Under this much notice, a moved or cancelled meeting is recorded as late notice. */
export const noticeHours = 48;

export const rescheduleSchema = z
  .object({
    pairingId: z.coerce.number({ error: 'Pick the pairing' }).int().positive('Pick the pairing'),
    originalDate: isoDate,
    originalTime: timeOfDay,
    cancel: z.boolean(),
    newDate: isoDate.nullable(),
    newTime: timeOfDay.nullable(),
    reason: z.string().trim().max(500, 'At most 500 characters').nullable(),
  })
  .superRefine((v, ctx) => {
    if (!v.cancel && !v.newDate)
      ctx.addIssue({ code: 'custom', path: ['newDate'], message: 'Pick the new date, or tick “cancel”.' });
    if (!v.cancel && !v.newTime)
      ctx.addIssue({ code: 'custom', path: ['newTime'], message: 'Pick the new time, or tick “cancel”.' });
  });
export type RescheduleInput = z.input<typeof rescheduleSchema>;

export function createRescheduleService(deps: {
  reschedules: RescheduleRepository;
  pairings: PairingRepository;
  programs: ProgramRepository;
  deliveries: DeliveryRepository;
  audit: AuditRepository;
  people: PeopleService;
  calendar: Pick<CalendarService, 'meetingChanged'>;
  clock: Clock;
  onEnqueued: () => void;
}) {
  /**
   * The pair's next meeting (their weekly slot in the weeks their program meets, moved or cancelled by
   * reschedules), counting one that started within the last hour; null before a kick-off agreed a slot.
   */
  async function nextMeeting(p: PairingRow): Promise<{ at: Date; moved: boolean } | null> {
    if (!p.meeting_weekday || !p.meeting_time) return null;
    const from = DateTime.fromJSDate(deps.clock()).minus({ hours: 1 });
    const slot = { weekday: p.meeting_weekday as IsoWeekday, time: p.meeting_time, zone: p.meeting_zone ?? 'UTC' };
    const program = await deps.programs.get(p.program_id);
    const changes = (await deps.reschedules.upcoming(p.id, from.toJSDate())).map((r) => ({
      originalAt: r.original_at,
      newAt: r.new_at,
      cancelled: r.cancelled,
    }));
    const regular = program ? (at: DateTime) => isRegularMeeting(meetingProgram(program), at, slot.zone) : undefined;
    // Eight weeks reach past the longest gap a cadence leaves between two meetings of most programs.
    return meetingsBetween(slot, changes, from, from.plus({ weeks: 8 }), regular)[0] ?? null;
  }

  return {
    nextMeeting,

    /** The form to move or cancel a meeting: the person's active pairings, the chosen one's next meeting in their zone. */
    async form(actor: string, pairingId?: number): Promise<Outcome<{ view: ReturnType<typeof rescheduleModal> }>> {
      const pairings = (await deps.pairings.listLiveFor(actor)).filter((p) => p.status === 'active');
      if (pairings.length === 0) return refuse('not_found', 'You have no active pairing with meetings to move.');
      const chosen = pairings.find((p) => p.id === pairingId) ?? (pairings.length === 1 ? pairings[0] : undefined);
      const people = new Map(
        (await deps.people.findMany([actor, ...pairings.map((p) => (p.mentor_id === actor ? p.mentee_id : p.mentor_id))])).map(
          (p) => [p.slack_id, p],
        ),
      );
      const zone = people.get(actor)?.time_zone ?? 'UTC';
      const next = chosen ? await nextMeeting(chosen) : null;
      const local = next ? DateTime.fromJSDate(next.at, { zone }) : null;
      const view = rescheduleModal({
        pairings: pairings.map((p) => {
          const partner = p.mentor_id === actor ? p.mentee_id : p.mentor_id;
          return {
            pairingId: p.id,
            partnerRole: p.mentor_id === actor ? 'Mentee' : 'Mentor',
            partnerName: personName(people.get(partner), partner),
            programName: p.program_name,
          };
        }),
        preselect: chosen?.id,
        next: local ? { date: local.toISODate() as string, time: local.toFormat('HH:mm') } : null,
        zone,
      });
      return { ok: true, view };
    },

    /**
     * Records a moved or cancelled meeting and tells the partner in the pair conversation. Times are in
     * the actor's own zone; under 48 hours' notice is late notice (counted in the staff digest). With a
     * form key, a form already saved (a double submit, a replay) is acknowledged and changes nothing.
     */
    async reschedule(
      actor: string,
      input: RescheduleInput,
      formKey?: { key: string; until: Date },
    ): Promise<Outcome<{ reschedule: Reschedule | null }> | { ok: false; reason: 'fields'; errors: Record<string, string> }> {
      const parsed = rescheduleSchema.safeParse(input);
      if (!parsed.success) return { ok: false, reason: 'fields', errors: fieldErrors(parsed.error) };
      const v = parsed.data;
      const pairing = await deps.pairings.get(v.pairingId);
      if (!pairing || !isInPair(pairing, actor) || pairing.status === 'ended')
        return refuse('forbidden', 'You can only move meetings of your own pairing.');
      const zone = (await deps.people.find(actor))?.time_zone ?? 'UTC';
      const now = deps.clock();
      const original = DateTime.fromISO(`${v.originalDate}T${v.originalTime}`, { zone });
      if (original.toMillis() <= now.getTime())
        return {
          ok: false,
          reason: 'fields',
          errors: { originalDate: 'That meeting has already started; pick an upcoming one.' },
        };
      const moved = v.cancel || !v.newDate || !v.newTime ? null : DateTime.fromISO(`${v.newDate}T${v.newTime}`, { zone });
      if (moved && moved.toMillis() <= now.getTime())
        return { ok: false, reason: 'fields', errors: { newDate: 'The new time must be in the future.' } };
      const hours = Math.floor((original.toMillis() - now.getTime()) / 3_600_000);
      const late = hours < noticeHours;
      const row = {
        pairingId: pairing.id,
        requestedBy: actor,
        originalAt: original.toJSDate(),
        newAt: moved?.toJSDate() ?? null,
        cancelled: v.cancel,
        reason: v.reason || null,
        lateNotice: late,
        noticeHours: hours,
        at: now,
      };
      const partner = actor === pairing.mentor_id ? pairing.mentee_id : pairing.mentor_id;
      const partnerZone = (await deps.people.find(partner))?.time_zone ?? zone;
      const notice = rescheduleNotice({
        actorId: actor,
        original: original.toJSDate(),
        moved: moved?.toJSDate() ?? null,
        zone: partnerZone,
        reason: row.reason ? userText(row.reason) : null,
        lateNoticeHours: late ? noticeHours : null,
      });
      const conversation = pairing.conversation_id;
      const announce = (r: Reschedule, deliveries = deps.deliveries) =>
        conversation
          ? deliveries
              .enqueue({
                dedupeKey: `reschedule:${r.id}`,
                kind: 'reschedule',
                pairingId: pairing.id,
                channel: conversation,
                payload: notice,
                notBefore: now,
              })
              // The calendar file of the moved or cancelled meeting, in the same transaction.
              .then(() => deps.calendar.meetingChanged(r, deliveries))
          : Promise.resolve();
      // With a form key the announcement is written with the reschedule: a crash between the two would
      // otherwise lose it for good, since a resubmitted form is (rightly) a no-op.
      const r = formKey
        ? await deps.reschedules.createOnce(row, formKey, (created, deliveries) => announce(created, deliveries))
        : await deps.reschedules.create(row);
      if (!r) return { ok: true, reschedule: null };
      if (!formKey) await announce(r);
      await deps.audit.record(
        {
          actor,
          action: late ? 'meeting.late_notice' : 'meeting.rescheduled',
          subject: String(pairing.id),
          details: { reschedule: r.id, noticeHours: hours },
        },
        now,
      );
      if (conversation) deps.onEnqueued();
      return { ok: true, reschedule: r };
    },
  };
}

export type RescheduleService = ReturnType<typeof createRescheduleService>;
