import { DateTime } from 'luxon';
import { describe, expect, test } from 'vitest';
import {
  checkinSlotForWeek,
  dueCheckinSlot,
  pairCheckinSlotForWeek,
  previousWeekKey,
  type CheckinSchedule,
  type PairCheckinSchedule,
} from '../../src/domain/checkin-slot.js';
import { holidaySet } from '../../src/domain/work-days.js';

// Expectations are worked out from the calendar (and cross-checked with an independent tz database),
// never by running the implementation: 2027-01-18 is a Monday; US DST starts Sunday 2027-03-14 and
// ends Sunday 2027-11-07; 2026 has 53 ISO weeks, so 2027-01-01..03 belong to 2026-W53.

const NY = 'America/New_York';
const HONOLULU = 'Pacific/Honolulu';
const AUCKLAND = 'Pacific/Auckland';

const at = (iso: string): DateTime => {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new Error(`bad fixture ${iso}`);
  return dt;
};

function schedule(extra: Partial<Omit<CheckinSchedule, 'holidays'>> & { holidays?: string[] } = {}): CheckinSchedule {
  const { holidays, ...rest } = extra;
  return {
    weekday: 1,
    time: '10:00',
    zone: NY,
    programStartDate: '2026-11-02',
    programLengthWeeks: 104,
    ...rest,
    holidays: holidaySet(holidays ?? []),
  };
}

/** The slot as plain values: instants in UTC, plus the local wall time the pair sees. */
function describeSlot(now: string, s: CheckinSchedule) {
  const slot = checkinSlotForWeek(at(now), s);
  if (!slot) return null;
  return {
    weekKey: slot.weekKey,
    promptAt: slot.promptAt.toUTC().toISO(),
    closesAt: slot.closesAt.toUTC().toISO(),
    localPrompt: slot.promptAt.setZone(s.zone).toFormat('cccc yyyy-MM-dd HH:mm'),
    localClose: slot.closesAt.setZone(s.zone).toFormat('cccc yyyy-MM-dd HH:mm'),
  };
}

describe('checkinSlotForWeek: the week’s slot, wherever `now` sits in the week', () => {
  test.each([
    ['Monday before the slot (slot still ahead)', '2027-01-18T08:00:00-05:00'],
    ['Monday a minute after the slot', '2027-01-18T10:01:00-05:00'],
    ['Wednesday', '2027-01-20T15:00:00-05:00'],
    ['Sunday night, last minute of the ISO week', '2027-01-24T23:59:00-05:00'],
    ['Monday 00:00 local, first instant of the week', '2027-01-18T00:00:00-05:00'],
  ])('%s', (_name, now) => {
    expect(describeSlot(now, schedule())).toEqual({
      weekKey: '2027-W03',
      promptAt: '2027-01-18T15:00:00.000Z',
      closesAt: '2027-01-25T15:00:00.000Z',
      localPrompt: 'Monday 2027-01-18 10:00',
      localClose: 'Monday 2027-01-25 10:00',
    });
  });

  test('the week is the one of `now` in the schedule’s zone, not in UTC', () => {
    // Monday 03:00 UTC is still Sunday evening in New York: last week's slot, not this week's.
    expect(describeSlot('2027-01-18T03:00:00Z', schedule())?.promptAt).toBe('2027-01-11T15:00:00.000Z');
    expect(describeSlot('2027-01-18T03:00:00Z', schedule())?.weekKey).toBe('2027-W02');
    expect(describeSlot('2027-01-18T05:00:00Z', schedule())?.weekKey).toBe('2027-W03');
  });

  test('another weekday and time', () => {
    expect(describeSlot('2027-01-18T12:00:00-05:00', schedule({ weekday: 4, time: '16:45' }))).toMatchObject({
      weekKey: '2027-W03',
      promptAt: '2027-01-21T21:45:00.000Z',
      localPrompt: 'Thursday 2027-01-21 16:45',
      localClose: 'Thursday 2027-01-28 16:45',
    });
  });
});

