import { DateTime } from 'luxon';
import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { meetingReminderKey } from '../../src/db/repositories/meeting-reminder-repository.js';
import { createRepositories } from '../../src/db/repositories/index.js';
import { isReminderDue, meetingsBetween } from '../../src/domain/meetings.js';
import type { IsoWeekday } from '../../src/domain/work-days.js';
import { createMeetingReminderService } from '../../src/services/pairings/meeting-reminders.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

/**
 * The candidate query computes the weekly slot and each person's "day before" in SQL, to keep a quiet
 * minute from reading any pair; if it disagreed with the domain rules, reminders would silently be
 * lost. Here every weekday, early, late and ordinary times, in zones far apart (each member in another
 * zone than the slot's), around the DST changes of 2027 in the US and Europe, are planned by passes
 * and compared with the domain's answer.
 */
test('the candidate query lets through every reminder the domain rules call due, across zones and DST changes', async () => {
  const db = t.db;
  const zones = ['Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles', 'Pacific/Auckland', 'UTC'];
  const times = ['00:30', '09:00', '18:30', '23:45'];
  await db
    .insertInto('programs')
    .values({ name: 'P', time_zone: 'UTC', start_date: '2027-03-01', length_weeks: 8, created_by: 'U', alerts_channel_id: null })
    .execute();
  const pairs: { mentor: string; mentee: string; weekday: IsoWeekday; time: string; zone: string }[] = [];
  for (let weekday = 1; weekday <= 7; weekday++)
    for (const time of times)
      for (const zone of zones)
        pairs.push({
          mentor: `UM${pairs.length}`,
          mentee: `UE${pairs.length}`,
          weekday: weekday as IsoWeekday,
          time,
          zone,
        });
  const zoneOf = new Map<string, string>();
  pairs.forEach((p, i) => {
    zoneOf.set(p.mentor, zones[(i + 1) % zones.length] as string);
    zoneOf.set(p.mentee, zones[(i + 3) % zones.length] as string);
  });
  await db
    .insertInto('people')
    .values(
      [...zoneOf].map(([id, zone]) => ({
        slack_id: id,
        name: id,
        time_zone: zone,
        is_bot: false,
        deleted: false,
        refreshed_at: new Date(),
      })),
    )
    .execute();
  const program = (await db.selectFrom('programs').select('id').executeTakeFirstOrThrow()).id;
  const ids = await db
    .insertInto('pairings')
    .values(
      pairs.map((p) => ({
        program_id: program,
        mentor_id: p.mentor,
        mentee_id: p.mentee,
        created_by: 'U',
        meeting_weekday: p.weekday,
        meeting_time: p.time,
        meeting_zone: p.zone,
        meeting_minutes: 45,
        goals: '[]',
      })),
    )
    .returning('id')
    .execute();

  const repos = createRepositories(db);
  let now = new Date();
  const service = createMeetingReminderService({
    ...repos,
    clock: () => now,
    logger: pino({ level: 'silent' }),
    onEnqueued: () => {},
  });
  // Passes every 3 hours (a reminder's window is 15 hours long) from 12 to 16 and 26 to 30 March:
  // the US changes clocks on 14 March, Europe on 28 March.
  const hours = [Date.UTC(2027, 2, 12), Date.UTC(2027, 2, 26)].flatMap((start) =>
    Array.from({ length: 4 * 8 }, (_, i) => new Date(start + i * 3 * 3_600_000)),
  );
  for (const at of hours) {
    now = at;
    await service.plan(50);
  }
  const expected = new Set<string>();
  pairs.forEach((p, i) => {
    const meetings = meetingsBetween(
      { weekday: p.weekday, time: p.time, zone: p.zone },
      [],
      DateTime.fromISO('2027-03-10T00:00:00Z'),
      DateTime.fromISO('2027-04-02T00:00:00Z'),
    );
    for (const m of meetings)
      for (const who of [p.mentor, p.mentee])
        if (hours.some((at) => isReminderDue(m.at, zoneOf.get(who) as string, at)))
          expected.add(meetingReminderKey(ids[i]?.id as number, who, m.at));
  });
  const planned = new Set((await db.selectFrom('deliveries').select('dedupe_key').execute()).map((r) => r.dedupe_key));
  expect(expected.size).toBeGreaterThan(pairs.length * 2);
  expect([...expected].filter((k) => !planned.has(k))).toEqual([]);
  expect([...planned].filter((k) => !expected.has(k))).toEqual([]);
  // After the last pass, a quiet minute reads no pair.
  now = new Date(hours.at(-1)?.getTime() ?? 0);
  expect(await repos.meetingReminders.dueCandidates(now, 0, 1000)).toEqual([]);
}, 120_000);
