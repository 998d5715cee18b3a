import { expect, test } from 'vitest';
import {
  builtInQuestionSets,
  latestBuiltIn,
  questionSetSchema,
  questionsFor,
  validateAnswers,
} from '../../src/domain/dtr-questions.js';
import { computeHours, hoursLabel, monthRange, type HoursSource } from '../../src/domain/hours.js';
import { parseUserMention, scan, splitAtBar, tokenize } from '../../src/domain/mentions.js';
import { fieldErrors, holidayList, programSettingsSchema } from '../../src/domain/program-settings.js';
import { weekdayName } from '../../src/domain/weekdays.js';

test('monthRange: a month and the first day of the next; anything else is refused', () => {
  expect(monthRange('2027-12')).toEqual({ from: '2027-12-01', to: '2028-01-01' });
  expect(monthRange('2027-02')).toEqual({ from: '2027-02-01', to: '2027-03-01' });
  for (const bad of ['2027-13', '2027-00', '2027-1', 'x2027-01', '2027-01x', '']) expect(monthRange(bad)).toBeNull();
});

test('computeHours: logs win over the standup in their week, per pair; days outside the month are left out', () => {
  const row = (
    pairing: number,
    day: string,
    minutes: number,
    source: 'log' | 'standup',
    mentee = `UE${pairing}`,
  ): HoursSource => ({ mentor_id: 'UM', mentee_id: mentee, pairing_id: pairing, day, minutes, source });
  const rows = [
    row(1, '2027-03-01', 60, 'log'),
    row(1, '2027-03-03', 30, 'log'),
    row(1, '2027-03-05', 120, 'standup'),
    row(1, '2027-03-12', 90, 'standup'),
    row(2, '2027-03-05', 45, 'standup'),
    row(1, '2027-02-28', 600, 'log'),
    row(1, '2027-04-01', 600, 'log'),
    // A log just outside the month still makes its week a log week (no standup counted).
    row(3, '2027-03-31', 50, 'standup'),
    row(3, '2027-04-01', 40, 'log'),
  ];
  expect(computeHours(rows, { from: '2027-03-01', to: '2027-04-01' })).toEqual([
    { mentorId: 'UM', menteeId: 'UE1', week: '2027-W09', sessions: 2, minutes: 90, source: 'log' },
    { mentorId: 'UM', menteeId: 'UE1', week: '2027-W10', sessions: 0, minutes: 90, source: 'standup' },
    { mentorId: 'UM', menteeId: 'UE2', week: '2027-W09', sessions: 0, minutes: 45, source: 'standup' },
  ]);
  expect(
    computeHours(
      [
        row(1, '2027-03-01', 1, 'log', 'UB'),
        row(2, '2027-03-01', 1, 'log', 'UA'),
        { ...row(3, '2027-03-08', 1, 'log', 'UA'), mentor_id: 'UA' },
      ],
      { from: '2027-03-01', to: '2027-04-01' },
    ).map((r) => `${r.mentorId}/${r.menteeId}/${r.week}`),
  ).toEqual(['UA/UA/2027-W10', 'UM/UA/2027-W09', 'UM/UB/2027-W09']);
  expect(hoursLabel(90)).toBe('1.50');
});

test('mentions and quoted phrases from slash commands', () => {
  expect(parseUserMention('<@U123ABC|sam>')).toBe('U123ABC');
  expect(parseUserMention(' <@W9Z> ')).toBe('W9Z');
  for (const bad of [undefined, '', '@sam', '<@u123>', '<@U123', 'x<@U123>', '<@U123>x', '<#C123>'])
    expect(parseUserMention(bad)).toBeNull();
  expect(tokenize('pair <@U1> "Data Science 2027" x  y')).toEqual(['pair', '<@U1>', 'Data Science 2027', 'x', 'y']);
  expect(tokenize('""')).toEqual(['']);
  // Slack's markup stays whole, spaces and | included; curly quotes (phones) quote like straight ones.
  expect(tokenize('match <@U1|Ada Lovelace> <@U2|zoë> “likes Go” <https://go.dev|the Go site>')).toEqual([
    'match',
    '<@U1|Ada Lovelace>',
    '<@U2|zoë>',
    'likes Go',
    '<https://go.dev|the Go site>',
  ]);
  expect(tokenize('<@U1 "a b" <@U2>x "open')).toEqual(['<@U1', 'a b', '<@U2>x', '"open']);
  expect(scan(' a "b c"  <@U1|d e>')).toEqual([
    { value: 'a', start: 1, end: 2, quoted: false },
    { value: 'b c', start: 3, end: 8, quoted: true },
    { value: '<@U1|d e>', start: 10, end: 19, quoted: false },
  ]);
});

