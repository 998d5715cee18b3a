import { DateTime } from 'luxon';

/** A person's out-of-office, as stored: first and last day away (inclusive, 'YYYY-MM-DD' in their own zone). */
export type Away = { time_zone: string; away_from: string | null; away_until: string | null };

/** Out of office on a local date ('YYYY-MM-DD'): between the first and last day away, both inclusive. */
export function isAwayOn(person: { away_from: string | null; away_until: string | null }, date: string): boolean {
  if (!person.away_until) return false;
  return (person.away_from === null || person.away_from <= date) && date <= person.away_until;
}

/** Whether the person is away on the day `now` falls on, in their zone. */
export function isAway(p: Away | undefined, now: DateTime): boolean {
  return p !== undefined && isAwayOn(p, now.setZone(p.time_zone).toISODate() ?? '');
}

/** The start of the day after `lastDay` ('YYYY-MM-DD') in `zone`: when someone away through that day is back. */
export function backAfter(lastDay: string, zone: string): DateTime {
  return DateTime.fromISO(lastDay, { zone }).plus({ days: 1 }).startOf('day');
}

/** When an away person is back (the start of the day after their last day away, in their zone); null if not away at `now`. */
export function awayUntilEnd(p: Away | undefined, now: DateTime): DateTime | null {
  if (!p?.away_until || !isAway(p, now)) return null;
  return backAfter(p.away_until, p.time_zone);
}
