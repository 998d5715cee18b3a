import { z } from 'zod';
import type { Milestone } from './vocabulary.js';

/**
 * The define-the-relationship conversations as data. Wording is ours; the topics follow the
 * programs' handbooks. A set is versioned: answers keep the version they answered, so editing a set
 * (or a program's override of it) never rewrites what people said before. Change a set by adding a
 * new version, never by editing one in place.
 */
export type Audience = 'both' | 'mentor' | 'mentee';
/**
 * Who reads an answer once it is given (`audience` above is who is asked the question):
 * - `pair`: both partners — the summary in the pair conversation and `/dtr show`; not staff.
 * - `pair_and_staff`: the pair as above, and program staff in the pair report.
 * - `staff`: written for the program team — the pair report and the program summary in the private
 *   alerts channel; never the pair conversation; in `/dtr show` only to its author.
 * - `mentor`: the mentee's mentor only (a DM) and the author; never the pair conversation or staff.
 */
export type Readers = 'pair' | 'pair_and_staff' | 'staff' | 'mentor';
export const readersValues = ['pair', 'pair_and_staff', 'staff', 'mentor'] as const satisfies readonly Readers[];
export type PairingSetting =
  | 'meetingWeekday'
  | 'meetingTime'
  | 'meetingMinutes'
  | 'contactChannel'
  | 'ackWithinHours'
  | 'replyWithinDays';

const questionSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,40}$/),
    label: z.string().min(1).max(150),
    kind: z.enum(['text', 'long_text', 'select', 'weekday', 'time', 'number', 'date']),
    audience: z.enum(['both', 'mentor', 'mentee']).default('both'),
    required: z.boolean().default(false),
    /** Who reads the answer (see Readers). Left out: `mentor` when `private`, else `pair`. */
    readers: z.enum(readersValues).optional(),
    /** The older way to say `readers: 'mentor'` (stored program sets use it); kept in step with `readers`. */
    private: z.boolean().optional(),
    hint: z.string().max(150).optional(),
    options: z
      .array(z.object({ value: z.string().min(1).max(75), label: z.string().min(1).max(75) }))
      .max(100)
      .optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    maxLength: z.number().int().min(1).max(3000).optional(),
    /** The answer becomes this pairing setting. */
    setting: z
      .enum(['meetingWeekday', 'meetingTime', 'meetingMinutes', 'contactChannel', 'ackWithinHours', 'replyWithinDays'])
      .optional(),
    /** Part of goal N (1-3): its text, measure or target date. */
    goal: z.object({ index: z.number().int().min(1).max(3), part: z.enum(['text', 'measure', 'targetDate']) }).optional(),
  })
  .refine((q) => !(q.private && q.readers && q.readers !== 'mentor'), {
    message: 'A private question is read by the mentor only (readers: mentor)',
  })
  .transform((q) => {
    const readers: Readers = q.readers ?? (q.private ? 'mentor' : 'pair');
    return { ...q, readers, private: readers === 'mentor' };
  });

export const questionSetSchema = z.object({
  milestone: z.enum(['kickoff', 'midmod', 'exit']),
  version: z.number().int().min(1),
  title: z.string().min(1).max(24),
  intro: z.string().min(1).max(500),
  sections: z
    .array(z.object({ title: z.string().min(1).max(150), questions: z.array(questionSchema).min(1) }))
    .min(1)
    .superRefine((sections, ctx) => {
      const all = sections.flatMap((s) => s.questions);
      if (all.length > 45) ctx.addIssue({ code: 'custom', message: 'At most 45 questions: a modal holds 100 blocks' });
      const seen = new Set<string>();
      for (const q of all) {
        // Question ids are the modal's block ids: unique, and never the partner chooser's.
        if (seen.has(q.id) || q.id === 'dtr_pairing')
          ctx.addIssue({ code: 'custom', message: `Question id "${q.id}" is used twice or reserved` });
        seen.add(q.id);
        if ((q.kind === 'select' || q.kind === 'weekday') && (q.options?.length ?? 0) === 0)
          ctx.addIssue({ code: 'custom', message: `Question "${q.id}" needs options` });
        if (q.min !== undefined && q.max !== undefined && q.min > q.max)
          ctx.addIssue({ code: 'custom', message: `Question "${q.id}" has min above max` });
      }
    }),
});

