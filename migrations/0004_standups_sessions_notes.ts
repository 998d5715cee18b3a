import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The Friday standup: one per mentor, program and ISO week (in the mentor's zone).
  await db.schema
    .createTable('standups')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('program_id', 'integer', (c) => c.notNull().references('programs.id'))
    .addColumn('mentor_id', 'text', (c) => c.notNull())
    .addColumn('week_key', 'text', (c) => c.notNull())
    .addColumn('prompt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('remind_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closes_at', 'timestamptz', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('general_note', 'text')
    .addUniqueConstraint('standups_mentor_week_key', ['program_id', 'mentor_id', 'week_key'])
    .execute();
  await sql`create index standups_remind_idx on standups (remind_at) where submitted_at is null and reminded_at is null`.execute(db);

  await db.schema
    .createTable('standup_entries')
    .addColumn('standup_id', 'integer', (c) => c.notNull().references('standups.id').onDelete('cascade'))
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('on_track', 'needs_attention', 'at_risk')`))
    .addColumn('met', 'text', (c) => c.notNull().check(sql`met in ('yes', 'no', 'rescheduled')`))
    .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes between 0 and 6000`))
    .addColumn('concerns', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('standup_entries_pkey', ['standup_id', 'pairing_id'])
    .execute();

  // A 1-on-1 as the mentor logged it. private_notes are for the mentor and staff only.
  await db.schema
    .createTable('session_logs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('session_date', 'date', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes between 5 and 600`))
    .addColumn('done', 'text')
    .addColumn('private_notes', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index session_logs_author_date_idx on session_logs (author_id, session_date)`.execute(db);

  // A mentor's own notes about a mentee: readable by their author alone.
  await db.schema
    .createTable('private_notes')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index private_notes_author_subject_idx on private_notes (author_id, subject_id, created_at)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['private_notes', 'session_logs', 'standup_entries', 'standups']) await db.schema.dropTable(t).ifExists().execute();
}
