import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../database.js';
import type { Delivery, StoredDeliveryPayload } from '../schema.js';

export type NewDelivery = {
  dedupeKey: string;
  kind: string;
  pairingId?: number | null;
  /** A conversation id, or a user id for a DM. */
  channel: string;
  /** The message, or what the sender renders when it posts ({ render: { kind, ids } }). */
  payload: StoredDeliveryPayload;
  notBefore: Date;
  /** Cancel instead of sending after this instant (a check-in whose week closed). */
  expiresAt?: Date | null;
};

export type DeliveryProblems = { failed: number; stuck: number };

/** An intent as its row. */
const deliveryRow = (d: NewDelivery) => ({
  dedupe_key: d.dedupeKey,
  kind: d.kind,
  pairing_id: d.pairingId ?? null,
  channel: d.channel,
  payload: JSON.stringify(d.payload),
  not_before: d.notBefore,
  expires_at: d.expiresAt ?? null,
});

/** A claimed delivery given back to the queue, to be tried again from `notBefore`. */
const backToPending = (notBefore: Date, error: string) =>
  ({ status: 'pending', not_before: notBefore, claimed_by: null, claimed_until: null, error }) as const;

export function createDeliveryRepository(db: Db) {
  /** EXPLAIN of a statement as it is issued (planned only, never run). */
  async function explain(query: CompiledQuery): Promise<string[]> {
    const r = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
    return r.rows.map((row) => row['QUERY PLAN']);
  }

  /**
   * Pending rows in send order and lapsed claims are read apart, each by its own partial index (an OR
   * of the two defeats both and reads the whole table), then the earliest `limit` of them are claimed.
   */
  function claimQuery(now: Date, owner: string, limit: number, leaseMs: number) {
    return (
      db
        .with('pending', (qc) =>
          qc
            .selectFrom('deliveries')
            .select(['id', 'not_before'])
            .where('status', '=', 'pending')
            .where('not_before', '<=', now)
            .orderBy('not_before')
            .orderBy('id')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .with('lapsed', (qc) =>
          qc
            .selectFrom('deliveries')
            .select(['id', 'not_before'])
            .where('status', '=', 'sending')
            .where('claimed_until', '<', now)
            .orderBy('claimed_until')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .updateTable('deliveries')
        // A lapsed lease means the last attempt's outcome is unknown (may_have_posted tells whether it
        // got as far as posting); a pending row keeps the error its last attempt recorded.
        .set({
          status: 'sending',
          claimed_by: owner,
          claimed_until: new Date(now.getTime() + leaseMs),
          attempts: sql`attempts + 1`,
          error: sql`case when status = 'sending' then 'lease_expired' else error end`,
        })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom((q) =>
              q
                .selectFrom('pending')
                .select(['pending.id', 'pending.not_before'])
                .unionAll(q.selectFrom('lapsed').select(['lapsed.id', 'lapsed.not_before']))
                .as('due'),
            )
            .select('due.id')
            .orderBy('due.not_before')
            .orderBy('due.id')
            .limit(limit),
        )
    );
  }

  function pruneQuery(kinds: readonly string[], before: Date, limit: number) {
    return db.deleteFrom('deliveries').where('id', 'in', (eb) =>
      eb
        .selectFrom('deliveries')
        .select('id')
        .where('status', 'in', ['sent', 'failed', 'skipped'])
        .where('kind', 'in', [...kinds])
        // When it was sent, or else last due (a failed or cancelled one): deliveries_settled_idx's expression.
        .where(sql<Date>`coalesce(sent_at, not_before)`, '<', before)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    );
  }

  return {
    /**
     * Stores the intent to send. The dedupe key makes planning idempotent: a second pass, a replica
     * or a retry that plans the same message finds it already there. Through repositories bound to a
     * transaction (transact), the intent is stored in the same transaction as the business row it belongs to.
     */
    async enqueue(delivery: NewDelivery): Promise<{ id: number; created: boolean }> {
      const inserted = await db
        .insertInto('deliveries')
        .values(deliveryRow(delivery))
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id: inserted.id, created: true };
      const existing = await db
        .selectFrom('deliveries')
        .select('id')
        .where('dedupe_key', '=', delivery.dedupeKey)
        .executeTakeFirstOrThrow();
      return { id: existing.id, created: false };
    },

    /** Stores many intents in one statement (a planning page); existing keys are left alone. */
    async enqueueMany(deliveries: NewDelivery[]): Promise<number> {
      if (deliveries.length === 0) return 0;
      const r = await db
        .insertInto('deliveries')
        .values(deliveries.map(deliveryRow))
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
      const rows = await claimQuery(now, owner, limit, leaseMs).returningAll().execute();
      return rows.sort((a, b) => a.not_before.getTime() - b.not_before.getTime() || a.id - b.id);
    },

    /** For tests, benchmarks and operators: how the claim is planned (EXPLAIN, nothing claimed). */
    async explainClaim(now: Date, limit = 50): Promise<string[]> {
      return explain(claimQuery(now, 'explain', limit, 60_000).returningAll().compile());
    },

    /**
     * Extends this sender's claim just before it posts, and records that this attempt may post. False means
     * the lease ran out while the delivery waited its turn and another sender may have taken it: then this
     * one must not post.
     */
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

    /** `ts` is null for an uploaded file: Slack shares it asynchronously and does not say in which message. */
    async markSent(id: number, owner: string, sent: { channel: string; ts: string | null }, at: Date): Promise<boolean> {
      const r = await db
        .updateTable('deliveries')
        .set({
          status: 'sent',
          sent_channel: sent.channel,
          sent_ts: sent.ts,
          sent_at: at,
          claimed_by: null,
          claimed_until: null,
          error: null,
        })
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Back to pending. `notPosted`: Slack refused this attempt and no earlier one can have posted. */
    async retryLater(id: number, owner: string, notBefore: Date, error: string, notPosted = false): Promise<void> {
      await db
        .updateTable('deliveries')
        .set({ ...backToPending(notBefore, error), ...(notPosted ? { may_have_posted: false } : {}) })
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .execute();
    },

    /**
     * Back to pending after a 429, 5xx or network error: the claim's attempt is given back (these
     * never spend the attempt budget) and the run of such failures is counted for the back-off.
     */
    async retryTransient(
      id: number,
      owner: string,
      now: Date,
      notBefore: Date,
      error: string,
      notPosted: boolean,
    ): Promise<void> {
      await db
        .updateTable('deliveries')
        .set({
          ...backToPending(notBefore, error),
          attempts: sql`greatest(attempts - 1, 0)`,
          transient_failures: sql`transient_failures + 1`,
          transient_since: sql`coalesce(transient_since, ${now})`,
          ...(notPosted ? { may_have_posted: false } : {}),
        })
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .execute();
    },

    /** A message that outlived its purpose: never sent. */
    async cancel(id: number, owner: string, reason: string): Promise<boolean> {
      const r = await db
        .updateTable('deliveries')
        .set({ status: 'skipped', claimed_by: null, claimed_until: null, error: reason })
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Failed deliveries back in the queue with a fresh budget (all of them, or the ids given); returns how many. */
    async requeueFailed(now: Date, ids?: readonly number[]): Promise<number> {
      let q = db
        .updateTable('deliveries')
        .set({
          status: 'pending',
          not_before: now,
          attempts: 0,
          transient_failures: 0,
          transient_since: null,
          claimed_by: null,
          claimed_until: null,
        })
        .where('status', '=', 'failed');
      if (ids) {
        if (ids.length === 0) return 0;
        q = q.where('id', 'in', [...ids]);
      }
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /**
     * What staff should know about: failed deliveries, and ones that have kept failing transiently
     * since before `stuckSince`. Per program when given (through the pairing, or its alerts channel).
     */
    async problems(stuckSince: Date, programId?: number): Promise<DeliveryProblems> {
      let q = db
        .selectFrom('deliveries as d')
        .select((eb) => [
          eb.fn.countAll<number>().filterWhere('d.status', '=', 'failed').as('failed'),
          eb.fn
            .countAll<number>()
            .filterWhere((w) => w.and([w('d.status', 'in', ['pending', 'sending']), w('d.transient_since', '<=', stuckSince)]))
            .as('stuck'),
        ])
        .where((eb) => eb.or([eb('d.status', '=', 'failed'), eb('d.transient_failures', '>', 0)]));
      if (programId !== undefined) {
        q = q.where((eb) =>
          eb.or([
            eb('d.pairing_id', 'in', eb.selectFrom('pairings').select('id').where('program_id', '=', programId)),
            eb(
              'd.channel',
              'in',
              eb
                .selectFrom('programs')
                .select('alerts_channel_id')
                .where('id', '=', programId)
                .where('alerts_channel_id', 'is not', null)
                .$narrowType<{ alerts_channel_id: string }>(),
            ),
          ]),
        );
      }
      const r = await q.executeTakeFirstOrThrow();
      return { failed: Number(r.failed), stuck: Number(r.stuck) };
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

    /** Whether a delivery with this key was ever queued (its payload is not read). */
    async existsByKey(key: string): Promise<boolean> {
      return Boolean(await db.selectFrom('deliveries').select('id').where('dedupe_key', '=', key).executeTakeFirst());
    },

    /** A delivery's state by its key and whether its payload carries replies for its thread, without reading the payload. */
    async threadParentByKey(
      key: string,
    ): Promise<
      { id: number; status: Delivery['status']; channel: string; sent_ts: string | null; threaded: boolean } | undefined
    > {
      return db
        .selectFrom('deliveries')
        .select(['id', 'status', 'channel', 'sent_ts', sql<boolean>`payload -> 'threadReplies' is not null`.as('threaded')])
        .where('dedupe_key', '=', key)
        .executeTakeFirst();
    },

    async payloadOf(id: number): Promise<StoredDeliveryPayload> {
      return (await db.selectFrom('deliveries').select('payload').where('id', '=', id).executeTakeFirstOrThrow()).payload;
    },

    /**
     * Deletes up to `limit` settled deliveries (sent, failed or skipped) of these kinds sent (or, never
     * sent, last due) before `before`; returns how many. Bounded, so a long backlog goes a batch per pass. A
     * check-in pointing at a pruned delivery loses the link (on delete set null); alerts keep theirs,
     * as their kind is never given here.
     */
    async pruneSettled(kinds: readonly string[], before: Date, limit: number): Promise<number> {
      const r = await pruneQuery(kinds, before, limit).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    /** For tests and operators: how pruning is planned (EXPLAIN, nothing deleted). */
    async explainPrune(kinds: readonly string[], before: Date, limit: number): Promise<string[]> {
      return explain(pruneQuery(kinds, before, limit).compile());
    },

    /** A closing program: what is still queued for its pairs is dropped, except the kind `except` (its goodbye). */
    async skipPendingForProgram(programId: number, except: string): Promise<void> {
      const pairIds = db.selectFrom('pairings').select('id').where('program_id', '=', programId);
      await db
        .updateTable('deliveries')
        .set({ status: 'skipped' })
        .where('status', '=', 'pending')
        .where('pairing_id', 'in', pairIds)
        .where('kind', '<>', except)
        .execute();
    },
  };
}

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
