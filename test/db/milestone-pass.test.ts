/**
 * The milestone pass looks at every running pair each tick; the pairs in a milestone's window are asked
 * once (the outbox keeps one message per pair and milestone) in one statement per page, not one per pair,
 * and the overdue milestones already raised are read once per page, not looked up pair by pair.
 */
import { sql } from 'kysely';
import { expect, test } from 'vitest';
import { useTestDatabase } from '../support/db.js';
import { planningServices } from '../support/planning-services.js';

const t = useTestDatabase();

/** A program that starts on Monday 2027-02-15 (kick-off in week 1), its 300 pairs made before, and the services at `now`. */
async function cohortOf300(now: Date) {
  await sql`
    insert into programs (name, time_zone, start_date, length_weeks, kickoff_week, midmod_week_from, midmod_week_to, created_by)
    values ('Cohort', 'UTC', '2027-02-15', 8, 1, 4, 5, 'UADMIN')`.execute(t.db);
  await sql`
    insert into pairings (program_id, mentor_id, mentee_id, conversation_id, status, created_by, created_at)
    select 1, 'UM' || g, 'UE' || g, 'G' || g, 'active', 'UADMIN', '2027-02-10T00:00:00Z' from generate_series(1, 300) g`.execute(
    t.db,
  );
  return planningServices(t.db, () => now, 'the milestone pass');
}

test('300 pairs in the kick-off week are asked once, in a few statements however many pairs', async () => {
  // Wednesday of the program's first week.
  const { services, statements, resetStatements } = await cohortOf300(new Date('2027-02-17T12:00:00Z'));

  expect(await services.milestones.pass()).toEqual({ reminded: 300, escalated: 0 });
  // The page of pairs, their completed milestones, the overdue ones already raised, their people, the messages.
  expect(statements()).toBeLessThanOrEqual(5);
  const asked = await sql<{ channel: string; text: string }>`
    select channel, payload->>'text' as text from deliveries where kind = 'milestone_open' order by pairing_id`.execute(t.db);
  expect(asked.rows).toHaveLength(300);
  expect(asked.rows[41]).toEqual({
    channel: 'G42',
    text: expect.stringContaining('kick-off conversation, <@UM42> and <@UE42>') as unknown as string,
  });
  // The next tick asks nobody again.
  resetStatements();
  expect(await services.milestones.pass()).toEqual({ reminded: 0, escalated: 0 });
  expect(statements()).toBeLessThanOrEqual(5);
});

test('300 pairs past their kick-off week without one raise one alert each, and later ticks read them in a few statements', async () => {
  // Wednesday of the program's third week: the kick-off (week 1) window has closed.
  const { services, statements, resetStatements } = await cohortOf300(new Date('2027-03-03T12:00:00Z'));

  expect(await services.milestones.pass()).toEqual({ reminded: 0, escalated: 300 });
  const raised = await sql<{ n: number }>`
    select count(*)::int as n from alerts where reason = 'milestone_overdue' and episode_key = 'kickoff'`.execute(t.db);
  expect(raised.rows[0]?.n).toBe(300);
  resetStatements();
  expect(await services.milestones.pass()).toEqual({ reminded: 0, escalated: 0 });
  // The page of pairs, their completed milestones, the milestones already raised, their people, the (empty) messages.
  expect(statements()).toBeLessThanOrEqual(5);
});
