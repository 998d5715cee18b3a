import { DateTime } from 'luxon';
import { cadenceWeeks, isMeetingWeek, type CadenceRule } from './cadence.js';
import { nextOccurrence, programEnd, programStart, type IsoWeekday } from './work-days.js';

/** What a kick-off agrees: a weekly wall-clock slot in the zone of the person who set it, and its length. */
export type MeetingSlot = { weekday: IsoWeekday; time: string; zone: string; minutes: number };

export type SeriesProgram = CadenceRule & { programStartDate: string; programZone: string };

/** The pair's meetings as one recurring series: the first one, how many weeks apart, and the last instant it may start. */
export type MeetingSeries = { slot: MeetingSlot; first: DateTime; intervalWeeks: number; until: DateTime };

/**
 * The series from `from` on: the first slot after it (and not before the program starts) that falls in a
 * meeting week of the program's cadence, repeating every cadence weeks until the end of the program's last
 * week. Null when no meeting is left.
 */
export function meetingSeries(slot: MeetingSlot, program: SeriesProgram, from: Date): MeetingSeries | null {
  const start = programStart(program.programStartDate, program.programZone);
  const after = DateTime.fromMillis(Math.max(from.getTime(), start.toMillis() - 1));
  const until = programEnd(program.programStartDate, program.lengthWeeks, program.programZone).minus({ seconds: 1 });
  let first = nextOccurrence(after, slot.weekday, slot.time, slot.zone);
  while (first <= until && !isMeetingWeek(program, first.toISODate() as string))
    first = nextOccurrence(first, slot.weekday, slot.time, slot.zone);
  if (first > until) return null;
  return { slot, first, intervalWeeks: cadenceWeeks(program), until: until.toUTC() };
}

/** Whether `at` is the start of one of the series' meetings. */
export function isOccurrence(series: MeetingSeries, at: Date): boolean {
  let slot = series.first;
  while (slot <= series.until && slot.toMillis() <= at.getTime()) {
    if (slot.toMillis() === at.getTime()) return true;
    for (let i = 0; i < series.intervalWeeks; i++)
      slot = nextOccurrence(slot, series.slot.weekday, series.slot.time, series.slot.zone);
  }
  return false;
}
