import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

/**
 * A large, varied population of programs and pairings, written by a few set-based statements and the
 * same every time for the same options (no randomness: every attribute is a fixed function of the row
 * number). The scheduler pass benchmark seeds 100k pairings with it; a property test can seed a few
 * hundred and compare planners row for row.
 *
 * What varies, and why it matters to planning:
 * - 50 zones: DST in the north and the south, half- and quarter-hour offsets, a 30-minute DST shift
 *   (Lord Howe), UTC+13/+14 and UTC-11, zones without DST; programs and people take them independently.
 * - check-in slots: every weekday, and times at midnight, in the hour a spring-forward skips (02:30)
 *   or a fall-back repeats (01:30), late evening (23:30) and ordinary hours.
 * - per-pair overrides of the check-in zone, weekday and time and of the reply window.
 * - holidays: per program (twin programs share a schedule, not their holidays), today and tomorrow in many of them, a mid-week day, and the DST change days
 *   of `seedInstants`.
 * - pairs that are paused (until a later date), ended, or still without a pair conversation; programs
 *   that are archived, have not started yet, or ended last week.
 */
export const seedZones = [
  'UTC',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Madrid',
  'Europe/Warsaw',
  'Europe/Athens',
  'Europe/Helsinki',
  'Europe/Istanbul',
  'Europe/Moscow',
  'Africa/Lagos',
  'Africa/Cairo',
  'Africa/Johannesburg',
  'Africa/Nairobi',
  'Asia/Dubai',
  'Asia/Tehran',
  'Asia/Karachi',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Singapore',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Australia/Perth',
  'Australia/Adelaide',
  'Australia/Darwin',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Pacific/Tongatapu',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Denver',
  'America/Phoenix',
  'America/Chicago',
  'America/New_York',
  'America/Halifax',
  'America/St_Johns',
  'America/Sao_Paulo',
  'America/Santiago',
  'America/Mexico_City',
] as const;

/** Check-in times: midnight, inside a skipped and a repeated hour, ordinary hours, late evening. */
export const seedTimes = ['00:00', '01:30', '02:30', '09:00', '10:00', '13:15', '17:45', '23:30'] as const;

/**
 * Instants worth planning at: days when some of the seed's zones change their clocks, and an ordinary
 * mid-week day (the seed makes it a holiday in many programs).
 */
export const seedInstants = {
  /** Sunday; the EU springs forward at 01:00 UTC: 02:30 does not exist in Berlin that day. */
  euSpringForward: new Date('2027-03-28T10:00:00Z'),
  /** Sunday; the US falls back at 06:00 UTC in New York: 01:30 happens twice. */
  usFallBack: new Date('2026-11-01T12:00:00Z'),
  /** Sunday; Sydney and Auckland fall back (Lord Howe by half an hour). */
  southFallBack: new Date('2027-04-04T08:00:00Z'),
  /** A Wednesday with no clock change anywhere in the seed. */
  midWeek: new Date('2027-02-17T15:00:00Z'),
} as const;

export type SeedOptions = {
  pairings: number;
  /** Default: one program per 500 pairings, at least 1 and at most 200. */
  programs?: number;
  /** Planning instant the seed is arranged around (program dates and holidays are relative to it). */
  now: Date;
};

export type SeedSummary = {
  programs: number;
  people: number;
  pairings: number;
  holidays: number;
  zones: number;
  byStatus: Record<string, number>;
  overrides: { zone: number; weekday: number; time: number; replyWindow: number };
};

/** Pair conversation, mentor and mentee of pairing number `i` (1-based, insertion order), as the fake Slack would know them. */
export const seedConversationId = (i: number): string => `G${String(i).padStart(8, '0')}`;
export const seedMentorId = (i: number): string => `UM${String(i).padStart(8, '0')}`;
export const seedMenteeId = (i: number): string => `UE${String(i).padStart(8, '0')}`;

