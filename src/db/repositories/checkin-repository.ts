import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Db } from '../database.js';
import type { Checkin, CheckinAnswer, CheckinAnswerRow } from '../schema.js';

export type CheckinCandidate = {
  pairing_id: number;
  program_id: number;
  mentor_id: string;
  mentee_id: string;
  conversation_id: string;
  weekday: number;
  time: string;
  zone: string;
  start_date: string;
  length_weeks: number;
  response_window_days: number;
};

export function createCheckinRepository(db: Db) {
  return {
    /**
     * Active pairings whose check-in slot for the current week (in their zone) has passed and that
     * have no check-in row for that week yet, among the next `limit` pairings after `afterPairingId`.
     * The slot is computed in SQL only to keep the candidate list short; the service recomputes it with
     * luxon (holidays, program range) before planning. Paging walks the primary key first, so a pass
     * costs the same per page however many pairings there are.
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
      const zone = sql<string>`coalesce(p.checkin_zone, pr.time_zone)`;
      const weekday = sql<number>`coalesce(p.checkin_weekday, pr.checkin_weekday)`;
      const time = sql<string>`coalesce(p.checkin_time, pr.checkin_time)`;
      // Every zone's current ISO week is the UTC week of now, a day before or a day after: a constant
      // bound lets the index skip all older check-ins, the per-zone key keeps the test exact.
      const weeks = [-1, 0, 1]
        .map((d) => DateTime.fromJSDate(now, { zone: 'UTC' }).plus({ days: d }))
        .map((d) => `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`);
      const rows = await sql<CheckinCandidate>`
        select p.id as pairing_id, p.program_id, p.mentor_id, p.mentee_id, p.conversation_id,
               ${weekday} as weekday, ${time} as time, ${zone} as zone,
               pr.start_date, pr.length_weeks, coalesce(p.reply_within_days, pr.response_window_days) as response_window_days
        from pairings p
        join programs pr on pr.id = p.program_id
        where p.id > ${afterPairingId} and p.id <= ${last}
          and p.status = 'active' and pr.status = 'active' and p.conversation_id is not null
          and pr.start_date <= (${now}::timestamptz at time zone pr.time_zone)::date
          and pr.start_date + pr.length_weeks * 7 >= (${now}::timestamptz at time zone pr.time_zone)::date
          and (date_trunc('week', ${now}::timestamptz at time zone ${zone}) + make_interval(days => ${weekday} - 1) + ${time}::time)
              at time zone ${zone} <= ${now}::timestamptz
          and not exists (
            select 1 from checkins c
            where c.pairing_id = p.id and c.week_key in (${weeks[0]}, ${weeks[1]}, ${weeks[2]})
              and c.week_key = to_char(${now}::timestamptz at time zone ${zone}, 'IYYY-"W"IW'))
        order by p.id`.execute(db);
      return { rows: rows.rows, scannedTo: last };
    },

    /** Inserts a page of check-ins at once; returns those that were new (another pass may have planned some). */
    async createMany(rows: { pairingId: number; weekKey: string; promptAt: Date; closesAt: Date }[]): Promise<Checkin[]> {
      if (rows.length === 0) return [];
      return db
        .insertInto('checkins')
        .values(rows.map((r) => ({ pairing_id: r.pairingId, week_key: r.weekKey, prompt_at: r.promptAt, closes_at: r.closesAt })))
        .onConflict((oc) => oc.columns(['pairing_id', 'week_key']).doNothing())
        .returningAll()
        .execute();
    },

    /** Returns the new row, or undefined when another pass planned this week already. */
    async create(row: { pairingId: number; weekKey: string; promptAt: Date; closesAt: Date }): Promise<Checkin | undefined> {
      return db
        .insertInto('checkins')
        .values({ pairing_id: row.pairingId, week_key: row.weekKey, prompt_at: row.promptAt, closes_at: row.closesAt })
        .onConflict((oc) => oc.columns(['pairing_id', 'week_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
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

    async findByWeek(pairingId: number, weekKey: string): Promise<Checkin | undefined> {
      return db
        .selectFrom('checkins')
        .selectAll()
        .where('pairing_id', '=', pairingId)
        .where('week_key', '=', weekKey)
        .executeTakeFirst();
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
    async answersForWeek(pairingId: number, weekKey: string): Promise<CheckinAnswerRow[]> {
      return db
        .selectFrom('checkin_answers')
        .innerJoin('checkins', 'checkins.id', 'checkin_answers.checkin_id')
        .selectAll('checkin_answers')
        .where('checkins.pairing_id', '=', pairingId)
        .where('checkins.week_key', '=', weekKey)
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
