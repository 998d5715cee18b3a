import { sql } from 'kysely';
import type { Db } from '../database.js';
import { awayOnSql, cadenceWeeksSql } from './schedule-sql.js';
import type { Standup, StandupEntry, StandupMet, StandupStatus } from '../schema.js';

export type StandupCandidate = {
  program_id: number;
  mentor_id: string;
  zone: string;
  weekday: number;
  time: string;
  start_date: string;
  length_weeks: number;
  /** The mentor's active mentees in the program (the prompt says how many). */
  mentee_count: number;
};

/** A standup planned for a mentor's week (one statement writes a page of them). */
export type PlannedStandup = {
  programId: number;
  mentorId: string;
  weekKey: string;
  promptAt: Date;
  remindAt: Date;
  closesAt: Date;
};

export type StandupMentee = { pairing_id: number; mentee_id: string; mentee_name: string | null };

export function createStandupRepository(db: Db) {
  const mentorZone = sql<string>`coalesce(pe.time_zone, pr.time_zone)`;
  return {
    /**
     * Mentors with an active mentee in a running program and no standup row yet for this ISO week in
     * their own zone, whose standup slot (program day and time, in the mentor's zone) has passed: the next
     * `limit` after `after` (program, mentor), so candidates the service turns down never hide the rest.
     */
    async dueCandidates(
      now: Date,
      limit: number,
      after: { programId: number; mentorId: string } = { programId: 0, mentorId: '' },
    ): Promise<StandupCandidate[]> {
      const r = await sql<StandupCandidate>`
        select p.program_id, p.mentor_id, ${mentorZone} as zone, pr.standup_weekday as weekday, pr.standup_time as time, pr.start_date, pr.length_weeks,
               count(*)::int as mentee_count
        from pairings p
        join programs pr on pr.id = p.program_id
        left join people pe on pe.slack_id = p.mentor_id
        where p.status = 'active' and pr.status = 'active'
          and (p.program_id, p.mentor_id) > (${after.programId}, ${after.mentorId})
          and pr.start_date <= (${now}::timestamptz at time zone pr.time_zone)::date
          and pr.start_date + pr.length_weeks * 7 >= (${now}::timestamptz at time zone pr.time_zone)::date
          and (date_trunc('week', ${now}::timestamptz at time zone ${mentorZone}) + make_interval(days => pr.standup_weekday - 1) + pr.standup_time::time)
              at time zone ${mentorZone} <= ${now}::timestamptz
          -- Standups follow the program's cadence: only in the weeks pairs meet.
          and ((date_trunc('week', ${now}::timestamptz at time zone ${mentorZone})::date - date_trunc('week', pr.start_date)::date) / 7)
              % ${cadenceWeeksSql('pr')} = 0
          -- Nobody is asked while away.
          and not ${awayOnSql('pe', now)}
          and not exists (
            select 1 from standups s
            where s.program_id = p.program_id and s.mentor_id = p.mentor_id
              and s.week_key = to_char(${now}::timestamptz at time zone ${mentorZone}, 'IYYY-"W"IW'))
        group by p.program_id, p.mentor_id, pe.time_zone, pr.id
        order by p.program_id, p.mentor_id
        limit ${limit}`.execute(db);
      return r.rows;
    },

    /** A page of planned standups in one statement; returns those written (a week already planned is left alone). */
    async createMany(rows: readonly PlannedStandup[]): Promise<Standup[]> {
      if (rows.length === 0) return [];
      return db
        .insertInto('standups')
        .values(
          rows.map((row) => ({
            program_id: row.programId,
            mentor_id: row.mentorId,
            week_key: row.weekKey,
            prompt_at: row.promptAt,
            remind_at: row.remindAt,
            closes_at: row.closesAt,
          })),
        )
        .onConflict((oc) => oc.columns(['program_id', 'mentor_id', 'week_key']).doNothing())
        .returningAll()
        .execute();
    },

    async get(id: number): Promise<Standup | undefined> {
      return db.selectFrom('standups').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The mentees a standup asks about: the mentor's active pairings in that program. */
    async mentees(programId: number, mentorId: string): Promise<StandupMentee[]> {
      return db
        .selectFrom('pairings as p')
        .leftJoin('people as pe', 'pe.slack_id', 'p.mentee_id')
        .select(['p.id as pairing_id', 'p.mentee_id', 'pe.name as mentee_name'])
        .where('p.program_id', '=', programId)
        .where('p.mentor_id', '=', mentorId)
        .where('p.status', '=', 'active')
        .orderBy('p.id')
        .execute();
    },

    async entries(standupId: number): Promise<StandupEntry[]> {
      return db.selectFrom('standup_entries').selectAll().where('standup_id', '=', standupId).execute();
    },

    /** Saves entries; returns those whose status or concern is new or changed (for alerts). */
    async saveEntries(
      standupId: number,
      entries: { pairingId: number; status: StandupStatus; met: StandupMet; minutes: number; concerns: string | null }[],
      at: Date,
    ): Promise<void> {
      if (entries.length === 0) return;
      await db
        .insertInto('standup_entries')
        .values(
          entries.map((e) => ({
            standup_id: standupId,
            pairing_id: e.pairingId,
            status: e.status,
            met: e.met,
            minutes: e.minutes,
            concerns: e.concerns,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['standup_id', 'pairing_id']).doUpdateSet({
            status: sql`excluded.status`,
            met: sql`excluded.met`,
            minutes: sql`excluded.minutes`,
            concerns: sql`excluded.concerns`,
            updated_at: sql`excluded.updated_at`,
          }),
        )
        .execute();
    },

    async markSubmitted(standupId: number, generalNote: string | null, at: Date): Promise<void> {
      await db
        .updateTable('standups')
        .set({ submitted_at: sql`coalesce(submitted_at, ${at}::timestamptz)`, general_note: generalNote })
        .where('id', '=', standupId)
        .execute();
    },

    /** Marks due reminders as sent (through repositories bound to the transaction that also queues them). */
    async claimReminders(now: Date, limit: number): Promise<Standup[]> {
      return db
        .updateTable('standups')
        .set({ reminded_at: now })
        .where(
          'id',
          'in',
          db
            .selectFrom('standups')
            .select('id')
            .where('submitted_at', 'is', null)
            .where('reminded_at', 'is', null)
            .where('remind_at', '<=', now)
            .where('closes_at', '>', now)
            // No reminder for a mentor who has gone away since they were asked.
            .where(
              sql<boolean>`not exists (select 1 from people a where a.slack_id = standups.mentor_id and ${awayOnSql('a', now)})`,
            )
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
    },

    async forProgramWeek(programId: number, weekKey: string): Promise<Standup[]> {
      return db.selectFrom('standups').selectAll().where('program_id', '=', programId).where('week_key', '=', weekKey).execute();
    },

    /**
     * Everyone the week's standup report waits for: each mentor asked that week (their standup row)
     * and each mentor with an active mentee now (who may still be asked), with their zone.
     */
    async reportMentors(programId: number, weekKey: string): Promise<{ mentor_id: string; zone: string }[]> {
      const r = await sql<{ mentor_id: string; zone: string }>`
        select m.mentor_id, ${mentorZone} as zone
        from (
          select mentor_id from pairings where program_id = ${programId} and status = 'active'
          union
          select mentor_id from standups where program_id = ${programId} and week_key = ${weekKey}
        ) m
        join programs pr on pr.id = ${programId}
        left join people pe on pe.slack_id = m.mentor_id
        order by m.mentor_id`.execute(db);
      return r.rows;
    },

    /** What the mentors wrote in these standups, one row per mentee, in pairing order. */
    async reportEntries(standupIds: number[]): Promise<(StandupEntry & { mentee_id: string })[]> {
      if (standupIds.length === 0) return [];
      return db
        .selectFrom('standup_entries as e')
        .innerJoin('pairings as p', 'p.id', 'e.pairing_id')
        .selectAll('e')
        .select('p.mentee_id')
        .where('e.standup_id', 'in', standupIds)
        .orderBy('e.standup_id')
        .orderBy('e.pairing_id')
        .execute();
    },

    async latestFor(mentorId: string): Promise<Standup | undefined> {
      return db
        .selectFrom('standups')
        .selectAll()
        .where('mentor_id', '=', mentorId)
        .orderBy('prompt_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    },
  };
}

export type StandupRepository = ReturnType<typeof createStandupRepository>;
