import { DateTime } from 'luxon';
import { isMeetingWeek, type CadenceRule } from './cadence.js';
import type { Cadence } from './vocabulary.js';
import { holidaySet, nextOccurrence, programEnd, programStart, type Holidays, type IsoWeekday } from './work-days.js';

/** The weekly slot a pair's kick-off agreed, in the zone of the person who answered it. */
export type MeetingSlot = { weekday: IsoWeekday; time: string; zone: string };

/** A moved (newAt) or cancelled meeting, as recorded by a reschedule. */
export type MeetingChange = { originalAt: Date; newAt: Date | null; cancelled: boolean };

export type Meeting = { at: Date; moved: boolean };

/** The program a pair meets in: its weeks, cadence and holidays decide which slot occurrences are meetings. */
export type MeetingProgram = CadenceRule & { programStartDate: string; zone: string; holidays: Holidays };

/** A program row's settings as the meeting rules read them. */
export function meetingProgram(p: {
  cadence: Cadence;
  session_target: number | null;
  length_weeks: number;
  start_date: string;
  time_zone: string;
  holidays: readonly string[];
}): MeetingProgram {
  return {
    cadence: p.cadence,
    sessionTarget: p.session_target,
    lengthWeeks: p.length_weeks,
    programStartDate: p.start_date,
    zone: p.time_zone,
    holidays: holidaySet(p.holidays),
  };
}

/** The form's times are minutes; a change names a meeting when it is within the same minute. */
const sameMinute = (a: number, b: number) => Math.abs(a - b) < 60_000;

/**
 * Whether an occurrence of the pair's weekly slot is a meeting: inside the program's weeks (in the
 * program's zone), in one of the weeks its cadence meets in, and not on one of its holidays (the week
 * and the day are read in the slot's own zone: "Wednesday 18:30 in Berlin" is a Berlin Wednesday).
 * A holiday is a day off for the whole program, so the regular meeting is taken as not happening; a
 * meeting a pair moves onto a holiday is their choice and still counts (see meetingsBetween).
 */
export function isRegularMeeting(program: MeetingProgram, occurrence: DateTime, slotZone: string): boolean {
  const start = programStart(program.programStartDate, program.zone);
  const end = programEnd(program.programStartDate, program.lengthWeeks, program.zone);
  if (occurrence < start || occurrence >= end) return false;
  const day = occurrence.setZone(slotZone).toISODate() as string;
  return isMeetingWeek(program, day) && !program.holidays.has(day);
}

/**
 * The pair's meetings that start in (from, to], oldest first: each occurrence of the weekly slot that
 * `regular` accepts, then every recorded change in the order it was made. A change takes away the
 * meeting it names (if there is one at that minute) and, unless it cancels, adds the meeting at its new
 * time. A moved meeting can be moved again: the form offers the moved time as the one to change, so the
 * second change names the first one's new time. A move whose original matches no meeting still adds
 * its new time: the pair agreed to meet then.
 *
 * `changes` must hold every change whose original or new time lies in (from, to], in the order made.
 */
export function meetingsBetween(
  slot: MeetingSlot,
  changes: readonly MeetingChange[],
  from: DateTime,
  to: DateTime,
  regular: (occurrence: DateTime) => boolean = () => true,
): Meeting[] {
  const meetings: Meeting[] = [];
  for (
    let at = nextOccurrence(from, slot.weekday, slot.time, slot.zone);
    at <= to;
    at = nextOccurrence(at, slot.weekday, slot.time, slot.zone)
  )
    if (regular(at)) meetings.push({ at: at.toJSDate(), moved: false });
  for (const c of changes) {
    const i = meetings.findIndex((m) => sameMinute(m.at.getTime(), c.originalAt.getTime()));
    if (i !== -1) meetings.splice(i, 1);
    if (!c.cancelled && c.newAt) meetings.push({ at: c.newAt, moved: true });
  }
  return meetings
    .filter((m) => m.at.getTime() > from.toMillis() && m.at.getTime() <= to.toMillis())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The local time people are reminded of tomorrow's meeting. */
export const reminderTimeOfDay = { hour: 9, minute: 0 };

/**
 * When a person is reminded of a meeting: from 09:00 on the day before the meeting's date, both read
 * in the person's own zone, until that day ends. "The day before" is theirs: a meeting on Thursday
 * 01:00 in Kolkata (Wednesday 21:30 in Berlin) is reminded on Wednesday 09:00 in Kolkata and on
 * Tuesday 09:00 in Berlin. Past the day before (a pass after downtime, a meeting moved to a day that
 * is already "tomorrow"'s today) there is no reminder: the message is about tomorrow.
 */
export function reminderWindow(meetingAt: Date, zone: string): { from: DateTime; until: DateTime; meetingDate: string } {
  const day = DateTime.fromJSDate(meetingAt, { zone }).startOf('day');
  return {
    from: day.minus({ days: 1 }).set(reminderTimeOfDay),
    until: day,
    meetingDate: day.toISODate() as string,
  };
}

/** Whether `now` is within the person's reminder window for a meeting (and the meeting is still ahead). */
export function isReminderDue(meetingAt: Date, zone: string, now: Date): boolean {
  const w = reminderWindow(meetingAt, zone);
  const t = now.getTime();
  return t >= w.from.toMillis() && t < w.until.toMillis() && t < meetingAt.getTime();
}
