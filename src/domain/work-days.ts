/**
 * Pure calendar and time rules used by the scheduler.
 *
 * Nothing here reads the clock or does I/O: every function receives the instants and the
 * IANA zone it reasons about, so the scheduler (and the tests) can replay any moment.
 *
 * Work-day model. Each work day (Monday–Friday, not a holiday, judged on the local calendar
 * date in the person's zone) is a 24-hour block starting at local midnight, and the position
 * inside a day is read from the local wall clock. Weekends and holidays contribute nothing.
 * Measuring by wall clock rather than by real elapsed milliseconds is what makes "one work
 * day later" land on the same local time even across a DST change (23 or 25 real hours); the
 * price is that on the rare zones that shift clocks on a weekday (e.g. Asia/Jerusalem,
 * Africa/Cairo) that one day holds 23 or 25 real hours of work-day time.
 */
import { DateTime, IANAZone } from 'luxon';
// Zone offsets are remembered per instant for every DateTime in the process (luxon recomputes them through Intl).
import './zone-offsets.js';

export type Holidays = ReadonlySet<string>;

/** Luxon's ISO weekday numbering: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface ResponseDeadlines {
  remindAt: DateTime;
  dueAt: DateTime;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

// Calendar dates are handled as whole days since 1970-01-01 so that date arithmetic never
// goes through a zone (and therefore never trips over DST); only the final wall-clock →
// instant step is zone-aware.
type EpochDay = number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

// ---------------------------------------------------------------------------------------------
// Validation. Callers validate user input with zod first, so anything caught here is a bug in
// the caller; RangeError makes that distinguishable from operational failures.

function assertZone(zone: string): void {
  // IANAZone.create is memoised by luxon, whereas isValidZone builds a new Intl formatter on
  // every call and dominated the cost of the scheduler's per-pair calculations.
  if (typeof zone !== 'string' || zone === '' || !IANAZone.create(zone).isValid) {
    throw new RangeError(`Invalid IANA time zone: ${String(zone)}`);
  }
}

function assertInstant(value: DateTime, name: string): void {
  if (!DateTime.isDateTime(value) || !value.isValid) {
    const reason = DateTime.isDateTime(value) ? value.invalidReason : 'not a luxon DateTime';
    throw new RangeError(`Invalid ${name}: ${String(reason)}`);
  }
}

function assertWorkDays(workDays: number, name: string): void {
  if (typeof workDays !== 'number' || !Number.isFinite(workDays) || workDays < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(workDays)}`);
  }
}

function assertWeekday(weekday: number): asserts weekday is IsoWeekday {
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
    throw new RangeError(`weekday must be an integer 1 (Mon) … 7 (Sun), got ${String(weekday)}`);
  }
}

function parseLocalTime(localTime: string): number {
  const match = typeof localTime === 'string' ? LOCAL_TIME.exec(localTime) : null;
  if (!match) throw new RangeError(`localTime must be 'HH:mm' (00:00–23:59), got ${String(localTime)}`);
  return (Number(match[1]) * 60 + Number(match[2])) * MINUTE_MS;
}

/** Returns undefined rather than throwing so holiday sets built by hand can be scanned leniently. */
function tryParseIsoDate(date: string): EpochDay | undefined {
  const match = ISO_DATE.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const epochDay = daysFromCivil(year, month, day);
  // Round-tripping rejects impossible dates such as 2026-02-30 instead of rolling them over.
  const back = civilFromDays(epochDay);
  if (back.year !== year || back.month !== month || back.day !== day) return undefined;
  return epochDay;
}

function parseIsoDate(date: string, name: string): EpochDay {
  const day = typeof date === 'string' ? tryParseIsoDate(date) : undefined;
  if (day === undefined) throw new RangeError(`${name} must be a real 'YYYY-MM-DD' date, got ${String(date)}`);
  return day;
}

// ---------------------------------------------------------------------------------------------
// Calendar helpers.

