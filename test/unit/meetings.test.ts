import { isAwayOn } from '../../src/domain/away.js';
import { DateTime } from 'luxon';
import { expect, test } from 'vitest';
import {
  isRegularMeeting,
  isReminderDue,
  meetingProgram,
  meetingsBetween,
  reminderWindow,
  type MeetingSlot,
} from '../../src/domain/meetings.js';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' });
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
// Wednesdays at 18:30 in Berlin: 17:30Z in winter.
const slot: MeetingSlot = { weekday: 3, time: '18:30', zone: 'Europe/Berlin' };

test('meetingsBetween: the weekly slot in (from, to], in its own zone', () => {
  const m = meetingsBetween(slot, [], utc('2027-01-11T00:00:00Z'), utc('2027-01-27T17:30:00Z'));
  expect(m.map((x) => iso(x.at))).toEqual(['2027-01-13T17:30:00.000Z', '2027-01-20T17:30:00.000Z', '2027-01-27T17:30:00.000Z']);
  expect(m.every((x) => !x.moved)).toBe(true);
  // `from` itself is out: a meeting that starts at the very instant is not "between".
  expect(meetingsBetween(slot, [], utc('2027-01-13T17:30:00Z'), utc('2027-01-14T00:00:00Z'))).toEqual([]);
});

test('meetingsBetween: a cancelled meeting is gone, a moved one is at its new time, a twice-moved one at its last', () => {
  const from = utc('2027-01-11T00:00:00Z');
  const to = utc('2027-01-31T00:00:00Z');
  const cancelled = meetingsBetween(slot, [{ originalAt: at('2027-01-13T17:30:30Z'), newAt: null, cancelled: true }], from, to);
  expect(cancelled.map((x) => iso(x.at))).toEqual(['2027-01-20T17:30:00.000Z', '2027-01-27T17:30:00.000Z']);
  // Cancelled wins over a new time recorded with it.
  const both = { originalAt: at('2027-01-13T17:30:00Z'), newAt: at('2027-01-14T17:30:00Z'), cancelled: true };
  expect(meetingsBetween(slot, [both], from, to)).toHaveLength(2);

  const moved = meetingsBetween(
    slot,
    [
      { originalAt: at('2027-01-20T17:30:00Z'), newAt: at('2027-01-21T08:00:00Z'), cancelled: false },
      // The form offers the moved meeting as the one to change: the second move names the first one's new time.
      { originalAt: at('2027-01-21T08:00:00Z'), newAt: at('2027-01-22T08:00:00Z'), cancelled: false },
    ],
    from,
    to,
  );
  expect(moved.map((x) => [iso(x.at), x.moved])).toEqual([
    ['2027-01-13T17:30:00.000Z', false],
    ['2027-01-22T08:00:00.000Z', true],
    ['2027-01-27T17:30:00.000Z', false],
  ]);

  // A move named by a time that is no meeting still adds the meeting the pair agreed to.
  const extra = meetingsBetween(
    slot,
    [{ originalAt: at('2027-01-19T10:00:00Z'), newAt: at('2027-01-19T11:00:00Z'), cancelled: false }],
    from,
    utc('2027-01-20T00:00:00Z'),
  );
  expect(extra.map((x) => iso(x.at))).toEqual(['2027-01-13T17:30:00.000Z', '2027-01-19T11:00:00.000Z']);
  // A meeting moved out of the range leaves it; one moved in from outside enters it.
  const out = meetingsBetween(
    slot,
    [{ originalAt: at('2027-01-13T17:30:00Z'), newAt: at('2027-02-03T08:00:00Z'), cancelled: false }],
    from,
    utc('2027-01-14T00:00:00Z'),
  );
  expect(out).toEqual([]);
});

