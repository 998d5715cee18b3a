import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here; a later change gets a new migration.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('people')
    .addColumn('slack_id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('real_name', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('is_bot', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('staff')
    .addColumn('slack_id', 'text', (c) => c.primaryKey())
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('programs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('start_date', 'date', (c) => c.notNull())
    .addColumn('length_weeks', 'integer', (c) => c.notNull().defaultTo(6).check(sql`length_weeks between 1 and 104`))
    .addColumn('checkin_weekday', 'integer', (c) => c.notNull().defaultTo(1).check(sql`checkin_weekday between 1 and 7`))
    .addColumn('checkin_time', 'text', (c) => c.notNull().defaultTo('10:00'))
    .addColumn('standup_weekday', 'integer', (c) => c.notNull().defaultTo(5).check(sql`standup_weekday between 1 and 7`))
    .addColumn('standup_time', 'text', (c) => c.notNull().defaultTo('10:00'))
    .addColumn('response_window_days', 'integer', (c) => c.notNull().defaultTo(2).check(sql`response_window_days between 1 and 10`))
    .addColumn('alerts_channel_id', 'text')
    .addColumn('kickoff_week', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('midmod_week_from', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('midmod_week_to', 'integer', (c) => c.notNull().defaultTo(4))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'archived')`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index programs_name_key on programs (lower(name))`.execute(db);

  await db.schema
    .createTable('program_holidays')
    .addColumn('program_id', 'integer', (c) => c.notNull().references('programs.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addPrimaryKeyConstraint('program_holidays_pkey', ['program_id', 'day'])
    .execute();

  await db.schema
    .createTable('pairings')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('program_id', 'integer', (c) => c.notNull().references('programs.id'))
    .addColumn('mentor_id', 'text', (c) => c.notNull())
    .addColumn('mentee_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'paused', 'ended')`))
    .addColumn('conversation_id', 'text')
    // The agreed weekly meeting slot (from the kick-off DTR), in meeting_zone's wall-clock time.
    .addColumn('meeting_weekday', 'integer', (c) => c.check(sql`meeting_weekday between 1 and 7`))
    .addColumn('meeting_time', 'text')
    .addColumn('meeting_minutes', 'integer', (c) => c.check(sql`meeting_minutes between 15 and 180`))
    .addColumn('meeting_zone', 'text')
    // Per-pair check-in slot; null means the program's.
    .addColumn('checkin_weekday', 'integer', (c) => c.check(sql`checkin_weekday between 1 and 7`))
    .addColumn('checkin_time', 'text')
    .addColumn('contact_channel', 'text')
    .addColumn('ack_within_hours', 'integer')
    // Per-pair response window in work days; null means the program's.
    .addColumn('reply_within_days', 'integer', (c) => c.check(sql`reply_within_days between 1 and 10`))
    .addColumn('goals', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('paused_until', 'date')
    .addColumn('pause_reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .addCheckConstraint('pairings_distinct_people', sql`mentor_id <> mentee_id`)
    .execute();
  // One live pairing per mentee per program; a mentor may have several mentees.
  await sql`create unique index pairings_live_mentee_key on pairings (program_id, mentee_id) where status <> 'ended'`.execute(db);
  await sql`create index pairings_mentor_idx on pairings (mentor_id) where status <> 'ended'`.execute(db);
  await sql`create index pairings_conversation_idx on pairings (conversation_id)`.execute(db);

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  // The outbox: every message Tandem sends is an intent stored here first, then delivered once.
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('pairing_id', 'integer', (c) => c.references('pairings.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sending', 'sent', 'failed', 'skipped')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('sent_channel', 'text')
    .addColumn('sent_ts', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index deliveries_due_idx on deliveries (not_before) where status in ('pending', 'sending')`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['deliveries', 'audit_log', 'pairings', 'program_holidays', 'programs', 'staff', 'people']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