export type Question = z.output<typeof questionSchema>;
export type QuestionSet = z.output<typeof questionSetSchema>;

/**
 * A built-in question always says who reads its answers (audited per question; the test
 * test/unit/dtr-readers.test.ts renders every summary and checks them). `readers` can change without
 * a new version: it changes who sees an answer, not what was asked.
 */
type BuiltInQuestion = z.input<typeof questionSchema> & { readers: Readers };
type BuiltInSet = Omit<z.input<typeof questionSetSchema>, 'sections'> & {
  sections: { title: string; questions: BuiltInQuestion[] }[];
};

const weekdayOptions = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map((label, i) => ({
  value: String(i + 1),
  label,
}));
const SHORT = 150;
const LONG = 1500;

// A SMART goal's three parts: the mentee's, read by the pair and staff, the first goal required.
const goalPart = (
  n: number,
  part: 'text' | 'measure' | 'targetDate',
  q: Pick<BuiltInQuestion, 'id' | 'label' | 'kind' | 'maxLength'>,
) =>
  ({
    ...q,
    readers: 'pair_and_staff',
    audience: 'mentee',
    required: n === 1,
    goal: { index: n, part },
  }) satisfies BuiltInQuestion;

const goalQuestions = [1, 2, 3].flatMap((n): BuiltInQuestion[] => [
  goalPart(n, 'text', {
    id: `goal${n}_text`,
    label: `Goal ${n}: what exactly do you want to achieve?`,
    kind: 'long_text',
    maxLength: 300,
  }),
  goalPart(n, 'measure', {
    id: `goal${n}_measure`,
    label: `Goal ${n}: how will you know you got there?`,
    kind: 'text',
    maxLength: SHORT,
  }),
  goalPart(n, 'targetDate', { id: `goal${n}_date`, label: `Goal ${n}: by when?`, kind: 'date' }),
]);

