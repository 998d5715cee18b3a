/**
 * The one way a time reaches what a person reads. In mrkdwn (messages, App Home, modal sections) an
 * instant is a Slack date token, which each reader's Slack shows in their own zone; its fallback, for
 * clients that cannot show the token, is written in a given zone and names it. Where Slack shows text
 * as is (plain_text: labels, hints, options, headers), times carry their zone by name.
 */
import { DateTime } from 'luxon';
import { weekdayName } from '../domain/weekdays.js';

/** Slack's own wording of an instant: "today at 9:45 PM", "Wed, Dec 9 at 21:45" (the reader's clock format). */
export const dateAndTime = '{date_short_pretty} at {time}';
/** Slack's wording of a day: "today", "Dec 9". */
export const dateOnly = '{date_short_pretty}';

/** "Wed 9 Dec at 21:45 Europe/Berlin": an instant in `zone`, naming it, for text Slack shows as is. */
export function zonedTime(at: Date, zone: string): string {
  return `${DateTime.fromJSDate(at, { zone }).toFormat("ccc d LLL 'at' HH:mm")} ${zone}`;
}

/** "Wed 9 Dec": the day an instant falls on in `zone`. */
export function zonedDate(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('ccc d LLL');
}

/**
 * An instant every reader sees in their own zone (mrkdwn only). `zone` is the fallback's zone: the
 * reader's when known, else the zone the instant was set in. `format` holds Slack's date tokens.
 */
export function slackTime(at: Date, zone: string, format: string = dateAndTime): string {
  const fallback = format.includes('{time') ? zonedTime(at, zone) : zonedDate(at, zone);
  return `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${fallback}>`;
}

/** A day every reader sees in their own zone ("today", "Dec 9"), its fallback the day in `zone`. */
export function slackDate(at: Date, zone: string): string {
  return slackTime(at, zone, dateOnly);
}

/** "18:00 Europe/Berlin": a wall-clock time of day, in the zone it is meant in. */
export function clockIn(time: string, zone: string): string {
  return `${time} ${zone}`;
}

/** "Wednesdays at 18:00 Europe/Berlin": a weekly wall-clock slot, in the zone it was agreed in. */
export function weeklySlot(weekday: number, time: string, zone: string): string {
  return `${weekdayName(weekday)}s at ${clockIn(time, zone)}`;
}
