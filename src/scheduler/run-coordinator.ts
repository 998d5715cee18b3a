import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RunCoordinator } from 'node-cron';
import type { Db } from '../db/database.js';

/**
 * node-cron asks this before each firing with a key per scheduled slot ("tandem-tick:<slot ISO>").
 * The first replica to insert the key runs that tick; the others skip it. Correctness never depends
 * on this (passes are idempotent); it only spares replicas from doing the same work at once.
 */
export function createPostgresRunCoordinator(db: Db, owner = `replica-${randomUUID()}`): RunCoordinator {
  return {
    async shouldRun(key: string, ttlMs: number): Promise<boolean> {
      const now = new Date();
      await db.deleteFrom('scheduler_runs').where('expires_at', '<', new Date(now.getTime() - 86_400_000)).execute();
      const won = await db
        .insertInto('scheduler_runs')
        .values({ key, owner, expires_at: new Date(now.getTime() + Math.max(ttlMs, 1_000)) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ owner, expires_at: sql`excluded.expires_at` }).where('scheduler_runs.expires_at', '<', now))
        .returning('key')
        .executeTakeFirst();
      return won !== undefined;
    },
  };
}