const kickoffV1 = {
  milestone: 'kickoff',
  version: 1,
  title: 'Kick-off DTR',
  intro:
    'Talk these through together first, then each of you records your own part here. Your partner adds theirs; when both are in, the agreed plan goes to your pair conversation.',
  sections: [
    {
      title: 'About you',
      questions: [
        { id: 'name', label: 'What should your partner call you?', kind: 'text', readers: 'pair', required: true, maxLength: 80 },
        { id: 'pronouns', label: 'Your pronouns', kind: 'text', readers: 'pair', maxLength: 40 },
        {
          id: 'mentor_relation',
          label: 'How are you connected to this program?',
          kind: 'text',
          readers: 'pair',
          audience: 'mentor',
          maxLength: SHORT,
          hint: 'Graduate, volunteer, staff, friend of the community…',
        },
        {
          id: 'mentor_work',
          label: 'Where do you work, and on what?',
          kind: 'text',
          readers: 'pair',
          audience: 'mentor',
          maxLength: SHORT,
        },
        {
          id: 'mentor_path',
          label: 'How did you get into this field?',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentor',
          maxLength: LONG,
        },
        {
          id: 'mentee_background',
          label: 'What were you doing before this program?',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentee',
          maxLength: LONG,
        },
        {
          id: 'mentee_why',
          label: 'What brought you to this program?',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentee',
          maxLength: LONG,
        },
        {
          id: 'mentee_excited',
          label: 'What are you most looking forward to in your tech career?',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentee',
          maxLength: LONG,
        },
      ],
    },
    {
      title: 'Scheduling',
      questions: [
        {
          id: 'best_times',
          label: 'When is it easiest for you to meet?',
          kind: 'text',
          readers: 'pair',
          required: true,
          maxLength: SHORT,
          hint: 'Lunchtime, early evening, weekends…',
        },
        {
          id: 'constraints',
          label: 'What limits your schedule?',
          kind: 'text',
          readers: 'pair',
          maxLength: SHORT,
          hint: 'Family, work hours, time zones…',
        },
        {
          id: 'meeting_weekday',
          label: 'Agreed weekly meeting: day',
          kind: 'weekday',
          readers: 'pair',
          audience: 'mentor',
          required: true,
          options: weekdayOptions,
          setting: 'meetingWeekday',
        },
        {
          id: 'meeting_time',
          label: 'Agreed weekly meeting: time (your time zone)',
          kind: 'time',
          readers: 'pair',
          audience: 'mentor',
          required: true,
          setting: 'meetingTime',
        },
        {
          id: 'meeting_minutes',
          label: 'Agreed weekly meeting: minutes',
          kind: 'number',
          readers: 'pair',
          audience: 'mentor',
          required: true,
          min: 30,
          max: 60,
          setting: 'meetingMinutes',
          hint: 'Between 30 and 60.',
        },
      ],
    },
    {
      title: 'Staying in touch',
      questions: [
        {
          id: 'contact_channel',
          label: 'Where do you reach each other?',
          kind: 'select',
          readers: 'pair',
          audience: 'mentor',
          required: true,
          setting: 'contactChannel',
          options: [
            { value: 'slack', label: 'Slack, in our pair conversation' },
            { value: 'slack_dm', label: 'Slack direct messages' },
            { value: 'email', label: 'Email' },
            { value: 'phone', label: 'Phone or text' },
          ],
        },
        {
          id: 'contact_often',
          label: 'How often will you be in touch between meetings?',
          kind: 'text',
          readers: 'pair',
          maxLength: SHORT,
        },
        {
          id: 'ack_within_hours',
          label: 'We say "seen it" within (hours)',
          kind: 'number',
          readers: 'pair',
          audience: 'mentor',
          required: true,
          min: 1,
          max: 72,
          setting: 'ackWithinHours',
        },
        {
          id: 'reply_within_days',
          label: 'We give a full answer within (work days)',
          kind: 'number',
          readers: 'pair',
          audience: 'mentor',
          required: true,
          min: 1,
          max: 5,
          setting: 'replyWithinDays',
          hint: 'Tandem nudges and tells staff when a message waits longer than this.',
        },
      ],
    },
    {
      title: 'Support',
      questions: [
        { id: 'strengths', label: 'Technical strengths so far', kind: 'long_text', readers: 'pair', maxLength: LONG },
        { id: 'grow', label: 'Areas to grow in', kind: 'long_text', readers: 'pair', maxLength: LONG },
        { id: 'focus_topics', label: 'Topics to focus on this module', kind: 'long_text', readers: 'pair', maxLength: LONG },
        {
          id: 'revisit_topics',
          label: 'Topics from before worth revisiting',
          kind: 'long_text',
          readers: 'pair',
          maxLength: LONG,
        },
      ],
    },
    {
      title: 'Heads-up',
      questions: [
        {
          id: 'concerns',
          label: 'Anything coming up your partner should know about?',
          kind: 'long_text',
          readers: 'pair',
          maxLength: LONG,
          hint: 'Life events, worries about the curriculum, a job search…',
        },
        {
          id: 'overwhelmed',
          label: 'When things get overwhelming, what helps you?',
          kind: 'long_text',
          readers: 'mentor',
          audience: 'mentee',
          maxLength: LONG,
          hint: 'Shared with your mentor only.',
        },
        {
          id: 'other_support',
          label: 'Who else supports you during this program?',
          kind: 'long_text',
          readers: 'mentor',
          audience: 'mentee',
          maxLength: LONG,
          hint: 'Shared with your mentor only.',
        },
      ],
    },
    {
      title: 'Goals (specific, measurable, with a date)',
      questions: [
        ...goalQuestions,
        {
          id: 'action_plan',
          label: 'Action plan: the steps toward these goals',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentor',
          maxLength: LONG,
        },
        {
          id: 'homework',
          label: 'First homework before you next meet',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentor',
          maxLength: LONG,
        },
      ],
    },
  ],
} satisfies BuiltInSet;

const progressQuestions = [1, 2, 3].map(
  (n): BuiltInQuestion => ({
    id: `goal${n}_progress`,
    label: `Progress on goal ${n}`,
    kind: 'long_text',
    readers: 'pair',
    maxLength: LONG,
  }),
);

const midmodV1 = {
  milestone: 'midmod',
  version: 1,
  title: 'Mid-module DTR',
  intro: 'Halfway there. Look back at the first half together, then each of you records your part.',
  sections: [
    {
      title: 'First half',
      questions: [
        {
          id: 'instructor_feedback',
          label: 'What feedback have instructors given?',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentee',
          required: true,
          maxLength: LONG,
        },
        {
          id: 'struggles',
          label: 'What has been hardest so far?',
          kind: 'long_text',
          readers: 'pair',
          required: true,
          maxLength: LONG,
        },
        { id: 'strengths', label: 'What has gone well?', kind: 'long_text', readers: 'pair', maxLength: LONG },
        { id: 'focus', label: 'Focus for the second half', kind: 'long_text', readers: 'pair', required: true, maxLength: LONG },
      ],
    },
    { title: 'Goals', questions: progressQuestions },
  ],
} satisfies BuiltInSet;

