import type { Db } from '../database.js';
import { createDeliveryRepository, type DeliveryRepository } from './delivery-repository.js';
import { claimRequestKey } from './request-key-repository.js';
import type { MatchRequest, Reschedule } from '../schema.js';

export function createMatchRepository(db: Db) {
  return {
    async create(row: {
      programId: number;
      mentorId: string;
      menteeId: string;
      requestedBy: string;
      note: string | null;
      at: Date;
      remindAt: Date;
      dueAt: Date;
    }): Promise<MatchRequest | undefined> {
      return db
        .insertInto('match_requests')
        .values({
          program_id: row.programId,
          mentor_id: row.mentorId,
          mentee_id: row.menteeId,
          requested_by: row.requestedBy,
          note: row.note,
          created_at: row.at,
          remind_at: row.remindAt,
          due_at: row.dueAt,
        })
        .onConflict((oc) => oc.columns(['program_id', 'mentee_id']).where('status', '=', 'pending').doNothing())
        .returningAll()
        .executeTakeFirst();
    },
    async get(id: number): Promise<MatchRequest | undefined> {
      return db.selectFrom('match_requests').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async pendingForMentee(programId: number, menteeId: string): Promise<MatchRequest | undefined> {
      return db
        .selectFrom('match_requests')
        .selectAll()
        .where('program_id', '=', programId)
        .where('mentee_id', '=', menteeId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
    },
    /** Decides a pending request once: a double click finds it decided already. */
    async decide(
      id: number,
      change: {
        status: 'accepted' | 'declined' | 'cancelled';
        declineReason?: string | null;
        pairingId?: number | null;
        at: Date;
      },
    ): Promise<MatchRequest | undefined> {
      return db
        .updateTable('match_requests')
        .set({
          status: change.status,
          decline_reason: change.declineReason ?? null,
          pairing_id: change.pairingId ?? null,
          decided_at: change.at,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
    },
    async setPairing(id: number, pairingId: number): Promise<void> {
      await db.updateTable('match_requests').set({ pairing_id: pairingId }).where('id', '=', id).execute();
    },
    /** Due, not yet marked: the caller queues its notice (idempotent by key) and then marks it. */
    async dueReminders(now: Date): Promise<MatchRequest[]> {
      return db
        .selectFrom('match_requests')
        .selectAll()
        .where('status', '=', 'pending')
        .where('reminded_at', 'is', null)
        .where('remind_at', '<=', now)
        .where('due_at', '>', now)
        .orderBy('id')
        .limit(500)
        .execute();
    },
    async dueEscalations(now: Date): Promise<MatchRequest[]> {
      return db
        .selectFrom('match_requests')
        .selectAll()
        .where('status', '=', 'pending')
        .where('escalated_at', 'is', null)
        .where('due_at', '<=', now)
        .orderBy('id')
        .limit(500)
        .execute();
    },
    async mark(id: number, column: 'reminded_at' | 'escalated_at', at: Date): Promise<void> {
      await db
        .updateTable('match_requests')
        .set({ [column]: at })
        .where('id', '=', id)
        .where(column, 'is', null)
        .execute();
    },
    async pendingCountForMentor(mentorId: string): Promise<number> {
      const r = await db
        .selectFrom('match_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('mentor_id', '=', mentorId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };
}

type NewReschedule = {
  pairingId: number;
  requestedBy: string;
  originalAt: Date;
  newAt: Date | null;
  cancelled: boolean;
  reason: string | null;
  lateNotice: boolean;
  noticeHours: number;
  at: Date;
};
const rescheduleValues = (row: NewReschedule) => ({
  pairing_id: row.pairingId,
  requested_by: row.requestedBy,
  original_at: row.originalAt,
  new_at: row.newAt,
  cancelled: row.cancelled,
  reason: row.reason,
  late_notice: row.lateNotice,
  notice_hours: row.noticeHours,
  created_at: row.at,
});

export function createRescheduleRepository(db: Db) {
  return {
    async create(row: NewReschedule): Promise<Reschedule> {
      return db.insertInto('reschedules').values(rescheduleValues(row)).returningAll().executeTakeFirstOrThrow();
    },
    /**
     * The same row, unless the request key was already used: the key and the reschedule commit together,
     * so two submissions of one form store one reschedule whatever their timing.
     */
    /**
     * Stores the reschedule unless its form was already saved; `alongside` writes what must not be lost
     * without it (the announcement in the outbox) in the same transaction.
     */
    async createOnce(
      row: NewReschedule,
      key: { key: string; until: Date },
      alongside?: (r: Reschedule, deliveries: DeliveryRepository) => Promise<unknown>,
    ): Promise<Reschedule | undefined> {
      return db.transaction().execute(async (trx) => {
        if (!(await claimRequestKey(trx, key.key, key.until, row.at))) return undefined;
        const r = await trx.insertInto('reschedules').values(rescheduleValues(row)).returningAll().executeTakeFirstOrThrow();
        await alongside?.(r, createDeliveryRepository(trx));
        return r;
      });
    },
    async between(pairingId: number, from: Date, to: Date): Promise<Reschedule[]> {
      return db
        .selectFrom('reschedules')
        .selectAll()
        .where('pairing_id', '=', pairingId)
        .where('original_at', '>=', from)
        .where('original_at', '<', to)
        .orderBy('created_at')
        .execute();
    },
    /** The changes of these pairings whose original or new time lies in (from, to], in the order they were made. */
    async forPairings(pairingIds: readonly number[], from: Date, to: Date): Promise<Reschedule[]> {
      if (pairingIds.length === 0) return [];
      return db
        .selectFrom('reschedules')
        .selectAll()
        .where('pairing_id', 'in', pairingIds)
        .where((eb) =>
          eb.or([
            eb.and([eb('original_at', '>', from), eb('original_at', '<=', to)]),
            eb.and([eb('new_at', '>', from), eb('new_at', '<=', to)]),
          ]),
        )
        .orderBy('id')
        .execute();
    },
    async upcoming(pairingId: number, now: Date): Promise<Reschedule[]> {
      return db
        .selectFrom('reschedules')
        .selectAll()
        .where('pairing_id', '=', pairingId)
        .where((eb) => eb.or([eb('original_at', '>=', now), eb('new_at', '>=', now)]))
        .orderBy('created_at')
        .execute();
    },
  };
}

export type MatchRepository = ReturnType<typeof createMatchRepository>;
export type RescheduleRepository = ReturnType<typeof createRescheduleRepository>;
