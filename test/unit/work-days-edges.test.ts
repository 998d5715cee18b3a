/** Edges of src/domain/work-days.ts the main suite does not pin: validation, calendar corners, sub-second time. */
import { DateTime } from 'luxon';
import { describe, expect, test } from 'vitest';
import { addWorkDays, holidaySet, nextOccurrence, workDaysBetween } from '../../src/domain/work-days.js';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' });
const none = holidaySet([]);

describe('validation', () => {
  test('an invalid, empty or non-string zone is a RangeError', () => {
    for (const zone of ['Not/AZone', '', 42 as never]) {
      expect(() => addWorkDays(utc('2027-01-18T10:00'), 1, zone, none)).toThrow(RangeError);
      expect(() => workDaysBetween(utc('2027-01-18T10:00'), utc('2027-01-19T10:00'), zone, none)).toThrow(RangeError);
    }
  });
  test('negative, infinite or non-number work days are a RangeError', () => {
    for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1' as never])
      expect(() => addWorkDays(utc('2027-01-18T10:00'), n, 'UTC', none)).toThrow(RangeError);
    expect(addWorkDays(utc('2027-01-18T10:00'), 0, 'UTC', none).toISO()).toBe('2027-01-18T10:00:00.000Z');
  });
  test('impossible calendar dates are refused as holidays; real ones, leap days by the Gregorian rules, accepted', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '1900-02-29', '2100-02-29', '2027-02-29'])
      expect(() => holidaySet([bad]), bad).toThrow(RangeError);
    for (const good of [
      '2000-02-29',
      '2400-02-29',
      '2024-02-29',
      '2027-03-01',
      '2027-02-28',
      '2000-03-01',
      '2000-12-31',
      '2001-01-01',
      '1600-02-29',
      '2099-12-31',
      '2100-03-01',
    ]) {
      expect(() => holidaySet([good]), good).not.toThrow();
    }
  });
  test('a holiday on a date around an era boundary is recognised as that day', () => {
    // Friday 2000-03-03 a holiday: Thursday to Monday is one work day (Thursday).
    expect(workDaysBetween(utc('2000-03-02T00:00'), utc('2000-03-06T00:00'), 'UTC', holidaySet(['2000-03-03']))).toBe(1);
    expect(workDaysBetween(utc('2000-02-28T00:00'), utc('2000-03-01T00:00'), 'UTC', holidaySet(['2000-02-29']))).toBe(1);
  });
});

describe('workDaysBetween', () => {
  test('counts seconds and milliseconds of the wall clock', () => {
    expect(workDaysBetween(utc('2027-01-18T10:00:00.000'), utc('2027-01-18T10:00:00.500'), 'UTC', none)).toBe(500 / 86_400_000);
    expect(workDaysBetween(utc('2027-01-18T10:00:00'), utc('2027-01-18T10:00:30'), 'UTC', none)).toBe(30_000 / 86_400_000);
    expect(workDaysBetween(utc('2027-01-18T10:00:30'), utc('2027-01-18T10:01:00'), 'UTC', none)).toBe(30_000 / 86_400_000);
  });
  test('an end before the start is 0 even when its wall time is later', () => {
    expect(workDaysBetween(utc('2027-01-19T09:00'), utc('2027-01-18T10:00'), 'UTC', none)).toBe(0);
  });
  test('only holidays inside the range and on weekdays are taken off', () => {
    // Monday 2027-01-18 to Monday 2027-01-25: 5 work days; a Saturday holiday and holidays outside change nothing.
    const holidays = new Set(['2027-01-23', '2027-01-11', '2027-02-01', 'not-a-date']);
    expect(workDaysBetween(utc('2027-01-18T00:00'), utc('2027-01-25T00:00'), 'UTC', holidays)).toBe(5);
    expect(workDaysBetween(utc('2027-01-18T00:00'), utc('2027-01-25T00:00'), 'UTC', holidaySet(['2027-01-20']))).toBe(4);
  });
});

describe('nextOccurrence', () => {
  test('the next weekday slot strictly after the instant', () => {
    expect(nextOccurrence(utc('2027-01-18T10:00'), 1, '10:00', 'UTC').toISO()).toBe('2027-01-25T10:00:00.000Z');
    expect(nextOccurrence(utc('2027-01-18T09:59:59.999'), 1, '10:00', 'UTC').toISO()).toBe('2027-01-18T10:00:00.000Z');
  });
});
