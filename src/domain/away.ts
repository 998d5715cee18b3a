import { DateTime } from 'luxon';

/** A person's out-of-office, as stored: first and last day away (inclusive, 'YYYY-MM-DD' in their own zone). */
export type Away = { time_zone: string; away_from: string | null; away_until: string | null };

/** Whether the person is away on the day `now` falls on, in their zone. */
export function isAway(p: Away | undefined, now: DateTime): boolean {
  if (!p?.away_until) return false;
  const today = now.setZone(p.time_zone).toISODate() ?? '';
  return (p.away_from ?? '') <= today && today <= p.away_until;
}

/** When an away person is back (the start of the day after their last day away, in their zone); null if not away at `now`. */
export function awayUntilEnd(p: Away | undefined, now: DateTime): DateTime | null {
  if (!p?.away_until || !isAway(p, now)) return null;
  return DateTime.fromISO(p.away_until, { zone: p.time_zone }).plus({ days: 1 }).startOf('day');
}

/**
 * How much later a deadline comes when someone in the pair is away before it: the time from the start
 * of the absence (or now, if it has begun) to the return, if the deadline falls after the start.
 */
export function awayShift(p: Away, now: DateTime, deadline: DateTime): number {
  if (!p.away_until) return 0;
  const from = DateTime.max(DateTime.fromISO(p.away_from ?? p.away_until, { zone: p.time_zone }).startOf('day'), now);
  const back = DateTime.fromISO(p.away_until, { zone: p.time_zone }).plus({ days: 1 }).startOf('day');
  if (back <= from || deadline <= from) return 0;
  return back.toMillis() - from.toMillis();
}
