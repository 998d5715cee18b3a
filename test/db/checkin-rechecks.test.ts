/**
 * Check-in planning looks at a pair again only when its recheck instant has come (checkin_rechecks), so a
 * quiet minute reads almost no pairs. A recheck instant too late is a question asked late or never, so:
 * over days of passes across a clock change (every three hours, and a millisecond before every recheck
 * instant written), the pairs the statement picks with the rechecks in place are exactly those it picks
 * without them; and each change the statement reads (a pair's slot, its program's, a holiday, an erased
 * check-in) has the pair looked at again at the next pass, even one that read the pair before the change.
 */
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { describe, expect, test } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { isoWeekKey } from '../../src/domain/work-days.js';
import { createCheckinRepository } from '../../src/db/repositories/checkin-repository.js';
import { testServer, useTestDatabase } from '../support/db.js';
import { seedLarge } from '../support/seed-large.js';
import { seedTimeFits } from '../support/seed-time-fits.js';
import { planningServices } from '../support/planning-services.js';

const t = useTestDatabase();

const planner = (db: Db, clock: () => Date) => planningServices(db, clock).services.checkins;

class Rollback extends Error {}

/** The pairs the candidate statement picks at `at` as if every pair's recheck instant had come (nothing is changed). */
async function pickedWithoutRechecks(db: Db, at: Date): Promise<number[]> {
  let ids: number[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      await sql`update checkin_rechecks set recheck_at = '-infinity'`.execute(trx);
      ids = (await createCheckinRepository(trx).dueCandidates(at)).map((c) => c.pairing_id);
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return ids;
}

/** The pair's recheck instant in ms (-Infinity once a change reset it, Infinity when only a change can), undefined without one. */
const recheckOf = async (db: Db, pairingId: number) => {
  const r = await sql<{ at: Date | null; side: number }>`
    select case when isfinite(recheck_at) then recheck_at end as at, sign(extract(epoch from recheck_at))::int as side
    from checkin_rechecks where pairing_id = ${pairingId}`.execute(db);
  const row = r.rows[0];
  return row ? (row.at?.getTime() ?? row.side * Infinity) : undefined;
};

const checkinWeeks = async (db: Db, pairingId: number) =>
  (
    await sql<{ week_key: string }>`select week_key from checkins where pairing_id = ${pairingId} order by week_key`.execute(db)
  ).rows.map((r) => r.week_key);

describe(`check-in rechecks on ${testServer}`, () => {
  test.each([
    ['the EU springs forward', '2027-03-24T00:00:00Z'],
    ['New York falls back', '2027-11-03T00:00:00Z'],
  ])(
    'over eight days as %s, the rechecks never hide a pair the statement would pick',
    async (_name, from) => {
      const start = Date.parse(from);
      const end = start + 8 * 86_400_000;
      await seedLarge(t.db, { pairings: 300, programs: 12, now: new Date(start + 4 * 86_400_000) });
      await seedTimeFits(t.db, new Date(start + 4 * 86_400_000));
      let clock = new Date(start);
      const checkins = planner(t.db, () => clock);
      const repo = createCheckinRepository(t.db);

      // Every three hours, and a millisecond before each recheck instant written (the last moment the pair is
      // not looked at): the instants still to visit, in order.
      const todo = new Set<number>();
      for (let at = start; at < end; at += 3 * 3_600_000) todo.add(at);
      let passes = 0;
      let planned = 0;
      let hidden = 0;
      while (todo.size > 0) {
        const at = Math.min(...todo);
        todo.delete(at);
        clock = new Date(at);
        planned += await checkins.plan(50);
        passes++;
        const gated = (await repo.dueCandidates(clock)).map((c) => c.pairing_id);
        const ungated = await pickedWithoutRechecks(t.db, clock);
        expect(gated, `picked at ${clock.toISOString()}`).toEqual(ungated);
        const later = await sql<{ at: Date; n: number }>`
          select recheck_at as at, count(*)::int as n from checkin_rechecks
          where recheck_at > ${clock} and recheck_at < ${new Date(end)} group by recheck_at`.execute(t.db);
        for (const r of later.rows) {
          if (r.at.getTime() - 1 > at) todo.add(r.at.getTime() - 1);
          hidden += r.n;
        }
      }
      // Not an empty comparison: many passes, check-ins planned, and pairs held back by their rechecks.
      expect(passes).toBeGreaterThan(100);
      expect(planned).toBeGreaterThan(200);
      expect(hidden).toBeGreaterThan(1_000);
    },
    240_000,
  );

  /** A running pair with neither meeting nor slot of its own, in a weekly program running for weeks around `now`. */
  async function plainPair(now: Date) {
    const r = await sql<{ id: number; program_id: number; zone: string }>`
      select p.id, p.program_id, pr.time_zone as zone from pairings p join programs pr on pr.id = p.program_id
      where p.status = 'active' and pr.status = 'active' and p.conversation_id is not null and pr.cadence = 'weekly'
        and p.meeting_weekday is null and p.checkin_weekday is null and p.checkin_time is null and p.checkin_zone is null
        and pr.start_date <= ${now}::date - 21 and pr.start_date + pr.length_weeks * 7 >= ${now}::date + 21
        and not exists (select 1 from people m where m.slack_id in (p.mentor_id, p.mentee_id) and m.away_until is not null)
        and not exists (select 1 from reschedules r where r.pairing_id = p.id)
        and not exists (select 1 from program_holidays h where h.program_id = pr.id and h.day between ${now}::date - 10 and ${now}::date + 10)
      order by p.id limit 1`.execute(t.db);
    const pair = r.rows[0];
    if (!pair) throw new Error('the seed has no plain pair');
    return pair;
  }

  // A Thursday noon (UTC): a slot on Monday has passed in every zone, one on Saturday has not.
  const thursday = new Date('2027-03-18T12:00:00Z');

  /** A plain pair whose program asks on Saturdays: nothing due on Thursday. */
  async function saturdayPair() {
    await seedLarge(t.db, { pairings: 300, programs: 12, now: thursday });
    const pair = await plainPair(thursday);
    await sql`update programs set checkin_weekday = 6, checkin_time = '10:00' where id = ${pair.program_id}`.execute(t.db);
    return pair;
  }

  /** After a pass on Thursday, that pair is looked at again on Saturday. */
  async function seeded() {
    const pair = await saturdayPair();
    const checkins = planner(t.db, () => thursday);
    await checkins.plan();
    const week = isoWeekKey(DateTime.fromJSDate(thursday), pair.zone);
    expect(await checkinWeeks(t.db, pair.id)).not.toContain(week);
    expect(await recheckOf(t.db, pair.id)).toBeGreaterThan(thursday.getTime());
    return { pair, checkins, week };
  }

  test("a pair's own slot moved to a day already past is planned at the next pass", async () => {
    const { pair, checkins, week } = await seeded();
    await sql`update pairings set checkin_weekday = 1, checkin_time = '09:00' where id = ${pair.id}`.execute(t.db);
    expect(await checkins.plan()).toBeGreaterThanOrEqual(1);
    expect(await checkinWeeks(t.db, pair.id)).toContain(week);
  });

  test("its program's slot moved to a day already past plans the program's pairs at the next pass", async () => {
    const { pair, checkins, week } = await seeded();
    await sql`update programs set checkin_weekday = 1, checkin_time = '09:00' where id = ${pair.program_id}`.execute(t.db);
    expect(await checkins.plan()).toBeGreaterThanOrEqual(1);
    expect(await checkinWeeks(t.db, pair.id)).toContain(week);
  });

  test('holidays taken back: the question they had moved past now is planned at the next pass', async () => {
    const { pair, checkins, week } = await seeded();
    // Monday's question, moved by a holiday week to Saturday: not due on Thursday.
    const monday = DateTime.fromJSDate(thursday, { zone: pair.zone }).startOf('week');
    await sql`update programs set checkin_weekday = 1, checkin_time = '09:00' where id = ${pair.program_id}`.execute(t.db);
    await sql`insert into program_holidays (program_id, day)
              select ${pair.program_id}, (${monday.toISODate()}::date + d) from generate_series(0, 4) d`.execute(t.db);
    expect(await checkins.plan()).toBe(0);
    expect(await checkinWeeks(t.db, pair.id)).not.toContain(week);
    expect(await recheckOf(t.db, pair.id)).toBe(monday.plus({ days: 5, hours: 9 }).toMillis());
    await sql`delete from program_holidays where program_id = ${pair.program_id}`.execute(t.db);
    expect(await checkins.plan()).toBeGreaterThanOrEqual(1);
    expect(await checkinWeeks(t.db, pair.id)).toContain(week);
  });

  test('a paused pair is not looked at until it is resumed, then planned at the next pass', async () => {
    const pair = await saturdayPair();
    await sql`update programs set checkin_weekday = 1, checkin_time = '09:00' where id = ${pair.program_id}`.execute(t.db);
    await sql`update pairings set status = 'paused' where id = ${pair.id}`.execute(t.db);
    const checkins = planner(t.db, () => thursday);
    await checkins.plan();
    const week = isoWeekKey(DateTime.fromJSDate(thursday), pair.zone);
    expect(await checkinWeeks(t.db, pair.id)).not.toContain(week);
    expect(await recheckOf(t.db, pair.id)).toBe(Infinity);
    await sql`update pairings set status = 'active' where id = ${pair.id}`.execute(t.db);
    expect(await checkins.plan()).toBe(1);
    expect(await checkinWeeks(t.db, pair.id)).toContain(week);
  });

  test('an erased check-in is planned again at the next pass, its message linked, not sent twice', async () => {
    const { pair, checkins, week } = await seeded();
    await sql`update programs set checkin_weekday = 1, checkin_time = '09:00' where id = ${pair.program_id}`.execute(t.db);
    await checkins.plan();
    expect(await checkinWeeks(t.db, pair.id)).toContain(week);
    expect(await recheckOf(t.db, pair.id)).toBeGreaterThan(thursday.getTime());
    await sql`delete from checkins where pairing_id = ${pair.id} and week_key = ${week}`.execute(t.db);
    expect(await checkins.plan()).toBe(1);
    expect(await checkinWeeks(t.db, pair.id)).toContain(week);
    const messages = await sql<{ n: number }>`
      select count(*)::int as n from deliveries where pairing_id = ${pair.id} and kind = 'checkin'`.execute(t.db);
    expect(messages.rows[0]?.n).toBe(1);
  });

  test('a change made while a pass runs, which the pass did not see, keeps the pair looked at', async () => {
    const pair = await saturdayPair();
    const repo = createCheckinRepository(t.db);
    let written = 0;
    await repo.forEachDuePage(
      thursday,
      1_000,
      async (_candidates, rechecks, _last, snapshot) => {
        const mine = rechecks.find((r) => r.pairingId === pair.id);
        if (!mine) throw new Error('the pass did not look at the pair');
        const later = await sql<{ later: boolean }>`select ${mine.at}::timestamptz > ${thursday} as later`.execute(t.db);
        expect(later.rows[0]?.later).toBe(true);
        // Another request changes the pair's slot (and commits) after the pass read it.
        await sql`update pairings set checkin_weekday = 1, checkin_time = '09:00' where id = ${pair.id}`.execute(t.db);
        written += rechecks.length;
        await repo.writePlanned(thursday, [], rechecks, snapshot);
      },
      async () => undefined,
    );
    expect(written).toBeGreaterThan(10);
    // The pass's instant for the pair is not written over the change's reset; the others are.
    expect(await recheckOf(t.db, pair.id)).toBe(-Infinity);
    const kept = await sql<{ n: number }>`select count(*)::int as n from checkin_rechecks where recheck_at > ${thursday}`.execute(
      t.db,
    );
    expect(kept.rows[0]?.n).toBe(written - 1);
    const week = isoWeekKey(DateTime.fromJSDate(thursday), pair.zone);
    expect(await planner(t.db, () => thursday).plan()).toBeGreaterThanOrEqual(1);
    expect(await checkinWeeks(t.db, pair.id)).toContain(week);
  });
});
