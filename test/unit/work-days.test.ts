import { DateTime } from 'luxon';
import { describe, expect, test } from 'vitest';
import {
  addWorkDays,
  endOfLocalDay,
  holidaySet,
  isoWeekKey,
  isWorkDay,
  nextOccurrence,
  occurrenceInWeek,
  programEnd,
  programStart,
  programWeek,
  responseDeadlines,
  startOfLocalDay,
  workDaysBetween,
  type IsoWeekday,
} from '../../src/domain/work-days.js';

// Every instant below is written with its explicit UTC offset, and every expectation was worked
// out by hand from the calendar (2026-11-16 is a Monday, 2026-11-26 Thanksgiving Thursday,
// DST dates from the brief), never by running the implementation.
const at = (iso: string): DateTime => {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new Error(`bad fixture ${iso}`);
  return dt;
};

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const SYDNEY = 'Australia/Sydney';
const HONOLULU = 'Pacific/Honolulu';
const TONGA = 'Pacific/Tongatapu';
const KIRITIMATI = 'Pacific/Kiritimati';
const NONE = holidaySet([]);

describe('holidaySet / isWorkDay', () => {
  test('keeps valid dates and rejects malformed or impossible ones', () => {
    expect([...holidaySet(['2026-11-26', '2026-11-27'])]).toEqual(['2026-11-26', '2026-11-27']);
    for (const bad of ['2026-02-30', '2026-13-01', '2026-1-05', '26-01-05', '2026-01-05T00:00', '']) {
      expect(() => holidaySet([bad]), bad).toThrow(RangeError);
    }
  });

  test.each([
    ['Monday', '2026-11-16T10:00:00-05:00', [], true],
    ['Friday evening', '2026-11-20T23:59:59.999-05:00', [], true],
    ['Saturday', '2026-11-21T00:00:00-05:00', [], false],
    ['Sunday', '2026-11-22T12:00:00-05:00', [], false],
    ['holiday Thursday', '2026-11-26T09:00:00-05:00', ['2026-11-26'], false],
    ['day after a holiday', '2026-11-27T09:00:00-05:00', ['2026-11-26'], true],
    // 2026-11-19T12:00Z is still the (holiday) Thursday in Honolulu but already Friday in Tonga.
    ['Honolulu, local holiday', '2026-11-19T02:00:00-10:00', ['2026-11-19'], false],
    ['Tonga, same instant is Friday', '2026-11-20T01:00:00+13:00', ['2026-11-19'], true],
  ])('%s', (_name, iso, holidays, expected) => {
    expect(isWorkDay(at(iso), holidaySet(holidays))).toBe(expected);
  });
});

