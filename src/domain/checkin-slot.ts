import { DateTime } from 'luxon';
import { isoWeekKey, occurrenceInWeek, programEnd, programStart, type Holidays, type IsoWeekday } from './work-days.js';

export type CheckinSchedule = {
  weekday: number;
  time: string;
  zone: string;
  holidays: Holidays;
  programStartDate: string;
  programLengthWeeks: number;
};

export type CheckinSlot = { weekKey: string; promptAt: DateTime; closesAt: DateTime };

/**
 * This week's check-in for a pair, as seen at `now` (in the schedule's zone): the ISO week it
 * belongs to, when it is asked, and when answers stop being accepted (one week after it was asked).
 * A slot on a holiday moves to the next non-holiday day of the same week at the same time; a week
 * whose remaining days are all holidays, or that falls outside the program, has no check-in.
 */
export function checkinSlotForWeek(now: DateTime, s: CheckinSchedule): CheckinSlot | null {
  const weekKey = isoWeekKey(now, s.zone);
  let promptAt = occurrenceInWeek(now, s.weekday as IsoWeekday, s.time, s.zone);
  while (s.holidays.has(promptAt.setZone(s.zone).toISODate() ?? '')) {
    promptAt = promptAt.setZone(s.zone).plus({ days: 1 });
    if (isoWeekKey(promptAt, s.zone) !== weekKey) return null;
  }
  const start = programStart(s.programStartDate, s.zone);
  const end = programEnd(s.programStartDate, s.programLengthWeeks, s.zone);
  if (promptAt < start || promptAt >= end) return null;
  return { weekKey, promptAt, closesAt: promptAt.plus({ weeks: 1 }) };
}

/** The ISO week key of the week before `weekKey`, e.g. 2027-W01 -> 2026-W53. */
export function previousWeekKey(weekKey: string): string {
  const d = DateTime.fromISO(`${weekKey}-1`, { zone: 'UTC' }).minus({ weeks: 1 });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}
