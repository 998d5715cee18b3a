/**
 * The rules of src/domain/dtr-questions.ts that the forms and readers rely on, on a small set of our own:
 * which set an answer belongs to, who reads what, goals, and answer validation.
 */
import { describe, expect, test } from 'vitest';
import {
  answersWhere,
  builtInQuestionSets,
  goalsFromAnswers,
  latestBuiltIn,
  pairReads,
  personReads,
  questionSetFor,
  questionSetSchema,
  questionsFor,
  staffReads,
  validateAnswers,
  type Question,
} from '../../src/domain/dtr-questions.js';

const goalParts = (n: number, audience = 'mentee') => [
  { id: `g${n}_text`, label: `Goal ${n}`, kind: 'text', audience, goal: { index: n, part: 'text' } },
  { id: `g${n}_measure`, label: `Goal ${n} measure`, kind: 'text', audience, goal: { index: n, part: 'measure' } },
  { id: `g${n}_date`, label: `Goal ${n} date`, kind: 'date', audience, goal: { index: n, part: 'targetDate' } },
];

const definition = {
  milestone: 'kickoff',
  version: 3,
  title: 'Our kick-off',
  intro: 'Hello',
  sections: [
    {
      title: 'About you',
      questions: [
        { id: 'hopes', label: 'Hopes', kind: 'text', required: true, maxLength: 10 },
        { id: 'story', label: 'Story', kind: 'long_text' },
        { id: 'hours', label: 'Hours', kind: 'number', min: 1, max: 10 },
        { id: 'count', label: 'Count', kind: 'number' },
        {
          id: 'day',
          label: 'Day',
          kind: 'weekday',
          options: [
            { value: '1', label: 'Monday' },
            { value: '2', label: 'Tuesday' },
          ],
        },
        { id: 'colour', label: 'Colour', kind: 'select', options: [{ value: 'r', label: 'Red' }] },
        { id: 'at', label: 'At', kind: 'time' },
        { id: 'on', label: 'On', kind: 'date' },
        { id: 'secret', label: 'Secret', kind: 'text', private: true, audience: 'mentee' },
        { id: 'team', label: 'For the team', kind: 'text', readers: 'staff', audience: 'mentor' },
        { id: 'shared', label: 'Shared', kind: 'text', readers: 'pair_and_staff' },
      ],
    },
    { title: 'Goals', questions: [...goalParts(1), ...goalParts(2)] },
    { title: 'Mentors only', questions: [{ id: 'mentor_note', label: 'Note', kind: 'text', audience: 'mentor' }] },
  ],
};
const set = questionSetSchema.parse(definition);
const q = (id: string) => set.sections.flatMap((s) => s.questions).find((x) => x.id === id) as Question;

