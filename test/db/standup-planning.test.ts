/**
 * Standup planning pages past the mentors it turns down: a holiday that moves the standup of many
 * mentors to tomorrow does not keep the mentors after them from being asked today. A page of mentors is
 * written in a few statements however many mentors it holds, each DM counting the mentor's own mentees.
 */
import { sql } from 'kysely';
import { expect, test } from 'vitest';
import { useTestDatabase } from '../support/db.js';
import { planningServices } from '../support/planning-services.js';

const t = useTestDatabase();

test('mentors turned down by a holiday do not starve the ones after them', async () => {
  // Friday 2027-02-19 12:00 UTC; both programs ask on Fridays at 10:00 UTC, the first has today as a holiday.
  const now = new Date('2027-02-19T12:00:00Z');
  await sql`
    insert into programs (name, time_zone, start_date, length_weeks, standup_weekday, standup_time, created_by)
    values ('Holiday today', 'UTC', '2027-01-04', 20, 5, '10:00', 'UADMIN'),
           ('Working today', 'UTC', '2027-01-04', 20, 5, '10:00', 'UADMIN')`.execute(t.db);
  await sql`insert into program_holidays (program_id, day) values (1, '2027-02-19')`.execute(t.db);
  await sql`
    insert into people (slack_id, name, time_zone, refreshed_at)
    select 'UM' || g, 'Mentor ' || g, 'UTC', now() from generate_series(1, 6) g
    union all select 'UE' || g, 'Mentee ' || g, 'UTC', now() from generate_series(1, 6) g`.execute(t.db);
  // Mentors 1-5 in the program on holiday, mentor 6 in the other.
  await sql`
    insert into pairings (program_id, mentor_id, mentee_id, conversation_id, status, created_by)
    select case when g <= 5 then 1 else 2 end, 'UM' || g, 'UE' || g, 'G' || g, 'active', 'UADMIN'
    from generate_series(1, 6) g`.execute(t.db);
  const { services } = planningServices(t.db, () => now);

  // Two candidates at a time: the first pages hold only mentors whose standup moved to tomorrow.
  expect(await services.standups.plan(2)).toBe(1);
  const planned = await sql<{ mentor_id: string; week_key: string; channel: string }>`
    select s.mentor_id, s.week_key, d.channel from standups s join deliveries d on d.dedupe_key = 'standup:' || s.id`.execute(
    t.db,
  );
  expect(planned.rows).toEqual([{ mentor_id: 'UM6', week_key: '2027-W07', channel: 'UM6' }]);
});

test('a page of mentors is planned in a few statements, each DM counting its own mentees', async () => {
  // Friday 2027-02-19 12:00 UTC; the program asks on Fridays at 10:00 UTC. 300 mentors: mentor g has g % 3 + 1
  // active mentees, and one more paused (not counted).
  const now = new Date('2027-02-19T12:00:00Z');
  await sql`
    insert into programs (name, time_zone, start_date, length_weeks, standup_weekday, standup_time, created_by)
    values ('Cohort', 'UTC', '2027-01-04', 20, 5, '10:00', 'UADMIN')`.execute(t.db);
  await sql`
    insert into pairings (program_id, mentor_id, mentee_id, conversation_id, status, created_by)
    select 1, 'UM' || g, 'UE' || g || '-' || k, 'G' || g || '-' || k, case when k <= g % 3 + 1 then 'active' else 'paused' end, 'UADMIN'
    from generate_series(1, 300) g cross join generate_series(1, g % 3 + 2) k`.execute(t.db);
  const { services, statements } = planningServices(t.db, () => now);

  expect(await services.standups.plan(1000)).toBe(300);
  // The candidates, the program's holidays, the standups and their DMs (and the transaction's begin and commit,
  // which are not statements of their own here): not one per mentor.
  expect(statements()).toBeLessThanOrEqual(5);
  const dms = await sql<{ mentor_id: string; text: string }>`
    select s.mentor_id, d.payload->>'text' as text from standups s join deliveries d on d.dedupe_key = 'standup:' || s.id
    order by s.mentor_id`.execute(t.db);
  expect(dms.rows).toHaveLength(300);
  for (const dm of dms.rows) {
    const g = Number(dm.mentor_id.slice(2));
    expect(dm.text).toContain(`${(g % 3) + 1} this week`);
  }
  // A second pass finds every mentor asked.
  expect(await services.standups.plan(1000)).toBe(0);
});
