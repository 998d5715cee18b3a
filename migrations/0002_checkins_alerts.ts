import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The zone a pair's own check-in slot is expressed in; null means the program's.
  await db.schema.alterTable('pairings').addColumn('checkin_zone', 'text').execute();

  await db.schema
    .createTable('checkins')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('week_key', 'text', (c) => c.notNull())
    .addColumn('prompt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closes_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivery_id', 'integer', (c) => c.references('deliveries.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('checkins_pairing_week_key', ['pairing_id', 'week_key'])
    .execute();

  await db.schema
    .createTable('checkin_answers')
    .addColumn('checkin_id', 'integer', (c) => c.notNull().references('checkins.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.check(sql`answer in ('met', 'not_yet', 'rescheduled')`))
    .addColumn('rating', 'integer', (c) => c.check(sql`rating between 1 and 5`))
    .addColumn('topics', 'text')
    .addColumn('blockers', 'text')
    .addColumn('answered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkin_answers_pkey', ['checkin_id', 'person_id'])
    .execute();

  // Something a person owes within the response window: an answer to a check-in, or a reply to
  // their partner. Only ids and times are kept, never message text.
  await db.schema
    .createTable('expectations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('checkin', 'reply')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('remind_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'met', 'cancelled')`))
    .addColumn('met_at', 'timestamptz')
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addUniqueConstraint('expectations_source_key', ['pairing_id', 'kind', 'subject', 'source_ref'])
    .execute();
  // One open "reply to your partner" episode per person and pair: follow-up messages do not restart the clock.
  await sql`create unique index expectations_open_reply_key on expectations (pairing_id, subject) where kind = 'reply' and status = 'open'`.execute(db);
  await sql`create index expectations_due_idx on expectations (due_at) where status = 'open' and escalated_at is null`.execute(db);
  await sql`create index expectations_remind_idx on expectations (remind_at) where status = 'open' and reminded_at is null`.execute(db);
  await sql`create index expectations_pairing_idx on expectations (pairing_id, subject) where status = 'open'`.execute(db);

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('program_id', 'integer', (c) => c.notNull().references('programs.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('episode_key', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('since', 'timestamptz', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'acknowledged', 'snoozed', 'resolved')`))
    .addColumn('owner_id', 'text')
    .addColumn('snoozed_until', 'timestamptz')
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('rendered_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivery_id', 'integer', (c) => c.references('deliveries.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('alerts_episode_key', ['pairing_id', 'reason', 'episode_key'])
    .execute();
  await sql`create index alerts_live_idx on alerts (program_id) where status <> 'resolved'`.execute(db);
  await sql`create index alerts_unrendered_idx on alerts (id) where rendered_version < version`.execute(db);

  await db.schema
    .createTable('milestones')
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('milestone', 'text', (c) => c.notNull().check(sql`milestone in ('kickoff', 'midmod', 'exit')`))
    .addColumn('completed_at', 'timestamptz')
    .addPrimaryKeyConstraint('milestones_pkey', ['pairing_id', 'milestone'])
    .execute();

  // node-cron's run coordinator: one row per scheduled slot, so only one replica runs each tick.
  await db.schema
    .createTable('scheduler_runs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['scheduler_runs', 'milestones', 'alerts', 'expectations', 'checkin_answers', 'checkins']) await db.schema.dropTable(t).ifExists().execute();
  await db.schema.alterTable('pairings').dropColumn('checkin_zone').execute();
}
