import { describe, expect, test } from 'vitest';
import { isOccurrence, meetingSeries, type MeetingSlot, type SeriesProgram } from '../../src/domain/meeting-series.js';

// Worked out from the calendar: 2027-03-01 is a Monday; the EU's clocks go forward on Sunday 2027-03-28
// (Berlin 18:00 is 17:00Z before, 16:00Z after). A 6-week program from 2027-03-01 (Berlin) ends at
// local midnight starting 2027-04-12, 2027-04-11T22:00Z.
const slot: MeetingSlot = { weekday: 3, time: '18:00', zone: 'Europe/Berlin', minutes: 45 };
const program = (extra: Partial<SeriesProgram> = {}): SeriesProgram => ({
  programStartDate: '2027-03-01',
  programZone: 'Europe/Berlin',
  lengthWeeks: 6,
  cadence: 'weekly',
  sessionTarget: null,
  ...extra,
});
const iso = (d: { toUTC(): { toISO(): string | null } } | undefined) => d?.toUTC().toISO();

describe('meetingSeries', () => {
  test('weekly from the next slot after the kick-off, until the end of the program’s last week', () => {
    const s = meetingSeries(slot, program(), new Date('2027-03-03T17:00:00Z'));
    expect(iso(s?.first)).toBe('2027-03-10T17:00:00.000Z');
    expect(s?.intervalWeeks).toBe(1);
    expect(iso(s?.until)).toBe('2027-04-11T21:59:59.000Z');
  });

  test('a kick-off before the program starts begins with the program’s first week', () => {
    const s = meetingSeries(slot, program(), new Date('2027-02-10T12:00:00Z'));
    expect(iso(s?.first)).toBe('2027-03-03T17:00:00.000Z');
  });

  test('every two weeks: the first meeting falls in a meeting week of the program, and the interval is 2', () => {
    // From Tuesday of week 1 (index 1, not a meeting week): the next is week index 2, Wednesday 17 March.
    const s = meetingSeries(slot, program({ cadence: 'every_two_weeks' }), new Date('2027-03-09T12:00:00Z'));
    expect(iso(s?.first)).toBe('2027-03-17T17:00:00.000Z');
    expect(s?.intervalWeeks).toBe(2);
  });

  test('a number of sessions spreads them over the program: 6 weeks, 2 sessions is every 3 weeks', () => {
    const s = meetingSeries(slot, program({ cadence: 'sessions', sessionTarget: 2 }), new Date('2027-02-01T12:00:00Z'));
    expect(s?.intervalWeeks).toBe(3);
    expect(iso(s?.first)).toBe('2027-03-03T17:00:00.000Z');
  });

  test('no meeting left once the program’s last slot has passed', () => {
    expect(meetingSeries(slot, program(), new Date('2027-04-07T17:00:00Z'))).toBeNull();
    expect(iso(meetingSeries(slot, program(), new Date('2027-04-07T15:59:00Z'))?.first)).toBe('2027-04-07T16:00:00.000Z');
  });

  test('isOccurrence: the series’ own starts (across the DST change), not other times', () => {
    const s = meetingSeries(slot, program(), new Date('2027-03-01T00:00:00Z'));
    if (!s) throw new Error('no series');
    expect(isOccurrence(s, new Date('2027-03-03T17:00:00Z'))).toBe(true);
    expect(isOccurrence(s, new Date('2027-03-31T16:00:00Z'))).toBe(true);
    expect(isOccurrence(s, new Date('2027-03-31T17:00:00Z'))).toBe(false);
    expect(isOccurrence(s, new Date('2027-03-04T17:00:00Z'))).toBe(false);
    expect(isOccurrence(s, new Date('2027-04-14T16:00:00Z'))).toBe(false);
    const biweekly = meetingSeries(slot, program({ cadence: 'every_two_weeks' }), new Date('2027-03-01T00:00:00Z'));
    if (!biweekly) throw new Error('no series');
    expect(isOccurrence(biweekly, new Date('2027-03-17T17:00:00Z'))).toBe(true);
    expect(isOccurrence(biweekly, new Date('2027-03-10T17:00:00Z'))).toBe(false);
  });
});