const exitV1 = {
  milestone: 'exit',
  version: 1,
  title: 'Exit DTR',
  intro: 'You made it to the end of the module. Review it together, then each of you records your part.',
  sections: [
    {
      title: 'Goals',
      questions: [1, 2, 3].map(
        (n): BuiltInQuestion => ({
          id: `goal${n}_outcome`,
          label: `Goal ${n}`,
          kind: 'select',
          readers: 'pair_and_staff',
          options: [
            { value: 'met', label: 'Met' },
            { value: 'partly', label: 'Partly met' },
            { value: 'not', label: 'Not met' },
            { value: 'none', label: 'We had no goal here' },
          ],
          required: n === 1,
        }),
      ),
    },
    {
      title: 'Looking back',
      questions: [
        {
          id: 'worked',
          label: 'What worked well between you?',
          kind: 'long_text',
          readers: 'pair',
          required: true,
          maxLength: LONG,
        },
        { id: 'change', label: 'What would you do differently?', kind: 'long_text', readers: 'pair', maxLength: LONG },
        { id: 'program_feedback', label: 'Feedback for the program team', kind: 'long_text', readers: 'staff', maxLength: LONG },
      ],
    },
    {
      title: 'What comes next',
      questions: [
        {
          id: 'next_plan',
          label: 'Plan for after the program',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentee',
          required: true,
          maxLength: LONG,
        },
        {
          id: 'open_doors',
          label: 'People worth meeting (introductions, informational chats)',
          kind: 'long_text',
          readers: 'pair',
          audience: 'mentor',
          maxLength: LONG,
        },
        {
          id: 'keep_in_touch',
          label: 'Would you like to stay in touch?',
          kind: 'select',
          readers: 'staff',
          required: true,
          options: [
            { value: 'yes', label: 'Yes' },
            { value: 'maybe', label: 'Maybe later' },
            { value: 'no', label: 'No, thanks' },
          ],
        },
        { id: 'celebrate', label: 'One thing to celebrate', kind: 'text', readers: 'pair', maxLength: SHORT },
      ],
    },
  ],
} satisfies BuiltInSet;

/** Every version ever shipped, so old answers can always be shown with the questions they answered. */
export const builtInQuestionSets: readonly QuestionSet[] = [kickoffV1, midmodV1, exitV1].map((s) => questionSetSchema.parse(s));

export function latestBuiltIn(milestone: Milestone): QuestionSet {
  const sets = builtInQuestionSets.filter((s) => s.milestone === milestone).sort((a, b) => b.version - a.version);
  const set = sets[0];
  if (!set) throw new Error(`no question set for ${milestone}`);
  return set;
}

/**
 * The exact set an answer was given to: a program's own version (its stored definition), or the
 * built-in one of that version (the newest if that version is unknown).
 */
export function questionSetFor(
  milestone: Milestone,
  ref: { source: string; version: number },
  programDefinition?: unknown,
): QuestionSet {
  if (ref.source === 'program' && programDefinition !== undefined && programDefinition !== null) {
    const parsed = questionSetSchema.safeParse(programDefinition);
    if (parsed.success) return { ...parsed.data, version: ref.version };
  }
  return builtInQuestionSets.find((s) => s.milestone === milestone && s.version === ref.version) ?? latestBuiltIn(milestone);
}

export const allQuestions = (set: QuestionSet): Question[] => set.sections.flatMap((s) => s.questions);

/** Both partners read it: the summary in the pair conversation, and `/dtr show`. */
export const pairReads = (q: Question): boolean => q.readers === 'pair' || q.readers === 'pair_and_staff';
/** Program staff read it: in the pair report (and, for `staff` answers, the program summary). */
export const staffReads = (q: Question): boolean => q.readers === 'pair_and_staff' || q.readers === 'staff';

export type ShownAnswer = { id: string; label: string; kind: Question['kind']; readers: Readers; value: string };