describe('holidays', () => {
  test('a holiday on the slot day moves the slot to the next day, same local time', () => {
    expect(describeSlot('2027-01-20T12:00:00-05:00', schedule({ holidays: ['2027-01-18'] }))).toEqual({
      weekKey: '2027-W03',
      promptAt: '2027-01-19T15:00:00.000Z',
      closesAt: '2027-01-26T15:00:00.000Z',
      localPrompt: 'Tuesday 2027-01-19 10:00',
      localClose: 'Tuesday 2027-01-26 10:00',
    });
  });

  test('consecutive holidays move it past all of them', () => {
    expect(
      describeSlot('2027-01-22T12:00:00-05:00', schedule({ holidays: ['2027-01-18', '2027-01-19', '2027-01-20'] }))?.localPrompt,
    ).toBe('Thursday 2027-01-21 10:00');
  });

  test('a holiday elsewhere in the week (or in another week) leaves the slot alone', () => {
    expect(
      describeSlot('2027-01-20T12:00:00-05:00', schedule({ holidays: ['2027-01-19', '2027-01-11', '2027-01-25'] }))?.localPrompt,
    ).toBe('Monday 2027-01-18 10:00');
  });

  test('a holiday on a Friday slot moves it to Saturday (the next non-holiday day, weekends included)', () => {
    expect(describeSlot('2027-01-22T12:00:00-05:00', schedule({ weekday: 5, holidays: ['2027-01-22'] }))?.localPrompt).toBe(
      'Saturday 2027-01-23 10:00',
    );
  });

  test.each([
    ['Friday slot, Friday to Sunday are holidays', 5, ['2027-01-22', '2027-01-23', '2027-01-24']],
    ['Sunday slot on a holiday: the next day is already next week', 7, ['2027-01-24']],
    [
      'Monday slot, the whole week is holidays',
      1,
      ['2027-01-18', '2027-01-19', '2027-01-20', '2027-01-21', '2027-01-22', '2027-01-23', '2027-01-24'],
    ],
  ])('no day left in the week -> no check-in: %s', (_name, weekday, holidays) => {
    expect(describeSlot('2027-01-20T12:00:00-05:00', schedule({ weekday, holidays }))).toBeNull();
  });

  test('holidays are local dates in the schedule’s zone', () => {
    // 2027-01-18 in Auckland: the Monday slot there moves; the same date means nothing in a week that
    // is still 2027-01-17 (Sunday) in Honolulu.
    const nowUtc = '2027-01-18T03:00:00Z'; // Monday 16:00 in Auckland, Sunday 17:00 in Honolulu
    expect(describeSlot(nowUtc, schedule({ zone: AUCKLAND, holidays: ['2027-01-18'] }))?.localPrompt).toBe(
      'Tuesday 2027-01-19 10:00',
    );
    expect(describeSlot(nowUtc, schedule({ zone: HONOLULU, holidays: ['2027-01-18'] }))?.localPrompt).toBe(
      'Monday 2027-01-11 10:00',
    );
  });
});

describe('program range', () => {
  const program = { programStartDate: '2027-01-11', programLengthWeeks: 6 };

  test.each([
    ['the week before the program starts', '2027-01-06T12:00:00-05:00', {}, null],
    ['first week, program starts on the slot day', '2027-01-13T12:00:00-05:00', {}, '2027-01-11T15:00:00.000Z'],
    [
      'a slot at local midnight of the start day counts',
      '2027-01-13T12:00:00-05:00',
      { time: '00:00' },
      '2027-01-11T05:00:00.000Z',
    ],
    [
      'program starting mid-week: the Monday before its start has no check-in',
      '2027-01-13T12:00:00-05:00',
      { programStartDate: '2027-01-12' },
      null,
    ],
    [
      'program starting mid-week: its first Monday counts',
      '2027-01-20T12:00:00-05:00',
      { programStartDate: '2027-01-12' },
      '2027-01-18T15:00:00.000Z',
    ],
    ['last week of the program', '2027-02-17T12:00:00-05:00', {}, '2027-02-15T15:00:00.000Z'],
    ['the week after the program ended', '2027-02-24T12:00:00-05:00', {}, null],
    // Started on a Wednesday, six weeks: the program ends at 00:00 on Wednesday 2027-02-24.
    [
      'program ending mid-week: the Monday of its last week counts',
      '2027-02-24T12:00:00-05:00',
      { programStartDate: '2027-01-13' },
      '2027-02-22T15:00:00.000Z',
    ],
    [
      'program ending mid-week: holidays push that slot onto the end day -> none',
      '2027-02-24T12:00:00-05:00',
      { programStartDate: '2027-01-13', holidays: ['2027-02-22', '2027-02-23'] },
      null,
    ],
    [
      'program ending mid-week: one holiday keeps it inside',
      '2027-02-24T12:00:00-05:00',
      { programStartDate: '2027-01-13', holidays: ['2027-02-22'] },
      '2027-02-23T15:00:00.000Z',
    ],
  ])('%s', (_name, now, extra: Partial<Omit<CheckinSchedule, 'holidays'>> & { holidays?: string[] }, promptAt) => {
    const slot = describeSlot(now, schedule({ ...program, ...extra }));
    expect(slot?.promptAt ?? null).toBe(promptAt);
  });
});

