import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Db } from '../database.js';
import type { Cadence, Goal } from '../schema.js';

/** An active pair with a meeting slot whose reminder may be due, with what the rules need to decide. */
export type MeetingReminderCandidate = {
  pairing_id: number;
  program_id: number;
  program_name: string;
  mentor_id: string;
  mentee_id: string;
  meeting_weekday: number;
  meeting_time: string;
  meeting_zone: string;
  meeting_minutes: number | null;
  goals: Goal[];
  cadence: Cadence;
  session_target: number | null;
  length_weeks: number;
  start_date: string;
  program_zone: string;
  holidays: string[];
  mentor_zone: string;
  mentor_away_from: string | null;
  mentor_away_until: string | null;
  mentor_deleted: boolean;
  mentee_zone: string;
  mentee_away_from: string | null;
  mentee_away_until: string | null;
  mentee_deleted: boolean;
};

/** The outbox key of one person's reminder of one meeting (its start, to the minute, in UTC). */
export function meetingReminderKey(pairingId: number, personId: string, at: Date): string {
  return `meeting-reminder:${pairingId}:${personId}:${DateTime.fromJSDate(at, { zone: 'UTC' }).toFormat("yyyy-LL-dd'T'HH:mm'Z'")}`;
}

/** How far ahead a reminder's meeting can be: from 09:00 the day before to 23:59 the day after, 39 hours, plus slack. */
export const reminderHorizonHours = 48;

export function createMeetingReminderRepository(db: Db) {
  return {
    /**
     * Active pairs of running programs that send reminders, after `afterPairingId`, for whom some
     * member's reminder is due now and not yet in the outbox: the next occurrence of the weekly slot,
     * or a time a meeting was moved to, falls on tomorrow in that member's zone and it is 09:00 or
     * later there. SQL only keeps the list short (a quiet minute reads no row); the service decides
     * with the domain rules (cadence, holidays, cancellations, who is away) before planning.
     */
    async dueCandidates(now: Date, afterPairingId: number, limit: number): Promise<MeetingReminderCandidate[]> {
      const horizon = new Date(now.getTime() + reminderHorizonHours * 3_600_000);
      const r = await sql<MeetingReminderCandidate>`
        with base as (
          select p.id as pairing_id, p.program_id, pr.name as program_name, p.mentor_id, p.mentee_id,
                 p.meeting_weekday, p.meeting_time, coalesce(p.meeting_zone, pr.time_zone) as meeting_zone,
                 p.meeting_minutes, p.goals, pr.cadence, pr.session_target, pr.length_weeks, pr.start_date,
                 pr.time_zone as program_zone,
                 coalesce(mr.time_zone, pr.time_zone) as mentor_zone, mr.away_from::text as mentor_away_from,
                 mr.away_until::text as mentor_away_until, coalesce(mr.deleted, false) as mentor_deleted,
                 coalesce(me.time_zone, pr.time_zone) as mentee_zone, me.away_from::text as mentee_away_from,
                 me.away_until::text as mentee_away_until, coalesce(me.deleted, false) as mentee_deleted
          from pairings p
          join programs pr on pr.id = p.program_id
          left join people mr on mr.slack_id = p.mentor_id
          left join people me on me.slack_id = p.mentee_id
          -- A closed program's pairs are ended, so an active pair is in a live program.
          where p.id > ${afterPairingId} and p.status = 'active' and pr.meeting_reminders
            and p.meeting_weekday is not null and p.meeting_time is not null
            and pr.start_date <= (${now}::timestamptz at time zone pr.time_zone)::date + 3
            and pr.start_date + pr.length_weeks * 7 >= (${now}::timestamptz at time zone pr.time_zone)::date
        )
        select b.*,
               (select coalesce(array_agg(h.day::text order by h.day), '{}') from program_holidays h
                where h.program_id = b.program_id) as holidays
        from base b
        where exists (
          select 1
          from (
            -- The slot's occurrence today or in the next six days, in the slot's zone.
            select ((${now}::timestamptz at time zone b.meeting_zone)::date
                    + (b.meeting_weekday - extract(isodow from ${now}::timestamptz at time zone b.meeting_zone)::int + 7) % 7
                    + b.meeting_time::time) at time zone b.meeting_zone as at
            union all
            select r.new_at from reschedules r
            where r.pairing_id = b.pairing_id and not r.cancelled and r.new_at > ${now} and r.new_at <= ${horizon}
          ) meeting
          cross join lateral (values (b.mentor_id, b.mentor_zone), (b.mentee_id, b.mentee_zone)) person(id, zone)
          where ${now} >= (((meeting.at at time zone person.zone)::date - 1) + time '09:00') at time zone person.zone
            and ${now} < ((meeting.at at time zone person.zone)::date::timestamp at time zone person.zone)
            and not exists (
              select 1 from deliveries d
              where d.dedupe_key = 'meeting-reminder:' || b.pairing_id || ':' || person.id || ':'
                                   || to_char(meeting.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'))
        )
        order by b.pairing_id
        limit ${limit}`.execute(db);
      return r.rows;
    },
  };
}

export type MeetingReminderRepository = ReturnType<typeof createMeetingReminderRepository>;
