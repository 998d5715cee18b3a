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

    /**
     * Removes a staff member unless they are the last one. The staff rows are locked first, so two
     * removals at once cannot both pass the check and leave nobody.
     */
    async remove(slackId: string): Promise<'removed' | 'not_staff' | 'last'> {
      return db.transaction().execute(async (trx) => {
        const all = await trx.selectFrom('staff').select('slack_id').forUpdate().execute();
        if (!all.some((r) => r.slack_id === slackId)) return 'not_staff';
        if (all.length === 1) return 'last';
        await trx.deleteFrom('staff').where('slack_id', '=', slackId).execute();
        return 'removed';
      });
    },

    /** People a staff member removed: TANDEM_ADMINS does not bring them back at the next start. */
    async removedByStaff(): Promise<Set<string>> {
      const rows = await db.selectFrom('audit_log').select('subject').where('action', '=', 'staff.remove').execute();
      return new Set(rows.map((r) => r.subject).filter((s): s is string => s !== null));
    },

    async list(): Promise<string[]> {
      const rows = await db.selectFrom('staff').select('slack_id').orderBy('added_at').execute();
      return rows.map((r) => r.slack_id);
    },
  };
}

export type StaffRepository = ReturnType<typeof createStaffRepository>;