test('splitAtBar: the first | outside a mention, a link or "quotes"; the rest as typed', () => {
  expect(splitAtBar('match <@UA|ada> <@UB|bo> | likes Go')).toEqual({ head: 'match <@UA|ada> <@UB|bo> ', tail: ' likes Go' });
  expect(splitAtBar('match <@UA|ada> <@UB|bo>|x|y')).toEqual({ head: 'match <@UA|ada> <@UB|bo>', tail: 'x|y' });
  expect(splitAtBar('a <https://x|y> "b|c" d|e')).toEqual({ head: 'a <https://x|y> "b|c" d', tail: 'e' });
  expect(splitAtBar('a <b|c <@U1|d>|e')).toEqual({ head: 'a <b', tail: 'c <@U1|d>|e' });
  expect(splitAtBar('<@UA|ada> <@UB|bo>')).toEqual({ head: '<@UA|ada> <@UB|bo>', tail: null });
  expect(splitAtBar('')).toEqual({ head: '', tail: null });
});

test('weekday names, luxon numbering', () => {
  expect([1, 7].map(weekdayName)).toEqual(['Monday', 'Sunday']);
  expect(weekdayName(0)).toBe('Unknown day');
  expect(weekdayName(8)).toBe('Unknown day');
});

test('program settings: defaults, limits and what each field says when wrong', () => {
  const ok = programSettingsSchema.parse({
    name: ' Data ',
    timeZone: 'Europe/Berlin',
    startDate: '2027-01-11',
    alertsChannelId: 'GALERTS',
  });
  expect(ok).toMatchObject({
    name: 'Data',
    lengthWeeks: 6,
    // Before a pair's kick-off agrees their meeting: the end of the week, once it could have happened.
    checkinWeekday: 4,
    checkinTime: '16:00',
    standupWeekday: 5,
    standupTime: '10:00',
    responseWindowDays: 2,
    holidays: [],
    midmodWeekFrom: 3,
    midmodWeekTo: 4,
    cadence: 'weekly',
    checkinAfterHours: 3,
    meetingReminders: true,
  });
  expect(ok.followUpWeeks).toBeUndefined();
  expect(ok.sessionTarget).toBeUndefined();
  const sessions = (extra: Record<string, unknown>) =>
    programSettingsSchema.safeParse({
      name: 'D',
      timeZone: 'UTC',
      startDate: '2027-01-11',
      alertsChannelId: 'GALERTS',
      lengthWeeks: 8,
      ...extra,
    });
  expect(sessions({ cadence: 'sessions' }).error?.issues[0]).toMatchObject({
    path: ['sessionTarget'],
    message: 'Say how many sessions the program aims for',
  });
  expect(sessions({ cadence: 'sessions', sessionTarget: '9' }).error?.issues[0]?.message).toBe(
    'At most one session a week: 8 in a 8-week program',
  );
  expect(sessions({ cadence: 'sessions', sessionTarget: '2', meetingReminders: 'off' }).data).toMatchObject({
    sessionTarget: 2,
    meetingReminders: false,
  });
  expect(sessions({ cadence: 'fortnightly' }).error?.issues[0]?.message).toBe('Pick how often pairs meet');
  const bad = programSettingsSchema.safeParse({
    name: '',
    timeZone: 'Mars/Base',
    startDate: '2027-02-30',
    alertsChannelId: 'D123',
    checkinTime: '24:00',
    lengthWeeks: 53,
    responseWindowDays: 0,
    followUpWeeks: 0,
  });
  expect(bad.success).toBe(false);
  if (!bad.success) {
    expect(fieldErrors(bad.error)).toEqual({
      name: 'Give the program a name',
      timeZone: 'Use a time zone name such as America/New_York or Europe/Berlin',
      startDate: 'That date does not exist',
      alertsChannelId: 'Pick the private channel for staff alerts',
      checkinTime: 'Use 24-hour HH:MM, e.g. 10:00',
      lengthWeeks: 'At most 52 weeks',
      responseWindowDays: 'At least 1 work day',
      followUpWeeks: 'At least 1 week',
    });
  }
  const order = programSettingsSchema.safeParse({
    name: 'D',
    timeZone: 'UTC',
    startDate: '2027-01-11',
    alertsChannelId: 'C1AB',
    midmodWeekFrom: 4,
    midmodWeekTo: 3,
  });
  expect(order.success ? {} : fieldErrors(order.error)).toEqual({ midmodWeekTo: 'Must not be before the first mid-module week' });
  const late = programSettingsSchema.safeParse({
    name: 'D',
    timeZone: 'UTC',
    startDate: '2027-01-11',
    alertsChannelId: 'C1AB',
    lengthWeeks: 4,
    midmodWeekTo: 4,
  });
  expect(late.success ? {} : fieldErrors(late.error)).toEqual({ midmodWeekTo: 'Must fall before the last week (week 4)' });
  expect(
    programSettingsSchema.safeParse({
      name: 'D',
      timeZone: 'UTC',
      startDate: '2027-01-11',
      alertsChannelId: 'C1AB',
      lengthWeeks: 1,
      midmodWeekFrom: 1,
      midmodWeekTo: 1,
    }).success,
  ).toBe(true);
  expect(
    programSettingsSchema.parse({
      name: 'D',
      timeZone: 'UTC',
      startDate: '2027-01-11',
      alertsChannelId: 'C1AB',
      followUpWeeks: '',
    }).followUpWeeks,
  ).toBeUndefined();
  expect(holidayList.parse('2027-01-01, 2026-12-25;2027-01-01\n2026-12-31')).toEqual(['2026-12-25', '2026-12-31', '2027-01-01']);
  expect(holidayList.safeParse('2027-1-1').success).toBe(false);
});

