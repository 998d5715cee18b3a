import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // The calendar series a pair was sent: one UID for the pair's meetings and every change to them, the
  // version (SEQUENCE) a new slot raises, the slot it was sent for (a kick-off re-recorded with the same
  // slot sends nothing) and its first meeting: with the slot, the series as sent, which a moved or
  // cancelled meeting must be an occurrence of.
  await db.schema
    .createTable('meeting_calendars')
    .addColumn('pairing_id', 'integer', (c) => c.primaryKey().references('pairings.id').onDelete('cascade'))
    .addColumn('uid', 'text', (c) => c.notNull().defaultTo(sql`gen_random_uuid()::text || '@tandem'`))
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('meeting_weekday', 'integer', (c) => c.notNull())
    .addColumn('meeting_time', 'text', (c) => c.notNull())
    .addColumn('meeting_zone', 'text', (c) => c.notNull())
    .addColumn('meeting_minutes', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('meeting_calendars').execute();
}
