import type { Db } from '../database.js';

export function createStaffRepository(db: Db) {
  return {
    async isStaff(slackId: string): Promise<boolean> {
      const row = await db.selectFrom('staff').select('slack_id').where('slack_id', '=', slackId).executeTakeFirst();
      return row !== undefined;
    },

    /** Returns true when the person was not staff before. */
    async add(slackId: string, addedBy: string): Promise<boolean> {
      const inserted = await db
        .insertInto('staff')
        .values({ slack_id: slackId, added_by: addedBy })
        .onConflict((oc) => oc.column('slack_id').doNothing())
        .returning('slack_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async list(): Promise<string[]> {
      const rows = await db.selectFrom('staff').select('slack_id').orderBy('added_at').execute();
      return rows.map((r) => r.slack_id);
    },
  };
}

export type StaffRepository = ReturnType<typeof createStaffRepository>;
