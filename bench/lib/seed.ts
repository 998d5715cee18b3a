import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

export const programZones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles'];
export const personZones = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'America/Los_Angeles',
  'Australia/Sydney',
  'America/Sao_Paulo',
];

/** The pair conversation of pairing number `i` (1-based, in insertion order), as the fake Slack knows it. */
export const pairConversationId = (i: number): string => `G${String(i).padStart(8, '0')}`;
export const mentorId = (i: number): string => `UM${String(i).padStart(8, '0')}`;
export const menteeId = (i: number): string => `UE${String(i).padStart(8, '0')}`;

const zoneArray = (zones: readonly string[]) => sql`array[${sql.join(zones.map((z) => sql`${z}::text`))}]`;

/** A date (YYYY-MM-DD, UTC) `days` before `now`. */
export function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Programs, people and active pairings with their pair conversation, in three set-based statements.
 * Every program asks for its check-in on Monday 00:00 in its zone and started two weeks ago, so each
 * pairing is due for this week's check-in whenever the benchmark runs.
 */
export async function seedPairings(db: Db, options: { pairings: number; programs: number; now: Date }): Promise<void> {
  const { pairings: n, programs: p } = options;
  await sql`
    insert into programs (name, time_zone, start_date, length_weeks, checkin_weekday, checkin_time, response_window_days, created_by)
    select 'Bench program ' || g, (${zoneArray(programZones)})[1 + (g - 1) % ${programZones.length}], ${daysBefore(options.now, 14)}::date, 52, 1, '00:00', 2, 'UBENCH'
    from generate_series(1, ${p}::int) g`.execute(db);
  await sql`
    insert into people (slack_id, name, time_zone, refreshed_at)
    select r.prefix || lpad(g::text, 8, '0'), r.prefix || ' ' || g, (${zoneArray(personZones)})[1 + (g + r.shift) % ${personZones.length}], now()
    from generate_series(1, ${n}::int) g cross join (values ('UM', 0), ('UE', 3)) as r(prefix, shift)`.execute(db);
  await sql`
    insert into pairings (program_id, mentor_id, mentee_id, conversation_id, created_by)
    select (select array_agg(id order by id) from programs)[1 + (g - 1) % ${p}::int],
           'UM' || lpad(g::text, 8, '0'), 'UE' || lpad(g::text, 8, '0'), 'G' || lpad(g::text, 8, '0'), 'UBENCH'
    from generate_series(1, ${n}::int) g
    order by g`.execute(db);
  await sql`analyze`.execute(db);
}

export async function countRows(db: Db, table: 'checkins' | 'deliveries' | 'expectations' | 'pairings'): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
