import { expect, test } from 'vitest';
import { questionSetSchema, validateAnswers } from '../../src/domain/dtr-questions.js';
import { clip, packSections, plain, userTextOrNull } from '../../src/messages/text.js';

// Tests for what the first mutation run showed no test noticing (bench/RESULTS.md).

test('clip keeps text of exactly the limit and marks a cut', () => {
  expect(clip('abc', 3)).toBe('abc');
  expect(clip('abcd', 3)).toBe('ab…');
  expect(plain('x')).toEqual({ type: 'plain_text', text: 'x', emoji: true });
});

test('userTextOrNull: null and undefined stay absent, empty text is text', () => {
  expect(userTextOrNull(null)).toBeNull();
  expect(userTextOrNull(undefined)).toBeNull();
  expect(userTextOrNull('')).toBe('');
  expect(userTextOrNull('a')).toBe('a');
});

test('packSections fills a block up to exactly 3000 characters, then starts the next', () => {
  const a = 'a'.repeat(1000);
  const b = 'b'.repeat(1998); // 1000 + 2 + 1998 = 3000: fits
  expect(packSections([a, b]).map((s) => s.text?.text)).toEqual([`${a}\n\n${b}`]);
  const c = 'c'.repeat(1999); // 3001: does not
  expect(packSections([a, c]).map((s) => s.text?.text)).toEqual([a, c]);
  expect(packSections([a, 'x', 'y'], ' | ').map((s) => s.text?.text)).toEqual([`${a} | x | y`]);
  expect(packSections([])).toEqual([]);
  expect(packSections(['z'.repeat(3001)])[0]?.text?.text).toHaveLength(3000);
});

const base = { milestone: 'midmod', version: 1, title: 'T', intro: 'I' } as const;
const q = (id: string, extra: Record<string, unknown> = {}) => ({ id, label: id, kind: 'text', ...extra });

test('a program question set is refused when a modal could not hold or answer it', () => {
  const issues = (sections: unknown) => {
    const r = questionSetSchema.safeParse({ ...base, sections });
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };
  expect(issues([{ title: 'S', questions: Array.from({ length: 45 }, (_, i) => q(`q${i}`)) }])).toEqual([]);
  expect(issues([{ title: 'S', questions: Array.from({ length: 46 }, (_, i) => q(`q${i}`)) }])).toEqual([
    'At most 45 questions: a modal holds 100 blocks',
  ]);
  expect(
    issues([
      { title: 'S', questions: [q('a')] },
      { title: 'S2', questions: [q('a')] },
    ]),
  ).toEqual(['Question id "a" is used twice or reserved']);
  expect(issues([{ title: 'S', questions: [q('dtr_pairing')] }])).toEqual([
    'Question id "dtr_pairing" is used twice or reserved',
  ]);
  expect(issues([{ title: 'S', questions: [q('s', { kind: 'select', options: [] }), q('w', { kind: 'weekday' })] }])).toEqual([
    'Question "s" needs options',
    'Question "w" needs options',
  ]);
  expect(
    issues([
      {
        title: 'S',
        questions: [
          q('n', { kind: 'number', min: 3, max: 2 }),
          q('m', { kind: 'number', min: 2, max: 2 }),
          q('o', { kind: 'number', min: 3 }),
        ],
      },
    ]),
  ).toEqual(['Question "n" has min above max']);
});

test('answers: default lengths per kind, bounds inclusive, anchored formats, goals all or nothing', () => {
  const set = questionSetSchema.parse({
    ...base,
    sections: [
      {
        title: 'S',
        questions: [
          q('short'),
          q('long', { kind: 'long_text' }),
          q('n', { kind: 'number', min: 2, max: 4 }),
          q('t', { kind: 'time' }),
          q('d', { kind: 'date' }),
          q('g_text', { goal: { index: 1, part: 'text' } }),
          q('g_date', { kind: 'date', goal: { index: 1, part: 'targetDate' } }),
          q('mine', { audience: 'mentor', goal: { index: 2, part: 'text' } }),
        ],
      },
    ],
  });
  const errorsOf = (raw: Record<string, string>) => {
    const r = validateAnswers(set, 'mentee', raw);
    return r.ok ? {} : r.errors;
  };
  expect(errorsOf({ short: 's'.repeat(150), long: 'l'.repeat(1500), n: '2' })).toEqual({});
  expect(errorsOf({ short: 's'.repeat(151), long: 'l'.repeat(1501), n: '4' })).toEqual({
    short: 'At most 150 characters (you have 151).',
    long: 'At most 1500 characters (you have 1501).',
  });
  expect(errorsOf({ n: '1' })).toEqual({ n: 'Between 2 and 4.' });
  expect(errorsOf({ n: '5' })).toEqual({ n: 'Between 2 and 4.' });
  expect(errorsOf({ t: '10:00x', d: 'x2027-01-01' })).toEqual({ t: 'Use HH:MM.', d: 'Pick a date.' });
  expect(errorsOf({ t: 'x10:00', d: '2027-01-01x' })).toEqual({ t: 'Use HH:MM.', d: 'Pick a date.' });
  expect(errorsOf({ t: '1a:00' })).toEqual({ t: 'Use HH:MM.' });
  // Half a goal is refused on the missing part; a whole goal, or none, is fine; the mentor's goal is not the mentee's to give.
  expect(errorsOf({ g_text: 'Ship it' })).toEqual({ g_date: 'Goal 1 needs this too.' });
  expect(errorsOf({ g_date: '2027-01-01' })).toEqual({ g_text: 'Goal 1 needs this too.' });
  expect(errorsOf({ g_text: 'Ship it', g_date: 'soon' })).toEqual({ g_date: 'Pick a date.' });
  expect(errorsOf({ g_text: 'Ship it', g_date: '2027-01-01' })).toEqual({});
  expect(validateAnswers(set, 'mentor', { mine: 'Mentor goal' })).toEqual({ ok: true, answers: { mine: 'Mentor goal' } });
});
