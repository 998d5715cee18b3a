import ical, { ICalCalendarMethod, ICalEventRepeatingFreq, ICalEventStatus, type ICalCalendar } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { MeetingSeries } from '../domain/meeting-series.js';
import { escapeMrkdwn, type UserText } from './text.js';
import { slackTime } from './time.js';

export type CalendarPerson = { id: string; name: UserText };

/** One pair's meetings as a calendar: the same UID for the series and every change to it. */
export type CalendarSeries = {
  uid: string;
  /** Raised each time the series is sent again with another slot, so calendars replace the old one. */
  sequence: number;
  /** When this version was made (DTSTAMP). */
  stamp: Date;
  series: MeetingSeries;
  programName: UserText;
  mentor: CalendarPerson;
  mentee: CalendarPerson;
  /** The pair conversation in Slack. */
  conversationUrl: string;
};

/** A calendar file and the comment it is shared with. */
export type CalendarFile = { comment: string; filename: string; title: string; ics: string };

const productId = { company: 'Tandem', product: 'Tandem mentoring', language: 'EN' };

// A parameter value (CN) cannot hold a double quote or a control character in RFC 5545; the rest is quoted.
const paramSafe = (text: string) => text.replace(/"/g, "'").replace(/[\p{Cc}]/gu, ' ');

const summaryOf = (s: CalendarSeries) => `Mentoring: ${s.mentor.name} and ${s.mentee.name} (${s.programName})`;
const descriptionOf = (s: CalendarSeries) =>
  `${s.mentor.name} (mentor) and ${s.mentee.name} (mentee), ${s.programName}.\nYour conversation in Slack: ${s.conversationUrl}`;

function calendar(method: ICalCalendarMethod): ICalCalendar {
  const cal = ical({ prodId: productId, method });
  // The VTIMEZONE of each event's zone, so a calendar without the zone database still moves the
  // meeting with its own DST changes. No calendar-wide zone: DTSTAMP and UNTIL stay in UTC.
  cal.timezone({ name: null, generator: (tzid) => calendarZone(tzid).vtimezone });
  return cal;
}

/**
 * The zone as calendars name it, with its VTIMEZONE: the library's canonical TZID, since an alias Slack
 * may report ('Asia/Calcutta') comes back as its zone ('Asia/Kolkata') and TZID and VTIMEZONE must match.
 */
function calendarZone(zone: string): { tzid: string; vtimezone: string | null } {
  const block = tzlib_get_ical_block(zone);
  const [vtimezone, tzidLine] = Array.isArray(block) ? block : [];
  return { tzid: tzidLine?.replace(/^TZID=/, '') || zone, vtimezone: vtimezone || null };
}

function eventBase(s: CalendarSeries) {
  return {
    id: s.uid,
    sequence: s.sequence,
    stamp: DateTime.fromJSDate(s.stamp),
    timezone: calendarZone(s.series.slot.zone).tzid,
    summary: summaryOf(s),
    description: descriptionOf(s),
    url: s.conversationUrl,
    attendees: [s.mentor, s.mentee].map((p) => ({
      name: paramSafe(p.name),
      // Tandem knows no one's email; the reserved .invalid domain (RFC 2606) can never deliver anything.
      email: `${p.id}@slack.invalid`,
      rsvp: false,
    })),
  };
}

const recurrence = (s: MeetingSeries) => ({
  freq: ICalEventRepeatingFreq.WEEKLY,
  interval: s.intervalWeeks,
  until: s.until,
});

/** The weekly series as an iCalendar file (RFC 5545): the agreed slot in its own zone, until the program's last week. */
export function meetingSeriesIcs(s: CalendarSeries): string {
  const cal = calendar(ICalCalendarMethod.PUBLISH);
  const first = s.series.first;
  cal.createEvent({
    ...eventBase(s),
    start: first,
    end: first.plus({ minutes: s.series.slot.minutes }),
    repeating: recurrence(s.series),
  });
  return cal.toString();
}

/**
 * One meeting of the series moved (a VEVENT with the series' UID and the original start as RECURRENCE-ID)
 * or, with `moved` null, cancelled (METHOD:CANCEL, STATUS:CANCELLED).
 */
export function meetingChangeIcs(s: CalendarSeries, original: Date, moved: Date | null): string {
  const zone = s.series.slot.zone;
  const was = DateTime.fromJSDate(original, { zone });
  const cal = calendar(moved ? ICalCalendarMethod.PUBLISH : ICalCalendarMethod.CANCEL);
  const start = moved ? DateTime.fromJSDate(moved, { zone }) : was;
  cal.createEvent({
    ...eventBase(s),
    recurrenceId: was,
    start,
    end: start.plus({ minutes: s.series.slot.minutes }),
    ...(moved ? {} : { status: ICalEventStatus.CANCELLED }),
  });
  return cal.toString();
}

const compact = (d: DateTime) => d.toFormat("yyyyLLdd'T'HHmmss");

/** The same series as an "Add to Google Calendar" link (its template URL, with the RRULE and the zone). */
export function googleCalendarLink(s: CalendarSeries): string {
  const zone = s.series.slot.zone;
  const first = s.series.first.setZone(zone);
  const until = `${compact(s.series.until.toUTC())}Z`;
  const params = new URLSearchParams({
    action: 'TEMPLATE',
    text: summaryOf(s),
    dates: `${compact(first)}/${compact(first.plus({ minutes: s.series.slot.minutes }))}`,
    ctz: calendarZone(zone).tzid,
    recur: `RRULE:FREQ=WEEKLY;INTERVAL=${s.series.intervalWeeks};UNTIL=${until}`,
    details: descriptionOf(s),
  });
  return `https://calendar.google.com/calendar/render?${params.toString()}`;
}

const every = (weeks: number) => (weeks === 1 ? 'every week' : `every ${weeks} weeks`);
// A link's URL in mrkdwn: & is escaped like anywhere in message text; Slack reads it back.
const mrkdwnUrl = (url: string) => url.replace(/&/g, '&amp;');

/** The series file with its comment: when the meetings are (in each reader's own zone), and the Google link. */
export function meetingSeriesFile(s: CalendarSeries, updated: boolean): CalendarFile {
  const { first, slot, intervalWeeks, until } = s.series;
  const lead = updated
    ? ':calendar: Your meeting time changed; here is the updated calendar file.'
    : ':calendar: Your meetings as a calendar file.';
  const comment =
    `${lead} ${slot.minutes} minutes ${every(intervalWeeks)}, the first on ` +
    `${slackTime(first.toJSDate(), slot.zone, '{date_long_pretty} at {time}')}, until ` +
    `${slackTime(until.toJSDate(), slot.zone, '{date_long_pretty}')}` +
    ` (the end of ${escapeMrkdwn(s.programName)}). Open the file to add them to your calendar, or ` +
    `<${mrkdwnUrl(googleCalendarLink(s))}|add them to Google Calendar>.`;
  return { comment, filename: 'tandem-meetings.ics', title: 'Mentoring meetings (calendar file)', ics: meetingSeriesIcs(s) };
}

/** A moved or cancelled meeting as a calendar file, with its comment. */
export function meetingChangeFile(s: CalendarSeries, original: Date, moved: Date | null): CalendarFile {
  const zone = s.series.slot.zone;
  const was = slackTime(original, zone, '{date_long_pretty} at {time}');
  const comment = moved
    ? `:calendar: Calendar update: the meeting of ${was} moves to ${slackTime(moved, zone, '{date_long_pretty} at {time}')}. Open the file to move it in your calendar.`
    : `:calendar: Calendar update: the meeting of ${was} is cancelled. Open the file to take it out of your calendar.`;
  return {
    comment,
    filename: moved ? 'tandem-meeting-moved.ics' : 'tandem-meeting-cancelled.ics',
    title: moved ? 'Moved meeting (calendar file)' : 'Cancelled meeting (calendar file)',
    ics: meetingChangeIcs(s, original, moved),
  };
}
