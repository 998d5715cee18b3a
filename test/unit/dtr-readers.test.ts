import { describe, expect, test } from 'vitest';
import type { PairReportRows } from '../../src/db/repositories/report-repository.js';
import {
  allQuestions,
  builtInQuestionSets,
  goalsFromAnswers,
  questionSetSchema,
  questionsFor,
  type Question,
  type QuestionSet,
  type Readers,
} from '../../src/domain/dtr-questions.js';
import { groupByWeek } from '../../src/services/alerts/report-service.js';
import { dtrPrivateMessage, dtrShowBlocks, dtrSummaryMessage } from '../../src/messages/dtr.js';
import { pairReportView } from '../../src/messages/report.js';
import { userAnswers } from '../../src/messages/text.js';

/**
 * Every DTR answer has readers (src/domain/dtr-questions.ts), and each surface shows exactly the
 * answers its readers allow. For every question set and every question either side answers, each
 * surface is rendered with every question answered and again without that one answer: the surface
 * shows the answer if and only if the two differ. Free-text answers are also distinctive text that
 * must appear exactly where the readers say.
 *
 * The program summary in the alerts channel is a database query and is checked end to end
 * (test/e2e/dtr.test.ts, "who reads each answer").
 */

const MENTOR = 'UMENTOR01';
const MENTEE = 'UMENTEE01';
type Role = 'mentor' | 'mentee';
const roles: Role[] = ['mentor', 'mentee'];
type Surface = 'pair conversation' | 'mentor DM' | 'partner /dtr show' | 'author /dtr show' | 'staff pair report';

/** Who reads what, written out per readers value (not derived from the code under test). */
function expected(readers: Readers, author: Role): Record<Surface, boolean> {
  const byReaders: Record<Readers, Record<Surface, boolean>> = {
    pair: {
      'pair conversation': true,
      'mentor DM': false,
      'partner /dtr show': true,
      'author /dtr show': true,
      'staff pair report': false,
    },
    pair_and_staff: {
      'pair conversation': true,
      'mentor DM': false,
      'partner /dtr show': true,
      'author /dtr show': true,
      'staff pair report': true,
    },
    staff: {
      'pair conversation': false,
      'mentor DM': false,
      'partner /dtr show': false,
      'author /dtr show': true,
      'staff pair report': true,
    },
    // The mentee's mentor and the author: a mentee's answer reaches the mentor by DM.
    mentor: {
      'pair conversation': false,
      'mentor DM': author === 'mentee',
      'partner /dtr show': author === 'mentee',
      'author /dtr show': true,
      'staff pair report': false,
    },
  };
  return byReaders[readers];
}

/** A distinctive, valid answer for each question. */
function answerFor(q: Question, role: Role, i: number): string {
  switch (q.kind) {
    case 'text':
    case 'long_text':
      return `[${role} wrote ${q.id}]`.slice(0, q.maxLength ?? 150);
    case 'select':
    case 'weekday':
      return q.options?.[i % q.options.length]?.value ?? '';
    case 'number':
      return String(Math.round(((q.min ?? 1) + (q.max ?? 99)) / 2));
    case 'date':
      return `2031-0${1 + (i % 9)}-1${i % 10}`;
    case 'time':
      return `0${i % 10}:4${i % 10}`;
  }
}

function answersOf(set: QuestionSet, role: Role): Record<string, string> {
  return Object.fromEntries(
    questionsFor(set, role)
      .flatMap((s) => s.questions)
      .map((q, i) => [q.id, answerFor(q, role, i)]),
  );
}

