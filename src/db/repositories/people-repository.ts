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
