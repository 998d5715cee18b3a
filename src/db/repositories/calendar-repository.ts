import type { Db } from '../database.js';
import type { MeetingCalendar } from '../schema.js';

export type SentSlot = { weekday: number; time: string; zone: string; minutes: number };

export function createCalendarRepository(db: Db) {
  return {
    async get(pairingId: number): Promise<MeetingCalendar | undefined> {
      return db.selectFrom('meeting_calendars').selectAll().where('pairing_id', '=', pairingId).executeTakeFirst();
    },

    /**
     * Records the series sent for this slot: the first version (SEQUENCE 0), or the next one when the slot
     * differs from the last one sent. Undefined when this slot was already sent (nothing to send again).
     */
    async recordSeries(pairingId: number, slot: SentSlot, firstAt: Date, at: Date): Promise<MeetingCalendar | undefined> {
      return db
        .insertInto('meeting_calendars')
        .values({
          pairing_id: pairingId,
          meeting_weekday: slot.weekday,
          meeting_time: slot.time,
          meeting_zone: slot.zone,
          meeting_minutes: slot.minutes,
          first_at: firstAt,
          sent_at: at,
        })
        .onConflict((oc) =>
          oc
            .column('pairing_id')
            .doUpdateSet((eb) => ({
              sequence: eb('meeting_calendars.sequence', '+', 1),
              meeting_weekday: eb.ref('excluded.meeting_weekday'),
              meeting_time: eb.ref('excluded.meeting_time'),
              meeting_zone: eb.ref('excluded.meeting_zone'),
              meeting_minutes: eb.ref('excluded.meeting_minutes'),
              first_at: eb.ref('excluded.first_at'),
              sent_at: eb.ref('excluded.sent_at'),
            }))
            .where((eb) =>
              eb.or([
                eb('meeting_calendars.meeting_weekday', '<>', slot.weekday),
                eb('meeting_calendars.meeting_time', '<>', slot.time),
                eb('meeting_calendars.meeting_zone', '<>', slot.zone),
                eb('meeting_calendars.meeting_minutes', '<>', slot.minutes),
              ]),
            ),
        )
        .returningAll()
        .executeTakeFirst();
    },
  };
}

export type CalendarRepository = ReturnType<typeof createCalendarRepository>;