// Proleptic Gregorian conversions (H. Hinnant's days_from_civil / civil_from_days). Plain
// integer maths because they run for every calendar day a window spans, and a luxon
// DateTime per day costs far more than the rest of the calculation.
function daysFromCivil(year: number, month: number, day: number): EpochDay {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(epochDay: EpochDay): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function epochDayOf(local: DateTime): EpochDay {
  return daysFromCivil(local.year, local.month, local.day);
}

function weekdayOf(day: EpochDay): IsoWeekday {
  // 1970-01-01 was a Thursday (4).
  return (((((day + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/**
 * Whole weeks from the Monday of the week of `from` to the Monday of the week of `to` (both
 * 'YYYY-MM-DD', no zone involved); NaN when either is not a real date.
 */
export function weeksBetweenMondays(from: string, to: string): number {
  const a = tryParseIsoDate(from);
  const b = tryParseIsoDate(to);
  if (a === undefined || b === undefined) return NaN;
  const monday = (d: EpochDay) => d - (weekdayOf(d) - 1);
  return (monday(b) - monday(a)) / 7;
}

function isoDateOf(day: EpochDay): string {
  const d = civilFromDays(day);
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function wallMsOf(local: DateTime): number {
  return ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + local.millisecond;
}

function isWorkEpochDay(day: EpochDay, holidays: Holidays): boolean {
  return weekdayOf(day) <= 5 && !holidays.has(isoDateOf(day));
}

/** First work day on or after `day`; terminates because a finite holiday list cannot cover every weekday. */
function workDayOnOrAfter(day: EpochDay, holidays: Holidays): EpochDay {
  let d = day;
  while (!isWorkEpochDay(d, holidays)) d += 1;
  return d;
}

function advanceWorkDays(day: EpochDay, count: number, holidays: Holidays): EpochDay {
  let d = day;
  for (let i = 0; i < count; i += 1) d = workDayOnOrAfter(d + 1, holidays);
  return d;
}

/** Number of work days in the half-open range [from, to). */
function countWorkDays(from: EpochDay, to: EpochDay, holidays: Holidays): number {
  if (to <= from) return 0;
  const span = to - from;
  const fullWeeks = Math.floor(span / 7);
  let count = fullWeeks * 5;
  for (let d = from + fullWeeks * 7; d < to; d += 1) if (weekdayOf(d) <= 5) count += 1;
  for (const holiday of holidays) {
    const h = tryParseIsoDate(holiday);
    if (h !== undefined && h >= from && h < to && weekdayOf(h) <= 5) count -= 1;
  }
  return count;
}

/**
 * Turns a local calendar date + wall-clock time into an instant.
 *
 * Luxon resolves an ambiguous wall time (fall-back overlap) to whichever offset its guess
 * happens to hit, which differs between zones, so the overlap is resolved here explicitly:
 * the earliest occurrence that is not before `notBefore`. A wall time inside a spring-forward
 * gap has no occurrence at all; luxon's normalisation pushes it forward by the size of the gap.
 */
function resolveLocal(day: EpochDay, wallMs: number, zone: string, notBefore?: DateTime): DateTime {
  const tz = IANAZone.create(zone);
  const wallAsUtc = day * DAY_MS + wallMs;
  // Any offset that could apply to this wall time is in force within ±14 h of it, so probing
  // a day either side finds both offsets of a nearby transition.
  const offsets = new Set([tz.offset(wallAsUtc - DAY_MS), tz.offset(wallAsUtc), tz.offset(wallAsUtc + DAY_MS)]);
  const occurrences = [...offsets]
    .map((offset) => wallAsUtc - offset * MINUTE_MS)
    .filter((ts) => tz.offset(ts) * MINUTE_MS === wallAsUtc - ts)
    .sort((a, b) => a - b);

  if (occurrences.length === 0) {
    const date = civilFromDays(day);
    return DateTime.fromObject(
      {
        ...date,
        hour: Math.floor(wallMs / 3_600_000),
        minute: Math.floor(wallMs / MINUTE_MS) % 60,
        second: Math.floor(wallMs / 1000) % 60,
        millisecond: wallMs % 1000,
      },
      { zone },
    );
  }
  const floor = notBefore?.toMillis() ?? Number.NEGATIVE_INFINITY;
  const chosen = occurrences.find((ts) => ts >= floor) ?? occurrences[occurrences.length - 1];
  return DateTime.fromMillis(chosen as number, { zone });
}

interface WorkPosition {
  /** A work day. */
  day: EpochDay;
  /** Wall-clock milliseconds since local midnight on `day`. */
  wallMs: number;
  /** Whether the instant itself lies on `day` (false when it was rolled forward). */
  onWorkDay: boolean;
}

function workPositionOf(instant: DateTime, zone: string, holidays: Holidays): WorkPosition {
  const local = instant.setZone(zone);
  const day = epochDayOf(local);
  if (isWorkEpochDay(day, holidays)) return { day, wallMs: wallMsOf(local), onWorkDay: true };
  // Time spent on a weekend or holiday does not count, so the clock starts at the next work day's midnight.
  return { day: workDayOnOrAfter(day + 1, holidays), wallMs: 0, onWorkDay: false };
}

// ---------------------------------------------------------------------------------------------
// Public API.

/** Validates and freezes the program's holiday list ('YYYY-MM-DD' local calendar dates). */
export function holidaySet(dates: Iterable<string>): Holidays {
  const set = new Set<string>();
  for (const date of dates) {
    parseIsoDate(date, 'holiday');
    set.add(date);
  }
  return set;
}

/** Whether the local calendar day of `date`, in the zone it carries, is a work day. */
export function isWorkDay(date: DateTime, holidays: Holidays): boolean {
  assertInstant(date, 'date');
  return isWorkEpochDay(epochDayOf(date), holidays);
}

/**
 * Moves `workDays` work days forward from `start`, counted in `zone`.
 * Whole days keep the local wall-clock time; the fractional part is wall-clock time inside
 * work days and may spill over into the next work day. A start outside a work day first
 * rolls to the next work day's local midnight, so 0 work days from a Saturday is Monday 00:00.
 */
export function addWorkDays(start: DateTime, workDays: number, zone: string, holidays: Holidays): DateTime {
  assertInstant(start, 'start');
  assertWorkDays(workDays, 'workDays');
  assertZone(zone);

  const position = workPositionOf(start, zone, holidays);
  // Integer milliseconds keep whole-day steps exact and make workDaysBetween a true inverse.
  const totalMs = position.wallMs + Math.round(workDays * DAY_MS);
  const wholeDays = Math.floor(totalMs / DAY_MS);
  const targetDay = advanceWorkDays(position.day, wholeDays, holidays);
  // During a fall-back overlap on the start day the same wall time occurs twice; never answer
  // with an instant earlier than the start.
  return resolveLocal(targetDay, totalMs - wholeDays * DAY_MS, zone, position.onWorkDay ? start : undefined);
}

/**
 * Work-day time elapsed from `start` to `end` in `zone`, as a fraction of work days.
 * The inverse of addWorkDays; 0 when `end` is not after `start`.
 */
export function workDaysBetween(start: DateTime, end: DateTime, zone: string, holidays: Holidays): number {
  assertInstant(start, 'start');
  assertInstant(end, 'end');
  assertZone(zone);
  if (end.toMillis() <= start.toMillis()) return 0;

  const from = workPositionOf(start, zone, holidays);
  const to = workPositionOf(end, zone, holidays);
  const ms = countWorkDays(from.day, to.day, holidays) * DAY_MS + to.wallMs - from.wallMs;
  // Inside a fall-back overlap a later instant can show an earlier wall time.
  return Math.max(0, ms) / DAY_MS;
}

/** Reminder at half the response window, escalation at its end, both in the responder's zone. */
export function responseDeadlines(sentAt: DateTime, windowWorkDays: number, zone: string, holidays: Holidays): ResponseDeadlines {
  assertWorkDays(windowWorkDays, 'windowWorkDays');
  return {
    remindAt: addWorkDays(sentAt, windowWorkDays / 2, zone, holidays),
    dueAt: addWorkDays(sentAt, windowWorkDays, zone, holidays),
  };
}

/**
 * The first instant strictly after `after` that is `weekday` at `localTime` in `zone`.
 * A slot in a spring-forward gap moves forward by the gap; in a fall-back overlap only the
 * first occurrence counts, so a weekly job never fires twice in one night.
 */
export function nextOccurrence(after: DateTime, weekday: IsoWeekday, localTime: string, zone: string): DateTime {
  assertInstant(after, 'after');
  assertWeekday(weekday);
  const wallMs = parseLocalTime(localTime);
  assertZone(zone);

  const local = after.setZone(zone);
  let day = epochDayOf(local) + (weekday - local.weekday);
  let slot = resolveLocal(day, wallMs, zone);
  while (slot.toMillis() <= after.toMillis()) {
    day += 7;
    slot = resolveLocal(day, wallMs, zone);
  }
  return slot;
}

/**
 * The slot for `weekday` at `localTime` within the ISO week (Monday–Sunday in `zone`) that
 * contains `weekStart`, whether it lies before or after `weekStart`.
 */
export function occurrenceInWeek(weekStart: DateTime, weekday: IsoWeekday, localTime: string, zone: string): DateTime {
  assertInstant(weekStart, 'weekStart');
  assertWeekday(weekday);
  const wallMs = parseLocalTime(localTime);
  assertZone(zone);

  const local = weekStart.setZone(zone);
  const monday = epochDayOf(local) - (local.weekday - 1);
  return resolveLocal(monday + (weekday - 1), wallMs, zone);
}

/** ISO week key such as '2026-W48', using the ISO week-numbering year of the local date. */
export function isoWeekKey(instant: DateTime, zone: string): string {
  assertInstant(instant, 'instant');
  assertZone(zone);
  const local = instant.setZone(zone);
  return `${String(local.weekYear).padStart(4, '0')}-W${String(local.weekNumber).padStart(2, '0')}`;
}

/** The first instant of the local calendar day containing `instant`. */
export function startOfLocalDay(instant: DateTime, zone: string): DateTime {
  assertInstant(instant, 'instant');
  assertZone(zone);
  return resolveLocal(epochDayOf(instant.setZone(zone)), 0, zone);
}

/**
 * The last millisecond of the local calendar day containing `instant` (inclusive bound).
 * Derived from the next day's start so a day that ends in a fall-back overlap or begins
 * with a midnight gap still gets the right instant.
 */
export function endOfLocalDay(instant: DateTime, zone: string): DateTime {
  assertInstant(instant, 'instant');
  assertZone(zone);
  const nextDay = resolveLocal(epochDayOf(instant.setZone(zone)) + 1, 0, zone);
  return nextDay.minus({ milliseconds: 1 });
}

function assertLengthWeeks(lengthWeeks: number): void {
  if (!Number.isInteger(lengthWeeks) || lengthWeeks < 1) {
    throw new RangeError(`lengthWeeks must be a positive integer, got ${String(lengthWeeks)}`);
  }
}

/** Local midnight of the program's start date. */
export function programStart(startDate: string, zone: string): DateTime {
  const day = parseIsoDate(startDate, 'startDate');
  assertZone(zone);
  return resolveLocal(day, 0, zone);
}

/** Exclusive end of the program: local midnight `lengthWeeks` weeks after the start date. */
export function programEnd(startDate: string, lengthWeeks: number, zone: string): DateTime {
  const day = parseIsoDate(startDate, 'startDate');
  assertLengthWeeks(lengthWeeks);
  assertZone(zone);
  return resolveLocal(day + lengthWeeks * 7, 0, zone);
}

/**
 * 1-based program week containing `now`, counted in whole local calendar weeks from the
 * start date; null before the start or from programEnd onwards.
 */
export function programWeek(startDate: string, lengthWeeks: number, now: DateTime, zone: string): number | null {
  const startDay = parseIsoDate(startDate, 'startDate');
  assertLengthWeeks(lengthWeeks);
  assertInstant(now, 'now');
  assertZone(zone);

  // Comparing local calendar dates rather than instants keeps week boundaries at local
  // midnight even when a DST change makes a week 167 or 169 hours long.
  const elapsedDays = epochDayOf(now.setZone(zone)) - startDay;
  if (elapsedDays < 0 || elapsedDays >= lengthWeeks * 7) return null;
  return Math.floor(elapsedDays / 7) + 1;
}