describe('responseDeadlines', () => {
  test.each<[string, string, string, number, string[], string, string]>([
    // name, zone, sentAt, window, holidays, remindAt, dueAt
    ['Mon → Wed', NY, '2026-11-16T10:00:00-05:00', 2, [], '2026-11-17T10:00:00.000-05:00', '2026-11-18T10:00:00.000-05:00'],
    [
      'Thu 15:00 → Mon 15:00',
      NY,
      '2026-11-19T15:00:00-05:00',
      2,
      [],
      '2026-11-20T15:00:00.000-05:00',
      '2026-11-23T15:00:00.000-05:00',
    ],
    [
      'Fri → Tue (skips weekend)',
      NY,
      '2026-11-20T16:00:00-05:00',
      2,
      [],
      '2026-11-23T16:00:00.000-05:00',
      '2026-11-24T16:00:00.000-05:00',
    ],
    [
      'Sat 11:00 starts Mon 00:00 → due Wed 00:00',
      NY,
      '2026-11-21T11:00:00-05:00',
      2,
      [],
      '2026-11-24T00:00:00.000-05:00',
      '2026-11-25T00:00:00.000-05:00',
    ],
    [
      'Sun late starts Mon 00:00',
      NY,
      '2026-11-22T23:59:00-05:00',
      2,
      [],
      '2026-11-24T00:00:00.000-05:00',
      '2026-11-25T00:00:00.000-05:00',
    ],
    [
      'Fri 16:00, Monday holiday → Wed 16:00',
      NY,
      '2026-11-20T16:00:00-05:00',
      2,
      ['2026-11-23'],
      '2026-11-24T16:00:00.000-05:00',
      '2026-11-25T16:00:00.000-05:00',
    ],
    [
      'consecutive holidays Thu+Fri',
      NY,
      '2026-11-25T09:30:00-05:00',
      2,
      ['2026-11-26', '2026-11-27'],
      '2026-11-30T09:30:00.000-05:00',
      '2026-12-01T09:30:00.000-05:00',
    ],
    [
      'holiday on the due day',
      NY,
      '2026-11-16T10:00:00-05:00',
      2,
      ['2026-11-18'],
      '2026-11-17T10:00:00.000-05:00',
      '2026-11-19T10:00:00.000-05:00',
    ],
    [
      'holiday on a Saturday changes nothing',
      NY,
      '2026-11-20T16:00:00-05:00',
      2,
      ['2026-11-21'],
      '2026-11-23T16:00:00.000-05:00',
      '2026-11-24T16:00:00.000-05:00',
    ],
    [
      'sent on a holiday starts next work day 00:00',
      NY,
      '2026-11-23T10:00:00-05:00',
      2,
      ['2026-11-23'],
      '2026-11-25T00:00:00.000-05:00',
      '2026-11-26T00:00:00.000-05:00',
    ],
    [
      'window 3: remind at 1.5 days',
      NY,
      '2026-11-19T15:00:00-05:00',
      3,
      [],
      '2026-11-23T03:00:00.000-05:00',
      '2026-11-24T15:00:00.000-05:00',
    ],
    [
      'window 1 from Fri 16:00: half spills into Monday',
      NY,
      '2026-11-20T16:00:00-05:00',
      1,
      [],
      '2026-11-23T04:00:00.000-05:00',
      '2026-11-23T16:00:00.000-05:00',
    ],
    [
      'fractional window 0.5',
      NY,
      '2026-11-19T20:00:00-05:00',
      0.5,
      [],
      '2026-11-20T02:00:00.000-05:00',
      '2026-11-20T08:00:00.000-05:00',
    ],
    [
      'window 0 on a work day is immediate',
      NY,
      '2026-11-18T10:00:00-05:00',
      0,
      [],
      '2026-11-18T10:00:00.000-05:00',
      '2026-11-18T10:00:00.000-05:00',
    ],
    [
      'window 0 on a Saturday is Monday 00:00',
      NY,
      '2026-11-21T10:00:00-05:00',
      0,
      [],
      '2026-11-23T00:00:00.000-05:00',
      '2026-11-23T00:00:00.000-05:00',
    ],
    [
      '5-day window wraps a full week',
      BERLIN,
      '2026-11-18T08:15:00+01:00',
      5,
      [],
      '2026-11-20T20:15:00.000+01:00',
      '2026-11-25T08:15:00.000+01:00',
    ],
  ])('%s', (_name, zone, sentAt, window, holidays, remindAt, dueAt) => {
    const result = responseDeadlines(at(sentAt), window, zone, holidaySet(holidays));
    expect(result.remindAt.toISO()).toBe(remindAt);
    expect(result.dueAt.toISO()).toBe(dueAt);
    expect(result.dueAt.zoneName).toBe(zone);
  });

  // 2026-11-20T22:00Z is Friday noon in Honolulu, but Saturday 11:00 in Tonga and Saturday
  // 12:00 on Kiritimati, where the clock only starts on Monday.
  test.each([
    [HONOLULU, '2026-11-23T12:00:00.000-10:00', '2026-11-24T12:00:00.000-10:00', '2026-11-24T22:00:00.000Z'],
    [TONGA, '2026-11-24T00:00:00.000+13:00', '2026-11-25T00:00:00.000+13:00', '2026-11-24T11:00:00.000Z'],
    [KIRITIMATI, '2026-11-24T00:00:00.000+14:00', '2026-11-25T00:00:00.000+14:00', '2026-11-24T10:00:00.000Z'],
    ['UTC', '2026-11-23T22:00:00.000Z', '2026-11-24T22:00:00.000Z', '2026-11-24T22:00:00.000Z'],
  ])('same UTC instant, zone %s', (zone, remindAt, dueAt, dueUtc) => {
    const sentAt = at('2026-11-20T22:00:00Z');
    const result = responseDeadlines(sentAt, 2, zone, NONE);
    expect(result.remindAt.toISO()).toBe(remindAt);
    expect(result.dueAt.toISO()).toBe(dueAt);
    expect(result.dueAt.toUTC().toISO()).toBe(dueUtc);
  });

  test.each<[string, string, string, string[], string, string, number]>([
    // name, zone, sentAt, holidays, remindAt, dueAt, real hours from sentAt to remindAt
    [
      'New York spring forward (Sun 2026-03-08)',
      NY,
      '2026-03-06T15:00:00-05:00',
      [],
      '2026-03-09T15:00:00.000-04:00',
      '2026-03-10T15:00:00.000-04:00',
      71,
    ],
    [
      'New York fall back (Sun 2026-11-01)',
      NY,
      '2026-10-30T15:00:00-04:00',
      [],
      '2026-11-02T15:00:00.000-05:00',
      '2026-11-03T15:00:00.000-05:00',
      73,
    ],
    [
      'New York weekend start across spring forward',
      NY,
      '2026-03-07T12:00:00-05:00',
      [],
      '2026-03-10T00:00:00.000-04:00',
      '2026-03-11T00:00:00.000-04:00',
      59,
    ],
    [
      'New York second 01:30 on fall-back Sunday',
      NY,
      '2026-11-01T01:30:00-05:00',
      [],
      '2026-11-03T00:00:00.000-05:00',
      '2026-11-04T00:00:00.000-05:00',
      46.5,
    ],
    [
      'Berlin spring forward (Sun 2026-03-29)',
      BERLIN,
      '2026-03-27T09:00:00+01:00',
      [],
      '2026-03-30T09:00:00.000+02:00',
      '2026-03-31T09:00:00.000+02:00',
      71,
    ],
    [
      'Berlin fall back (Sun 2026-10-25)',
      BERLIN,
      '2026-10-23T17:45:00+02:00',
      [],
      '2026-10-26T17:45:00.000+01:00',
      '2026-10-27T17:45:00.000+01:00',
      73,
    ],
    [
      'Sydney DST ends over Easter (Good Friday, Easter Monday)',
      SYDNEY,
      '2026-04-02T14:00:00+11:00',
      ['2026-04-03', '2026-04-06'],
      '2026-04-07T14:00:00.000+10:00',
      '2026-04-08T14:00:00.000+10:00',
      121,
    ],
    [
      'Sydney DST ends, no holidays',
      SYDNEY,
      '2026-04-02T14:00:00+11:00',
      [],
      '2026-04-03T14:00:00.000+11:00',
      '2026-04-06T14:00:00.000+10:00',
      24,
    ],
    [
      'Sydney DST starts, Labour Day Monday',
      SYDNEY,
      '2026-10-02T10:00:00+10:00',
      ['2026-10-05'],
      '2026-10-06T10:00:00.000+11:00',
      '2026-10-07T10:00:00.000+11:00',
      95,
    ],
  ])('%s', (_name, zone, sentAt, holidays, remindAt, dueAt, remindHours) => {
    const result = responseDeadlines(at(sentAt), 2, zone, holidaySet(holidays));
    expect(result.remindAt.toISO()).toBe(remindAt);
    expect(result.dueAt.toISO()).toBe(dueAt);
    expect(result.remindAt.diff(at(sentAt), 'hours').hours).toBe(remindHours);
  });

  test('rejects a negative or non-finite window', () => {
    const sentAt = at('2026-11-16T10:00:00-05:00');
    for (const bad of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => responseDeadlines(sentAt, bad, NY, NONE), String(bad)).toThrow(RangeError);
    }
  });
});