/**
 * One side's answers to the questions `which` picks, in the set's order, with their labels; a choice
 * shows its option's label. Values stay what the person typed: callers escape them.
 */
export function answersWhere(
  set: QuestionSet,
  answers: Readonly<Record<string, string>>,
  which: (q: Question) => boolean,
): ShownAnswer[] {
  return allQuestions(set)
    .filter((q) => which(q) && answers[q.id])
    .map((q) => {
      const raw = answers[q.id] as string;
      return {
        id: q.id,
        label: q.label,
        kind: q.kind,
        readers: q.readers,
        value: q.options?.find((o) => o.value === raw)?.label ?? raw,
      };
    });
}

/** Whether one person may read an answer to `q` (in `/dtr show`): the author always can. */
export function personReads(q: Question, viewer: { isAuthor: boolean; isMentor: boolean }): boolean {
  if (viewer.isAuthor || pairReads(q)) return true;
  return q.readers === 'mentor' && viewer.isMentor;
}

/** The goals a mentee's kick-off answers set (each needs its text; measure and date come along). */
export function goalsFromAnswers(
  set: QuestionSet,
  answers: Answers,
): { text: string; measure: string | undefined; targetDate: string | undefined }[] {
  const parts = allQuestions(set).filter((q) => q.goal && answers[q.id]);
  const goals = [];
  for (const n of [1, 2, 3]) {
    const part = (p: 'text' | 'measure' | 'targetDate') =>
      answers[parts.find((q) => q.goal?.index === n && q.goal.part === p)?.id ?? ''];
    const text = part('text');
    if (text) goals.push({ text, measure: part('measure'), targetDate: part('targetDate') });
  }
  return goals;
}

export function questionsFor(set: QuestionSet, role: 'mentor' | 'mentee'): { title: string; questions: Question[] }[] {
  return set.sections
    .map((s) => ({ title: s.title, questions: s.questions.filter((q) => q.audience === 'both' || q.audience === role) }))
    .filter((s) => s.questions.length > 0);
}

export type Answers = Record<string, string>;

/** One person's part of a pair's DTR: their answers to the question set (source and version) they were shown. */
export type DtrPart = {
  milestone: Milestone;
  personId: string;
  role: 'mentor' | 'mentee';
  setSource: string;
  setVersion: number;
  answers: Answers;
};

/**
 * Validates one side's answers against the questions it was shown. Returns per-question messages
 * (the modal shows them under each field) or the clean answers; unknown keys are dropped.
 */
export function validateAnswers(
  set: QuestionSet,
  role: 'mentor' | 'mentee',
  raw: Record<string, string | null | undefined>,
): { ok: true; answers: Answers } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const answers: Answers = {};
  const shown = questionsFor(set, role).flatMap((s) => s.questions);
  for (const q of shown) {
    const value = (raw[q.id] ?? '').trim();
    if (!value) {
      if (q.required) errors[q.id] = 'Please answer this one.';
      continue;
    }
    const max = q.maxLength ?? (q.kind === 'long_text' ? LONG : SHORT);
    if ((q.kind === 'text' || q.kind === 'long_text') && value.length > max)
      errors[q.id] = `At most ${max} characters (you have ${value.length}).`;
    else if (q.kind === 'number') {
      const n = Number(value);
      if (!Number.isInteger(n)) errors[q.id] = 'A whole number, please.';
      else if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max))
        errors[q.id] = `Between ${q.min} and ${q.max}.`;
    } else if ((q.kind === 'select' || q.kind === 'weekday') && !q.options?.some((o) => o.value === value))
      errors[q.id] = 'Pick one of the options.';
    else if (q.kind === 'time' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) errors[q.id] = 'Use HH:MM.';
    else if (q.kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) errors[q.id] = 'Pick a date.';
    if (!errors[q.id]) answers[q.id] = value;
  }
  // A goal is all three parts or none: half a SMART goal is not one.
  for (const n of [1, 2, 3]) {
    const parts = shown.filter((q) => q.goal?.index === n);
    if (parts.length === 0) continue;
    const given = parts.filter((q) => answers[q.id]);
    if (given.length > 0 && given.length < parts.length)
      for (const q of parts) if (!answers[q.id] && !errors[q.id]) errors[q.id] = `Goal ${n} needs this too.`;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, answers };
}