function render(
  set: QuestionSet,
  source: 'builtin' | 'program',
  answers: Record<Role, Record<string, string>>,
): Record<Surface, string> {
  const a = { mentor: userAnswers(answers.mentor), mentee: userAnswers(answers.mentee) };
  const sides = [
    {
      personId: MENTOR,
      role: 'mentor' as const,
      set,
      answers: a.mentor,
      updatedAt: new Date('2027-02-19T10:00:00Z'),
      zone: 'Europe/Berlin',
    },
    {
      personId: MENTEE,
      role: 'mentee' as const,
      set,
      answers: a.mentee,
      updatedAt: new Date('2027-02-19T10:00:00Z'),
      zone: 'Europe/Berlin',
    },
  ];
  const rows: PairReportRows = {
    pairing: {
      id: 1,
      programId: 1,
      programName: 'Backend',
      timeZone: 'America/Denver',
      startDate: '2027-01-11',
      lengthWeeks: 6,
      mentorId: MENTOR,
      menteeId: MENTEE,
      status: 'active',
      pausedUntil: null,
      // The kick-off's goals become the pairing's goals, as dtr-service stores them.
      goals: set.milestone === 'kickoff' ? goalsFromAnswers(set, answers.mentee) : [],
      conversationId: 'GPAIR',
    },
    checkins: [],
    sessions: [],
    standups: [],
    reschedules: [],
    milestones: [{ milestone: set.milestone, completedAt: new Date('2027-02-19T10:00:00Z') }],
    dtrAnswers: roles.map((role) => ({
      milestone: set.milestone,
      personId: role === 'mentor' ? MENTOR : MENTEE,
      role,
      setSource: source,
      setVersion: set.version,
      answers: answers[role],
      submittedAt: new Date('2027-02-19T10:00:00Z'),
      setDefinition: source === 'program' ? set : null,
    })),
    alerts: [],
  };
  return {
    'pair conversation': JSON.stringify(
      dtrSummaryMessage({
        milestone: set.milestone,
        mentorId: MENTOR,
        menteeId: MENTEE,
        mentor: { set, answers: a.mentor, zone: 'Europe/Berlin' },
        mentee: { set, answers: a.mentee, zone: 'Europe/Berlin' },
        nextMeetingAt: null,
        updated: false,
      }),
    ),
    'mentor DM': JSON.stringify(dtrPrivateMessage({ menteeId: MENTEE, milestone: set.milestone, set, answers: a.mentee })),
    // Rendered per author below: these two are the mentor's and the mentee's view.
    'partner /dtr show': JSON.stringify(
      dtrShowBlocks({ milestone: set.milestone, viewerIsMentor: true, viewerId: MENTOR, sides }),
    ),
    'author /dtr show': JSON.stringify(
      dtrShowBlocks({ milestone: set.milestone, viewerIsMentor: false, viewerId: MENTEE, sides }),
    ),
    'staff pair report': JSON.stringify(pairReportView({ ...groupByWeek(rows), readerZone: 'America/Denver' })),
  };
}

/** A program's own set with a question for each readers value and kind, answered by both sides. */
const programSet: QuestionSet = questionSetSchema.parse({
  milestone: 'midmod',
  version: 2,
  title: 'Our mid-module',
  intro: 'Halfway there.',
  sections: [
    {
      title: 'Halfway',
      questions: [
        { id: 'own_pair', label: 'What should your partner know?', kind: 'long_text', readers: 'pair' },
        { id: 'own_both', label: 'What should everyone know?', kind: 'text', readers: 'pair_and_staff' },
        { id: 'own_staff', label: 'What should the program team know?', kind: 'long_text', readers: 'staff' },
        {
          id: 'own_staff_pick',
          label: 'Would you mentor again?',
          kind: 'select',
          readers: 'staff',
          options: [
            { value: 'yes', label: 'Gladly' },
            { value: 'no', label: 'Not again' },
          ],
        },
        { id: 'own_private', label: 'Anything only your mentor should read?', kind: 'long_text', private: true },
        { id: 'own_default', label: 'Mood', kind: 'select', options: [{ value: 'fine', label: 'Fine' }] },
      ],
    },
  ],
});