describe('addWorkDays', () => {
  test.each<[string, string, string, number, string]>([
    ['fraction across a Berlin fall-back weekend', BERLIN, '2026-10-23T18:00:00+02:00', 0.5, '2026-10-26T06:00:00.000+01:00'],
    ['quarter day', 'UTC', '2026-11-16T22:00:00Z', 0.25, '2026-11-17T04:00:00.000Z'],
    [
      'ending exactly at midnight moves to the next work day (Mon is a holiday)',
      'UTC',
      '2026-11-20T12:00:00Z',
      0.5,
      '2026-11-24T00:00:00.000Z',
    ],
    ['Sunday start with Monday holiday begins Tuesday', 'UTC', '2026-11-22T08:00:00Z', 1, '2026-11-25T00:00:00.000Z'],
    // Israel springs forward on Friday 2026-03-27 at 02:00: 02:30 does not exist that day and
    // is normalised forward to 03:30.
    [
      'wall time in a weekday spring-forward gap',
      'Asia/Jerusalem',
      '2026-03-26T02:30:00+02:00',
      1,
      '2026-03-27T03:30:00.000+03:00',
    ],
    // Cairo's Friday 2026-04-24 starts at 01:00 (midnight is skipped).
    ['midnight gap on a work day', 'Africa/Cairo', '2026-04-23T00:00:00+02:00', 1, '2026-04-24T01:00:00.000+03:00'],
    // Cairo falls back at the end of Thursday 2026-10-29, so 23:30 occurs twice; take the first.
    [
      'ambiguous wall time takes the first occurrence',
      'Africa/Cairo',
      '2026-10-28T23:30:00+03:00',
      1,
      '2026-10-29T23:30:00.000+03:00',
    ],
    [
      'zero from the second occurrence stays put',
      'Africa/Cairo',
      '2026-10-29T23:30:00+02:00',
      0,
      '2026-10-29T23:30:00.000+02:00',
    ],
    [
      'never earlier than a start inside the overlap',
      'Africa/Cairo',
      '2026-10-29T23:30:00+02:00',
      0.01,
      '2026-10-29T23:44:24.000+02:00',
    ],
  ])('%s', (_name, zone, start, workDays, expected) => {
    expect(addWorkDays(at(start), workDays, zone, holidaySet(['2026-11-23'])).toISO()).toBe(expected);
  });

  test('validates zone and start', () => {
    const start = at('2026-11-16T10:00:00-05:00');
    expect(() => addWorkDays(start, 1, 'Mars/Olympus_Mons', NONE)).toThrow(RangeError);
    expect(() => addWorkDays(start, 1, '', NONE)).toThrow(RangeError);
    expect(() => addWorkDays(DateTime.invalid('test'), 1, NY, NONE)).toThrow(RangeError);
  });
});

