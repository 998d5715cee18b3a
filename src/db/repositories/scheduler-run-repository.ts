import { sql } from 'kysely';
import type { Db } from '../database.js';

export function createSchedulerRunRepository(db: Db) {
  return {
    /**
     * Claims a scheduled slot's key for `owner` until `expiresAt`: true when this owner got it (the
     * key was free, or the claim on it ran out before `now`). Claims a day past their end are cleared first.
     */
    async claim(key: string, owner: string, now: Date, expiresAt: Date): Promise<boolean> {
      await db
        .deleteFrom('scheduler_runs')
        .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
        .execute();
      const won = await db
        .insertInto('scheduler_runs')
        .values({ key, owner, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ owner, expires_at: sql`excluded.expires_at` })
            .where('scheduler_runs.expires_at', '<', now),
        )
        .returning('key')
        .executeTakeFirst();
      return won !== undefined;
    },
  };
}

export type SchedulerRunRepository = ReturnType<typeof createSchedulerRunRepository>;