describe('the question schema', () => {
  test('readers default to pair, or mentor for a private question; private follows readers', () => {
    expect(q('hopes')).toMatchObject({ readers: 'pair', private: false, audience: 'both', required: true });
    expect(q('story')).toMatchObject({ required: false });
    expect(q('secret')).toMatchObject({ readers: 'mentor', private: true });
    expect(q('team')).toMatchObject({ readers: 'staff', private: false });
  });
  test('a private question read by anyone but the mentor is refused; private with readers mentor is fine', () => {
    const withQuestion = (extra: object) => ({
      ...definition,
      sections: [{ title: 'S', questions: [{ id: 'x', label: 'X', kind: 'text', ...extra }] }],
    });
    expect(questionSetSchema.safeParse(withQuestion({ private: true, readers: 'pair' })).success).toBe(false);
    expect(questionSetSchema.safeParse(withQuestion({ private: true, readers: 'mentor' })).success).toBe(true);
    expect(questionSetSchema.safeParse(withQuestion({ private: false, readers: 'staff' })).success).toBe(true);
    expect(questionSetSchema.parse(withQuestion({ private: false, readers: 'mentor' })).sections[0]!.questions[0]).toMatchObject({
      private: true,
    });
  });
  test("ids unique and not the partner chooser's; choices need options; min not above max; at most 45", () => {
    const one = (questions: object[]) => questionSetSchema.safeParse({ ...definition, sections: [{ title: 'S', questions }] });
    const t = (id: string) => ({ id, label: 'L', kind: 'text' });
    expect(one([t('a'), t('a')]).success).toBe(false);
    expect(one([t('dtr_pairing')]).success).toBe(false);
    expect(one([t('a'), t('b')]).success).toBe(true);
    expect(one([{ id: 's', label: 'L', kind: 'select' }]).success).toBe(false);
    expect(one([{ id: 's', label: 'L', kind: 'weekday', options: [] }]).success).toBe(false);
    expect(one([{ id: 's', label: 'L', kind: 'select', options: [{ value: 'a', label: 'A' }] }]).success).toBe(true);
    expect(one([{ id: 'n', label: 'L', kind: 'number', min: 5, max: 4 }]).success).toBe(false);
    expect(one([{ id: 'n', label: 'L', kind: 'number', min: 4, max: 4 }]).success).toBe(true);
    expect(one([{ id: 'n', label: 'L', kind: 'number', min: 5 }]).success).toBe(true);
    expect(one(Array.from({ length: 45 }, (_, i) => t(`q${i}`))).success).toBe(true);
    expect(one(Array.from({ length: 46 }, (_, i) => t(`q${i}`))).success).toBe(false);
  });
});

describe('questionSetFor', () => {
  test("a program's own version is its stored definition, with the version the answer names", () => {
    expect(questionSetFor('kickoff', { source: 'program', version: 7 }, definition)).toMatchObject({
      title: 'Our kick-off',
      version: 7,
    });
  });
  test('built-in answers, a missing or broken program definition: the built-in set of that version', () => {
    const builtIn = latestBuiltIn('kickoff');
    expect(questionSetFor('kickoff', { source: 'builtin', version: builtIn.version }, definition)).toBe(builtIn);
    expect(questionSetFor('kickoff', { source: 'program', version: builtIn.version })).toBe(builtIn);
    expect(questionSetFor('kickoff', { source: 'program', version: builtIn.version }, null)).toBe(builtIn);
    expect(questionSetFor('kickoff', { source: 'program', version: builtIn.version }, { milestone: 'kickoff' })).toBe(builtIn);
  });
  test('an unknown built-in version falls back to the newest of that milestone', () => {
    expect(questionSetFor('exit', { source: 'builtin', version: 99 })).toBe(latestBuiltIn('exit'));
    expect(latestBuiltIn('midmod').milestone).toBe('midmod');
    expect(builtInQuestionSets.filter((s) => s.milestone === 'exit')).toContain(latestBuiltIn('exit'));
  });
});

describe('who reads what', () => {
  test('pairReads and staffReads by readers', () => {
    const r = (readers: string) => ({ ...q('hopes'), readers }) as Question;
    expect(['pair', 'pair_and_staff', 'staff', 'mentor'].map((x) => [pairReads(r(x)), staffReads(r(x))])).toEqual([
      [true, false],
      [true, true],
      [false, true],
      [false, false],
    ]);
  });
  test('personReads: the author always; the pair for pair questions; the mentor for mentor-only ones; nobody else', () => {
    const mentee = { isAuthor: false, isMentor: false };
    const mentor = { isAuthor: false, isMentor: true };
    const author = { isAuthor: true, isMentor: false };
    expect(personReads(q('secret'), author)).toBe(true);
    expect(personReads(q('secret'), mentor)).toBe(true);
    expect(personReads(q('secret'), mentee)).toBe(false);
    expect(personReads(q('team'), author)).toBe(true);
    expect(personReads(q('team'), mentor)).toBe(false);
    expect(personReads(q('team'), mentee)).toBe(false);
    expect(personReads(q('hopes'), mentee)).toBe(true);
    expect(personReads(q('shared'), mentee)).toBe(true);
  });
  test('answersWhere: answered questions that match, in order, a choice shown by its label', () => {
    const shown = answersWhere(set, { day: '2', hopes: 'grow', secret: 's', colour: 'unknown', story: '' }, pairReads);
    expect(shown).toEqual([
      { id: 'hopes', label: 'Hopes', kind: 'text', readers: 'pair', value: 'grow' },
      { id: 'day', label: 'Day', kind: 'weekday', readers: 'pair', value: 'Tuesday' },
      { id: 'colour', label: 'Colour', kind: 'select', readers: 'pair', value: 'unknown' },
    ]);
  });
});