test('isRegularMeeting: inside the program, in its cadence weeks, not on its holidays', () => {
  const program = (extra: Partial<Parameters<typeof meetingProgram>[0]> = {}) =>
    meetingProgram({
      cadence: 'weekly',
      session_target: null,
      length_weeks: 4,
      start_date: '2027-01-11',
      time_zone: 'America/Denver',
      holidays: [],
      ...extra,
    });
  const regular = (p: ReturnType<typeof program>) =>
    meetingsBetween(slot, [], utc('2027-01-01T00:00:00Z'), utc('2027-03-01T00:00:00Z'), (o) =>
      isRegularMeeting(p, o, slot.zone),
    ).map((x) => iso(x.at).slice(0, 10));
  expect(regular(program())).toEqual(['2027-01-13', '2027-01-20', '2027-01-27', '2027-02-03']);
  expect(regular(program({ cadence: 'every_two_weeks' }))).toEqual(['2027-01-13', '2027-01-27']);
  // 8 weeks, 2 sessions: every fourth week.
  expect(regular(program({ cadence: 'sessions', session_target: 2, length_weeks: 8 }))).toEqual(['2027-01-13', '2027-02-10']);
  expect(regular(program({ holidays: ['2027-01-20'] }))).toEqual(['2027-01-13', '2027-01-27', '2027-02-03']);
  // The day is read in the slot's zone: Thursday 00:30 in Kolkata is a Wednesday holiday nowhere.
  const kolkata: MeetingSlot = { weekday: 4, time: '00:30', zone: 'Asia/Kolkata' };
  const thursday = meetingsBetween(kolkata, [], utc('2027-01-18T00:00:00Z'), utc('2027-01-22T00:00:00Z'))[0];
  expect(thursday && iso(thursday.at)).toBe('2027-01-20T19:00:00.000Z');
  expect(isRegularMeeting(program({ holidays: ['2027-01-20'] }), utc('2027-01-20T19:00:00Z'), kolkata.zone)).toBe(true);
  expect(isRegularMeeting(program({ holidays: ['2027-01-21'] }), utc('2027-01-20T19:00:00Z'), kolkata.zone)).toBe(false);
});

test('reminderWindow: 09:00 on the day before the meeting, each in their own zone, until that day ends', () => {
  // Thursday 01:00 in Kolkata is Wednesday 20:30 in Berlin.
  const meeting = at('2027-01-20T19:30:00Z');
  const kolkata = reminderWindow(meeting, 'Asia/Kolkata');
  expect(kolkata.meetingDate).toBe('2027-01-21');
  expect(kolkata.from.toISO()).toBe('2027-01-20T09:00:00.000+05:30');
  expect(kolkata.until.toISO()).toBe('2027-01-21T00:00:00.000+05:30');
  const berlin = reminderWindow(meeting, 'Europe/Berlin');
  expect(berlin.meetingDate).toBe('2027-01-20');
  expect(berlin.from.toISO()).toBe('2027-01-19T09:00:00.000+01:00');

  expect(isReminderDue(meeting, 'Europe/Berlin', at('2027-01-19T07:59:59Z'))).toBe(false);
  expect(isReminderDue(meeting, 'Europe/Berlin', at('2027-01-19T08:00:00Z'))).toBe(true);
  expect(isReminderDue(meeting, 'Europe/Berlin', at('2027-01-19T22:59:59Z'))).toBe(true);
  expect(isReminderDue(meeting, 'Europe/Berlin', at('2027-01-19T23:00:00Z'))).toBe(false);
  // A meeting at local midnight: the window ends as it starts.
  expect(isReminderDue(at('2027-01-19T23:00:00Z'), 'Europe/Berlin', at('2027-01-19T22:59:00Z'))).toBe(true);
  expect(isReminderDue(at('2027-01-19T23:00:00Z'), 'Europe/Berlin', at('2027-01-19T23:00:00Z'))).toBe(false);
  // Across a DST change (Berlin springs forward on Sunday 2027-03-28): the day before is still 09:00 local.
  expect(reminderWindow(at('2027-03-29T16:30:00Z'), 'Europe/Berlin').from.toISO()).toBe('2027-03-28T09:00:00.000+02:00');
});

test('isAwayOn: the first and last day away both count; no last day, not away', () => {
  const away = { away_from: '2027-01-18', away_until: '2027-01-22' };
  expect(['2027-01-17', '2027-01-18', '2027-01-22', '2027-01-23'].map((d) => isAwayOn(away, d))).toEqual([
    false,
    true,
    true,
    false,
  ]);
  expect(isAwayOn({ away_from: null, away_until: '2027-01-22' }, '2027-01-01')).toBe(true);
  expect(isAwayOn({ away_from: '2027-01-18', away_until: null }, '2027-01-19')).toBe(false);
});