describe('DST in America/New_York: the slot keeps its local wall time', () => {
  test.each([
    // Spring forward on Sunday 2027-03-14 (EST -05:00 -> EDT -04:00).
    [
      'week before the spring change',
      '2027-03-10T12:00:00-05:00',
      1,
      '10:00',
      [],
      '2027-W10',
      '2027-03-08T15:00:00.000Z',
      '2027-03-15T14:00:00.000Z',
      'Monday 2027-03-08 10:00',
    ],
    [
      'week after the spring change',
      '2027-03-17T12:00:00-04:00',
      1,
      '10:00',
      [],
      '2027-W11',
      '2027-03-15T14:00:00.000Z',
      '2027-03-22T14:00:00.000Z',
      'Monday 2027-03-15 10:00',
    ],
    [
      'Sunday slot on the change day itself',
      '2027-03-10T12:00:00-05:00',
      7,
      '10:00',
      [],
      '2027-W10',
      '2027-03-14T14:00:00.000Z',
      '2027-03-21T14:00:00.000Z',
      'Sunday 2027-03-14 10:00',
    ],
    [
      'Saturday holiday moves the slot across the change',
      '2027-03-10T12:00:00-05:00',
      6,
      '10:00',
      ['2027-03-13'],
      '2027-W10',
      '2027-03-14T14:00:00.000Z',
      '2027-03-21T14:00:00.000Z',
      'Sunday 2027-03-14 10:00',
    ],
    // Fall back on Sunday 2027-11-07 (EDT -04:00 -> EST -05:00).
    [
      'week before the fall change',
      '2027-11-03T12:00:00-04:00',
      1,
      '10:00',
      [],
      '2027-W44',
      '2027-11-01T14:00:00.000Z',
      '2027-11-08T15:00:00.000Z',
      'Monday 2027-11-01 10:00',
    ],
    [
      'week after the fall change',
      '2027-11-10T12:00:00-05:00',
      1,
      '10:00',
      [],
      '2027-W45',
      '2027-11-08T15:00:00.000Z',
      '2027-11-15T15:00:00.000Z',
      'Monday 2027-11-08 10:00',
    ],
    [
      'Saturday holiday moves the slot onto the fall change day',
      '2027-11-03T12:00:00-04:00',
      6,
      '10:00',
      ['2027-11-06'],
      '2027-W44',
      '2027-11-07T15:00:00.000Z',
      '2027-11-14T15:00:00.000Z',
      'Sunday 2027-11-07 10:00',
    ],
  ])('%s', (_name, now, weekday, time, holidays, weekKey, promptAt, closesAt, localPrompt) => {
    const slot = describeSlot(now, schedule({ weekday, time, holidays }));
    expect(slot).toMatchObject({ weekKey, promptAt, closesAt, localPrompt });
    // One week later on the local calendar, at the same wall time, whatever the number of real hours.
    expect(slot?.localClose).toBe(
      DateTime.fromFormat(localPrompt, 'cccc yyyy-MM-dd HH:mm', { zone: NY })
        .plus({ weeks: 1 })
        .toFormat('cccc yyyy-MM-dd HH:mm'),
    );
  });

  test('the week across the spring change is 167 hours long, the one across the fall change 169', () => {
    const spring = checkinSlotForWeek(at('2027-03-10T12:00:00-05:00'), schedule());
    const fall = checkinSlotForWeek(at('2027-11-03T12:00:00-04:00'), schedule());
    expect(spring && spring.closesAt.diff(spring.promptAt, 'hours').hours).toBe(167);
    expect(fall && fall.closesAt.diff(fall.promptAt, 'hours').hours).toBe(169);
  });

  test('a slot inside the spring-forward gap moves forward by the gap; in the fall overlap the first 01:30 counts', () => {
    expect(describeSlot('2027-03-10T12:00:00-05:00', schedule({ weekday: 7, time: '02:30' }))?.promptAt).toBe(
      '2027-03-14T07:30:00.000Z',
    );
    expect(describeSlot('2027-11-03T12:00:00-04:00', schedule({ weekday: 7, time: '01:30' }))?.promptAt).toBe(
      '2027-11-07T05:30:00.000Z',
    );
  });
});

