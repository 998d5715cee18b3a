import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A program's own wording of a DTR, versioned like the built-in sets; the newest version is used.
  await db.schema
    .createTable('program_question_sets')
    .addColumn('program_id', 'integer', (c) => c.notNull().references('programs.id').onDelete('cascade'))
    .addColumn('milestone', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('program_question_sets_pkey', ['program_id', 'milestone', 'version'])
    .execute();

  // One side's answers to one DTR, with the exact question set they answered.
  await db.schema
    .createTable('dtr_answers')
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('milestone', 'text', (c) => c.notNull().check(sql`milestone in ('kickoff', 'midmod', 'exit')`))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('mentor', 'mentee')`))
    .addColumn('set_source', 'text', (c) => c.notNull())
    .addColumn('set_version', 'integer', (c) => c.notNull())
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('dtr_answers_pkey', ['pairing_id', 'milestone', 'person_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dtr_answers').ifExists().execute();
  await db.schema.dropTable('program_question_sets').ifExists().execute();
}
