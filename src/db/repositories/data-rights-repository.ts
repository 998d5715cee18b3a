import { sql, type ExpressionBuilder, type Transaction } from 'kysely';
import type { Db } from '../database.js';
import type { Database } from '../schema.js';

/** What Tandem stores about one person, as read for `tandem export person`. Rows are plain column maps. */
export type PersonRecords = {
  person: Record<string, unknown> | null;
  staff: Record<string, unknown> | null;
  pairings: Record<string, unknown>[];
  checkinAnswers: Record<string, unknown>[];
  dtrAnswers: Record<string, unknown>[];
  expectations: Record<string, unknown>[];
  alerts: Record<string, unknown>[];
  standups: (Record<string, unknown> & { entries: Record<string, unknown>[] })[];
  sessionLogs: Record<string, unknown>[];
  privateNotes: Record<string, unknown>[];
  notesAboutCount: number;
  matchRequests: Record<string, unknown>[];
  reschedules: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
  auditLog: Record<string, unknown>[];
};

/** What one forget changed, by table: rows deleted, and rows whose text or id columns were rewritten. */
export type ForgetChanges = {
  deleted: Record<string, number>;
  /**
   * Row updates per table (free text cleared, a live pairing ended, the Slack id replaced by the
   * pseudonym...). A row changed by two of those steps counts twice: read it as "touched", not as a row count.
   */
  anonymised: Record<string, number>;
};

type Trx = Transaction<Database>;

const slackId = /^[UW][A-Z0-9]{2,}$/;

/** What is left of a message to a forgotten person. */
const forgottenPayload = JSON.stringify({ text: '[forgotten]' });

/**
 * A POSIX regex matching the id as a whole token: not inside a longer id (UABC must not touch UABCD).
 * The id is checked to be [A-Z0-9] only, so it needs no escaping.
 */
function tokenPattern(id: string): string {
  if (!slackId.test(id)) throw new Error('not a Slack user id');
  return `(?<![A-Z0-9])${id}(?![A-Z0-9])`;
}

const count = (r: { numAffectedRows?: bigint; numUpdatedRows?: bigint; numDeletedRows?: bigint }) =>
  Number(r.numAffectedRows ?? r.numUpdatedRows ?? r.numDeletedRows ?? 0);

/** The name of the per-installation key `forget` pseudonyms are made with. */
const pseudonymKeyName = 'forget_pseudonym_hmac_key';

