import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A session log remembers the Slack view it was typed into, so the same form submitted twice
  // (a double click, a retried request) logs the session once.
  await db.schema.alterTable('session_logs').addColumn('form_id', 'text').execute();
  await sql`create unique index session_logs_author_form_idx on session_logs (author_id, form_id) where form_id is not null`.execute(db);

  // Set just before chat.postMessage is called and cleared only by a 429 on a delivery no earlier
  // attempt could have posted: while it is set, a retry looks in the channel's history first.
  await db.schema.alterTable('deliveries').addColumn('may_have_posted', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await sql`update deliveries set may_have_posted = true where attempts > 0 and status in ('pending', 'sending')`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('may_have_posted').execute();
  await sql`drop index if exists session_logs_author_form_idx`.execute(db);
  await db.schema.alterTable('session_logs').dropColumn('form_id').execute();
}
