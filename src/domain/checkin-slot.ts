import { DateTime } from 'luxon';
import { cadenceWeeks, isMeetingWeek, type CadenceRule } from './cadence.js';
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

/** A pair's agreed meeting, from their kick-off: weekday and time in the zone of whoever set it, and its length. */
export type MeetingSlot = { weekday: number; time: string; zone: string; minutes: number };

/** One meeting moved (to `newAt`) or cancelled, as the reschedule form recorded it. */
export type MeetingChange = { originalAt: Date; newAt: Date | null; cancelled: boolean };

export type PairCheckinSchedule = CheckinSchedule & {
  /** The kick-off's meeting; null before a kick-off (or when staff set the pair a check-in slot of its own). */
  meeting: MeetingSlot | null;
  /** Hours from the end of the meeting to its check-in. */
  afterHours: number;
  cadence: CadenceRule;
  /** The pair's moved and cancelled meetings around the week asked about, in the order they were recorded. */
  changes: readonly MeetingChange[];
};

export type PairCheckinSlot = CheckinSlot & {
  /** When the week's meeting was (or was moved to); null before a kick-off. */
  meetingAt: DateTime | null;
  /** The week's meeting was cancelled: the check-in asks whether they found another time. */
  cancelled: boolean;
};

/**
 * A pair's check-in for the week that contains `weekOf`. Once their kick-off agreed a meeting, it is
 * asked `afterHours` after that meeting ends (in the meeting's zone, so a daylight-saving change keeps it
 * at the same local time); a meeting moved that week moves its check-in with it, a cancelled one is
 * still asked about at the usual time. Before a kick-off the program's slot applies. Weeks the program's
 * cadence skips have none; a check-in stays open until the next could be asked.
 */
export function pairCheckinSlotForWeek(weekOf: DateTime, s: PairCheckinSchedule): PairCheckinSlot | null {
  const every = cadenceWeeks(s.cadence);
  const zone = s.meeting?.zone ?? s.zone;
  const weekKey = isoWeekKey(weekOf, zone);
  const monday = weekOf.setZone(zone).startOf('week').toISODate() ?? '';
  if (!isMeetingWeek({ ...s.cadence, programStartDate: s.programStartDate }, monday)) return null;
  if (!s.meeting) {
    const fixed = checkinSlotForWeek(weekOf, s);
    return fixed && { ...fixed, closesAt: fixed.promptAt.plus({ weeks: every }), meetingAt: null, cancelled: false };
  }
  const m = s.meeting;
  const agreed = occurrenceInWeek(weekOf, m.weekday as IsoWeekday, m.time, zone);
  const change = s.changes.filter((c) => isoWeekKey(DateTime.fromJSDate(c.originalAt), zone) === weekKey).at(-1);
  const meetingAt = change && !change.cancelled && change.newAt ? DateTime.fromJSDate(change.newAt).setZone(zone) : agreed;
  let promptAt = meetingAt.plus({ minutes: m.minutes, hours: s.afterHours });
  // A holiday moves the question (not the meeting) to the next day that is not one; a moved meeting is asked about as moved.
  for (let days = 0; !change && s.holidays.has(promptAt.setZone(zone).toISODate() ?? ''); days++) {
    if (days >= 7) return null;
    promptAt = promptAt.setZone(zone).plus({ days: 1 });
  }
  const start = programStart(s.programStartDate, s.zone);
  const end = programEnd(s.programStartDate, s.programLengthWeeks, s.zone);
  if (agreed < start || agreed >= end) return null;
  return { weekKey, promptAt, closesAt: promptAt.plus({ weeks: every }), meetingAt, cancelled: change?.cancelled ?? false };
}

/**
 * The pair's check-in that is due at `now`: this week's once its time has come, or last week's when its
 * meeting ran late enough for the question to fall into this week.
 */
export function dueCheckinSlot(now: DateTime, s: PairCheckinSchedule): PairCheckinSlot | null {
  const zone = s.meeting?.zone ?? s.zone;
  const thisWeek = pairCheckinSlotForWeek(now, s);
  if (thisWeek && thisWeek.promptAt <= now) return thisWeek;
  const lastWeek = s.meeting ? pairCheckinSlotForWeek(now.minus({ weeks: 1 }), s) : null;
  if (lastWeek && lastWeek.promptAt <= now && isoWeekKey(lastWeek.promptAt, zone) === isoWeekKey(now, zone)) return lastWeek;
  return null;
}