describe('workDaysBetween', () => {
  test.each<[string, string, string, string, string[], number]>([
    ['Thu 15:00 → Mon 15:00', NY, '2026-11-19T15:00:00-05:00', '2026-11-23T15:00:00-05:00', [], 2],
    ['weekend time does not count', NY, '2026-11-21T11:00:00-05:00', '2026-11-23T12:00:00-05:00', [], 0.5],
    ['weekend only', NY, '2026-11-21T11:00:00-05:00', '2026-11-22T20:00:00-05:00', [], 0],
    ['Fri 18:00 → Mon 06:00', NY, '2026-11-20T18:00:00-05:00', '2026-11-23T06:00:00-05:00', [], 0.5],
    ['over a Monday holiday', NY, '2026-11-20T16:00:00-05:00', '2026-11-25T16:00:00-05:00', ['2026-11-23'], 2],
    ['71 real hours across spring forward is one work day', NY, '2026-03-06T15:00:00-05:00', '2026-03-09T15:00:00-04:00', [], 1],
    ['end equal to start', NY, '2026-11-19T15:00:00-05:00', '2026-11-19T15:00:00-05:00', [], 0],
    ['end before start', NY, '2026-11-19T15:00:00-05:00', '2026-11-18T15:00:00-05:00', [], 0],
    [
      'several weeks with holidays',
      'UTC',
      '2026-11-02T00:00:00Z',
      '2026-12-07T00:00:00Z',
      ['2026-11-26', '2026-11-27', '2026-11-28'],
      23,
    ],
  ])('%s', (_name, zone, start, end, holidays, expected) => {
    expect(workDaysBetween(at(start), at(end), zone, holidaySet(holidays))).toBe(expected);
  });

  test('counts in the given zone, not the zone the instants carry', () => {
    // Friday 12:00 in Honolulu → Monday 12:00 there is one work day; in Tonga the start is
    // Saturday, so only Monday 00:00 → Tuesday 11:00 counts.
    const start = at('2026-11-20T22:00:00Z');
    const end = at('2026-11-23T22:00:00Z');
    expect(workDaysBetween(start, end, HONOLULU, NONE)).toBe(1);
    expect(workDaysBetween(start, end, TONGA, NONE)).toBe(35 / 24);
  });

  // Property: over a grid of starts (every 7 h, so every hour of the day and every weekday is
  // visited) workDaysBetween undoes addWorkDays, and deadlines never move backwards. These zones
  // only change clocks on Sundays, so no result lands in a gap.
  const zones = [NY, BERLIN, SYDNEY, HONOLULU, TONGA, KIRITIMATI, 'UTC'];
  const windows = [0, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10];
  const grid = [
    ['2026-03-01T00:00:00Z', '2026-04-12T00:00:00Z'],
    ['2026-09-28T00:00:00Z', '2026-11-08T00:00:00Z'],
  ];
  const holidays = holidaySet(['2026-03-09', '2026-04-03', '2026-04-06', '2026-10-05', '2026-10-26', '2026-10-27', '2026-11-01']);

  test.each(zones)('is the inverse of addWorkDays on a grid of starts in %s', (zone) => {
    let checked = 0;
    for (const [from, to] of grid) {
      const end = at(to as string);
      for (let start = at(from as string); start < end; start = start.plus({ hours: 7 })) {
        let previous = start;
        for (const window of windows) {
          const due = addWorkDays(start, window, zone, holidays);
          expect(due.toMillis()).toBeGreaterThanOrEqual(previous.toMillis());
          expect(workDaysBetween(start, due, zone, holidays)).toBe(window);
          previous = due;
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(2500);
  });

  test('a result pushed out of a spring-forward gap is one hour longer', () => {
    const start = at('2026-03-26T02:30:00+02:00');
    const due = addWorkDays(start, 1, 'Asia/Jerusalem', NONE);
    expect(workDaysBetween(start, due, 'Asia/Jerusalem', NONE)).toBe(25 / 24);
  });
});

describe('nextOccurrence', () => {
  test.each<[string, string, IsoWeekday, string, string, string]>([
    // name, after, weekday, localTime, zone, expected
    ['later this week', '2026-11-18T10:00:00-05:00', 5, '16:00', NY, '2026-11-20T16:00:00.000-05:00'],
    ['one minute before the slot', '2026-11-20T15:59:00-05:00', 5, '16:00', NY, '2026-11-20T16:00:00.000-05:00'],
    ['one millisecond before the slot', '2026-11-20T15:59:59.999-05:00', 5, '16:00', NY, '2026-11-20T16:00:00.000-05:00'],
    ['exactly at the slot → next week', '2026-11-20T16:00:00-05:00', 5, '16:00', NY, '2026-11-27T16:00:00.000-05:00'],
    ['just after the slot → next week', '2026-11-20T16:00:00.001-05:00', 5, '16:00', NY, '2026-11-27T16:00:00.000-05:00'],
    ['Monday slot seen from Sunday', '2026-11-22T23:00:00-05:00', 1, '09:00', NY, '2026-11-23T09:00:00.000-05:00'],
    ['midnight slot', '2026-11-22T23:00:00-05:00', 1, '00:00', NY, '2026-11-23T00:00:00.000-05:00'],
    ['weekly Monday 09:00 across spring forward', '2026-03-02T09:00:00-05:00', 1, '09:00', NY, '2026-03-09T09:00:00.000-04:00'],
    ['New York 02:30 in the spring-forward gap', '2026-03-06T17:00:00-05:00', 7, '02:30', NY, '2026-03-08T03:30:00.000-04:00'],
    [
      'New York 01:30 on fall-back day is the first one',
      '2026-10-30T12:00:00-04:00',
      7,
      '01:30',
      NY,
      '2026-11-01T01:30:00.000-04:00',
    ],
    [
      'at the first 01:30 → next week, not the repeat',
      '2026-11-01T01:30:00-04:00',
      7,
      '01:30',
      NY,
      '2026-11-08T01:30:00.000-05:00',
    ],
    ['Berlin 02:30 in the spring-forward gap', '2026-03-27T12:00:00+01:00', 7, '02:30', BERLIN, '2026-03-29T03:30:00.000+02:00'],
    [
      'Berlin 02:30 on fall-back day is the first one',
      '2026-10-23T12:00:00+02:00',
      7,
      '02:30',
      BERLIN,
      '2026-10-25T02:30:00.000+02:00',
    ],
    [
      'Sydney 02:30 when DST ends is the first one',
      '2026-04-03T12:00:00+11:00',
      7,
      '02:30',
      SYDNEY,
      '2026-04-05T02:30:00.000+11:00',
    ],
    [
      'Sydney 02:30 when DST starts is in the gap',
      '2026-10-02T12:00:00+10:00',
      7,
      '02:30',
      SYDNEY,
      '2026-10-04T03:30:00.000+11:00',
    ],
    // 2026-11-20T22:00Z: Friday noon in Honolulu, Saturday 11:00 in Tonga.
    ['Honolulu: Friday 09:00 already passed', '2026-11-20T22:00:00Z', 5, '09:00', HONOLULU, '2026-11-27T09:00:00.000-10:00'],
    ['Honolulu: Friday 15:00 still ahead', '2026-11-20T22:00:00Z', 5, '15:00', HONOLULU, '2026-11-20T15:00:00.000-10:00'],
    ['Tonga: Saturday 12:00 still ahead', '2026-11-20T22:00:00Z', 6, '12:00', TONGA, '2026-11-21T12:00:00.000+13:00'],
  ])('%s', (_name, after, weekday, localTime, zone, expected) => {
    const result = nextOccurrence(at(after), weekday, localTime, zone);
    expect(result.toISO()).toBe(expected);
    expect(result.zoneName).toBe(zone);
  });

  test.each(['9:00', '24:00', '12:60', '12:00:00', 'noon', ''])('rejects localTime %j', (localTime) => {
    expect(() => nextOccurrence(at('2026-11-18T10:00:00Z'), 1, localTime, NY)).toThrow(RangeError);
  });

  test.each([0, 8, 1.5])('rejects weekday %s', (weekday) => {
    expect(() => nextOccurrence(at('2026-11-18T10:00:00Z'), weekday as IsoWeekday, '09:00', NY)).toThrow(RangeError);
  });

  test('rejects an invalid zone', () => {
    expect(() => nextOccurrence(at('2026-11-18T10:00:00Z'), 1, '09:00', 'Not/AZone')).toThrow(RangeError);
  });
});

describe('occurrenceInWeek', () => {
  test.each<[string, string, IsoWeekday, string, string, string]>([
    ['Monday slot earlier in the week', '2026-11-18T10:00:00-05:00', 1, '09:00', NY, '2026-11-16T09:00:00.000-05:00'],
    ['Sunday slot later in the week', '2026-11-18T10:00:00-05:00', 7, '18:00', NY, '2026-11-22T18:00:00.000-05:00'],
    ['from late Sunday the week is still Mon 16th', '2026-11-22T23:00:00-05:00', 1, '09:00', NY, '2026-11-16T09:00:00.000-05:00'],
    ['from Monday 00:00 exactly', '2026-11-23T00:00:00-05:00', 5, '16:00', NY, '2026-11-27T16:00:00.000-05:00'],
    // 2026-11-22T22:00Z is Sunday in Honolulu but Monday 23rd in Tonga.
    ['Honolulu week of the 16th', '2026-11-22T22:00:00Z', 1, '09:00', HONOLULU, '2026-11-16T09:00:00.000-10:00'],
    ['Tonga week of the 23rd', '2026-11-22T22:00:00Z', 1, '09:00', TONGA, '2026-11-23T09:00:00.000+13:00'],
    ['slot in the spring-forward gap', '2026-03-04T12:00:00-05:00', 7, '02:30', NY, '2026-03-08T03:30:00.000-04:00'],
    ['slot in the fall-back overlap', '2026-10-28T12:00:00-04:00', 7, '01:30', NY, '2026-11-01T01:30:00.000-04:00'],
  ])('%s', (_name, instant, weekday, localTime, zone, expected) => {
    expect(occurrenceInWeek(at(instant), weekday, localTime, zone).toISO()).toBe(expected);
  });
});

describe('isoWeekKey', () => {
  test.each([
    ['2026-11-23T12:00:00Z', 'UTC', '2026-W48'],
    ['2026-01-01T12:00:00Z', 'UTC', '2026-W01'],
    ['2025-12-29T12:00:00Z', 'UTC', '2026-W01'],
    ['2025-12-28T12:00:00Z', 'UTC', '2025-W52'],
    ['2026-12-31T12:00:00Z', 'UTC', '2026-W53'],
    ['2027-01-01T12:00:00Z', 'UTC', '2026-W53'],
    ['2027-01-03T23:59:59Z', 'UTC', '2026-W53'],
    ['2027-01-04T00:00:00Z', 'UTC', '2027-W01'],
    ['2024-12-30T12:00:00Z', 'UTC', '2025-W01'],
    // The same instant falls in different weeks depending on the zone.
    ['2026-11-22T22:00:00Z', HONOLULU, '2026-W47'],
    ['2026-11-22T22:00:00Z', TONGA, '2026-W48'],
    ['2027-01-03T20:00:00Z', NY, '2026-W53'],
    ['2027-01-03T20:00:00Z', KIRITIMATI, '2027-W01'],
  ])('%s in %s → %s', (instant, zone, expected) => {
    expect(isoWeekKey(at(instant), zone)).toBe(expected);
  });
});

describe('startOfLocalDay / endOfLocalDay', () => {
  test.each([
    ['2026-11-20T22:00:00Z', HONOLULU, '2026-11-20T00:00:00.000-10:00', '2026-11-20T23:59:59.999-10:00'],
    ['2026-11-20T22:00:00Z', TONGA, '2026-11-21T00:00:00.000+13:00', '2026-11-21T23:59:59.999+13:00'],
    // A 23-hour day: midnight is still EST, the end is EDT.
    ['2026-03-08T12:00:00-04:00', NY, '2026-03-08T00:00:00.000-05:00', '2026-03-08T23:59:59.999-04:00'],
    // Cairo's Thursday 2026-10-29 ends inside the fall-back overlap: its last millisecond is the
    // second 23:59:59.999 (+02:00), and Friday 2026-04-24 starts at 01:00 because midnight is skipped.
    ['2026-10-29T12:00:00+03:00', 'Africa/Cairo', '2026-10-29T00:00:00.000+03:00', '2026-10-29T23:59:59.999+02:00'],
    ['2026-04-24T12:00:00+03:00', 'Africa/Cairo', '2026-04-24T01:00:00.000+03:00', '2026-04-24T23:59:59.999+03:00'],
  ])('%s in %s', (instant, zone, start, end) => {
    expect(startOfLocalDay(at(instant), zone).toISO()).toBe(start);
    expect(endOfLocalDay(at(instant), zone).toISO()).toBe(end);
  });
});

describe('program calendar', () => {
  // 2026-09-07 is a Monday; 12 weeks later is Monday 2026-11-30, after New York left DST.
  const START = '2026-09-07';

  test('programStart / programEnd are local midnights', () => {
    expect(programStart(START, NY).toISO()).toBe('2026-09-07T00:00:00.000-04:00');
    expect(programEnd(START, 12, NY).toISO()).toBe('2026-11-30T00:00:00.000-05:00');
    expect(programEnd(START, 1, TONGA).toISO()).toBe('2026-09-14T00:00:00.000+13:00');
  });

  test.each<[string, string, number | null]>([
    ['2026-09-07T03:59:59.999Z', NY, null],
    ['2026-09-07T04:00:00Z', NY, 1],
    ['2026-09-14T03:59:59.999Z', NY, 1],
    ['2026-09-14T04:00:00Z', NY, 2],
    ['2026-11-02T05:00:00Z', NY, 9],
    ['2026-11-30T04:59:59.999Z', NY, 12],
    ['2026-11-30T05:00:00Z', NY, null],
    ['2027-06-01T00:00:00Z', NY, null],
    // 2026-09-07T02:00Z is still Sunday evening in New York but Monday in UTC and Berlin.
    ['2026-09-07T02:00:00Z', NY, null],
    ['2026-09-07T02:00:00Z', 'UTC', 1],
    ['2026-09-07T02:00:00Z', BERLIN, 1],
  ])('%s in %s → week %s', (now, zone, expected) => {
    expect(programWeek(START, 12, at(now), zone)).toBe(expected);
  });

  test('validates arguments', () => {
    const now = at('2026-09-10T12:00:00Z');
    expect(() => programWeek('2026-02-30', 12, now, NY)).toThrow(RangeError);
    expect(() => programWeek('07/09/2026', 12, now, NY)).toThrow(RangeError);
    expect(() => programWeek(START, 0, now, NY)).toThrow(RangeError);
    expect(() => programWeek(START, 2.5, now, NY)).toThrow(RangeError);
    expect(() => programWeek(START, 12, now, 'Nowhere/Town')).toThrow(RangeError);
    expect(() => programEnd(START, -1, NY)).toThrow(RangeError);
  });
});
