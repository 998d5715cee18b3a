import { sql } from 'kysely';
import type { Db } from '../database.js';
import { awayOnSql } from './schedule-sql.js';
import type { Expectation, ExpectationKind } from '../schema.js';

export type NewExpectation = {
  pairingId: number;
  kind: ExpectationKind;
  subject: string;
  sourceRef: string;
  startedAt: Date;
  remindAt: Date;
  dueAt: Date;
};

export type DueExpectation = Expectation & {
  program_id: number;
  mentor_id: string;
  mentee_id: string;
  conversation_id: string | null;
};

/** An expectation as its row. */
export const expectationValues = (e: NewExpectation) => ({
  pairing_id: e.pairingId,
  kind: e.kind,
  subject: e.subject,
  source_ref: e.sourceRef,
  started_at: e.startedAt,
  remind_at: e.remindAt,
  due_at: e.dueAt,
});

export function createExpectationRepository(db: Db) {
  const live = (now: Date) =>
    db
      .selectFrom('expectations as e')
      .innerJoin('pairings as p', 'p.id', 'e.pairing_id')
      .selectAll('e')
      .select(['p.program_id', 'p.mentor_id', 'p.mentee_id', 'p.conversation_id'])
      .where('e.status', '=', 'open')
      .where('p.status', '=', 'active')
      // Nobody is nudged or escalated while they, or the partner a deadline waits on, are away.
      .where(
        sql<boolean>`not exists (select 1 from people a where a.slack_id in (p.mentor_id, p.mentee_id) and ${awayOnSql('a', now)})`,
      );
  // A step of an expectation's life is stamped once: a second call (a retried pass) leaves the first time.
  const markOnce = (ids: readonly number[], step: 'reminded_at' | 'escalated_at', at: Date) =>
    db
      .updateTable('expectations')
      .set({ [step]: at })
      .where('id', 'in', ids)
      .where(step, 'is', null)
      .execute();

  return {
    /** Idempotent by (pairing, kind, subject, source); a second open reply episode is refused by its index. */
    async create(e: NewExpectation): Promise<Expectation | undefined> {
      return db
        .insertInto('expectations')
        .values(expectationValues(e))
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    /** A closing program: what its pairs still owe is cancelled. */
    async cancelOpenInProgram(programId: number): Promise<void> {
      const pairIds = db.selectFrom('pairings').select('id').where('program_id', '=', programId);
      await db
        .updateTable('expectations')
        .set({ status: 'cancelled' })
        .where('status', '=', 'open')
        .where('pairing_id', 'in', pairIds)
        .execute();
    },

    /** What one person still owes in a pair, soonest due first. */
    async openOwedBy(pairingId: number, subject: string): Promise<Pick<Expectation, 'kind' | 'due_at'>[]> {
      return db
        .selectFrom('expectations')
        .select(['kind', 'due_at'])
        .where('pairing_id', '=', pairingId)
        .where('subject', '=', subject)
        .where('status', '=', 'open')
        .orderBy('due_at')
        .execute();
    },

    /** How many answers in a program's pairs are owed past their deadline. */
    async countOverdueInProgram(programId: number, now: Date): Promise<number> {
      const pairIds = db.selectFrom('pairings').select('id').where('program_id', '=', programId);
      const late = await db
        .selectFrom('expectations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'open')
        .where('due_at', '<=', now)
        .where('pairing_id', 'in', pairIds)
        .executeTakeFirst();
      return Number(late?.n ?? 0);
    },

    async cancelForPairing(pairingId: number, at: Date): Promise<number> {
      const r = await db
        .updateTable('expectations')
        .set({ status: 'cancelled', cancelled_at: at })
        .where('pairing_id', '=', pairingId)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /**
     * Reminders due now in live pairings, oldest first. Nothing is marked here: the caller queues the
     * nudge (idempotent by its key) and then calls markReminded, so a crash between the two repeats
     * a no-op instead of losing the nudge. Reminders whose deadline has passed are dropped on the way:
     * the escalation says it better than a late nudge.
     */
    async dueReminders(now: Date, limit: number): Promise<DueExpectation[]> {
      await db
        .updateTable('expectations')
        .set({ reminded_at: now })
        .where('status', '=', 'open')
        .where('reminded_at', 'is', null)
        .where('remind_at', '<=', now)
        .where('due_at', '<=', now)
        .execute();
      return live(now)
        .where('e.reminded_at', 'is', null)
        .where('e.remind_at', '<=', now)
        .where('e.due_at', '>', now)
        .orderBy('e.remind_at')
        .orderBy('e.id')
        .limit(limit)
        .execute();
    },

    /** Overdue expectations in live pairings not yet escalated; markEscalated once the alert exists. */
    async dueEscalations(now: Date, limit: number): Promise<DueExpectation[]> {
      return live(now)
        .where('e.escalated_at', 'is', null)
        .where('e.due_at', '<=', now)
        .orderBy('e.due_at')
        .orderBy('e.id')
        .limit(limit)
        .execute();
    },

    async markReminded(ids: readonly number[], at: Date): Promise<void> {
      if (ids.length === 0) return;
      await markOnce(ids, 'reminded_at', at);
    },

    /** One deadline with its pair, if it is still open (what a nudge about it says when it is sent). */
    async openWithPair(id: number): Promise<DueExpectation | undefined> {
      return db
        .selectFrom('expectations as e')
        .innerJoin('pairings as p', 'p.id', 'e.pairing_id')
        .selectAll('e')
        .select(['p.program_id', 'p.mentor_id', 'p.mentee_id', 'p.conversation_id'])
        .where('e.id', '=', id)
        .where('e.status', '=', 'open')
        .where('p.status', '=', 'active')
        .executeTakeFirst();
    },

    async markEscalated(id: number, at: Date): Promise<void> {
      await markOnce([id], 'escalated_at', at);
    },

    /**
     * Moves the open deadlines of every live pairing of an away person (theirs and their partners') that
     * fall after `from` by the time away, so nobody is late for the days the pair could not meet.
     */
    async shiftForAway(personId: string, from: Date, back: Date): Promise<number> {
      const shift = back.getTime() - from.getTime();
      if (shift <= 0) return 0;
      const r = await db
        .updateTable('expectations')
        .set({
          due_at: sql`due_at + ${`${shift} milliseconds`}::interval`,
          remind_at: sql`remind_at + ${`${shift} milliseconds`}::interval`,
        })
        .where('status', '=', 'open')
        .where('due_at', '>', from)
        .where('pairing_id', 'in', (eb) =>
          eb
            .selectFrom('pairings')
            .select('id')
            .where('status', '<>', 'ended')
            .where((w) => w.or([w('mentor_id', '=', personId), w('mentee_id', '=', personId)])),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** A check-in's open deadlines (one per person who has not answered yet). */
    async openForCheckin(checkinId: number): Promise<Expectation[]> {
      return db
        .selectFrom('expectations')
        .selectAll()
        .where('kind', '=', 'checkin')
        .where('source_ref', '=', String(checkinId))
        .where('status', '=', 'open')
        .execute();
    },

    /** Starts a deadline's window again, later (a question posted after it was planned). */
    async restart(id: number, window: { startedAt: Date; remindAt: Date; dueAt: Date }): Promise<void> {
      await db
        .updateTable('expectations')
        .set({ started_at: window.startedAt, remind_at: window.remindAt, due_at: window.dueAt })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .where('started_at', '<', window.startedAt)
        .execute();
    },

    /** For benchmarks and operators: how the due scan is planned. */
    async explainOverdueScan(now: Date): Promise<string[]> {
      const r = await sql<{
        'QUERY PLAN': string;
      }>`explain select id from expectations where status = 'open' and escalated_at is null and due_at <= ${now} order by due_at limit 500`.execute(
        db,
      );
      return r.rows.map((row) => row['QUERY PLAN']);
    },
  };
}

export type ExpectationRepository = ReturnType<typeof createExpectationRepository>;
