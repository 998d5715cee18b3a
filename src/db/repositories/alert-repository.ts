import { sql, type Transaction } from 'kysely';
import type { Db } from '../database.js';
import type { Alert, AlertReason, Database } from '../schema.js';

export type AlertView = Alert & {
  mentor_id: string;
  mentee_id: string;
  program_name: string;
  alerts_channel_id: string | null;
  time_zone: string;
  conversation_id: string | null;
  sent_channel: string | null;
  sent_ts: string | null;
};

export function createAlertRepository(db: Db) {
  const view = () =>
    db
      .selectFrom('alerts as a')
      .innerJoin('pairings as p', 'p.id', 'a.pairing_id')
      .innerJoin('programs as pr', 'pr.id', 'a.program_id')
      .leftJoin('deliveries as d', 'd.id', 'a.delivery_id')
      .selectAll('a')
      .select(['p.mentor_id', 'p.mentee_id', 'p.conversation_id', 'pr.name as program_name', 'pr.alerts_channel_id', 'pr.time_zone', 'd.sent_channel', 'd.sent_ts']);

  return {
    /** One alert per (pairing, reason, episode): raising it again returns undefined. */
    async raise(a: { pairingId: number; programId: number; reason: AlertReason; episodeKey: string; subject: string | null; since: Date; details: Record<string, string | number | null> }, trx: Transaction<Database> | Db = db): Promise<Alert | undefined> {
      return trx
        .insertInto('alerts')
        .values({
          pairing_id: a.pairingId,
          program_id: a.programId,
          reason: a.reason,
          episode_key: a.episodeKey,
          subject: a.subject,
          since: a.since,
          details: JSON.stringify(a.details),
        })
        .onConflict((oc) => oc.columns(['pairing_id', 'reason', 'episode_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    async get(id: number): Promise<AlertView | undefined> {
      return view().where('a.id', '=', id).executeTakeFirst();
    },

    async setDelivery(id: number, deliveryId: number): Promise<void> {
      await db.updateTable('alerts').set({ delivery_id: deliveryId }).where('id', '=', id).where('delivery_id', 'is', null).execute();
    },

    /** Live alerts not yet posted (e.g. the alerts channel was unusable when they were raised). */
    async unposted(limit: number): Promise<AlertView[]> {
      return view().where('a.delivery_id', 'is', null).where('a.status', '<>', 'resolved').orderBy('a.id').limit(limit).execute();
    },

    /** Posted alerts whose message no longer shows their current state. */
    async unrendered(limit: number): Promise<AlertView[]> {
      return view().where(sql<boolean>`a.rendered_version < a.version`).where('d.sent_ts', 'is not', null).orderBy('a.id').limit(limit).execute();
    },

    async markRendered(id: number, version: number): Promise<void> {
      await db.updateTable('alerts').set({ rendered_version: version }).where('id', '=', id).where('rendered_version', '<', version).execute();
    },

    /** Changes state and bumps the version so the message is re-rendered; only from the given states. */
    async transition(
      id: number,
      from: readonly Alert['status'][],
      changes: { status: Alert['status']; owner_id?: string | null; snoozed_until?: Date | null; resolved_at?: Date | null; resolved_by?: string | null },
    ): Promise<Alert | undefined> {
      return db
        .updateTable('alerts')
        .set({ ...changes, version: sql`version + 1` })
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
    },

    /** Alerts that end when this person answers in this pair (what they were late with). */
    async liveFor(pairingId: number, subject: string, reasons: readonly AlertReason[]): Promise<Alert[]> {
      return db
        .selectFrom('alerts')
        .selectAll()
        .where('pairing_id', '=', pairingId)
        .where('subject', '=', subject)
        .where('reason', 'in', reasons)
        .where('status', '<>', 'resolved')
        .execute();
    },

    async liveForEpisode(pairingId: number, reason: AlertReason, episodeKey: string): Promise<Alert[]> {
      return db
        .selectFrom('alerts')
        .selectAll()
        .where('pairing_id', '=', pairingId)
        .where('reason', '=', reason)
        .where('episode_key', '=', episodeKey)
        .where('status', '<>', 'resolved')
        .execute();
    },

    async snoozeExpired(now: Date): Promise<Alert[]> {
      return db
        .updateTable('alerts')
        .set({ status: 'open', snoozed_until: null, version: sql`version + 1` })
        .where('status', '=', 'snoozed')
        .where('snoozed_until', '<=', now)
        .returningAll()
        .execute();
    },

    async listLive(programId: number): Promise<AlertView[]> {
      return view().where('a.program_id', '=', programId).where('a.status', '<>', 'resolved').orderBy('a.since').execute();
    },
  };
}

export type AlertRepository = ReturnType<typeof createAlertRepository>;
