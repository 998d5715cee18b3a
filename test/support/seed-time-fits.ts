import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import { seedTimes, seedZones } from './seed-large.js';

const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map((v) => sql`${v}::text`))}]`;
const pick = (g: ReturnType<typeof sql.ref>, salt: number, m: number) =>
  sql<number>`((${g}::bigint * 2654435761 + ${salt}::bigint * 40503) % 1000003 % ${m}::int)::int`;

/**
 * What the large seed (seed-large.ts) leaves out and the check-in planner reads, laid over it with a few
 * set-based statements, the same every time: program cadences (every two weeks, N sessions) and hours
 * after a meeting; pairs with a kick-off meeting (some also with a check-in slot of their own, which wins),
 * meetings late enough that their question falls into the next week; meetings moved and cancelled around
 * `now`; people away (one of a pair, both, or from a later day).
 */
export async function seedTimeFits(db: Db, now: Date): Promise<void> {
  const today = now.toISOString().slice(0, 10);
  const zones = textArray(seedZones);
  const times = textArray([...seedTimes, '22:00', '23:45']);
  const id = sql.ref('id');
  await sql`
    update programs set
      cadence = case when id % 3 = 1 then 'every_two_weeks' when id % 7 = 0 then 'sessions' else 'weekly' end,
      session_target = case when id % 7 = 0 then 4 + id % 5 end,
      checkin_after_hours = case id % 5 when 0 then 0 when 1 then 3 when 2 then 12 when 3 then 24 else 48 end`.execute(db);
  await sql`
    update pairings set
      meeting_weekday = 1 + ${pick(id, 21, 7)},
      meeting_time = (${times})[1 + ${pick(id, 22, 10)}],
      meeting_zone = case when id % 4 = 0 then null else (${zones})[1 + ${pick(id, 23, seedZones.length)}] end,
      meeting_minutes = case when id % 5 = 0 then null else 15 * (1 + ${pick(id, 24, 12)}) end
    where id % 3 <> 1`.execute(db);
  // Moved meetings (earlier and later, from this week and the last) and cancelled ones, recorded around now.
  await sql`
    insert into reschedules (pairing_id, requested_by, original_at, new_at, cancelled, late_notice, notice_hours, created_at)
    select p.id, p.mentor_id,
           ${now}::timestamptz - make_interval(hours => ${pick(id, 25, 200)}) + make_interval(hours => 24),
           case when p.id % 4 = 0 then null
                else ${now}::timestamptz - make_interval(hours => ${pick(id, 26, 170)}) + make_interval(hours => 12) end,
           p.id % 4 = 0, false, 48, ${now}::timestamptz - interval '10 days'
    from pairings p where p.id % 3 <> 1 and p.id % 11 in (2, 5)`.execute(db);
  // Away: mentors one in 8 (around today), mentees one in 12 (some overlap: both away), a few from next week.
  await sql`
    update people set away_from = ${today}::date - 1, away_until = ${today}::date + 2
    where (slack_id like 'UM%' and right(slack_id, 8)::int % 8 = 0) or (slack_id like 'UE%' and right(slack_id, 8)::int % 12 = 0)`.execute(
    db,
  );
  await sql`
    update people set away_from = ${today}::date + 5, away_until = ${today}::date + 9
    where slack_id like 'UE%' and right(slack_id, 8)::int % 13 = 0`.execute(db);
  await sql`
    update people set away_from = null, away_until = ${today}::date
    where slack_id like 'UM%' and right(slack_id, 8)::int % 17 = 0`.execute(db);
  await sql`analyze`.execute(db);
}
