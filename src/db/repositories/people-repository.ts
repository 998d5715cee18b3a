import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { SlackProfile } from '../../domain/vocabulary.js';
import type { Person } from '../schema.js';

export type PersonInput = SlackProfile & { slackId: string };

export function createPeopleRepository(db: Db) {
  return {
    async find(slackId: string): Promise<Person | undefined> {
      return db.selectFrom('people').selectAll().where('slack_id', '=', slackId).executeTakeFirst();
    },

    async findMany(slackIds: readonly string[]): Promise<Person[]> {
      if (slackIds.length === 0) return [];
      return db.selectFrom('people').selectAll().where('slack_id', 'in', slackIds).execute();
    },

    async setMaxMentees(slackId: string, max: number | null): Promise<void> {
      await db.updateTable('people').set({ max_mentees: max }).where('slack_id', '=', slackId).execute();
    },

    /** Out of office from `from` to `until` (inclusive, the person's own days); null dates end it. */
    async setAway(slackId: string, away: { from: string; until: string; note: string | null } | null): Promise<void> {
      await db
        .updateTable('people')
        .set({ away_from: away?.from ?? null, away_until: away?.until ?? null, away_note: away?.note ?? null })
        .where('slack_id', '=', slackId)
        .execute();
    },

    /** People in live pairings of a program who are away now or later (their last day not yet over). */
    async awayInProgram(
      programId: number,
      now: Date,
    ): Promise<Pick<Person, 'slack_id' | 'away_from' | 'away_until' | 'time_zone'>[]> {
      return db
        .selectFrom('people')
        .select(['slack_id', 'away_from', 'away_until', 'time_zone'])
        .where('away_until', 'is not', null)
        .where(sql<boolean>`away_until >= (${now}::timestamptz at time zone time_zone)::date`)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('pairings as p')
              .select('p.id')
              .where('p.program_id', '=', programId)
              .where('p.status', '<>', 'ended')
              .where(sql<boolean>`people.slack_id in (p.mentor_id, p.mentee_id)`),
          ),
        )
        .orderBy('away_from')
        .orderBy('slack_id')
        .execute();
    },

    async upsert(person: PersonInput, refreshedAt: Date): Promise<Person> {
      const row = {
        slack_id: person.slackId,
        team_id: person.teamId,
        name: person.name,
        real_name: person.realName,
        time_zone: person.timeZone,
        is_bot: person.isBot,
        deleted: person.deleted,
        refreshed_at: refreshedAt,
      };
      return db
        .insertInto('people')
        .values(row)
        .onConflict((oc) => oc.column('slack_id').doUpdateSet({ ...row, slack_id: undefined }))
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type PeopleRepository = ReturnType<typeof createPeopleRepository>;
