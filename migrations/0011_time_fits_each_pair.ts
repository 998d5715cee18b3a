import { sql, type Kysely } from 'kysely';

// Frozen: never import application code here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Programs: how often pairs meet and how many sessions they aim for; how long after the pair's own
  // meeting its check-in is asked; whether people get a reminder the day before a meeting. Before a
  // kick-off agrees a meeting, the program's check-in slot applies; new programs default to the end of
  // the week (Thursday 16:00) rather than Monday morning, before the week's meeting could have happened.
  await db.schema
    .alterTable('programs')
    .addColumn('cadence', 'text', (c) =>
      c.notNull().defaultTo('weekly').check(sql`cadence in ('weekly', 'every_two_weeks', 'sessions')`),
    )
    .addColumn('session_target', 'integer', (c) => c.check(sql`session_target between 1 and 100`))
    .addColumn('checkin_after_hours', 'integer', (c) => c.notNull().defaultTo(3).check(sql`checkin_after_hours between 0 and 48`))
    .addColumn('meeting_reminders', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  await sql`alter table programs alter column checkin_weekday set default 4, alter column checkin_time set default '16:00'`.execute(db);

  // People: out of office, once for every pairing and standup. The last day away is inclusive, in the person's zone.
  await db.schema
    .alterTable('people')
    .addColumn('away_from', 'date')
    .addColumn('away_until', 'date')
    .addColumn('away_note', 'text')
    .execute();

  // Pairings: who paused the pair (a member or staff), shown to staff with until when.
  await db.schema.alterTable('pairings').addColumn('paused_by', 'text').execute();

  // A check-in whose meeting was cancelled asks whether the pair found another time.
  await db.schema
    .alterTable('checkins')
    .addColumn('meeting_cancelled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('meeting_at', 'timestamptz')
    .execute();

  // Session logs: homework for next time, shown at the next meeting's reminder and check-in.
  await db.schema.alterTable('session_logs').addColumn('homework', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('session_logs').dropColumn('homework').execute();
  await db.schema.alterTable('checkins').dropColumn('meeting_cancelled').dropColumn('meeting_at').execute();
  await db.schema.alterTable('pairings').dropColumn('paused_by').execute();
  await db.schema.alterTable('people').dropColumn('away_from').dropColumn('away_until').dropColumn('away_note').execute();
  await sql`alter table programs alter column checkin_weekday set default 1, alter column checkin_time set default '10:00'`.execute(db);
  await db.schema
    .alterTable('programs')
    .dropColumn('cadence')
    .dropColumn('session_target')
    .dropColumn('checkin_after_hours')
    .dropColumn('meeting_reminders')
    .execute();
}
