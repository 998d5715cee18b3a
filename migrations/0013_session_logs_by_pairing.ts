import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A pair's newest session log (its homework for the next meeting's reminder and check-in) is read per
  // page of pairs; without this, each read scans every log.
  await sql`create index session_logs_pairing_date_idx on session_logs (pairing_id, session_date desc, id desc)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists session_logs_pairing_date_idx`.execute(db);
}
