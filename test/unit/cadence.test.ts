import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isMeetingWeek, programWeekIndex } from '../../src/domain/cadence.js';

/** The week index as calendar weeks between the two Mondays, computed by luxon (the rule's first form). */
const byLuxon = (start: string, date: string) => {
  const monday = (d: string) => DateTime.fromISO(d, { zone: 'UTC' }).startOf('week');
  return Math.round(monday(date).diff(monday(start), 'weeks').weeks);
};

describe('program weeks', () => {
  it('count Monday to Monday, the week of the start being 0, as luxon counts them over 20,000 random dates', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const day = (n: number) => DateTime.fromMillis(Date.UTC(2024, 0, 1) + n * 86_400_000, { zone: 'UTC' }).toISODate() ?? '';
    for (let i = 0; i < 20_000; i++) {
      const start = day(Math.floor(random() * 1500));
      const date = day(Math.floor(random() * 1500));
      expect(programWeekIndex(start, date), `${start} -> ${date}`).toBe(byLuxon(start, date));
    }
  });

  it('start on the Monday of the start date: a Sunday is still week 0, the Monday after is week 1, the Sunday before is -1', () => {
    expect(programWeekIndex('2027-03-03', '2027-03-07')).toBe(0);
    expect(programWeekIndex('2027-03-03', '2027-03-08')).toBe(1);
    expect(programWeekIndex('2027-03-03', '2027-02-28')).toBe(-1);
    // Across a year with 53 ISO weeks.
    expect(programWeekIndex('2026-12-28', '2027-01-04')).toBe(1);
  });

  it('are no week at all for a date that is not one, so no check-in is asked', () => {
    expect(programWeekIndex('2027-02-30', '2027-03-08')).toBeNaN();
    const rule = { cadence: 'weekly' as const, sessionTarget: null, lengthWeeks: 8, programStartDate: 'soon' };
    expect(isMeetingWeek(rule, '2027-03-08')).toBe(false);
    expect(isMeetingWeek({ ...rule, programStartDate: '2027-03-01' }, '2027-03-08')).toBe(true);
    expect(isMeetingWeek({ ...rule, cadence: 'every_two_weeks', programStartDate: '2027-03-01' }, '2027-03-08')).toBe(false);
  });
});
