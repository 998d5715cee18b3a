import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Staff setting: how many mentees a mentor takes at most (null: no limit).
  await db.schema.alterTable('people').addColumn('max_mentees', 'integer', (c) => c.check(sql`max_mentees between 0 and 50`)).execute();
  // Optional follow-up check-in this many weeks after the program ends (null: none).
  await db.schema.alterTable('programs').addColumn('follow_up_weeks', 'integer', (c) => c.check(sql`follow_up_weeks between 1 and 52`)).execute();
  await db.schema.alterTable('programs').addColumn('closed_at', 'timestamptz').execute();

  // Staff propose a mentor for a mentee; the mentor accepts or declines in Slack.
  await db.schema
    .createTable('match_requests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('program_id', 'integer', (c) => c.notNull().references('programs.id'))
    .addColumn('mentor_id', 'text', (c) => c.notNull())
    .addColumn('mentee_id', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'accepted', 'declined', 'cancelled')`))
    .addColumn('decline_reason', 'text')
    .addColumn('pairing_id', 'integer', (c) => c.references('pairings.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('remind_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('decided_at', 'timestamptz')
    .execute();
  await sql`create unique index match_requests_pending_key on match_requests (program_id, mentee_id) where status = 'pending'`.execute(db);

  // A moved or cancelled meeting, and whether the partner got 48 hours' notice.
  await db.schema
    .createTable('reschedules')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('original_at', 'timestamptz', (c) => c.notNull())
    .addColumn('new_at', 'timestamptz')
    .addColumn('cancelled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('reason', 'text')
    .addColumn('late_notice', 'boolean', (c) => c.notNull())
    .addColumn('notice_hours', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index reschedules_pairing_idx on reschedules (pairing_id, original_at)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reschedules').ifExists().execute();
  await db.schema.dropTable('match_requests').ifExists().execute();
  await db.schema.alterTable('programs').dropColumn('closed_at').execute();
  await db.schema.alterTable('programs').dropColumn('follow_up_weeks').execute();
  await db.schema.alterTable('people').dropColumn('max_mentees').execute();
}
