import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { Expectation, PairActivityKind } from '../schema.js';

export type NewPairActivity = {
  pairingId: number;
  kind: PairActivityKind;
  actor: string;
  ts: string | null;
  threadTs?: string | null;
  itemTs?: string | null;
  reaction?: string | null;
  learnedFrom: 'event' | 'slack_check';
};

// Advisory lock namespace for "one pair's answers are being worked out"; the second key is the pairing id.
const pairLockNamespace = 16_0007;

/**
 * When a fact shows its author was there: a message at its ts; a reaction no earlier than the
 * message it is on, nor than the event that told us about it.
 */
const activityAt = sql<string>`case when f.kind = 'message' then f.ts::numeric else greatest(f.item_ts::numeric, coalesce(f.ts::numeric, 0)) end`;

export function createPairActivityRepository(db: Db) {
  return {
    /**
     * Takes the pair's advisory lock until the transaction ends (call through repositories bound to
     * one, see withPairLock): two events for one pair, on any replica, cannot both read "no answer
     * yet" and both act on it.
     */
    async lockPair(pairingId: number): Promise<void> {
      await sql`select pg_advisory_xact_lock(${pairLockNamespace}::int4, ${pairingId}::int4)`.execute(db);
    },

    /** Stores a fact once, whoever delivers it first (an event, its retry, or a look at Slack); true when new. */
    async record(a: NewPairActivity): Promise<boolean> {
      const values = {
        pairing_id: a.pairingId,
        kind: a.kind,
        actor: a.actor,
        ts: a.ts,
        thread_ts: a.threadTs ?? null,
        item_ts: a.itemTs ?? null,
        reaction: a.reaction ?? null,
        learned_from: a.learnedFrom,
      };
      const q =
        a.kind === 'message'
          ? db
              .insertInto('pair_activity')
              .values(values)
              .onConflict((oc) => oc.columns(['pairing_id', 'ts']).where('kind', '=', 'message').doNothing())
          : db
              .insertInto('pair_activity')
              .values(values)
              .onConflict((oc) =>
                oc.columns(['pairing_id', 'item_ts', 'actor', 'reaction']).where('kind', '=', 'reaction').doNothing(),
              );
      return (await q.returning('id').executeTakeFirst()) !== undefined;
    },

    /** The thread a stored message is in (its parent's ts), or undefined for a top-level message. */
    async threadOf(pairingId: number, ts: string): Promise<string | undefined> {
      const r = await db
        .selectFrom('pair_activity')
        .select('thread_ts')
        .where('pairing_id', '=', pairingId)
        .where('kind', '=', 'message')
        .where('ts', '=', ts)
        .executeTakeFirst();
      return r?.thread_ts ?? undefined;
    },

    /**
     * Meets each open "reply to your partner" of this person that something they did since answers:
     * a message after the partner's, or a reaction on it or on anything later. met_at is the first such act.
     */
    async meetReplies(pairingId: number, subject: string): Promise<Expectation[]> {
      const r = await sql<Expectation>`
        update expectations e set status = 'met', met_at = to_timestamp(a.first_at::double precision)
        from (
          select x.id, min(${activityAt}) as first_at
          from expectations x
          join pair_activity f on f.pairing_id = x.pairing_id and f.actor = x.subject
          where x.pairing_id = ${pairingId} and x.subject = ${subject} and x.kind = 'reply' and x.status = 'open'
            and ${activityAt} >= x.source_ref::numeric
          group by x.id
        ) a
        where e.id = a.id and e.status = 'open'
        returning e.*`.execute(db);
      return r.rows;
    },

    /**
     * The partner messages that start an episode for this person: the first one, and each one that
     * follows something this person did since the partner's previous message; with the first act of
     * theirs that answers it (null: unanswered). Messages before a cancelled episode (a pause) start
     * nothing, and history before their last answered episode is left alone.
     */
    async episodeStarts(
      pairingId: number,
      subject: string,
      partner: string,
    ): Promise<{ ts: string; first_answer: string | null }[]> {
      const r = await sql<{ ts: string; first_answer: string | null }>`
        with partner as (
          select m.ts, lag(m.ts) over (order by m.ts::numeric) as prev
          from pair_activity m
          where m.pairing_id = ${pairingId} and m.kind = 'message' and m.actor = ${partner}
            and m.ts::numeric > coalesce((select max(x.source_ref::numeric) from expectations x where x.pairing_id = ${pairingId} and x.subject = ${subject} and x.kind = 'reply' and x.status = 'cancelled'), 0)
            and m.ts::numeric > coalesce((select max(extract(epoch from x.cancelled_at)) from expectations x where x.pairing_id = ${pairingId} and x.subject = ${subject} and x.status = 'cancelled'), 0)
        ), mine as (
          select ${activityAt} as at from pair_activity f where f.pairing_id = ${pairingId} and f.actor = ${subject}
        )
        select p.ts, (select min(at) from mine where at >= p.ts::numeric)::text as first_answer
        from partner p
        where (p.prev is null or exists (select 1 from mine where at >= p.prev::numeric and at < p.ts::numeric))
          and p.ts::numeric >= coalesce((select max(x.source_ref::numeric) from expectations x where x.pairing_id = ${pairingId} and x.subject = ${subject} and x.kind = 'reply' and x.status = 'met'), 0)
        order by p.ts::numeric`.execute(db);
      return r.rows;
    },

    /** An episode already answered when it is first known: stored as met at once (idempotent by source). */
    async insertAnswered(e: {
      pairingId: number;
      subject: string;
      sourceRef: string;
      startedAt: Date;
      remindAt: Date;
      dueAt: Date;
      metAt: Date;
    }): Promise<void> {
      await db
        .insertInto('expectations')
        .values({
          pairing_id: e.pairingId,
          kind: 'reply',
          subject: e.subject,
          source_ref: e.sourceRef,
          started_at: e.startedAt,
          remind_at: e.remindAt,
          due_at: e.dueAt,
          status: 'met',
          met_at: e.metAt,
        })
        .onConflict((oc) => oc.columns(['pairing_id', 'kind', 'subject', 'source_ref']).doNothing())
        .execute();
    },

    async openReply(pairingId: number, subject: string): Promise<Expectation | undefined> {
      return db
        .selectFrom('expectations')
        .selectAll()
        .where('pairing_id', '=', pairingId)
        .where('subject', '=', subject)
        .where('kind', '=', 'reply')
        .where('status', '=', 'open')
        .executeTakeFirst();
    },

    /**
     * An open episode nobody was nudged or alerted about yet starts at an earlier unanswered message
     * that arrived late (events come in any order); one already acted on keeps its start.
     */
    async rewindReply(id: number, to: { sourceRef: string; startedAt: Date; remindAt: Date; dueAt: Date }): Promise<boolean> {
      const r = await sql`
        update expectations e set source_ref = ${to.sourceRef}, started_at = ${to.startedAt}, remind_at = ${to.remindAt}, due_at = ${to.dueAt}
        where e.id = ${id} and e.status = 'open' and e.reminded_at is null and e.escalated_at is null
          and not exists (select 1 from expectations o where o.pairing_id = e.pairing_id and o.kind = e.kind and o.subject = e.subject and o.source_ref = ${to.sourceRef})`.execute(
        db,
      );
      return Number(r.numAffectedRows ?? 0) > 0;
    },

    /** Open check-in expectations answered by a button or by a reaction on the check-in message. */
    async meetCheckins(pairingId: number, at: Date): Promise<Expectation[]> {
      const r = await sql<Expectation>`
        update expectations e set status = 'met', met_at = ${at}
        where e.pairing_id = ${pairingId} and e.kind = 'checkin' and e.status = 'open'
          and (
            exists (select 1 from checkin_answers a where a.checkin_id = (case when e.kind = 'checkin' then e.source_ref::int end) and a.person_id = e.subject)
            or exists (
              select 1 from checkins c
              join deliveries d on d.dedupe_key = 'checkin:' || c.pairing_id || ':' || c.week_key
              join pair_activity f on f.pairing_id = c.pairing_id and f.kind = 'reaction' and f.actor = e.subject and f.item_ts = d.sent_ts
              where c.id = (case when e.kind = 'checkin' then e.source_ref::int end)
            )
          )
        returning e.*`.execute(db);
      return r.rows;
    },

    /** Re-reads an expectation under the pair lock, so an escalation sees what an event just committed. */
    async current(id: number): Promise<Expectation | undefined> {
      return db.selectFrom('expectations').selectAll().where('id', '=', id).executeTakeFirst();
    },
  };
}

export type PairActivityRepository = ReturnType<typeof createPairActivityRepository>;
