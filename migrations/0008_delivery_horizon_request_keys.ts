import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // 429s, 5xx and network errors are retried for a horizon instead of spending the attempt budget:
  // when the first of them happened, and how many in a row (for the back-off).
  await db.schema
    .alterTable('deliveries')
    .addColumn('transient_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transient_since', 'timestamptz')
    // A message that is pointless after this instant (a check-in whose week closed) is cancelled, not sent late.
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await sql`create index deliveries_problem_idx on deliveries (status) where status = 'failed' or transient_failures > 0`.execute(db);

  // Keys of requests that already took effect (Slack event ids, views, triggers, content hashes):
  // a replay or a retry finds its key and does nothing. Rows live until expires_at.
  await db.schema
    .createTable('request_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index request_keys_expires_idx on request_keys (expires_at)`.execute(db);

  // Per-installation secrets made on first use (the key of forget's pseudonyms).
  await db.schema
    .createTable('installation_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('installation_secrets').ifExists().execute();
  await db.schema.dropTable('request_keys').ifExists().execute();
  await sql`drop index if exists deliveries_problem_idx`.execute(db);
  await db.schema.alterTable('deliveries').dropColumn('expires_at').dropColumn('transient_since').dropColumn('transient_failures').execute();
}
