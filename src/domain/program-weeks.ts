import { DateTime } from 'luxon';
import { isoWeekKey, programEnd, programStart } from './work-days.js';

/** One pair in one program week. */
export type PairWeek = {
  pairingId: number;
  mentorId: string;
  menteeId: string;
  /** Check-ins asked that week (0 or 1). */
  checkins: number;
  /** Answers given to them (up to two per check-in, one from each side). */
  answers: number;
  /** Either of them answered "met", the mentor's standup said they met, or the mentor logged a session. */
  met: boolean;
  /** Someone answered "not yet". */
  saidNotYet: boolean;
  /** Mentor minutes by the hours rules (session logs, else the standup's hours). */
  minutes: number;
};

/** A program week in numbers: what the Monday digest says, and what its chart and the program summary show. */
export type ProgramWeek = {
  /** ISO week key in the program's zone, e.g. '2027-W02'. */
  weekKey: string;
  /** The week's Monday, 'YYYY-MM-DD'. */
  monday: string;
  /** Pairs of the program during the week (paused ones too), by pairing id. */
  pairs: PairWeek[];
  checkins: number;
  answers: number;
  /** answerRate(answers, checkins): whole percent, null when no check-in was asked. */
  answerRate: number | null;
  pairsMet: number;
  /** Alerts whose problem began before the week's end (their `since`) and were not resolved by then. */
  openAlerts: number;
  minutes: number;
};

/** What the calendar of a program is made of (a program row has these). */
export type ProgramCalendar = { start_date: string; length_weeks: number; time_zone: string };

export const mondayOf = (weekKey: string) => DateTime.fromISO(`${weekKey}-1`, { zone: 'UTC' }).toISODate() as string;
/** The ISO week `weeks` after (or before) this one. */
const shiftWeek = (weekKey: string, weeks: number) =>
  isoWeekKey(DateTime.fromISO(`${weekKey}-1`, { zone: 'UTC' }).plus({ weeks }), 'UTC');

/** The ISO weeks the program runs in, first to last (a program starting mid-week counts that week). */
export function programWeekKeys(program: ProgramCalendar): string[] {
  const zone = program.time_zone;
  const first = isoWeekKey(programStart(program.start_date, zone), zone);
  const last = isoWeekKey(programEnd(program.start_date, program.length_weeks, zone).minus({ milliseconds: 1 }), zone);
  const keys = [first];
  while ((keys.at(-1) as string) < last) keys.push(shiftWeek(keys.at(-1) as string, 1));
  return keys;
}

/** Up to `count` consecutive weeks ending with `lastWeek`, none before the program's first week. */
export function weeksEndingAt(program: ProgramCalendar, lastWeek: string, count: number): string[] {
  const first = programWeekKeys(program)[0] as string;
  const keys = [lastWeek];
  while (keys.length < count) {
    const key = shiftWeek(keys[0] as string, -1);
    if (key < first) break;
    keys.unshift(key);
  }
  return keys;
}
