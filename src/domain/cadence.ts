import type { Cadence } from './vocabulary.js';
import { weeksBetweenMondays } from './work-days.js';

export type CadenceRule = { cadence: Cadence; sessionTarget: number | null; lengthWeeks: number };

/**
 * How many weeks apart a program's pairs meet (and are asked about it): every week, every other week,
 * or, for a number of sessions over the program, the program's weeks spread evenly over its sessions
 * (8 weeks, 2 sessions: every 4 weeks).
 */
export function cadenceWeeks(r: CadenceRule): number {
  if (r.cadence === 'every_two_weeks') return 2;
  if (r.cadence === 'sessions' && r.sessionTarget) return Math.max(1, Math.floor(r.lengthWeeks / r.sessionTarget));
  return 1;
}

/** The program week (0 = the week it starts) of a date, counted from Monday to Monday. */
export function programWeekIndex(programStartDate: string, date: string): number {
  // Plain day arithmetic: the planner asks this for every schedule of a pass.
  return weeksBetweenMondays(programStartDate, date);
}

/** Whether pairs meet (and are checked in with) in the week of `date` ('YYYY-MM-DD'). */
export function isMeetingWeek(r: CadenceRule & { programStartDate: string }, date: string): boolean {
  const index = programWeekIndex(r.programStartDate, date);
  return index >= 0 && index % cadenceWeeks(r) === 0;
}

/**
 * Sessions a pair should have had after `weeksDone` whole weeks of the program, to be on course for
 * its target: the target spread evenly over the program's weeks, rounded down.
 */
export function sessionsExpected(target: number, lengthWeeks: number, weeksDone: number): number {
  return Math.floor((target * Math.min(Math.max(weeksDone, 0), lengthWeeks)) / lengthWeeks);
}

/** How often pairs are asked, as the pair reads it: "Each week", "Every other week", "Every 4 weeks". */
export function cadenceOften(r: CadenceRule): string {
  const weeks = cadenceWeeks(r);
  return weeks === 1 ? 'Each week' : weeks === 2 ? 'Every other week' : `Every ${weeks} weeks`;
}
