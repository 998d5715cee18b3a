import { sql, type RawBuilder } from 'kysely';
import { DateTime } from 'luxon';
import type { Db } from '../database.js';
import { cadenceWeeksSql } from './schedule-sql.js';
import type { Cadence, Checkin, CheckinAnswer, CheckinAnswerRow } from '../schema.js';

export type CheckinCandidate = {
  pairing_id: number;
  program_id: number;
  mentor_id: string;
  mentee_id: string;
  conversation_id: string;
  weekday: number;
  time: string;
  zone: string;
  /** The kick-off's meeting, when the pair has agreed one (and staff set no check-in slot of its own). */
  meeting_weekday: number | null;
  meeting_time: string | null;
  meeting_zone: string | null;
  meeting_minutes: number | null;
  checkin_after_hours: number;
  cadence: Cadence;
  session_target: number | null;
  start_date: string;
  length_weeks: number;
  response_window_days: number;
};

export function createCheckinRepository(db: Db) {
  /** Sessions per pair of the pairings `which` picks (alias p), up to and including the ISO week `upToWeek`. */
  async function sessionsHeldBy(which: RawBuilder<unknown>, upToWeek: string): Promise<Map<number, number>> {
    const r = await sql<{ pairing_id: number; n: string }>`
      select pairing_id, count(*) as n from (
        select c.pairing_id, c.week_key from checkins c join pairings p on p.id = c.pairing_id
        where ${which} and c.week_key <= ${upToWeek}
          and exists (select 1 from checkin_answers a where a.checkin_id = c.id and a.answer = 'met')
        union
        select l.pairing_id, to_char(l.session_date::date, 'IYYY-"W"IW') from session_logs l join pairings p on p.id = l.pairing_id
        where ${which} and to_char(l.session_date::date, 'IYYY-"W"IW') <= ${upToWeek}
      ) weeks group by pairing_id`.execute(db);
    return new Map(r.rows.map((x) => [x.pairing_id, Number(x.n)]));
  }

  return {
    /**
     * Active pairings whose check-in for the current week (in their zone) may be due and that have no
     * check-in row for that week yet, among the next `limit` pairings after `afterPairingId`. The time is
     * computed in SQL only to keep the candidate list short (the program's slot, or the end of the pair's
     * own meeting plus the program's hours, in the weeks its cadence asks; last week's meeting when its
     * question falls into this week; any pair with a meeting moved in the last week); the service
     * recomputes it with luxon (holidays, reschedules, program range) before planning. Paging walks the
     * primary key first, so a pass costs the same per page however many pairings there are.
     */
    async dueCandidates(
      now: Date,
      afterPairingId: number,
      limit: number,
    ): Promise<{ rows: CheckinCandidate[]; scannedTo: number | null }> {
      const window = await db
        .selectFrom('pairings')
        .select((eb) => eb.fn.max('id').as('last'))
        .where('id', 'in', db.selectFrom('pairings').select('id').where('id', '>', afterPairingId).orderBy('id').limit(limit))
        .executeTakeFirst();
      const last = window?.last ?? null;
      if (last === null) return { rows: [], scannedTo: null };
      // Every zone's current ISO week is the UTC week of now, a day before or a day after: a constant
      // bound lets the index skip all older check-ins, the per-zone key keeps the test exact.
      const weeks = [-8, -1, 0, 1]
        .map((d) => DateTime.fromJSDate(now, { zone: 'UTC' }).plus({ days: d }))
        .map((d) => `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`);
      const rows = await sql<CheckinCandidate>`
        with c as (
          select p.id as pairing_id, p.program_id, p.mentor_id, p.mentee_id, p.conversation_id,
                 coalesce(p.checkin_weekday, pr.checkin_weekday) as weekday,
                 coalesce(p.checkin_time, pr.checkin_time) as time,
                 coalesce(p.checkin_zone, pr.time_zone) as zone,
                 case when p.checkin_weekday is null and p.checkin_time is null then p.meeting_weekday end as meeting_weekday,
                 case when p.checkin_weekday is null and p.checkin_time is null then p.meeting_time end as meeting_time,
                 coalesce(p.meeting_zone, pr.time_zone) as meeting_zone,
                 coalesce(p.meeting_minutes, 0) as meeting_minutes,
                 pr.checkin_after_hours, pr.cadence, pr.session_target,
                 pr.start_date, pr.length_weeks, coalesce(p.reply_within_days, pr.response_window_days) as response_window_days,
                 ${cadenceWeeksSql('pr')} as every
          from pairings p
          join programs pr on pr.id = p.program_id
          where p.id > ${afterPairingId} and p.id <= ${last}
            and p.status = 'active' and pr.status = 'active' and p.conversation_id is not null
            and pr.start_date <= (${now}::timestamptz at time zone pr.time_zone)::date + 1
            and pr.start_date + pr.length_weeks * 7 >= (${now}::timestamptz at time zone pr.time_zone)::date - 1
        ), s as materialized (
          select c.*,
                 case when c.meeting_weekday is not null and c.meeting_time is not null then c.meeting_zone else c.zone end as slot_zone,
                 coalesce(c.meeting_weekday, c.weekday) as slot_weekday,
                 case when c.meeting_weekday is not null and c.meeting_time is not null then c.meeting_time else c.time end as slot_time,
                 case when c.meeting_weekday is not null and c.meeting_time is not null
                   then make_interval(mins => c.meeting_minutes + c.checkin_after_hours * 60) else interval '0' end as gap
          from c
        ), w as (
          select s.*, date_trunc('week', ${now}::timestamptz at time zone s.slot_zone) as monday from s
        )
        select pairing_id, program_id, mentor_id, mentee_id, conversation_id, weekday, time, zone,
               meeting_weekday, meeting_time, case when meeting_weekday is not null then meeting_zone end as meeting_zone,
               case when meeting_weekday is not null then meeting_minutes end as meeting_minutes,
               checkin_after_hours, cadence, session_target, start_date, length_weeks, response_window_days
        from w
        where (
            ((monday::date - date_trunc('week', start_date)::date) / 7) % every = 0
            and ((monday + make_interval(days => slot_weekday - 1) + slot_time::time) at time zone slot_zone) + gap <= ${now}::timestamptz
            and not exists (
              select 1 from checkins k
              where k.pairing_id = w.pairing_id and k.week_key in (${weeks[1]}, ${weeks[2]}, ${weeks[3]})
                and k.week_key = to_char(monday, 'IYYY-"W"IW'))
          ) or (
            gap > interval '0'
            and ((monday::date - 7 - date_trunc('week', start_date)::date) / 7) % every = 0
            and ((monday - interval '7 days' + make_interval(days => slot_weekday - 1) + slot_time::time) at time zone slot_zone) + gap
                between (monday at time zone slot_zone) and ${now}::timestamptz
            and not exists (
              select 1 from checkins k
              where k.pairing_id = w.pairing_id and k.week_key in (${weeks[0]}, ${weeks[1]}, ${weeks[2]})
                and k.week_key = to_char(monday - interval '7 days', 'IYYY-"W"IW'))
          ) or exists (
            select 1 from reschedules r
            where r.pairing_id = w.pairing_id and r.new_at <= ${now}::timestamptz and r.new_at > ${now}::timestamptz - interval '8 days')
        order by pairing_id`.execute(db);
      return { rows: rows.rows, scannedTo: last };
    },

    /** Inserts a page of check-ins at once; returns those that were new (another pass may have planned some). */
    async createMany(
      rows: {
        pairingId: number;
        weekKey: string;
        promptAt: Date;
        closesAt: Date;
        meetingAt?: Date | null;
        meetingCancelled?: boolean;
      }[],
    ): Promise<Checkin[]> {
      if (rows.length === 0) return [];
      return db
        .insertInto('checkins')
        .values(
          rows.map((r) => ({
            pairing_id: r.pairingId,
            week_key: r.weekKey,
            prompt_at: r.promptAt,
            closes_at: r.closesAt,
            meeting_at: r.meetingAt ?? null,
            meeting_cancelled: r.meetingCancelled ?? false,
          })),
        )
        .onConflict((oc) => oc.columns(['pairing_id', 'week_key']).doNothing())
        .returningAll()
        .execute();
    },

    /** Links check-ins to the outbox deliveries that carry their messages (one statement). */
    async linkDeliveries(links: readonly { checkinId: number; deliveryId: number }[]): Promise<void> {
      if (links.length === 0) return;
      await sql`
        update checkins c set delivery_id = l.delivery_id
        from (select unnest(${links.map((l) => l.checkinId)}::int[]) as checkin_id, unnest(${links.map((l) => l.deliveryId)}::int[]) as delivery_id) l
        where c.id = l.checkin_id and c.delivery_id is null
      `.execute(db);
    },

    async get(id: number): Promise<Checkin | undefined> {
      return db.selectFrom('checkins').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async answers(checkinId: number): Promise<CheckinAnswerRow[]> {
      return db.selectFrom('checkin_answers').selectAll().where('checkin_id', '=', checkinId).execute();
    },

    async upsertAnswer(row: {
      checkinId: number;
      personId: string;
      answer: CheckinAnswer | null;
      at: Date;
      note?: { rating: number | null; topics: string | null; blockers: string | null };
    }): Promise<void> {
      const values = {
        checkin_id: row.checkinId,
        person_id: row.personId,
        answer: row.answer,
        answered_at: row.at,
        updated_at: row.at,
        ...(row.note ? { rating: row.note.rating, topics: row.note.topics, blockers: row.note.blockers } : {}),
      };
      await db
        .insertInto('checkin_answers')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['checkin_id', 'person_id']).doUpdateSet({
            // A note without a choice keeps the earlier choice.
            answer: row.answer === null ? sql`checkin_answers.answer` : row.answer,
            updated_at: row.at,
            ...(row.note ? { rating: row.note.rating, topics: row.note.topics, blockers: row.note.blockers } : {}),
          }),
        )
        .execute();
    },

    /** The pair's answers for a given week, for the "two not-yet weeks in a row" rule. */
    /**
     * How many sessions the pair has had up to and including the ISO week `upToWeek`: the weeks in which
     * someone answered a check-in "we met" or the mentor logged a session, each week counted once.
     */
    async sessionsHeld(pairingId: number, upToWeek: string): Promise<number> {
      return (await sessionsHeldBy(sql`p.id = ${pairingId}`, upToWeek)).get(pairingId) ?? 0;
    },

    /** sessionsHeld for every live pair of a program at once: pairing id -> sessions up to `upToWeek`. */
    async sessionsHeldInProgram(programId: number, upToWeek: string): Promise<Map<number, number>> {
      return sessionsHeldBy(sql`p.program_id = ${programId}`, upToWeek);
    },

    /** The answers to the pair's check-in before the one of `weekKey` (the week before, or two weeks before every other week). */
    async answersBefore(pairingId: number, weekKey: string): Promise<CheckinAnswerRow[]> {
      return db
        .selectFrom('checkin_answers')
        .selectAll('checkin_answers')
        .where(
          'checkin_id',
          '=',
          db
            .selectFrom('checkins')
            .select('id')
            .where('pairing_id', '=', pairingId)
            .where('week_key', '<', weekKey)
            .orderBy('week_key', 'desc')
            .limit(1),
        )
        .execute();
    },

    /** A person's latest answer in a pair (not-answered rows skipped), with when its check-in was asked. */
    async lastAnswerOf(
      pairingId: number,
      personId: string,
    ): Promise<{ answer: CheckinAnswer | null; prompt_at: Date } | undefined> {
      return db
        .selectFrom('checkin_answers as a')
        .innerJoin('checkins as c', 'c.id', 'a.checkin_id')
        .select(['a.answer', 'c.prompt_at'])
        .where('c.pairing_id', '=', pairingId)
        .where('a.person_id', '=', personId)
        .where('a.answer', 'is not', null)
        .orderBy('c.prompt_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** A program's check-ins of one week, and the answers to them. */
  };
}

export type CheckinRepository = ReturnType<typeof createCheckinRepository>;
