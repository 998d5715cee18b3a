import { sql, type Transaction } from 'kysely';
import type { Db } from '../database.js';
import type { Database, Delivery, DeliveryPayload } from '../schema.js';

export type NewDelivery = {
  dedupeKey: string;
  kind: string;
  pairingId?: number | null;
  /** A conversation id, or a user id for a DM. */
  channel: string;
  payload: DeliveryPayload;
  notBefore: Date;
};

export function createDeliveryRepository(db: Db) {
  return {
    /**
     * Stores the intent to send. The dedupe key makes planning idempotent: a second pass, a replica
     * or a retry that plans the same message finds it already there. Pass `trx` to store the intent in
     * the same transaction as the business row it belongs to.
     */
    async enqueue(delivery: NewDelivery, trx: Transaction<Database> | Db = db): Promise<{ id: number; created: boolean }> {
      const inserted = await trx
        .insertInto('deliveries')
        .values({
          dedupe_key: delivery.dedupeKey,
          kind: delivery.kind,
          pairing_id: delivery.pairingId ?? null,
          channel: delivery.channel,
          payload: JSON.stringify(delivery.payload),
          not_before: delivery.notBefore,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id: inserted.id, created: true };
      const existing = await trx.selectFrom('deliveries').select('id').where('dedupe_key', '=', delivery.dedupeKey).executeTakeFirstOrThrow();
      return { id: existing.id, created: false };
    },

    /** Stores many intents in one statement (a planning page); existing keys are left alone. */
    async enqueueMany(deliveries: NewDelivery[], trx: Transaction<Database> | Db = db): Promise<number> {
      if (deliveries.length === 0) return 0;
      const r = await trx
        .insertInto('deliveries')
        .values(
          deliveries.map((d) => ({
            dedupe_key: d.dedupeKey,
            kind: d.kind,
            pairing_id: d.pairingId ?? null,
            channel: d.channel,
            payload: JSON.stringify(d.payload),
            not_before: d.notBefore,
          })),
        )
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0);
    },

    /**
     * Claims due deliveries for one sender. SKIP LOCKED lets replicas claim disjoint batches without
     * waiting on each other; a claim that outlives its lease (the sender died) becomes claimable again,
     * and the next sender checks Slack's history before it sends again.
     */
    async claimDue(now: Date, owner: string, limit: number, leaseMs: number): Promise<Delivery[]> {
      const until = new Date(now.getTime() + leaseMs);
      const rows = await db
        .updateTable('deliveries')
        // A lapsed lease means the last attempt's outcome is unknown (may_have_posted tells whether it
        // got as far as posting); a pending row keeps the error its last attempt recorded.
        .set({ status: 'sending', claimed_by: owner, claimed_until: until, attempts: sql`attempts + 1`, error: sql`case when status = 'sending' then 'lease_expired' else error end` })
        .where(
          'id',
          'in',
          db
            .selectFrom('deliveries')
            .select('id')
            .where((eb) =>
              eb.or([
                eb.and([eb('status', '=', 'pending'), eb('not_before', '<=', now)]),
                eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
              ]),
            )
            .orderBy('not_before')
            .orderBy('id')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
      return rows.sort((a, b) => a.not_before.getTime() - b.not_before.getTime() || a.id - b.id);
    },

    /**
     * Extends this sender's claim just before it posts. False means the lease ran out while the
     * delivery waited its turn and another sender may have taken it: then this one must not post.
     */
    /** Extends the claim right before posting, and records that this attempt may post. */
    async renewClaim(id: number, owner: string, now: Date, leaseMs: number): Promise<boolean> {
      const r = await db
        .updateTable('deliveries')
        .set({ claimed_until: new Date(now.getTime() + leaseMs), may_have_posted: true })
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .where('status', '=', 'sending')
        .where('claimed_until', '>', now)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async markSent(id: number, owner: string, sent: { channel: string; ts: string }, at: Date): Promise<boolean> {
      const r = await db
        .updateTable('deliveries')
        .set({ status: 'sent', sent_channel: sent.channel, sent_ts: sent.ts, sent_at: at, claimed_by: null, claimed_until: null, error: null })
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Back to pending. `notPosted`: Slack refused this attempt and no earlier one can have posted. */
    async retryLater(id: number, owner: string, notBefore: Date, error: string, notPosted = false): Promise<void> {
      await db
        .updateTable('deliveries')
        .set({ status: 'pending', not_before: notBefore, claimed_by: null, claimed_until: null, error, ...(notPosted ? { may_have_posted: false } : {}) })
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .execute();
    },

    async markFailed(id: number, owner: string, error: string): Promise<void> {
      await db
        .updateTable('deliveries')
        .set({ status: 'failed', claimed_by: null, claimed_until: null, error })
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .execute();
    },

    async get(id: number): Promise<Delivery | undefined> {
      return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async findByKey(key: string): Promise<Delivery | undefined> {
      return db.selectFrom('deliveries').selectAll().where('dedupe_key', '=', key).executeTakeFirst();
    },
  };
}

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
