import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../database.js';
import type { Database } from '../schema.js';

/**
 * Takes a request key unless a live holder has it; an expired key is taken over. Runs on the caller's
 * transaction when the key must be claimed together with the rows it guards.
 */
export async function claimRequestKey(
  db: Kysely<Database> | Transaction<Database>,
  key: string,
  until: Date,
  now: Date,
): Promise<boolean> {
  const row = await db
    .insertInto('request_keys')
    .values({ key, expires_at: until })
    .onConflict((oc) => oc.column('key').doUpdateSet({ expires_at: until }).where('request_keys.expires_at', '<=', now))
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export function createRequestKeyRepository(db: Db) {
  return {
    claim: (key: string, until: Date, now: Date) => claimRequestKey(db, key, until, now),
    async extend(key: string, until: Date): Promise<void> {
      await db.updateTable('request_keys').set({ expires_at: until }).where('key', '=', key).execute();
    },
    async release(key: string): Promise<void> {
      await db.deleteFrom('request_keys').where('key', '=', key).execute();
    },
    async prune(now: Date): Promise<number> {
      const r = await db.deleteFrom('request_keys').where('expires_at', '<=', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type RequestKeyRepository = ReturnType<typeof createRequestKeyRepository>;
