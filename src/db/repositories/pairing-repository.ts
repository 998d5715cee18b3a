import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { Pairing, PairingStatus, PairingUpdate } from '../schema.js';

export type PairingRow = Pairing & { program_name: string };

export function createPairingRepository(db: Db) {
  const withProgram = () =>
    db
      .selectFrom('pairings')
      .innerJoin('programs', 'programs.id', 'pairings.program_id')
      .selectAll('pairings')
      .select('programs.name as program_name');

  return {
    /**
     * Creates a live pairing. The partial unique index (one live pairing per mentee per program)
     * makes a concurrent double-submit fail on the second insert; that comes back as undefined.
     */
    async create(
      input: { programId: number; mentorId: string; menteeId: string; createdBy: string },
      at: Date,
    ): Promise<Pairing | undefined> {
      return db
        .insertInto('pairings')
        .values({
          program_id: input.programId,
          mentor_id: input.mentorId,
          mentee_id: input.menteeId,
          created_by: input.createdBy,
          created_at: at,
        })
        .onConflict((oc) => oc.columns(['program_id', 'mentee_id']).where('status', '<>', 'ended').doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    /** The live pairing whose pair conversation this is (the newest, should there be several). */
    async findActiveByConversation(channel: string): Promise<PairingRow | undefined> {
      return withProgram()
        .where('pairings.conversation_id', '=', channel)
        .where('pairings.status', '=', 'active')
        .orderBy('pairings.id', 'desc')
        .executeTakeFirst();
    },

    async get(id: number): Promise<PairingRow | undefined> {
      return withProgram().where('pairings.id', '=', id).executeTakeFirst();
    },

    async findLiveByMentee(programId: number, menteeId: string): Promise<Pairing | undefined> {
      return db
        .selectFrom('pairings')
        .selectAll()
        .where('program_id', '=', programId)
        .where('mentee_id', '=', menteeId)
        .where('status', '<>', 'ended')
        .executeTakeFirst();
    },

    /** Live pairings (active or paused) that include both people, in any role, across programs. */
    async findLiveBetween(a: string, b: string): Promise<PairingRow[]> {
      return withProgram()
        .where('pairings.status', '<>', 'ended')
        .where((eb) =>
          eb.or([
            eb.and([eb('pairings.mentor_id', '=', a), eb('pairings.mentee_id', '=', b)]),
            eb.and([eb('pairings.mentor_id', '=', b), eb('pairings.mentee_id', '=', a)]),
          ]),
        )
        .orderBy('pairings.id')
        .execute();
    },

    /** Live pairings a person is in, as mentor or mentee. */
    async listLiveFor(personId: string): Promise<PairingRow[]> {
      return withProgram()
        .where('pairings.status', '<>', 'ended')
        .where((eb) => eb.or([eb('pairings.mentor_id', '=', personId), eb('pairings.mentee_id', '=', personId)]))
        .orderBy('pairings.id')
        .execute();
    },

    async listByProgram(programId: number, statuses: readonly PairingStatus[] = ['active', 'paused']): Promise<PairingRow[]> {
      return withProgram()
        .where('pairings.program_id', '=', programId)
        .where('pairings.status', 'in', statuses)
        .orderBy('pairings.id')
        .execute();
    },

    async listWithoutConversation(limit: number): Promise<PairingRow[]> {
      return withProgram()
        .where('pairings.status', '<>', 'ended')
        .where('pairings.conversation_id', 'is', null)
        .orderBy('pairings.id')
        .limit(limit)
        .execute();
    },

    async update(id: number, changes: PairingUpdate): Promise<Pairing | undefined> {
      return db.updateTable('pairings').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
    },

    async resumeDue(now: Date): Promise<Pairing[]> {
      return db
        .updateTable('pairings')
        .set({ status: 'active', paused_until: null, pause_reason: null })
        .where('status', '=', 'paused')
        .where('paused_until', 'is not', null)
        .where(
          sql<boolean>`paused_until <= (${now}::timestamptz at time zone (select time_zone from programs where programs.id = pairings.program_id))::date`,
        )
        .returningAll()
        .execute();
    },

    /** A closing program: its pairings not ended yet end now; returns them. */
    async endAllInProgram(programId: number, at: Date): Promise<Pairing[]> {
      return db
        .updateTable('pairings')
        .set({ status: 'ended', ended_at: at })
        .where('program_id', '=', programId)
        .where('status', '<>', 'ended')
        .returningAll()
        .execute();
    },

    /** How many pairings a program has, ended ones included. */
    async countInProgram(programId: number): Promise<number> {
      const pairs = await db
        .selectFrom('pairings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('program_id', '=', programId)
        .executeTakeFirst();
      return Number(pairs?.n ?? 0);
    },

    /** A program's live pairings (active, paused) counted by status. */
    async liveCountsByStatus(programId: number): Promise<{ status: PairingStatus; n: number }[]> {
      return db
        .selectFrom('pairings')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('program_id', '=', programId)
        .where('status', '<>', 'ended')
        .groupBy('status')
        .execute();
    },

    /** Ended pairings with a pair conversation in closed programs that send a follow-up, with what the follow-up says. */
    async followUpCandidates() {
      return db
        .selectFrom('programs as pr')
        .innerJoin('pairings as p', 'p.program_id', 'pr.id')
        .select([
          'p.id',
          'p.mentor_id',
          'p.mentee_id',
          'p.conversation_id',
          'p.goals',
          'pr.name',
          'pr.closed_at',
          'pr.follow_up_weeks',
        ])
        .where('pr.follow_up_weeks', 'is not', null)
        .where('pr.closed_at', 'is not', null)
        .where('p.status', '=', 'ended')
        .where('p.conversation_id', 'is not', null)
        .execute();
    },

    /** Moves a pairing between statuses only from the expected one, so two clicks change it once. */
    async transition(
      id: number,
      from: readonly PairingStatus[],
      changes: PairingUpdate & { status: PairingStatus },
    ): Promise<Pairing | undefined> {
      return db
        .updateTable('pairings')
        .set(changes)
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
    },
  };
}

export type PairingRepository = ReturnType<typeof createPairingRepository>;
