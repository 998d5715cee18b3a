import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // What the people of a pair did in their conversation, as facts kept whatever order Slack's events
  // arrive in: who wrote or reacted, and when (Slack ts values). Never the text. Each fact has one
  // row, whether it came from an event, a retry of it, or a look at Slack before an escalation.
  await db.schema
    .createTable('pair_activity')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('pairing_id', 'integer', (c) => c.notNull().references('pairings.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('message', 'reaction')`))
    .addColumn('actor', 'text', (c) => c.notNull())
    // A message's ts; for a reaction, the event's ts when Slack told us (null when learned by asking Slack).
    .addColumn('ts', 'text')
    .addColumn('thread_ts', 'text')
    .addColumn('item_ts', 'text')
    .addColumn('reaction', 'text')
    .addColumn('learned_from', 'text', (c) => c.notNull().check(sql`learned_from in ('event', 'slack_check')`))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('pair_activity_shape', sql`(kind = 'message' and ts is not null) or (kind = 'reaction' and item_ts is not null and reaction is not null)`)
    .execute();
  await sql`create unique index pair_activity_message_key on pair_activity (pairing_id, ts) where kind = 'message'`.execute(db);
  await sql`create unique index pair_activity_reaction_key on pair_activity (pairing_id, item_ts, actor, reaction) where kind = 'reaction'`.execute(db);
  await sql`create index pair_activity_actor_idx on pair_activity (pairing_id, actor)`.execute(db);

  // When a pause cancelled an episode: what the partner wrote before it is not owed after the pause.
  await db.schema.alterTable('expectations').addColumn('cancelled_at', 'timestamptz').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('expectations').dropColumn('cancelled_at').execute();
  await db.schema.dropTable('pair_activity').ifExists().execute();
}
