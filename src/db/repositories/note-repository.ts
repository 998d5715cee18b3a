import type { Db } from '../database.js';
import type { PrivateNote } from '../schema.js';

export function createNoteRepository(db: Db) {
  return {
    async add(authorId: string, subjectId: string, body: string, at: Date): Promise<PrivateNote> {
      return db
        .insertInto('private_notes')
        .values({ author_id: authorId, subject_id: subjectId, body, created_at: at })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** A person's notes are found by author and subject together: nobody can list another's notes. */
    async list(authorId: string, subjectId: string, limit: number): Promise<PrivateNote[]> {
      return db
        .selectFrom('private_notes')
        .selectAll()
        .where('author_id', '=', authorId)
        .where('subject_id', '=', subjectId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
    },
  };
}

export type NoteRepository = ReturnType<typeof createNoteRepository>;