const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map((v) => sql`${v}::text`))}]`;
/** A fixed scramble of row number g into 0..m-1, different per salt: spreads attributes without a random generator. */
const pick = (g: ReturnType<typeof sql.ref>, salt: number | ReturnType<typeof sql.ref>, m: number) =>
  sql<number>`((${g}::bigint * 2654435761 + ${salt}::bigint * 40503) % 1000003 % ${m}::int)::int`;

/**
 * Writes the seed in four statements (plus ANALYZE) into an empty schema. Returns what it wrote.
 * Program start dates are spread so that most programs are running at `now`, a few start next week
 * and a few ended the week before; the check-in slots make roughly half the active pairs due.
 */
export async function seedLarge(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const n = options.pairings;
  const p = options.programs ?? Math.max(1, Math.min(200, Math.ceil(n / 500)));
  const now = options.now;
  const today = now.toISOString().slice(0, 10);
  const g = sql.ref('g');
  const s = sql.ref('s');
  const zones = textArray(seedZones);
  const times = textArray(seedTimes);
  const zoneCount = seedZones.length;
  const timeCount = seedTimes.length;
  const dstDays = textArray(Object.values(seedInstants).map((d) => d.toISOString().slice(0, 10)));

  // Programs come in twins (1 and 2, 3 and 4, ...) with the same zone and schedule, whose holidays
  // differ: what holds for one schedule may not hold for the other. Zone by twin number (every zone
  // used when p >= 100), weekday and time scrambled; start dates mostly 1-20 weeks back; one in 23
  // starts next week, one in 29 finished a week ago, one in 31 is archived.
  await sql`
    insert into programs (name, time_zone, start_date, length_weeks, checkin_weekday, checkin_time,
                          response_window_days, status, created_by)
    select 'Seed program ' || g,
           (${zones})[1 + (s - 1) % ${zoneCount}::int],
           case when g % 23 = 0 then ${today}::date + 7
                when g % 29 = 0 then ${today}::date - 7 * 9
                else ${today}::date - 7 * (1 + ${pick(s, 1, 20)}) end,
           case when g % 29 = 0 then 8 else 26 + ${pick(s, 2, 26)} end,
           1 + ${pick(s, 3, 7)},
           (${times})[1 + ${pick(s, 4, timeCount)}],
           1 + ${pick(s, 5, 5)},
           case when g % 31 = 0 then 'archived' else 'active' end,
           'USEED'
    from generate_series(1, ${p}::int) g cross join lateral (select (g + 1) / 2 as s) twin`.execute(db);

  // Holidays: the DST days of seedInstants in one program in four; today and tomorrow (UTC dates) in
  // one in three; a mid-week day two days ahead in one in five.
  await sql`
    insert into program_holidays (program_id, day)
    select distinct pr.id, d.day
    from programs pr
    cross join lateral (
      select unnest(${dstDays})::date as day where pr.id % 4 = 1
      union all select ${today}::date where pr.id % 3 = 0
      union all select ${today}::date + 1 where pr.id % 3 = 0
      union all select ${today}::date + 2 where pr.id % 5 = 0
    ) d`.execute(db);

  await sql`
    insert into people (slack_id, name, time_zone, refreshed_at)
    select r.prefix || lpad(g::text, 8, '0'), r.prefix || ' ' || g, (${zones})[1 + ${pick(g, sql.ref('r.salt'), zoneCount)}], now()
    from generate_series(1, ${n}::int) g cross join (values ('UM', 6), ('UE', 7)) as r(prefix, salt)`.execute(db);

  // Pairings, round-robin over programs. One in 20 paused until next week, one in 25 ended, one in 50
  // without a pair conversation yet; overrides: zone one in 7, weekday one in 6, time one in 5,
  // reply window one in 9.
  await sql`
    insert into pairings (program_id, mentor_id, mentee_id, conversation_id, status, paused_until, pause_reason, ended_at,
                          checkin_zone, checkin_weekday, checkin_time, reply_within_days, created_by)
    select ids.arr[1 + (g - 1) % ${p}::int],
           'UM' || lpad(g::text, 8, '0'), 'UE' || lpad(g::text, 8, '0'),
           case when g % 50 = 0 then null else 'G' || lpad(g::text, 8, '0') end,
           case when g % 20 = 0 then 'paused' when g % 25 = 0 then 'ended' else 'active' end,
           case when g % 20 = 0 then ${today}::date + 7 end,
           case when g % 20 = 0 then 'seed: exams' end,
           case when g % 20 <> 0 and g % 25 = 0 then ${now}::timestamptz - interval '3 days' end,
           case when g % 7 = 0 then (${zones})[1 + ${pick(g, 8, zoneCount)}] end,
           case when g % 6 = 0 then 1 + ${pick(g, 9, 7)} end,
           case when g % 5 = 0 then (${times})[1 + ${pick(g, 10, timeCount)}] end,
           case when g % 9 = 0 then 1 + ${pick(g, 11, 4)} end,
           'USEED'
    from generate_series(1, ${n}::int) g
    cross join (select array_agg(id order by id) as arr from programs) ids
    order by g`.execute(db);
  await sql`analyze`.execute(db);

  const counts = await sql<{
    programs: number;
    people: number;
    pairings: number;
    holidays: number;
    zones: number;
    active: number;
    paused: number;
    ended: number;
    o_zone: number;
    o_weekday: number;
    o_time: number;
    o_reply: number;
  }>`
    select (select count(*)::int from programs) as programs,
           (select count(*)::int from people) as people,
           (select count(*)::int from pairings) as pairings,
           (select count(*)::int from program_holidays) as holidays,
           (select count(distinct z)::int from (select time_zone z from programs union select time_zone from people
                                                 union select checkin_zone from pairings where checkin_zone is not null) zs) as zones,
           (select count(*)::int from pairings where status = 'active') as active,
           (select count(*)::int from pairings where status = 'paused') as paused,
           (select count(*)::int from pairings where status = 'ended') as ended,
           (select count(*)::int from pairings where checkin_zone is not null) as o_zone,
           (select count(*)::int from pairings where checkin_weekday is not null) as o_weekday,
           (select count(*)::int from pairings where checkin_time is not null) as o_time,
           (select count(*)::int from pairings where reply_within_days is not null) as o_reply`.execute(db);
  const c = counts.rows[0];
  if (!c) throw new Error('seedLarge: could not count what it wrote');
  return {
    programs: c.programs,
    people: c.people,
    pairings: c.pairings,
    holidays: c.holidays,
    zones: c.zones,
    byStatus: { active: c.active, paused: c.paused, ended: c.ended },
    overrides: { zone: c.o_zone, weekday: c.o_weekday, time: c.o_time, replyWindow: c.o_reply },
  };
}