export function createDataRightsRepository(db: Db) {
  /** Pairings the person is in, in either role. */
  const pairingIdsOf = (q: Db | Trx, id: string) =>
    q
      .selectFrom('pairings')
      .select('id')
      .where((eb) => eb.or([eb('mentor_id', '=', id), eb('mentee_id', '=', id)]));

  return {
    /**
     * The installation's pseudonym key, made on first use. Replicas racing to make it each offer one;
     * the first insert wins and every replica reads that one back.
     */
    async pseudonymKey(newKey: () => string): Promise<string> {
      await db
        .insertInto('installation_secrets')
        .values({ name: pseudonymKeyName, value: newKey() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db
        .selectFrom('installation_secrets')
        .select('value')
        .where('name', '=', pseudonymKeyName)
        .executeTakeFirstOrThrow();
      return row.value;
    },

    async collect(id: string): Promise<PersonRecords> {
      const person = await db.selectFrom('people').selectAll().where('slack_id', '=', id).executeTakeFirst();
      const staff = await db.selectFrom('staff').selectAll().where('slack_id', '=', id).executeTakeFirst();
      const pairings = await db
        .selectFrom('pairings as p')
        .innerJoin('programs as pr', 'pr.id', 'p.program_id')
        .selectAll('p')
        .select('pr.name as program_name')
        .where((eb) => eb.or([eb('p.mentor_id', '=', id), eb('p.mentee_id', '=', id)]))
        .orderBy('p.id')
        .execute();
      const checkinAnswers = await db
        .selectFrom('checkin_answers as a')
        .innerJoin('checkins as c', 'c.id', 'a.checkin_id')
        .select([
          'a.checkin_id',
          'c.pairing_id',
          'c.week_key',
          'a.answer',
          'a.rating',
          'a.topics',
          'a.blockers',
          'a.answered_at',
          'a.updated_at',
        ])
        .where('a.person_id', '=', id)
        .orderBy('a.checkin_id')
        .execute();
      const dtrAnswers = await db
        .selectFrom('dtr_answers')
        .select([
          'pairing_id',
          'milestone',
          'role',
          'set_source',
          'set_version',
          'answers',
          'revision',
          'submitted_at',
          'updated_at',
        ])
        .where('person_id', '=', id)
        .orderBy('pairing_id')
        .orderBy('milestone')
        .execute();
      const expectations = await db
        .selectFrom('expectations')
        .select([
          'id',
          'pairing_id',
          'kind',
          'status',
          'started_at',
          'remind_at',
          'due_at',
          'met_at',
          'reminded_at',
          'escalated_at',
        ])
        .where('subject', '=', id)
        .orderBy('id')
        .execute();
      const alerts = await db
        .selectFrom('alerts')
        .select([
          'id',
          'pairing_id',
          'program_id',
          'reason',
          'status',
          'since',
          'details',
          'owner_id',
          'snoozed_until',
          'resolved_at',
          'resolved_by',
          'created_at',
        ])
        .where('subject', '=', id)
        .orderBy('id')
        .execute();
      const standupRows = await db
        .selectFrom('standups as s')
        .innerJoin('programs as pr', 'pr.id', 's.program_id')
        .select([
          's.id',
          's.program_id',
          'pr.name as program_name',
          's.week_key',
          's.prompt_at',
          's.submitted_at',
          's.general_note',
        ])
        .where('s.mentor_id', '=', id)
        .orderBy('s.prompt_at')
        .orderBy('s.id')
        .execute();
      const entries =
        standupRows.length === 0
          ? []
          : await db
              .selectFrom('standup_entries')
              .select(['standup_id', 'pairing_id', 'status', 'met', 'minutes', 'concerns', 'updated_at'])
              .where(
                'standup_id',
                'in',
                standupRows.map((s) => s.id),
              )
              .orderBy('standup_id')
              .orderBy('pairing_id')
              .execute();
      const standups = standupRows.map((s) => ({
        ...s,
        entries: entries.filter((e) => e.standup_id === s.id).map(({ standup_id: _, ...e }) => e),
      }));
      const sessionLogs = await db
        .selectFrom('session_logs')
        .select(['id', 'pairing_id', 'session_date', 'minutes', 'done', 'private_notes', 'created_at', 'updated_at'])
        .where('author_id', '=', id)
        .orderBy('session_date')
        .orderBy('id')
        .execute();
      const privateNotes = await db
        .selectFrom('private_notes')
        .select(['id', 'subject_id', 'body', 'created_at'])
        .where('author_id', '=', id)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      const about = await db
        .selectFrom('private_notes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('subject_id', '=', id)
        .where('author_id', '<>', id)
        .executeTakeFirstOrThrow();
      const matchRequests = await db
        .selectFrom('match_requests as m')
        .innerJoin('programs as pr', 'pr.id', 'm.program_id')
        .selectAll('m')
        .select('pr.name as program_name')
        .where((eb) => eb.or([eb('m.mentor_id', '=', id), eb('m.mentee_id', '=', id), eb('m.requested_by', '=', id)]))
        .orderBy('m.id')
        .execute();
      const reschedules = await db
        .selectFrom('reschedules')
        .selectAll()
        .where((eb) => eb.or([eb('requested_by', '=', id), eb('pairing_id', 'in', pairingIdsOf(db, id))]))
        .orderBy('id')
        .execute();
      // Messages addressed to them: what and when, not the text.
      const deliveries = await db
        .selectFrom('deliveries')
        .select(['id', 'kind', 'status', 'created_at', 'sent_at'])
        .where('channel', '=', id)
        .orderBy('id')
        .execute();
      const auditLog = await db
        .selectFrom('audit_log')
        .selectAll()
        .where((eb) => eb.or([eb('actor', '=', id), eb('subject', '=', id)]))
        .orderBy('id')
        .execute();
      return {
        person: person ?? null,
        staff: staff ?? null,
        pairings,
        checkinAnswers,
        dtrAnswers,
        expectations,
        alerts,
        standups,
        sessionLogs,
        privateNotes,
        notesAboutCount: about.n,
        matchRequests,
        reschedules,
        deliveries,
        auditLog,
      };
    },

    /**
     * Deletes what is only about the person and anonymises the rest, in one transaction: free text
     * they wrote (or that is about them) is cleared, their live pairings end, and every occurrence of
     * their Slack id in any text or JSON column of any table becomes `pseudonym`. Row counts, minutes
     * and statuses that feed aggregates are kept. `audit` is written in the same transaction, after
     * the sweep, so it must not name the person.
     */
    async forget(
      id: string,
      pseudonym: string,
      at: Date,
      audit: { actor: string; action: string; details: (changes: ForgetChanges) => Record<string, unknown> },
    ): Promise<ForgetChanges> {
      const pattern = tokenPattern(id);
      return db.transaction().execute(async (trx) => {
        const deleted: Record<string, number> = {};
        const anonymised: Record<string, number> = {};
        const add = (bucket: Record<string, number>, table: string, n: number) => {
          if (n > 0) bucket[table] = (bucket[table] ?? 0) + n;
        };
        /** Runs one statement and counts the rows it changed under its table. */
        const tally = async (
          bucket: Record<string, number>,
          table: string,
          statement: { executeTakeFirst(): Promise<Parameters<typeof count>[0]> },
        ) => add(bucket, table, count(await statement.executeTakeFirst()));
        // Their pairings, captured before the sweep renames them.
        const pairingIds = (await pairingIdsOf(trx, id).execute()).map((p) => p.id);
        const inPairings = pairingIds.length > 0 ? pairingIds : [-1];

        await tally(
          deleted,
          'private_notes',
          trx.deleteFrom('private_notes').where((eb) => eb.or([eb('author_id', '=', id), eb('subject_id', '=', id)])),
        );
        await tally(deleted, 'dtr_answers', trx.deleteFrom('dtr_answers').where('person_id', '=', id));
        await tally(deleted, 'staff', trx.deleteFrom('staff').where('slack_id', '=', id));
        await tally(deleted, 'people', trx.deleteFrom('people').where('slack_id', '=', id));

        // Free text they wrote or that is about them; the choices, minutes and statuses stay.
        await tally(
          anonymised,
          'checkin_answers',
          trx
            .updateTable('checkin_answers')
            .set({ rating: null, topics: null, blockers: null })
            .where('person_id', '=', id)
            .where((eb) => eb.or([eb('rating', 'is not', null), eb('topics', 'is not', null), eb('blockers', 'is not', null)])),
        );
        await tally(
          anonymised,
          'session_logs',
          trx
            .updateTable('session_logs')
            .set({ done: null, private_notes: null })
            .where('author_id', '=', id)
            .where((eb) => eb.or([eb('done', 'is not', null), eb('private_notes', 'is not', null)])),
        );
        await tally(
          anonymised,
          'standups',
          trx
            .updateTable('standups')
            .set({ general_note: null })
            .where('mentor_id', '=', id)
            .where('general_note', 'is not', null),
        );
        await tally(
          anonymised,
          'standup_entries',
          trx
            .updateTable('standup_entries')
            .set({ concerns: null })
            .where('concerns', 'is not', null)
            .where((eb) =>
              eb.or([
                eb('pairing_id', 'in', inPairings),
                eb('standup_id', 'in', trx.selectFrom('standups').select('id').where('mentor_id', '=', id)),
              ]),
            ),
        );
        await tally(
          anonymised,
          'reschedules',
          trx.updateTable('reschedules').set({ reason: null }).where('requested_by', '=', id).where('reason', 'is not', null),
        );
        const involvedInMatch = trx
          .selectFrom('match_requests')
          .select('id')
          .where((eb) => eb.or([eb('mentor_id', '=', id), eb('mentee_id', '=', id), eb('requested_by', '=', id)]));
        await tally(
          anonymised,
          'match_requests',
          trx
            .updateTable('match_requests')
            .set({ note: null, decline_reason: null })
            .where('id', 'in', involvedInMatch)
            .where((eb) => eb.or([eb('note', 'is not', null), eb('decline_reason', 'is not', null)])),
        );
        // A pending request for someone who is gone can never be decided.
        await tally(
          anonymised,
          'match_requests',
          trx
            .updateTable('match_requests')
            .set({ status: 'cancelled', decided_at: at })
            .where('id', 'in', involvedInMatch)
            .where('status', '=', 'pending'),
        );

        // Their live pairings end, and with them everything still running for those pairs.
        await tally(
          anonymised,
          'pairings',
          trx
            .updateTable('pairings')
            .set({ status: 'ended', ended_at: at })
            .where('id', 'in', inPairings)
            .where('status', '<>', 'ended'),
        );
        await tally(
          anonymised,
          'pairings',
          trx
            .updateTable('pairings')
            // Without the group DM nothing is posted to the pair again (a program's follow-up check-in, say).
            .set({ goals: '[]', pause_reason: null, conversation_id: null })
            .where('id', 'in', inPairings)
            .where((eb) =>
              eb.or([
                sql<boolean>`goals <> '[]'::jsonb`,
                eb('pause_reason', 'is not', null),
                eb('conversation_id', 'is not', null),
              ]),
            ),
        );
        await tally(
          anonymised,
          'expectations',
          trx
            .updateTable('expectations')
            .set({ status: 'cancelled' })
            .where('pairing_id', 'in', inPairings)
            .where('status', '=', 'open'),
        );
        await tally(
          anonymised,
          'alerts',
          trx
            .updateTable('alerts')
            .set({ status: 'resolved', resolved_at: at, resolved_by: audit.actor, snoozed_until: null })
            .where('pairing_id', 'in', inPairings)
            .where('status', '<>', 'resolved'),
        );
        await tally(
          anonymised,
          'pair_alerts',
          trx
            .updateTable('pair_alerts')
            .set({
              status: 'resolved',
              resolved_at: at,
              resolved_by: audit.actor,
              snoozed_until: null,
              version: sql`version + 1`,
            })
            .where('pairing_id', 'in', inPairings)
            .where('status', '<>', 'resolved'),
        );

        // Messages to them or to their pairs: keep kind, status and times, drop the text, send nothing more.
        // The weekly standup report quotes what mentors wrote about their mentees: naming them, it is theirs too.
        const theirDeliveries = (eb: ExpressionBuilder<Database, 'deliveries'>) =>
          eb.or([
            eb('channel', '=', id),
            eb('pairing_id', 'in', inPairings),
            eb.and([
              eb('kind', 'in', ['standup_report', 'standup_report_thread']),
              sql<boolean>`strpos(payload::text, ${id}) > 0`,
            ]),
          ]);
        await tally(
          anonymised,
          'deliveries',
          trx
            .updateTable('deliveries')
            .set({ status: 'skipped', claimed_by: null, claimed_until: null })
            .where(theirDeliveries)
            .where('status', '=', 'pending'),
        );
        await tally(
          anonymised,
          'deliveries',
          trx
            .updateTable('deliveries')
            .set({ payload: forgottenPayload })
            .where(theirDeliveries)
            .where(sql<boolean>`payload <> ${forgottenPayload}::jsonb`),
        );
        // Dedupe keys are unique: a key that named them gets its row id too, so two keys that differed
        // only by this person (before and after an earlier forget) cannot collide.
        await tally(
          anonymised,
          'deliveries',
          trx
            .updateTable('deliveries')
            .set({ dedupe_key: sql`regexp_replace(dedupe_key, ${pattern}, ${pseudonym}, 'g') || '#' || id::text` })
            .where(sql<boolean>`dedupe_key ~ ${pattern}`),
        );

        // Every other mention of the id, wherever it is: ids, keys, JSON details, message text.
        for (const [table, n] of Object.entries(await replaceEverywhere(trx, pattern, pseudonym))) add(anonymised, table, n);

        const changes = { deleted, anonymised };
        await trx
          .insertInto('audit_log')
          .values({
            at,
            actor: audit.actor,
            action: audit.action,
            subject: pseudonym,
            details: JSON.stringify(audit.details(changes)),
          })
          .execute();
        return changes;
      });
    },

    async recordExport(id: string, at: Date, actor: string, details: Record<string, unknown>): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({ at, actor, action: 'data.export', subject: id, details: JSON.stringify(details) })
        .execute();
    },
  };
}

type TextColumn = { table_name: string; column_name: string; data_type: string };

/**
 * Rewrites the id to the pseudonym in every text, varchar, json and jsonb column of every table in
 * the schema (but Kysely's migration bookkeeping), one UPDATE per table. Returns rows changed per table.
 */
async function replaceEverywhere(trx: Trx, pattern: string, pseudonym: string): Promise<Record<string, number>> {
  const columns = await sql<TextColumn>`
    select c.table_name, c.column_name, c.data_type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      and c.table_name not like 'kysely\\_%'
      and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb')
    order by c.table_name, c.ordinal_position`.execute(trx);
  const byTable = new Map<string, TextColumn[]>();
  for (const c of columns.rows) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c]);

  const changed: Record<string, number> = {};
  for (const [table, cols] of byTable) {
    const asText = (c: TextColumn) =>
      c.data_type === 'json' || c.data_type === 'jsonb' ? sql`${sql.ref(c.column_name)}::text` : sql`${sql.ref(c.column_name)}`;
    const assignments = cols.map((c) => {
      const replaced = sql`regexp_replace(${asText(c)}, ${pattern}, ${pseudonym}, 'g')`;
      const value = c.data_type === 'json' || c.data_type === 'jsonb' ? sql`${replaced}::${sql.raw(c.data_type)}` : replaced;
      return sql`${sql.ref(c.column_name)} = ${value}`;
    });
    const matches = cols.map((c) => sql`${asText(c)} ~ ${pattern}`);
    const r = await sql`update ${sql.table(table)} set ${sql.join(assignments)} where ${sql.join(matches, sql` or `)}`.execute(
      trx,
    );
    const n = Number(r.numAffectedRows ?? 0n);
    if (n > 0) changed[table] = n;
  }
  return changed;
}

export type DataRightsRepository = ReturnType<typeof createDataRightsRepository>;
