/**
 * The large seed (test/support/seed-large.ts) at a small size: it holds the variety it promises, and
 * today's planner plans from it only what may be asked, once, at each of its instants.
 */
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { checkinSlotForWeek } from '../../src/domain/checkin-slot.js';
import { holidaySet, responseDeadlines } from '../../src/domain/work-days.js';
import { describe, expect, test } from 'vitest';
import { testServer, useTestDatabase } from '../support/db.js';
import { seedInstants, seedLarge, seedZones } from '../support/seed-large.js';
import { planningServices } from '../support/planning-services.js';

const t = useTestDatabase();

describe(`the large seed on ${testServer}`, () => {
  test('is the same for the same options and has every kind of row it promises', async () => {
    const now = seedInstants.midWeek;
    const first = await seedLarge(t.db, { pairings: 700, now });
    const rows = await sql<Record<string, unknown>>`select * from pairings order by id`.execute(t.db);
    await t.reset();
    const again = await seedLarge(t.db, { pairings: 700, now });
    const rowsAgain = await sql<Record<string, unknown>>`select * from pairings order by id`.execute(t.db);
    expect(again).toEqual(first);
    const withoutIds = (r: Record<string, unknown>) => ({ ...r, id: undefined, created_at: undefined });
    expect(rowsAgain.rows.map(withoutIds)).toEqual(rows.rows.map(withoutIds));

    expect(first.pairings).toBe(700);
    expect(first.programs).toBe(2);
    expect(first.zones).toBeGreaterThanOrEqual(40);
    expect(seedZones.length).toBeGreaterThanOrEqual(40);
    expect(first.byStatus.paused).toBe(35);
    expect(first.byStatus.ended).toBeGreaterThan(0);
    expect(first.holidays).toBeGreaterThan(0);
    expect(Object.values(first.overrides).every((n) => n > 0)).toBe(true);
  });

  test.each(Object.entries(seedInstants))(
    'at %s, plans each running active pair with a conversation at most once',
    async (_name, now) => {
      await seedLarge(t.db, { pairings: 600, programs: 60, now });
      const { services } = planningServices(t.db, () => now);

      const planned = await services.checkins.plan(50);
      expect(planned).toBeGreaterThan(0);
      expect(await services.checkins.plan(50)).toBe(0);

      const wrong = await sql<{ n: number }>`
      select count(*)::int as n from checkins c join pairings p on p.id = c.pairing_id join programs pr on pr.id = p.program_id
      where p.status <> 'active' or p.conversation_id is null or pr.status <> 'active' or c.prompt_at > ${now}`.execute(t.db);
      expect(wrong.rows[0]?.n).toBe(0);
      // Row for row what the time rules say, computed here one pair at a time without any shortcut.
      const expected = await expectedPlan(now);
      const stored = await sql<{ pairing_id: number; week_key: string; prompt_at: Date; closes_at: Date; owed: string }>`
      select c.pairing_id, c.week_key, c.prompt_at, c.closes_at,
             string_agg(e.subject || ' ' || e.started_at::text || ' ' || e.remind_at::text || ' ' || e.due_at::text, ', ' order by e.subject) as owed
      from checkins c join expectations e on e.source_ref = c.id::text and e.kind = 'checkin'
      group by c.id order by c.pairing_id`.execute(t.db);
      const iso = (d: Date) => DateTime.fromJSDate(d).toUTC().toISO();
      expect(
        stored.rows.map((r) => ({
          pairingId: r.pairing_id,
          weekKey: r.week_key,
          promptAt: iso(r.prompt_at),
          closesAt: iso(r.closes_at),
        })),
      ).toEqual(expected.map(({ deadlines: _d, ...r }) => r));
      const owed = await sql<{ pairing_id: number; subject: string; started_at: Date; remind_at: Date; due_at: Date }>`
      select pairing_id, subject, started_at, remind_at, due_at from expectations order by pairing_id, subject`.execute(t.db);
      expect(
        owed.rows.map((r) => ({
          pairingId: r.pairing_id,
          subject: r.subject,
          startedAt: iso(r.started_at),
          remindAt: iso(r.remind_at),
          dueAt: iso(r.due_at),
        })),
      ).toEqual(expected.flatMap((e) => e.deadlines));

      const counts = await sql<{ checkins: number; deliveries: number; expectations: number }>`
      select (select count(*)::int from checkins) as checkins, (select count(*)::int from deliveries) as deliveries,
             (select count(*)::int from expectations) as expectations`.execute(t.db);
      expect(counts.rows[0]).toEqual({ checkins: planned, deliveries: planned, expectations: 2 * planned });
    },
  );
});

/** The check-ins (and what each person owes) that are due at `now`, pair by pair, straight from the domain rules. */
async function expectedPlan(now: Date) {
  const pairs = await sql<{
    id: number;
    program_id: number;
    mentor_id: string;
    mentee_id: string;
    zone: string;
    weekday: number;
    time: string;
    start_date: string;
    length_weeks: number;
    window_days: number;
    mentor_zone: string;
    mentee_zone: string;
  }>`
    select p.id, p.program_id, p.mentor_id, p.mentee_id, coalesce(p.checkin_zone, pr.time_zone) as zone,
           coalesce(p.checkin_weekday, pr.checkin_weekday) as weekday, coalesce(p.checkin_time, pr.checkin_time) as time,
           to_char(pr.start_date, 'YYYY-MM-DD') as start_date, pr.length_weeks,
           coalesce(p.reply_within_days, pr.response_window_days) as window_days, m.time_zone as mentor_zone, e.time_zone as mentee_zone
    from pairings p join programs pr on pr.id = p.program_id
    join people m on m.slack_id = p.mentor_id join people e on e.slack_id = p.mentee_id
    where p.status = 'active' and pr.status = 'active' and p.conversation_id is not null
    order by p.id`.execute(t.db);
  const days = await sql<{ program_id: number; day: string }>`
    select program_id, to_char(day, 'YYYY-MM-DD') as day from program_holidays`.execute(t.db);
  const holidays = (programId: number) => holidaySet(days.rows.filter((d) => d.program_id === programId).map((d) => d.day));
  const nowDt = DateTime.fromJSDate(now);
  const iso = (d: DateTime) => d.toUTC().toISO();
  return pairs.rows.flatMap((p) => {
    const slot = checkinSlotForWeek(nowDt, {
      weekday: p.weekday,
      time: p.time,
      zone: p.zone,
      holidays: holidays(p.program_id),
      programStartDate: p.start_date,
      programLengthWeeks: p.length_weeks,
    });
    if (!slot || slot.promptAt > nowDt) return [];
    const startedAt = DateTime.max(slot.promptAt, nowDt);
    const deadlines = [
      [p.mentee_id, p.mentee_zone],
      [p.mentor_id, p.mentor_zone],
    ]
      .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1))
      .map(([subject, zone]) => {
        const d = responseDeadlines(startedAt, p.window_days, zone ?? 'UTC', holidays(p.program_id));
        return { pairingId: p.id, subject, startedAt: iso(startedAt), remindAt: iso(d.remindAt), dueAt: iso(d.dueAt) };
      });
    return [{ pairingId: p.id, weekKey: slot.weekKey, promptAt: iso(slot.promptAt), closesAt: iso(slot.closesAt), deadlines }];
  });
}
