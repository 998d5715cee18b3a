import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { Alert, AlertReason, AlertStatus, PairAlert } from '../schema.js';

/** A pair-week alert message with what rendering and posting it needs. */
export type PairAlertView = PairAlert & {
  mentor_id: string;
  mentee_id: string;
  program_name: string;
  alerts_channel_id: string | null;
  time_zone: string;
  sent_channel: string | null;
  sent_ts: string | null;
};

/** An open reason of a program, with its pair and the message of its pair-week alert. */
export type OpenProgramAlert = Pick<Alert, 'pairing_id' | 'reason' | 'owner_id' | 'subject' | 'since'> & {
  mentor_id: string;
  mentee_id: string;
  sent_channel: string | null;
  sent_ts: string | null;
};

/** One reason to alert staff about a pair; `details` holds ids and times only. */
export type NewAlert = {
  pairingId: number;
  programId: number;
  reason: AlertReason;
  episodeKey: string;
  subject: string | null;
  since: Date;
  details: Record<string, string | number | null>;
};

type GroupChanges = {
  status: AlertStatus;
  owner_id?: string | null;
  snoozed_until?: Date | null;
  resolved_at?: Date | null;
  resolved_by?: string | null;
};

export function createAlertRepository(db: Db) {
  const live = (pairingId: number) =>
    db.selectFrom('alerts').selectAll().where('pairing_id', '=', pairingId).where('status', '<>', 'resolved');
  const groupView = () =>
    db
      .selectFrom('pair_alerts as g')
      .innerJoin('pairings as p', 'p.id', 'g.pairing_id')
      .innerJoin('programs as pr', 'pr.id', 'g.program_id')
      .leftJoin('deliveries as d', 'd.id', 'g.delivery_id')
      .selectAll('g')
      .select([
        'p.mentor_id',
        'p.mentee_id',
        'pr.name as program_name',
        'pr.alerts_channel_id',
        'pr.time_zone',
        'd.sent_channel',
        'd.sent_ts',
      ]);

  /**
   * Reasons answered (or otherwise over): each is struck through on its alert, and an alert with
   * no open reason left resolves itself. Returns how many reasons changed.
   */
  async function resolveReasons(ids: readonly number[], by: string, at: Date): Promise<number> {
    if (ids.length === 0) return 0;
    return db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('alerts')
        .set({ status: 'resolved', resolved_at: at, resolved_by: by, version: sql`version + 1` })
        .where('id', 'in', ids)
        .where('status', '<>', 'resolved')
        .returning('pair_alert_id')
        .execute();
      const groups = [...new Set(done.map((d) => d.pair_alert_id))];
      if (groups.length > 0) {
        await trx
          .updateTable('pair_alerts')
          .set({ version: sql`version + 1` })
          .where('id', 'in', groups)
          .execute();
        await trx
          .updateTable('pair_alerts')
          .set({ status: 'resolved', resolved_at: at, resolved_by: by, snoozed_until: null })
          .where('id', 'in', groups)
          .where('status', '<>', 'resolved')
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('alerts as r')
                  .select('r.id')
                  .whereRef('r.pair_alert_id', '=', 'pair_alerts.id')
                  .where('r.status', '<>', 'resolved'),
              ),
            ),
          )
          .execute();
      }
      return done.length;
    });
  }

  return {
    /** The episodes already raised for a reason on these pairs (`pairingId:episodeKey`): raise() would skip them. */
    async raisedEpisodes(pairingIds: readonly number[], reason: AlertReason): Promise<Set<string>> {
      if (pairingIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('alerts')
        .select(['pairing_id', 'episode_key'])
        .where('reason', '=', reason)
        .where('pairing_id', 'in', pairingIds)
        .execute();
      return new Set(rows.map((r) => `${r.pairing_id}:${r.episode_key}`));
    },

    /**
     * One reason per (pairing, reason, episode): raising it again returns undefined. A new reason
     * goes on the pair's alert of this week (in the program's zone), made if there is none yet and
     * linked to the pair's alert of an earlier week; a pair-week alert that was resolved opens again.
     */
    async raise(a: NewAlert, now: Date): Promise<{ alert: Alert; groupIsNew: boolean } | undefined> {
      const known = await db
        .selectFrom('alerts')
        .select('id')
        .where('pairing_id', '=', a.pairingId)
        .where('reason', '=', a.reason)
        .where('episode_key', '=', a.episodeKey)
        .executeTakeFirst();
      if (known) return undefined;
      const weekStart = sql<string>`(date_trunc('week', ${now}::timestamptz at time zone pr.time_zone))::date`;
      const made = await sql<PairAlert>`
        insert into pair_alerts (pairing_id, program_id, week_start, previous_id)
        select ${a.pairingId}, pr.id, ${weekStart},
               (select p.id from pair_alerts p where p.pairing_id = ${a.pairingId} and p.week_start < ${weekStart} order by p.week_start desc limit 1)
        from programs pr where pr.id = ${a.programId}
        on conflict (pairing_id, week_start) do nothing
        returning *`.execute(db);
      const group =
        made.rows[0] ??
        (
          await sql<PairAlert>`select g.* from pair_alerts g join programs pr on pr.id = ${a.programId} where g.pairing_id = ${a.pairingId} and g.week_start = ${weekStart} for update of g`.execute(
            db,
          )
        ).rows[0];
      if (!group) throw new Error(`program ${a.programId} not found for an alert`);
      // The reason takes the alert's state: staff who are on it, or snoozed it, are so for the new reason too.
      const open = group.status === 'resolved';
      const alert = await db
        .insertInto('alerts')
        .values({
          pairing_id: a.pairingId,
          program_id: a.programId,
          reason: a.reason,
          episode_key: a.episodeKey,
          subject: a.subject,
          since: a.since,
          details: JSON.stringify(a.details),
          pair_alert_id: group.id,
          status: open ? 'open' : group.status,
          owner_id: group.owner_id,
          snoozed_until: open ? null : group.snoozed_until,
        })
        .onConflict((oc) => oc.columns(['pairing_id', 'reason', 'episode_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!alert) return undefined;
      if (!made.rows[0]) {
        await db
          .updateTable('pair_alerts')
          .set(
            open
              ? { version: sql`version + 1`, status: 'open', resolved_at: null, resolved_by: null, snoozed_until: null }
              : { version: sql`version + 1` },
          )
          .where('id', '=', group.id)
          .execute();
      }
      return { alert, groupIsNew: Boolean(made.rows[0]) };
    },

    async getAlert(id: number): Promise<Alert | undefined> {
      return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async getGroup(id: number): Promise<PairAlertView | undefined> {
      return groupView().where('g.id', '=', id).executeTakeFirst();
    },

    /** Every reason on a pair-week alert, open or answered, oldest first. */
    async reasonsOf(groupId: number): Promise<Alert[]> {
      return db.selectFrom('alerts').selectAll().where('pair_alert_id', '=', groupId).orderBy('since').orderBy('id').execute();
    },

    async setGroupDelivery(id: number, deliveryId: number): Promise<void> {
      await db
        .updateTable('pair_alerts')
        .set({ delivery_id: deliveryId })
        .where('id', '=', id)
        .where('delivery_id', 'is', null)
        .execute();
    },

    async markGroupRendered(id: number, version: number): Promise<void> {
      await db
        .updateTable('pair_alerts')
        .set({ rendered_version: version })
        .where('id', '=', id)
        .where('rendered_version', '<', version)
        .execute();
    },

    /** Live pair-week alerts not yet posted (e.g. the alerts channel was unusable when they were raised). */
    async unpostedGroups(limit: number): Promise<PairAlertView[]> {
      return groupView()
        .where('g.delivery_id', 'is', null)
        .where('g.status', '<>', 'resolved')
        .orderBy('g.id')
        .limit(limit)
        .execute();
    },

    /** Posted pair-week alerts whose message no longer shows their current state. */
    async unrenderedGroups(limit: number): Promise<PairAlertView[]> {
      return groupView()
        .where(sql<boolean>`g.rendered_version < g.version`)
        .where('d.sent_ts', 'is not', null)
        .orderBy('g.id')
        .limit(limit)
        .execute();
    },

    /**
     * Staff act on a pair-week alert: its state changes (only from the given states) and so do its
     * open reasons, which the rest of Tandem (App Home, the report, the digest) reads.
     */
    async transitionGroup(id: number, from: readonly AlertStatus[], changes: GroupChanges): Promise<PairAlert | undefined> {
      return db.transaction().execute(async (trx) => {
        const group = await trx
          .updateTable('pair_alerts')
          .set({ ...changes, version: sql`version + 1` })
          .where('id', '=', id)
          .where('status', 'in', from)
          .returningAll()
          .executeTakeFirst();
        if (group)
          await trx
            .updateTable('alerts')
            .set({ ...changes, version: sql`version + 1` })
            .where('pair_alert_id', '=', id)
            .where('status', '<>', 'resolved')
            .execute();
        return group;
      });
    },

    resolveReasons,

    /** Snoozes that ran out: the alert and its open reasons are open again. */
    async snoozeExpiredGroups(now: Date): Promise<PairAlert[]> {
      return db.transaction().execute(async (trx) => {
        const woken = await trx
          .updateTable('pair_alerts')
          .set({ status: 'open', snoozed_until: null, version: sql`version + 1` })
          .where('status', '=', 'snoozed')
          .where('snoozed_until', '<=', now)
          .returningAll()
          .execute();
        if (woken.length > 0) {
          await trx
            .updateTable('alerts')
            .set({ status: 'open', snoozed_until: null, version: sql`version + 1` })
            .where(
              'pair_alert_id',
              'in',
              woken.map((w) => w.id),
            )
            .where('status', '=', 'snoozed')
            .execute();
        }
        return woken;
      });
    },

    /** Every open reason of a program's pairs resolved as the given actor (e.g. 'program_ended'). */
    async resolveProgram(programId: number, by: string, at: Date): Promise<number> {
      const open = await db
        .selectFrom('alerts')
        .select('id')
        .where('program_id', '=', programId)
        .where('status', '<>', 'resolved')
        .execute();
      return resolveReasons(
        open.map((o) => o.id),
        by,
        at,
      );
    },

    /** A program's reasons not resolved yet, oldest first. */
    async openInProgram(programId: number): Promise<OpenProgramAlert[]> {
      return db
        .selectFrom('alerts as a')
        .innerJoin('pairings as p', 'p.id', 'a.pairing_id')
        .innerJoin('pair_alerts as g', 'g.id', 'a.pair_alert_id')
        .leftJoin('deliveries as d', 'd.id', 'g.delivery_id')
        .select([
          'a.pairing_id',
          'a.reason',
          'a.owner_id',
          'a.subject',
          'a.since',
          'p.mentor_id',
          'p.mentee_id',
          'd.sent_channel',
          'd.sent_ts',
        ])
        .where('a.program_id', '=', programId)
        .where('a.status', '<>', 'resolved')
        .orderBy('a.since')
        .orderBy('a.id')
        .execute();
    },

    /** A pair's alerts not resolved yet, for these reasons about this subject (what answering ends). */
    async liveFor(pairingId: number, subject: string, reasons: readonly AlertReason[]): Promise<Alert[]> {
      return live(pairingId).where('subject', '=', subject).where('reason', 'in', reasons).execute();
    },

    async liveForEpisode(pairingId: number, reason: AlertReason, episodeKey: string): Promise<Alert[]> {
      return live(pairingId).where('reason', '=', reason).where('episode_key', '=', episodeKey).execute();
    },
  };
}

export type AlertRepository = ReturnType<typeof createAlertRepository>;