describe('zones far apart', () => {
  // 2027-01-17T20:00Z is Monday 09:00 in Auckland (NZDT, +13) and Sunday 10:00 in Honolulu (-10).
  const nowUtc = '2027-01-17T20:00:00Z';

  test.each([
    [AUCKLAND, '2027-W03', '2027-01-17T21:00:00.000Z', '2027-01-24T21:00:00.000Z', 'Monday 2027-01-18 10:00'],
    [HONOLULU, '2027-W02', '2027-01-11T20:00:00.000Z', '2027-01-18T20:00:00.000Z', 'Monday 2027-01-11 10:00'],
  ])('%s', (zone, weekKey, promptAt, closesAt, localPrompt) => {
    expect(describeSlot(nowUtc, schedule({ zone }))).toMatchObject({ weekKey, promptAt, closesAt, localPrompt });
  });

  test('in Auckland the slot is still ahead at that instant; in Honolulu it passed six days ago', () => {
    const now = at(nowUtc);
    const auckland = checkinSlotForWeek(now, schedule({ zone: AUCKLAND }));
    const honolulu = checkinSlotForWeek(now, schedule({ zone: HONOLULU }));
    expect(auckland && auckland.promptAt > now).toBe(true);
    expect(honolulu && honolulu.promptAt < now).toBe(true);
  });
});

describe('week keys at year boundaries', () => {
  test.each([
    ['Friday 1 January 2027 belongs to 2026-W53', '2027-01-01T12:00:00-05:00', NY, '2026-W53', '2026-12-28T15:00:00.000Z'],
    ['Sunday 3 January 2027 too', '2027-01-03T20:00:00-05:00', NY, '2026-W53', '2026-12-28T15:00:00.000Z'],
    ['Monday 4 January 2027 opens 2027-W01', '2027-01-04T12:00:00-05:00', NY, '2027-W01', '2027-01-04T15:00:00.000Z'],
    ['the same instant is still Sunday in New York…', '2027-01-04T03:00:00Z', NY, '2026-W53', '2026-12-28T15:00:00.000Z'],
    ['…and already Monday in Auckland', '2027-01-04T03:00:00Z', AUCKLAND, '2027-W01', '2027-01-03T21:00:00.000Z'],
    ['Monday 29 December 2025 is 2026-W01', '2025-12-31T12:00:00-05:00', NY, '2026-W01', '2025-12-29T15:00:00.000Z'],
  ])('%s', (_name, now, zone, weekKey, promptAt) => {
    expect(describeSlot(now, schedule({ zone, programStartDate: '2025-06-02', programLengthWeeks: 104 }))).toMatchObject({
      weekKey,
      promptAt,
    });
  });
});

describe('previousWeekKey', () => {
  test.each([
    ['2027-W11', '2027-W10'],
    ['2027-W02', '2027-W01'],
    ['2027-W01', '2026-W53'],
    ['2026-W53', '2026-W52'],
    ['2026-W01', '2025-W52'],
    ['2025-W01', '2024-W52'],
    ['2021-W01', '2020-W53'],
    // The Monday of the previous week lies in the calendar year before its ISO year.
    ['2025-W02', '2025-W01'],
    ['2026-W02', '2026-W01'],
  ])('%s -> %s', (key, previous) => {
    expect(previousWeekKey(key)).toBe(previous);
  });

  test('agrees with the slot: last week’s slot carries the previous key', () => {
    for (const now of [
      '2027-01-06T12:00:00-05:00',
      '2027-03-17T12:00:00-04:00',
      '2027-11-10T12:00:00-05:00',
      '2026-01-07T12:00:00-05:00',
    ]) {
      const s = schedule({ programStartDate: '2025-06-02', programLengthWeeks: 150 });
      const thisWeek = checkinSlotForWeek(at(now), s);
      const lastWeek = checkinSlotForWeek(at(now).minus({ weeks: 1 }), s);
      expect(thisWeek && lastWeek && previousWeekKey(thisWeek.weekKey)).toBe(lastWeek?.weekKey);
    }
  });
});

