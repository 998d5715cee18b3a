import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { DtrAnswerRow, Milestone } from '../schema.js';
import type { DtrPart } from '../../domain/dtr-questions.js';

export function createDtrRepository(db: Db) {
  return {
    async programSet(
      programId: number,
      milestone: Milestone,
      version?: number,
    ): Promise<{ version: number; definition: unknown } | undefined> {
      let q = db
        .selectFrom('program_question_sets')
        .select(['version', 'definition'])
        .where('program_id', '=', programId)
        .where('milestone', '=', milestone);
      if (version !== undefined) q = q.where('version', '=', version);
      return q.orderBy('version', 'desc').limit(1).executeTakeFirst();
    },

    async addProgramSet(programId: number, milestone: Milestone, definition: unknown, createdBy: string): Promise<number> {
      const row = await db
        .insertInto('program_question_sets')
        .values({
          program_id: programId,
          milestone,
          version: sql<number>`coalesce((select max(version) from program_question_sets where program_id = ${programId} and milestone = ${milestone}), 0) + 1`,
          definition: JSON.stringify(definition),
          created_by: createdBy,
        })
        .returning('version')
        .executeTakeFirstOrThrow();
      return row.version;
    },

    async answers(pairingId: number, milestone: Milestone): Promise<DtrAnswerRow[]> {
      return db
        .selectFrom('dtr_answers')
        .selectAll()
        .where('pairing_id', '=', pairingId)
        .where('milestone', '=', milestone)
        .execute();
    },

    /** Stores one side's answers; a resubmission replaces them and bumps the revision. */
    async save(row: DtrPart & { pairingId: number; at: Date }): Promise<DtrAnswerRow> {
      return db
        .insertInto('dtr_answers')
        .values({
          pairing_id: row.pairingId,
          milestone: row.milestone,
          person_id: row.personId,
          role: row.role,
          set_source: row.setSource,
          set_version: row.setVersion,
          answers: JSON.stringify(row.answers),
          submitted_at: row.at,
          updated_at: row.at,
        })
        .onConflict((oc) =>
          oc.columns(['pairing_id', 'milestone', 'person_id']).doUpdateSet({
            answers: JSON.stringify(row.answers),
            set_source: row.setSource,
            set_version: row.setVersion,
            role: row.role,
            updated_at: row.at,
            revision: sql`dtr_answers.revision + 1`,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /**
     * A page of the pairs whose DTR milestones may be due (active, with a pair conversation, in an
     * active program), by pairing id after `afterPairingId`, with their program's calendar.
     */
    async milestoneCandidates(afterPairingId: number, limit: number) {
      return db
        .selectFrom('pairings as p')
        .innerJoin('programs as pr', 'pr.id', 'p.program_id')
        .select([
          'p.id',
          'p.program_id',
          'p.mentor_id',
          'p.mentee_id',
          'p.conversation_id',
          'p.created_at',
          'pr.start_date',
          'pr.length_weeks',
          'pr.time_zone',
          'pr.kickoff_week',
          'pr.midmod_week_from',
          'pr.midmod_week_to',
        ])
        .where('p.status', '=', 'active')
        .where('pr.status', '=', 'active')
        .where('p.conversation_id', 'is not', null)
        .where('p.id', '>', afterPairingId)
        .orderBy('p.id')
        .limit(limit)
        .execute();
    },

    /** The milestones these pairings have completed. */
    async completedMilestones(pairingIds: readonly number[]): Promise<{ pairing_id: number; milestone: Milestone }[]> {
      return db
        .selectFrom('milestones')
        .select(['pairing_id', 'milestone'])
        .where('pairing_id', 'in', pairingIds)
        .where('completed_at', 'is not', null)
        .execute();
    },

    /** Every DTR answer in a program's pairings, with the pair and the program's question set it was given with (if any). */
    async programAnswers(programId: number) {
      return db
        .selectFrom('dtr_answers as d')
        .innerJoin('pairings as p', 'p.id', 'd.pairing_id')
        .leftJoin('program_question_sets as q', (j) =>
          j
            .on('q.program_id', '=', programId)
            .onRef('q.milestone', '=', 'd.milestone')
            .onRef('q.version', '=', 'd.set_version')
            .on('d.set_source', '=', 'program'),
        )
        .select([
          'd.milestone',
          'd.person_id',
          'd.role',
          'd.set_source',
          'd.set_version',
          'd.answers',
          'q.definition',
          'p.mentor_id',
          'p.mentee_id',
        ])
        .where('p.program_id', '=', programId)
        .orderBy('p.id')
        .orderBy('d.role')
        .execute();
    },

    /** The mentees' exit DTR answers in a program. */
    async menteeExitAnswers(programId: number): Promise<Pick<DtrAnswerRow, 'answers'>[]> {
      const pairIds = db.selectFrom('pairings').select('id').where('program_id', '=', programId);
      return db
        .selectFrom('dtr_answers')
        .select('answers')
        .where('milestone', '=', 'exit')
        .where('role', '=', 'mentee')
        .where('pairing_id', 'in', pairIds)
        .execute();
    },

    async markMilestoneDone(pairingId: number, milestone: Milestone, at: Date): Promise<void> {
      await db
        .insertInto('milestones')
        .values({ pairing_id: pairingId, milestone, completed_at: at })
        .onConflict((oc) =>
          oc
            .columns(['pairing_id', 'milestone'])
            .doUpdateSet({ completed_at: sql`coalesce(milestones.completed_at, excluded.completed_at)` }),
        )
        .execute();
    },
  };
}

export type DtrRepository = ReturnType<typeof createDtrRepository>;
