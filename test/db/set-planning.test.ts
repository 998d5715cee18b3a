/**
 * Set-based check-in planning writes exactly the rows the previous planner wrote (kept in
 * test/support/previous-checkin-planner.ts), on a varied seed of pairs across zones, at the days clocks
 * change and on a mid-week holiday, over a sequence of passes; and a quiet pass costs one statement.
 */
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { describe, expect, test } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { isoWeekKey } from '../../src/domain/work-days.js';
import { createCheckinRepository } from '../../src/db/repositories/checkin-repository.js';
import { testServer, useTestDatabase } from '../support/db.js';
import { createPreviousPlanner } from '../support/previous-checkin-planner.js';
import { seedLarge } from '../support/seed-large.js';
import { seedTimeFits } from '../support/seed-time-fits.js';
import { planningServices } from '../support/planning-services.js';

const instants = {
  /** Sunday: the EU springs forward at 01:00 UTC (02:30 does not exist in Berlin that day). */
  euSpringForward: new Date('2027-03-28T10:00:00Z'),
  /** Sunday: New York falls back at 06:00 UTC (01:30 happens twice). */
  usFallBack: new Date('2027-11-07T12:00:00Z'),
  /** Sunday: Sydney falls back at 16:00 UTC the day before, Lord Howe by half an hour. */
  southFallBack: new Date('2027-04-04T08:00:00Z'),
  /** A Wednesday the seed makes a holiday in one program in three. */
  midWeekHoliday: new Date('2027-02-17T15:00:00Z'),
};

/** Passes around each instant: the day before, hours either side, and the next days. */
const passOffsetsHours = [-30, -7, -2, 0, 1, 3, 9, 20, 40];

const nextWeekKey = (weekKey: string) => isoWeekKey(DateTime.fromISO(`${weekKey}-1`, { zone: 'UTC' }).plus({ weeks: 1 }), 'UTC');

const t = useTestDatabase();

async function seed(db: Db, now: Date) {
  await seedLarge(db, { pairings: 900, programs: 36, now });
  await seedTimeFits(db, now);
}

/**
 * What planning wrote, every column but the ids (an insert that finds its row already there still uses
 * up a sequence number, so ids differ between planners): references are followed to what they name.
 */
async function plannedRows(db: Db) {
  const checkins = await sql<{ id: number } & Record<string, unknown>>`
    select c.id, c.pairing_id, c.week_key, c.prompt_at, c.closes_at, c.meeting_at, c.meeting_cancelled, d.dedupe_key as delivery
    from checkins c left join deliveries d on d.id = c.delivery_id order by c.pairing_id, c.week_key`.execute(db);
  const deliveries = await sql<{ payload: unknown; checkin_id: number | null } & Record<string, unknown>>`
    select d.dedupe_key, d.kind, d.pairing_id, d.channel, d.payload, d.status, d.not_before, d.expires_at, c.id as checkin_id
    from deliveries d left join checkins c on c.delivery_id = d.id order by d.dedupe_key`.execute(db);
  const expectations = await sql<Record<string, unknown>>`
    select e.pairing_id, e.kind, e.subject, c.week_key, e.started_at, e.remind_at, e.due_at, e.status
    from expectations e join checkins c on c.id::text = e.source_ref
    order by e.pairing_id, c.week_key, e.subject`.execute(db);
  const withoutId = (payload: unknown, id: number | null) =>
    id === null
      ? payload
      : JSON.parse(
          JSON.stringify(payload)
            .replaceAll(`checkin:${id}"`, 'checkin:#"')
            .replaceAll(`"${id}:`, '"#:')
            .replaceAll(`"${id}"`, '"#"')
            .replaceAll(`"checkinId":${id}}`, '"checkinId":"#"}'),
        );
  return {
    checkins: checkins.rows.map(({ id: _id, ...r }) => r),
    deliveries: deliveries.rows.map(({ checkin_id, payload, ...r }) => ({ ...r, payload: withoutId(payload, checkin_id) })),
    expectations: expectations.rows,
  };
}

