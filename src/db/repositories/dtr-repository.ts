import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { DtrAnswerRow, Milestone } from '../schema.js';

export function createDtrRepository(db: Db) {
  return {
    async programSet(programId: number, milestone: Milestone, version?: number): Promise<{ version: number; definition: unknown } | undefined> {
      let q = db.selectFrom('program_question_sets').select(['version', 'definition']).where('program_id', '=', programId).where('milestone', '=', milestone);
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
      return db.selectFrom('dtr_answers').selectAll().where('pairing_id', '=', pairingId).where('milestone', '=', milestone).execute();
    },

    /** Stores one side's answers; a resubmission replaces them and bumps the revision. */
    async save(row: { pairingId: number; milestone: Milestone; personId: string; role: 'mentor' | 'mentee'; setSource: string; setVersion: number; answers: Record<string, string>; at: Date }): Promise<DtrAnswerRow> {
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

    async markMilestoneDone(pairingId: number, milestone: Milestone, at: Date): Promise<void> {
      await db
        .insertInto('milestones')
        .values({ pairing_id: pairingId, milestone, completed_at: at })
        .onConflict((oc) => oc.columns(['pairing_id', 'milestone']).doUpdateSet({ completed_at: sql`coalesce(milestones.completed_at, excluded.completed_at)` }))
        .execute();
    },
  };
}

export type DtrRepository = ReturnType<typeof createDtrRepository>;