describe('a pair’s own check-in: after their meeting, in its zone, on the weeks the cadence asks', () => {
  const BERLIN = 'Europe/Berlin';
  const pair = (extra: Partial<PairCheckinSchedule> = {}): PairCheckinSchedule => ({
    ...schedule({ programStartDate: '2027-01-11', programLengthWeeks: 8 }),
    meeting: { weekday: 3, time: '18:00', zone: BERLIN, minutes: 45 },
    afterHours: 3,
    cadence: { cadence: 'weekly', sessionTarget: null, lengthWeeks: 8 },
    changes: [],
    ...extra,
  });
  const local = (d: DateTime | null | undefined) => d?.setZone(BERLIN).toFormat('ccc yyyy-MM-dd HH:mm') ?? null;

  test('Wednesday 18:00 for 45 minutes, asked 3 hours after: Wednesday 21:45; not due before it', () => {
    expect(local(dueCheckinSlot(at('2027-01-20T21:44:00+01:00'), pair())?.promptAt)).toBeNull();
    const slot = dueCheckinSlot(at('2027-01-20T21:45:00+01:00'), pair());
    expect([slot?.weekKey, local(slot?.promptAt), local(slot?.closesAt), local(slot?.meetingAt)]).toEqual([
      '2027-W03',
      'Wed 2027-01-20 21:45',
      'Wed 2027-01-27 21:45',
      'Wed 2027-01-20 18:00',
    ]);
  });

  test('a Sunday-night meeting is asked about on Monday, still as the week it was held', () => {
    const late = pair({ meeting: { weekday: 7, time: '22:00', zone: BERLIN, minutes: 60 } });
    const slot = dueCheckinSlot(at('2027-01-25T02:00:00+01:00'), late);
    expect([slot?.weekKey, local(slot?.promptAt)]).toEqual(['2027-W03', 'Mon 2027-01-25 02:00']);
  });

  test('a holiday moves the question to the next day; a moved meeting is asked about as moved', () => {
    const holiday = pair({ holidays: holidaySet(['2027-01-20']) });
    expect(local(pairCheckinSlotForWeek(at('2027-01-18T12:00:00+01:00'), holiday)?.promptAt)).toBe('Thu 2027-01-21 21:45');
    const moved = pair({
      changes: [{ originalAt: new Date('2027-01-20T17:00:00Z'), newAt: new Date('2027-01-22T09:00:00Z'), cancelled: false }],
    });
    expect(local(pairCheckinSlotForWeek(at('2027-01-18T12:00:00+01:00'), moved)?.promptAt)).toBe('Fri 2027-01-22 13:45');
  });

  test('every two weeks, and 2 sessions over 8 weeks (every 4): off weeks have none', () => {
    const weeks = ['2027-01-13', '2027-01-20', '2027-01-27', '2027-02-03', '2027-02-10'];
    const asked = (cadence: PairCheckinSchedule['cadence']) =>
      weeks.map((d) => pairCheckinSlotForWeek(at(`${d}T12:00:00+01:00`), pair({ cadence }))?.weekKey ?? null);
    expect(asked({ cadence: 'every_two_weeks', sessionTarget: null, lengthWeeks: 8 })).toEqual([
      '2027-W02',
      null,
      '2027-W04',
      null,
      '2027-W06',
    ]);
    expect(asked({ cadence: 'sessions', sessionTarget: 2, lengthWeeks: 8 })).toEqual(['2027-W02', null, null, null, '2027-W06']);
    const biweekly = pairCheckinSlotForWeek(
      at('2027-01-13T12:00:00+01:00'),
      pair({ cadence: { cadence: 'every_two_weeks', sessionTarget: null, lengthWeeks: 8 } }),
    );
    expect(local(biweekly?.closesAt)).toBe('Wed 2027-01-27 21:45');
  });
});