describe(`set-based check-in planning on ${testServer}`, () => {
  test.each(Object.entries(instants))('at %s, plans exactly the rows of the previous planner', async (_name, at) => {
    const times = passOffsetsHours.map((h) => new Date(at.getTime() + h * 3_600_000));
    let clock = times[0] as Date;

    await seed(t.db, at);
    const previous = createPreviousPlanner(t.db, () => clock);
    const before: number[] = [];
    for (const time of times) {
      clock = time;
      before.push(await previous());
    }
    const expected = await plannedRows(t.db);

    await t.reset();
    await seed(t.db, at);
    const { services, statements, resetStatements } = planningServices(t.db, () => clock);
    const after: number[] = [];
    for (const time of times) {
      clock = time;
      // Small pages, so that several pages (and their yields) run in one pass.
      after.push(await services.checkins.plan(97));
      // Right after, nothing is due: the candidate statement returns no pair but those with a meeting moved
      // or cancelled lately (the service decides their week), and the pass writes nothing.
      resetStatements();
      expect(await services.checkins.plan(97)).toBe(0);
      expect(statements(), `quiet pass at ${time.toISOString()}`).toBeLessThanOrEqual(5);
      const left = await createCheckinRepository(t.db).dueCandidates(time);
      expect(
        left.filter((c) => !c.has_changes).map((c) => c.pairing_id),
        `quiet pass at ${time.toISOString()}`,
      ).toEqual([]);
      // The planning lock, the cursor's declare and its one empty fetch.
      if (left.length === 0) expect(statements()).toBe(3);
    }
    const actual = await plannedRows(t.db);
    const pairs = await sql<{ id: number; zone: string; holidays: string[] }>`
      select p.id, coalesce(p.meeting_zone, pr.time_zone) as zone,
             array(select h.day::text from program_holidays h where h.program_id = p.program_id) as holidays
      from pairings p join programs pr on pr.id = p.program_id`.execute(t.db);
    const zones = new Map(pairs.rows.map((p) => [p.id, p.zone]));
    const holidays = new Map(pairs.rows.map((p) => [p.id, new Set(p.holidays)]));

    // The previous planner's candidate query missed one case its own time rules plan: last week's
    // question that a holiday moved into this week (it looked at last week's time before the move), so
    // such a week was asked late, if at all. Every other row is the same, column for column; those are
    // planned at least as often and no later.
    const key = (r: Record<string, unknown>) => `${String(r.pairing_id)} ${String(r.week_key)}`;
    const movedIntoNextWeek = (r: Record<string, unknown>) =>
      r.meeting_at !== null &&
      isoWeekKey(DateTime.fromJSDate(r.prompt_at as Date), zones.get(r.pairing_id as number) ?? 'UTC') ===
        nextWeekKey(r.week_key as string);
    const moved = new Set([...expected.checkins, ...actual.checkins].filter(movedIntoNextWeek).map(key));
    const kept = <R extends Record<string, unknown>>(rows: R[]) => rows.filter((r) => !moved.has(key(r)));
    const deliveryKey = (d: Record<string, unknown>) => String(d.dedupe_key).split(':').slice(1).join(' ');
    expect(kept(actual.checkins)).toEqual(kept(expected.checkins));
    expect(actual.deliveries.filter((d) => !moved.has(deliveryKey(d)))).toEqual(
      expected.deliveries.filter((d) => !moved.has(deliveryKey(d))),
    );
    expect(kept(actual.expectations)).toEqual(kept(expected.expectations));
    const plannedAt = (rows: Record<string, unknown>[]) =>
      new Map(rows.filter((d) => moved.has(deliveryKey(d))).map((d) => [deliveryKey(d), d.not_before as Date]));
    const [oldAt, newAt] = [plannedAt(expected.deliveries), plannedAt(actual.deliveries)];
    for (const [k, at] of oldAt) expect(newAt.get(k)?.getTime(), k).toBeLessThanOrEqual(at.getTime());
    let differ = 0;
    for (const r of actual.checkins.filter((c) => moved.has(key(c)))) {
      const same = expected.checkins.find((c) => key(c) === key(r));
      if (same) expect(r).toEqual(same);
      if (same && oldAt.get(key(r))?.getTime() === newAt.get(key(r))?.getTime()) continue;
      // Only a holiday moves a question this way and out of the previous planner's sight.
      expect(holidays.get(r.pairing_id as number)?.size, key(r)).toBeGreaterThan(0);
      differ++;
    }
    expect(before.reduce((a, b) => a + b, 0)).toBeGreaterThan(200);
    expect(kept(actual.checkins).length).toBeGreaterThan(200);
    console.log(
      `${_name}: ${expected.checkins.length} rows before, ${actual.checkins.length} now; ${moved.size} asked the week after, ${differ} of them planned sooner or only now`,
    );
    // The seed holds what the equivalence is about: planned check-ins after a meeting, cancelled and moved
    // meetings, pairs every other week.
    const kinds = await sql<{ meetings: number; cancelled: number; fortnightly: number }>`
      select count(*) filter (where c.meeting_at is not null)::int as meetings,
             count(*) filter (where c.meeting_cancelled)::int as cancelled,
             count(*) filter (where pr.cadence = 'every_two_weeks')::int as fortnightly
      from checkins c join pairings p on p.id = c.pairing_id join programs pr on pr.id = p.program_id`.execute(t.db);
    expect(kinds.rows[0]?.meetings).toBeGreaterThan(0);
    expect(kinds.rows[0]?.fortnightly).toBeGreaterThan(0);
  });
});