const cases = [
  ...builtInQuestionSets.map((s) => [`built-in ${s.milestone} v${s.version}`, s, 'builtin'] as const),
  ['a program’s own midmod', programSet, 'program'] as const,
];

describe.each(cases)('%s', (_name, set, source) => {
  const full = { mentor: answersOf(set, 'mentor'), mentee: answersOf(set, 'mentee') };
  const withAll = render(set, source, full);
  // The two /dtr show views in `render` are the mentor's and the mentee's; which one is the author's depends on the side.
  const viewOf = (surface: Surface, author: Role): Surface =>
    surface === 'partner /dtr show' || surface === 'author /dtr show'
      ? (surface === 'author /dtr show') === (author === 'mentee')
        ? 'author /dtr show'
        : 'partner /dtr show'
      : surface;

  const answered = roles.flatMap((author) =>
    questionsFor(set, author).flatMap((s) => s.questions.map((q) => [`${author}: ${q.id} (${q.readers})`, author, q] as const)),
  );

  test.each(answered)('%s appears exactly where its readers say', (_label, author, q) => {
    const without = render(set, source, {
      ...full,
      [author]: Object.fromEntries(Object.entries(full[author]).filter(([id]) => id !== q.id)),
    });
    const seen: Record<string, boolean> = {};
    const want: Record<string, boolean> = {};
    for (const surface of Object.keys(withAll) as Surface[]) {
      const rendered = viewOf(surface, author);
      seen[surface] = withAll[rendered] !== without[rendered];
      want[surface] = expected(q.readers, author)[surface];
      if (q.kind === 'text' || q.kind === 'long_text') {
        // Distinctive text: present exactly where it may be read, and nowhere else.
        expect(withAll[rendered].includes(full[author][q.id] as string), `${surface}: the text itself`).toBe(want[surface]);
      }
    }
    expect(seen).toEqual(want);
  });

  test('every question states who reads it', () => {
    for (const q of allQuestions(set)) expect(['pair', 'pair_and_staff', 'staff', 'mentor']).toContain(q.readers);
  });
});

test('the built-in audit: goals and their outcomes are the pair’s and staff’s; feedback and staying in touch are for staff only; private answers for the mentor', () => {
  const readersOf = (milestone: string, id: string) =>
    allQuestions(builtInQuestionSets.find((s) => s.milestone === milestone) as QuestionSet).find((q) => q.id === id)?.readers;
  expect(readersOf('exit', 'program_feedback')).toBe('staff');
  expect(readersOf('exit', 'keep_in_touch')).toBe('staff');
  for (const n of [1, 2, 3]) expect(readersOf('exit', `goal${n}_outcome`)).toBe('pair_and_staff');
  for (const part of ['text', 'measure', 'date']) expect(readersOf('kickoff', `goal1_${part}`)).toBe('pair_and_staff');
  expect(readersOf('kickoff', 'overwhelmed')).toBe('mentor');
  expect(readersOf('kickoff', 'other_support')).toBe('mentor');
  expect(readersOf('exit', 'worked')).toBe('pair');
});

test('a stored program set: `private` still means the mentor only, and cannot be given to anyone else', () => {
  const q = (extra: Record<string, unknown>) => ({
    milestone: 'midmod',
    version: 1,
    title: 'T',
    intro: 'I',
    sections: [{ title: 'S', questions: [{ id: 'x', label: 'X', kind: 'text', ...extra }] }],
  });
  expect(allQuestions(questionSetSchema.parse(q({ private: true })))[0]?.readers).toBe('mentor');
  expect(allQuestions(questionSetSchema.parse(q({})))[0]).toMatchObject({ readers: 'pair', private: false });
  expect(allQuestions(questionSetSchema.parse(q({ readers: 'mentor' })))[0]?.private).toBe(true);
  expect(questionSetSchema.safeParse(q({ private: true, readers: 'staff' })).success).toBe(false);
});