test('DTR question sets: each role sees its own questions; answers are validated per kind', () => {
  for (const set of builtInQuestionSets) {
    expect(latestBuiltIn(set.milestone)).toEqual(set);
    for (const role of ['mentor', 'mentee'] as const) {
      for (const q of questionsFor(set, role).flatMap((s) => s.questions)) expect(['both', role]).toContain(q.audience);
    }
  }
  const set = questionSetSchema.parse({
    milestone: 'midmod',
    version: 1,
    title: 'T',
    intro: 'I',
    sections: [
      {
        title: 'S',
        questions: [
          { id: 'note', label: 'Note', kind: 'text', audience: 'both', required: true, maxLength: 5 },
          { id: 'n', label: 'N', kind: 'number', audience: 'mentee', min: 1, max: 3 },
          { id: 'pick', label: 'Pick', kind: 'select', audience: 'mentee', options: [{ value: 'a', label: 'A' }] },
          { id: 't', label: 'T', kind: 'time', audience: 'mentee' },
          { id: 'd', label: 'D', kind: 'date', audience: 'mentee' },
          { id: 'secret', label: 'Secret', kind: 'long_text', audience: 'mentor', private: true },
        ],
      },
    ],
  });
  expect(questionsFor(set, 'mentor').flatMap((s) => s.questions.map((q) => q.id))).toEqual(['note', 'secret']);
  expect(validateAnswers(set, 'mentee', { note: '', n: '4', pick: 'b', t: '25:00', d: '1 May', secret: 'x' })).toEqual({
    ok: false,
    errors: {
      note: 'Please answer this one.',
      n: 'Between 1 and 3.',
      pick: 'Pick one of the options.',
      t: 'Use HH:MM.',
      d: 'Pick a date.',
    },
  });
  expect(validateAnswers(set, 'mentee', { note: 'toolong', n: '1.5' })).toEqual({
    ok: false,
    errors: { note: 'At most 5 characters (you have 7).', n: 'A whole number, please.' },
  });
  expect(
    validateAnswers(set, 'mentee', {
      note: ' hi ',
      n: '3',
      pick: 'a',
      t: '23:59',
      d: '2027-01-01',
      secret: 'dropped',
      extra: 'dropped',
    }),
  ).toEqual({
    ok: true,
    answers: { note: 'hi', n: '3', pick: 'a', t: '23:59', d: '2027-01-01' },
  });
});