describe('questionsFor', () => {
  test('each side sees the questions for both and its own; a section left empty is dropped', () => {
    const mentor = questionsFor(set, 'mentor');
    expect(mentor.map((s) => s.title)).toEqual(['About you', 'Mentors only']);
    expect(mentor[0]!.questions.map((x) => x.id)).not.toContain('secret');
    expect(mentor[0]!.questions.map((x) => x.id)).toContain('team');
    const mentee = questionsFor(set, 'mentee');
    expect(mentee.map((s) => s.title)).toEqual(['About you', 'Goals']);
    expect(mentee[0]!.questions.map((x) => x.id)).toContain('secret');
    expect(mentee[0]!.questions.map((x) => x.id)).not.toContain('team');
  });
});

describe('goalsFromAnswers', () => {
  test('each goal with its text, its measure and date coming along; a goal without text is none', () => {
    expect(
      goalsFromAnswers(set, { g1_text: 'Ship', g1_measure: 'in prod', g1_date: '2027-03-01', g2_measure: 'orphan', hopes: 'x' }),
    ).toEqual([{ text: 'Ship', measure: 'in prod', targetDate: '2027-03-01' }]);
    expect(goalsFromAnswers(set, { g2_text: 'Learn', g1_measure: 'm1' })).toEqual([
      { text: 'Learn', measure: undefined, targetDate: undefined },
    ]);
    expect(goalsFromAnswers(set, { g1_text: 'A', g2_text: 'B', g2_date: '2027-04-01' })).toEqual([
      { text: 'A', measure: undefined, targetDate: undefined },
      { text: 'B', measure: undefined, targetDate: '2027-04-01' },
    ]);
    expect(goalsFromAnswers(set, {})).toEqual([]);
  });
});

