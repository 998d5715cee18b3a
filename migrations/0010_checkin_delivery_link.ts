import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // checkins.delivery_id (since 0002) is now written when a check-in is planned. Check-ins planned before
  // get theirs from the outbox key they were queued under, the last place that key is spelled out.
  await sql`
    update checkins c set delivery_id = d.id
    from deliveries d
    where c.delivery_id is null and d.dedupe_key = 'checkin:' || c.pairing_id || ':' || c.week_key
  `.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`update checkins set delivery_id = null`.execute(db);
}