describe('validateAnswers', () => {
  const ok = { hopes: 'grow' };
  const errorsOf = (role: 'mentor' | 'mentee', raw: Record<string, string | null | undefined>) => {
    const r = validateAnswers(set, role, raw);
    return r.ok ? {} : r.errors;
  };
  test('clean answers are trimmed; unknown keys and questions for the other side are dropped', () => {
    expect(validateAnswers(set, 'mentor', { hopes: '  grow  ', secret: 'not yours', nope: 'x', story: '   ' })).toEqual({
      ok: true,
      answers: { hopes: 'grow' },
    });
  });
  test('a required question left empty', () => {
    expect(errorsOf('mentor', { hopes: '  ' })).toEqual({ hopes: 'Please answer this one.' });
    expect(errorsOf('mentor', { hopes: null })).toEqual({ hopes: 'Please answer this one.' });
  });
  test('text longer than its maximum (its own, or 1500 for long text)', () => {
    expect(errorsOf('mentor', { hopes: 'x'.repeat(11) })).toEqual({ hopes: 'At most 10 characters (you have 11).' });
    expect(errorsOf('mentor', { hopes: 'x'.repeat(10) })).toEqual({});
    expect(errorsOf('mentor', { ...ok, story: 'y'.repeat(1501) })).toEqual({ story: 'At most 1500 characters (you have 1501).' });
    expect(errorsOf('mentor', { ...ok, story: 'y'.repeat(1500) })).toEqual({});
    expect(errorsOf('mentor', { ...ok, shared: 'z'.repeat(151) })).toEqual({ shared: 'At most 150 characters (you have 151).' });
    expect(errorsOf('mentor', { ...ok, shared: 'z'.repeat(150) })).toEqual({});
  });
  test('numbers: whole, within min and max when given', () => {
    expect(errorsOf('mentor', { ...ok, hours: '2.5' })).toEqual({ hours: 'A whole number, please.' });
    expect(errorsOf('mentor', { ...ok, hours: 'ten' })).toEqual({ hours: 'A whole number, please.' });
    expect(errorsOf('mentor', { ...ok, hours: '0' })).toEqual({ hours: 'Between 1 and 10.' });
    expect(errorsOf('mentor', { ...ok, hours: '11' })).toEqual({ hours: 'Between 1 and 10.' });
    expect(errorsOf('mentor', { ...ok, hours: '1' })).toEqual({});
    expect(errorsOf('mentor', { ...ok, hours: '10' })).toEqual({});
    expect(errorsOf('mentor', { ...ok, count: '-5000' })).toEqual({});
    expect(validateAnswers(set, 'mentor', { ...ok, hours: '7' })).toEqual({ ok: true, answers: { ...ok, hours: '7' } });
  });
  test('choices must be one of the options', () => {
    expect(errorsOf('mentor', { ...ok, day: '3' })).toEqual({ day: 'Pick one of the options.' });
    expect(errorsOf('mentor', { ...ok, colour: 'b' })).toEqual({ colour: 'Pick one of the options.' });
    expect(errorsOf('mentor', { ...ok, day: '2', colour: 'r' })).toEqual({});
  });
  test('times as HH:MM, dates as YYYY-MM-DD', () => {
    expect(errorsOf('mentor', { ...ok, at: '24:00' })).toEqual({ at: 'Use HH:MM.' });
    expect(errorsOf('mentor', { ...ok, at: '9:30' })).toEqual({ at: 'Use HH:MM.' });
    expect(errorsOf('mentor', { ...ok, at: '09:30 ' })).toEqual({});
    expect(errorsOf('mentor', { ...ok, at: '23:59', on: '2027-01-02' })).toEqual({});
    expect(errorsOf('mentor', { ...ok, on: '2 Jan' })).toEqual({ on: 'Pick a date.' });
    expect(errorsOf('mentor', { ...ok, on: 'x2027-01-02' })).toEqual({ on: 'Pick a date.' });
    expect(errorsOf('mentor', { ...ok, at: 'x09:30' })).toEqual({ at: 'Use HH:MM.' });
  });
  test('a goal is all three parts or none', () => {
    expect(errorsOf('mentee', { ...ok, g1_text: 'Ship' })).toEqual({
      g1_measure: 'Goal 1 needs this too.',
      g1_date: 'Goal 1 needs this too.',
    });
    expect(errorsOf('mentee', { ...ok, g2_date: '2027-01-01' })).toEqual({
      g2_text: 'Goal 2 needs this too.',
      g2_measure: 'Goal 2 needs this too.',
    });
    expect(errorsOf('mentee', { ...ok, g1_text: 'Ship', g1_measure: 'm', g1_date: 'soon' })).toEqual({ g1_date: 'Pick a date.' });
    expect(validateAnswers(set, 'mentee', { ...ok, g1_text: 'Ship', g1_measure: 'm', g1_date: '2027-01-01' })).toEqual({
      ok: true,
      answers: { ...ok, g1_text: 'Ship', g1_measure: 'm', g1_date: '2027-01-01' },
    });
    // The mentor is not asked the mentee's goals, so they are no part of the mentor's answers.
    expect(errorsOf('mentor', { ...ok, g1_text: 'Ship' })).toEqual({});
  });
});
