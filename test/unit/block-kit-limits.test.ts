import { describe, expect, test } from 'vitest';
import type { AlertReason, AlertStatus, CheckinAnswer, Milestone } from '../../src/db/schema.js';
import type { PairReportRows } from '../../src/db/repositories/report-repository.js';
import {
  answersWhere,
  builtInQuestionSets,
  questionSetSchema,
  questionsFor,
  validateAnswers,
  type Answers,
  type Question,
  type QuestionSet,
} from '../../src/domain/dtr-questions.js';
import { groupByWeek } from '../../src/services/alerts/report-service.js';
import { alertMessage, alertReasonAdded, type AlertReasonView, type AlertViewInput } from '../../src/messages/alert.js';
import { checkinMessage, checkinNoteModal, reminderMessage } from '../../src/messages/checkin.js';
import {
  dtrInviteMessage,
  dtrModal,
  dtrPrivateMessage,
  dtrShowBlocks,
  dtrSummaryMessage,
  milestoneTitles,
  programTeamBlocks,
} from '../../src/messages/dtr.js';
import { pairIntroMessage } from '../../src/messages/pair-intro.js';
import { programModal } from '../../src/messages/program-modal.js';
import { pairReportView } from '../../src/messages/report.js';
import { standupReportMessages, weekRangeLabel, type StandupReportInput } from '../../src/messages/standup.js';
import { userAnswers, userText, userTextOrNull } from '../../src/messages/text.js';
import { blockKitViolations, blockKitWarnings, type Surface } from '../support/block-kit-limits.js';

/**
 * Every builder in src/messages fed the largest input the app accepts must stay inside Slack's
 * documented Block Kit limits (see test/support/block-kit-limits.ts for the numbers and sources).
 * Person-written text is filled with `&` and `<`: mrkdwn escaping turns them into `&amp;` and `&lt;`,
 * so that is the longest a text can get after escaping.
 */

const clean = (kind: Surface, payload: unknown) => expect(blockKitViolations(kind, payload)).toEqual([]);

/** Fillers for person-written text: all `&` (x5 once escaped) and the `&<` mix from the brief (x4.5). */
const fillers = { amp: '&', ampLt: '&<' } as const;
type Filler = keyof typeof fillers;
const fillerNames = Object.keys(fillers) as Filler[];
const text = (filler: Filler, n: number) => fillers[filler].repeat(Math.ceil(n / fillers[filler].length)).slice(0, n);

// Longest realistic ids and labels.
const MENTOR = 'W0123456789ABCDEFGH';
const MENTEE = 'U0123456789ABCDEFGH';
const STAFF = 'U9876543210ZYXWVUTS';
const BIG_ID = 2_147_483_647;
const PERMALINK = `https://${'a'.repeat(21)}.enterprise.slack.com/archives/C0123456789ABCDEF/p1234567890123456?thread_ts=1234567890.123456&cid=C0123456789ABCDEF`;
const WEEK_LABEL = 'week of 28 September';
const TIME_LABEL = 'Wed 30 Sep, 23:59 GMT+10:30';
const PROGRAM_NAME_MAX = 80; // programSettingsSchema: name at most 80 characters
const milestones: Milestone[] = ['kickoff', 'midmod', 'exit'];
const roles = ['mentor', 'mentee'] as const;

/** The largest answer validateAnswers accepts for a question. */
function maxAnswer(q: Question, filler: Filler): string {
  switch (q.kind) {
    case 'text':
      return text(filler, q.maxLength ?? 150);
    case 'long_text':
      return text(filler, q.maxLength ?? 1500);
    case 'select':
    case 'weekday': {
      const longest = [...(q.options ?? [])].sort(
        (a, b) => b.label.length - a.label.length || b.value.length - a.value.length,
      )[0];
      if (!longest) throw new Error(`question ${q.id} has no options`);
      return longest.value;
    }
    case 'number':
      return String(q.max ?? q.min ?? 999_999_999);
    case 'date':
      return '2099-12-31';
    case 'time':
      return '23:59';
  }
}

/** One side's answers with every question it is shown filled to the maximum; checked to be storable. */
function maxAnswers(set: QuestionSet, role: 'mentor' | 'mentee', filler: Filler): Answers {
  const raw = Object.fromEntries(questionsFor(set, role).flatMap((s) => s.questions.map((q) => [q.id, maxAnswer(q, filler)])));
  const checked = validateAnswers(set, role, raw);
  if (!checked.ok) throw new Error(`fixture answers rejected for ${set.milestone} ${role}: ${JSON.stringify(checked.errors)}`);
  return checked.answers;
}

/** Partner choices as dtr-service's partnerLabel builds them, more than the modal can hold. */
const partnerChoices = (filler: Filler) =>
  Array.from({ length: 150 }, (_, i) => ({
    pairingId: BIG_ID - i,
    label: `${i % 2 ? 'Mentee' : 'Mentor'} ${MENTEE} — ${text(filler, PROGRAM_NAME_MAX)}`,
  }));

const dtrMeta = (m: Milestone) => ({ m, p: BIG_ID, s: 'program', v: BIG_ID });

function dtrCases(sets: readonly QuestionSet[]) {
  return sets.flatMap((set) =>
    fillerNames.map((filler) => ({ name: `${set.milestone} v${set.version} (${filler})`, set, filler })),
  );
}

describe('the checker itself', () => {
  const section = (t: string) => ({ type: 'section', text: { type: 'mrkdwn', text: t } });
  const plain = (t: string) => ({ type: 'plain_text', text: t });
  const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: plain('Title'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
    ...extra,
  });
  const input = (blockId: string, element: Record<string, unknown>) => ({
    type: 'input',
    block_id: blockId,
    label: plain('Label'),
    element: { action_id: 'value', ...element },
  });
  const option = (value: string, t = value) => ({ text: plain(t), value });
  const expectViolation = (kind: Surface, payload: unknown, pattern: RegExp) => {
    const v = blockKitViolations(kind, payload);
    expect(
      v.some((line) => pattern.test(line)),
      `expected a violation matching ${pattern}, got ${JSON.stringify(v)}`,
    ).toBe(true);
  };

  test('accepts a small valid modal, message and home tab', () => {
    const blocks = [
      { type: 'header', text: plain('Header') },
      section('Some *text*'),
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'ctx' }] },
      {
        type: 'actions',
        block_id: 'a',
        elements: [
          { type: 'button', action_id: 'b1', text: plain('One'), value: '1', style: 'primary' },
          { type: 'button', action_id: 'b2', text: plain('Two') },
        ],
      },
    ];
    expect(blockKitViolations('message', { text: 'fallback', blocks })).toEqual([]);
    expect(blockKitViolations('message', blocks)).toEqual([]);
    expect(
      blockKitViolations(
        'modal',
        modal([...blocks, input('i', { type: 'plain_text_input', max_length: 10, initial_value: 'x'.repeat(10) })]),
      ),
    ).toEqual([]);
    expect(
      blockKitViolations('home', {
        type: 'home',
        blocks: [...blocks, input('i', { type: 'static_select', options: [option('a')], initial_option: option('a') })],
      }),
    ).toEqual([]);
  });

  test('block counts per surface', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => section(`s${i}`));
    expect(blockKitViolations('modal', modal(many(100)))).toEqual([]);
    expectViolation('modal', modal(many(101)), /101 blocks > 100/);
    expect(blockKitViolations('message', { text: 't', blocks: many(50) })).toEqual([]);
    expectViolation('message', { text: 't', blocks: many(51) }, /51 blocks > 50/);
    expectViolation('home', { type: 'home', blocks: many(101) }, /101 blocks > 100/);
  });

  test('view fields', () => {
    expectViolation('modal', modal([], { title: plain('x'.repeat(25)) }), /^title\.text: 25 chars > 24/);
    expectViolation('modal', modal([], { submit: plain('x'.repeat(25)) }), /^submit\.text: 25 chars > 24/);
    expectViolation('modal', modal([], { close: plain('x'.repeat(25)) }), /^close\.text: 25 chars > 24/);
    expectViolation('modal', modal([], { title: { type: 'mrkdwn', text: 'T' } }), /title\.type: must be plain_text/);
    expectViolation('modal', modal([], { private_metadata: 'x'.repeat(3001) }), /private_metadata: 3001 chars > 3000/);
    expectViolation('modal', modal([], { callback_id: 'x'.repeat(256) }), /callback_id: 256 chars > 255/);
    expectViolation(
      'modal',
      { type: 'modal', title: plain('T'), blocks: [input('i', { type: 'plain_text_input' })] },
      /submit: is required/,
    );
    expectViolation('home', { type: 'home', blocks: [], private_metadata: 'x'.repeat(3001) }, /private_metadata/);
  });

  test('block ids: length and uniqueness within a surface', () => {
    expectViolation(
      'message',
      [
        { ...section('a'), block_id: 'same' },
        { ...section('b'), block_id: 'same' },
      ],
      /duplicate block_id "same"/,
    );
    expectViolation(
      'modal',
      modal([input('same', { type: 'plain_text_input' }), input('same', { type: 'datepicker' })]),
      /duplicate block_id "same"/,
    );
    expectViolation('message', [{ ...section('a'), block_id: 'x'.repeat(256) }], /block_id: 256 chars > 255/);
  });

  test('action ids: length and uniqueness within an actions block', () => {
    const button = (id: string) => ({ type: 'button', action_id: id, text: plain('B') });
    expectViolation('message', [{ type: 'actions', elements: [button('a'), button('a')] }], /duplicate action_id "a"/);
    expectViolation('message', [{ type: 'actions', elements: [button('x'.repeat(256))] }], /action_id: 256 chars > 255/);
    expect(
      blockKitViolations('message', [
        { type: 'actions', elements: [button('a')] },
        { type: 'actions', elements: [button('a')] },
      ]),
    ).toEqual([]);
  });

  test('text objects', () => {
    expectViolation('message', [section('x'.repeat(3001))], /blocks\[0\] \(section\)\.text\.text: 3001 chars > 3000/);
    expect(blockKitViolations('message', [section('x'.repeat(3000))])).toEqual([]);
    expectViolation('message', [section('')], /must not be empty/);
    expectViolation('message', [{ type: 'section', text: { type: 'markdown', text: 'x' } }], /must be plain_text or mrkdwn/);
    expectViolation(
      'message',
      [{ type: 'section', text: { type: 'mrkdwn', text: 'x', emoji: true } }],
      /emoji: only usable when type is plain_text/,
    );
    expectViolation(
      'message',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => plain('f')) }],
      /fields: 11 items > 10/,
    );
    expectViolation('message', [{ type: 'section', fields: [plain('x'.repeat(2001))] }], /fields\[0\]\.text: 2001 chars > 2000/);
    expectViolation('message', [{ type: 'header', text: plain('x'.repeat(151)) }], /\(header\)\.text\.text: 151 chars > 150/);
    expectViolation('message', [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }], /must be plain_text/);
    expectViolation(
      'message',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => plain('c')) }],
      /elements: 11 items > 10/,
    );
    expectViolation(
      'message',
      [
        {
          type: 'actions',
          elements: Array.from({ length: 26 }, (_, i) => ({ type: 'button', action_id: `b${i}`, text: plain('B') })),
        },
      ],
      /elements: 26 items > 25/,
    );
  });

  test('input blocks', () => {
    expectViolation(
      'message',
      { text: 't', blocks: [input('i', { type: 'plain_text_input' })] },
      /input blocks are for modals and the Home tab/,
    );
    expectViolation(
      'modal',
      modal([{ ...input('i', { type: 'plain_text_input' }), label: plain('x'.repeat(2001)) }]),
      /label\.text: 2001 chars > 2000/,
    );
    expectViolation(
      'modal',
      modal([{ ...input('i', { type: 'plain_text_input' }), hint: plain('x'.repeat(2001)) }]),
      /hint\.text: 2001 chars > 2000/,
    );
    expectViolation('modal', modal([{ type: 'input', label: plain('L') }]), /element: is required/);
  });

  test('elements', () => {
    const inModal = (element: Record<string, unknown>) => modal([input('i', element)]);
    const button = (extra: Record<string, unknown>) => [
      { type: 'actions', elements: [{ type: 'button', action_id: 'b', text: plain('B'), ...extra }] },
    ];
    expectViolation('message', button({ text: plain('x'.repeat(76)) }), /text\.text: 76 chars > 75/);
    expectViolation('message', button({ value: 'x'.repeat(2001) }), /value: 2001 chars > 2000/);
    expectViolation('message', button({ url: 'x'.repeat(3001) }), /url: 3001 chars > 3000/);
    expectViolation('message', button({ style: 'green' }), /style: must be primary or danger/);
    const options = (n: number) => Array.from({ length: n }, (_, i) => option(`v${i}`));
    expectViolation('modal', inModal({ type: 'static_select', options: options(101) }), /options: 101 options > 100/);
    expectViolation('modal', inModal({ type: 'static_select', options: [] }), /non-empty array of options/);
    expectViolation('modal', inModal({ type: 'static_select', options: [option('x'.repeat(151))] }), /value: 151 chars > 150/);
    expectViolation(
      'modal',
      inModal({ type: 'static_select', options: [option('v', 'x'.repeat(76))] }),
      /text\.text: 76 chars > 75/,
    );
    expectViolation(
      'modal',
      inModal({ type: 'static_select', options: [option('a'), option('a')] }),
      /duplicate option value "a"/,
    );
    expectViolation(
      'modal',
      inModal({ type: 'static_select', options: [option('a')], initial_option: option('b') }),
      /initial_option: .* does not exactly match/,
    );
    expectViolation(
      'modal',
      inModal({ type: 'static_select', options: [option('a')], placeholder: plain('x'.repeat(151)) }),
      /placeholder\.text: 151 chars > 150/,
    );
    expectViolation('modal', inModal({ type: 'radio_buttons', options: options(11) }), /options: 11 options > 10/);
    expectViolation('modal', inModal({ type: 'plain_text_input', max_length: 3001 }), /max_length: 3001 is outside 1\.\.3000/);
    expectViolation(
      'modal',
      inModal({ type: 'plain_text_input', max_length: 10, initial_value: 'x'.repeat(11) }),
      /initial_value: 11 chars > max_length 10/,
    );
    expectViolation(
      'modal',
      inModal({ type: 'plain_text_input', initial_value: 'x'.repeat(3001) }),
      /initial_value: 3001 chars > max_length 3000/,
    );
    expectViolation(
      'modal',
      inModal({ type: 'plain_text_input', placeholder: plain('x'.repeat(151)) }),
      /placeholder\.text: 151 chars > 150/,
    );
    expectViolation(
      'modal',
      inModal({ type: 'datepicker', initial_date: '2026-02-30' }),
      /initial_date: "2026-02-30" is not a YYYY-MM-DD date/,
    );
    expectViolation('modal', inModal({ type: 'timepicker', initial_time: '24:00' }), /initial_time: "24:00" is not HH:mm/);
    expectViolation(
      'modal',
      inModal({ type: 'number_input', is_decimal_allowed: false, min_value: '5', max_value: '1' }),
      /min_value: 5 is greater than max_value 1/,
    );
    expectViolation(
      'modal',
      inModal({ type: 'number_input', is_decimal_allowed: false, min_value: '1', max_value: '5', initial_value: '6' }),
      /initial_value: 6 is outside/,
    );
    expectViolation('modal', inModal({ type: 'number_input' }), /is_decimal_allowed: is required/);
    expectViolation(
      'modal',
      inModal({ type: 'conversations_select', filter: { include: [] } }),
      /filter\.include: must be a non-empty array/,
    );
    expectViolation('modal', inModal({ type: 'rich_text_input' }), /element type "rich_text_input" is not known/);
    expectViolation('message', [{ type: 'table', rows: [] }], /block type "table" is not known/);
  });

  test('message text: over 40,000 is a violation, over 4,000 only a warning', () => {
    expect(blockKitViolations('message', { text: 'x'.repeat(4001) })).toEqual([]);
    expect(blockKitWarnings('message', { text: 'x'.repeat(4001) })).toEqual([expect.stringMatching(/4001 chars > 4000 advised/)]);
    expect(blockKitWarnings('message', { text: 'x'.repeat(4000) })).toEqual([]);
    expectViolation('message', { text: 'x'.repeat(40_001) }, /text: 40001 chars > 40000/);
  });
});

describe('DTR question sets', () => {
  test.each(builtInQuestionSets.map((s) => [`${s.milestone} v${s.version}`, s] as const))(
    '%s passes questionSetSchema and its modal stays within 100 blocks for each role',
    (_, set) => {
      expect(questionSetSchema.safeParse(set).success).toBe(true);
      for (const role of roles) {
        const view = dtrModal({
          set,
          role,
          meta: dtrMeta(set.milestone),
          prefill: {},
          partnerChoices: partnerChoices('amp'),
          zone: 'America/Argentina/ComodRivadavia',
        });
        expect(view.blocks.length).toBeLessThanOrEqual(100);
      }
    },
  );

  test('there is a built-in set for every milestone', () => {
    expect(new Set(builtInQuestionSets.map((s) => s.milestone))).toEqual(new Set(milestones));
  });
});

describe('DTR builders at their largest (built-in question sets)', () => {
  describe.each(dtrCases(builtInQuestionSets))('$name', ({ set, filler }) => {
    const mentor = maxAnswers(set, 'mentor', filler);
    const mentee = maxAnswers(set, 'mentee', filler);

    test.each(roles)('dtrModal for the %s, every answer pre-filled, with and without 150 partner choices', (role) => {
      const prefill = role === 'mentor' ? mentor : mentee;
      clean(
        'modal',
        dtrModal({
          set,
          role,
          meta: dtrMeta(set.milestone),
          prefill,
          partnerChoices: partnerChoices(filler),
          zone: 'America/Argentina/ComodRivadavia',
        }),
      );
      clean('modal', dtrModal({ set, role, meta: dtrMeta(set.milestone), prefill, zone: 'America/Argentina/ComodRivadavia' }));
      clean(
        'modal',
        dtrModal({
          set,
          role,
          meta: { m: set.milestone, p: null, s: 'builtin', v: set.version },
          prefill: {},
          zone: 'America/Argentina/ComodRivadavia',
        }),
      );
    });

    test('dtrSummaryMessage, first and updated', () => {
      for (const updated of [false, true]) {
        clean(
          'message',
          dtrSummaryMessage({
            milestone: set.milestone,
            mentorId: MENTOR,
            menteeId: MENTEE,
            mentor: { set, answers: userAnswers(mentor), zone: 'America/Argentina/ComodRivadavia' },
            mentee: { set, answers: userAnswers(mentee), zone: 'America/Argentina/ComodRivadavia' },
            nextMeetingAt: null,
            updated,
          }),
        );
      }
    });

    test('dtrPrivateMessage', () => {
      const msg = dtrPrivateMessage({ menteeId: MENTEE, milestone: set.milestone, set, answers: userAnswers(mentee) });
      const hasPrivate = questionsFor(set, 'mentee').some((s) => s.questions.some((q) => q.private));
      expect(msg !== null).toBe(hasPrivate);
      if (msg) clean('message', msg);
    });

    test('dtrShowBlocks, as the mentor and as the mentee', () => {
      const sides = [
        {
          personId: MENTOR,
          role: 'mentor' as const,
          set,
          answers: userAnswers(mentor),
          updatedAt: new Date('2099-12-31T23:59:59Z'),
          zone: 'America/Argentina/ComodRivadavia',
        },
        {
          personId: MENTEE,
          role: 'mentee' as const,
          set,
          answers: userAnswers(mentee),
          updatedAt: new Date('2099-12-31T23:59:59Z'),
          zone: 'America/Argentina/ComodRivadavia',
        },
      ];
      // commands/dtr.ts sends these as an ephemeral message with this text.
      const text = `${milestoneTitles[set.milestone]} of <@${MENTOR}> and <@${MENTEE}>`;
      clean('message', {
        text,
        blocks: dtrShowBlocks({ milestone: set.milestone, viewerIsMentor: true, viewerId: MENTOR, sides }),
      });
      clean('message', {
        text,
        blocks: dtrShowBlocks({ milestone: set.milestone, viewerIsMentor: false, viewerId: MENTEE, sides }),
      });
    });
  });

  test.each(milestones)('dtrInviteMessage (%s)', (milestone) => {
    clean('message', dtrInviteMessage({ fromId: MENTOR, milestone, pairingId: BIG_ID }));
  });
});

/**
 * A program can store its own question set (program_question_sets; dtr-service accepts anything
 * questionSetSchema accepts). This one sits at every bound the schema allows: 45 questions, each in
 * its own section, every label, hint, option and length at its maximum.
 */
function largestProgramSet(filler: Filler, isPrivate: boolean): QuestionSet {
  const kinds = ['text', 'long_text', 'select', 'weekday', 'time', 'number', 'date'] as const;
  const options = Array.from({ length: 100 }, (_, i) => ({
    value: `${String(i).padStart(3, '0')}${'v'.repeat(72)}`,
    label: `${String(i).padStart(3, '0')}${text(filler, 72)}`,
  }));
  const definition = {
    milestone: 'midmod',
    version: 1,
    title: text(filler, 24),
    intro: text(filler, 500),
    sections: Array.from({ length: 45 }, (_, i) => {
      const kind = kinds[i % kinds.length] as (typeof kinds)[number];
      return {
        title: text(filler, 150),
        questions: [
          {
            id: `q${String(i).padStart(2, '0')}_${'x'.repeat(37)}`,
            label: text(filler, 150),
            hint: text(filler, 150),
            kind,
            audience: 'both',
            required: true,
            private: isPrivate,
            ...(kind === 'text' || kind === 'long_text' ? { maxLength: 3000 } : {}),
            ...(kind === 'select' || kind === 'weekday' ? { options } : {}),
            ...(kind === 'number' ? { min: -999_999_999, max: 999_999_999 } : {}),
          },
        ],
      };
    }),
  };
  const parsed = questionSetSchema.safeParse(definition);
  if (!parsed.success) throw new Error(`largest program set fixture is not schema-valid: ${parsed.error.message}`);
  return parsed.data;
}

describe('DTR builders at their largest (a program question set at every schema bound)', () => {
  describe.each(fillerNames)('%s', (filler) => {
    test.each(roles)('dtrModal for the %s with 150 partner choices', (role) => {
      const set = largestProgramSet(filler, false);
      const view = dtrModal({
        set,
        role,
        zone: 'America/Argentina/ComodRivadavia',
        meta: dtrMeta(set.milestone),
        prefill: maxAnswers(set, role, filler),
        partnerChoices: partnerChoices(filler),
      });
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      clean('modal', view);
    });

    test('dtrSummaryMessage, dtrShowBlocks and dtrPrivateMessage', () => {
      for (const isPrivate of [false, true]) {
        const set = largestProgramSet(filler, isPrivate);
        const mentor = maxAnswers(set, 'mentor', filler);
        const mentee = maxAnswers(set, 'mentee', filler);
        clean(
          'message',
          dtrSummaryMessage({
            milestone: set.milestone,
            mentorId: MENTOR,
            menteeId: MENTEE,
            mentor: { set, answers: userAnswers(mentor), zone: 'America/Argentina/ComodRivadavia' },
            mentee: { set, answers: userAnswers(mentee), zone: 'America/Argentina/ComodRivadavia' },
            nextMeetingAt: null,
            updated: true,
          }),
        );
        const sides = [
          {
            personId: MENTOR,
            role: 'mentor' as const,
            set,
            answers: userAnswers(mentor),
            updatedAt: new Date('2099-12-31T23:59:59Z'),
            zone: 'America/Argentina/ComodRivadavia',
          },
          {
            personId: MENTEE,
            role: 'mentee' as const,
            set,
            answers: userAnswers(mentee),
            updatedAt: new Date('2099-12-31T23:59:59Z'),
            zone: 'America/Argentina/ComodRivadavia',
          },
        ];
        clean('message', {
          text: 'DTR',
          blocks: dtrShowBlocks({ milestone: set.milestone, viewerIsMentor: true, viewerId: MENTOR, sides }),
        });
        const priv = dtrPrivateMessage({ menteeId: MENTEE, milestone: set.milestone, set, answers: userAnswers(mentee) });
        expect(priv !== null).toBe(isPrivate);
        if (priv) clean('message', priv);
      }
    });
  });
});

/**
 * Program question sets that questionSetSchema accepts today but whose modal Slack would reject.
 * Each case first proves the set is accepted (so the app can really produce it), then checks the modal.
 */
describe('DTR modal for program question sets the schema accepts at its edges', () => {
  const base = (over: Record<string, unknown>) => ({
    milestone: 'exit',
    version: 1,
    title: 'Exit DTR',
    intro: 'Review it together.',
    sections: [
      { title: 'Looking back', questions: [{ id: 'worked', label: 'What worked well?', kind: 'long_text', maxLength: 1500 }] },
    ],
    ...over,
  });
  const cases: [string, Record<string, unknown>, { partnerChoices?: boolean }][] = [
    ['an empty intro (intro has no minimum length)', base({ intro: '' }), {}],
    [
      'the same question id in two sections (ids are not checked for uniqueness)',
      base({
        sections: [
          { title: 'A', questions: [{ id: 'same', label: 'One', kind: 'text' }] },
          { title: 'B', questions: [{ id: 'same', label: 'Two', kind: 'text' }] },
        ],
      }),
      {},
    ],
    [
      'a select question without options (options are optional)',
      base({ sections: [{ title: 'A', questions: [{ id: 'pick', label: 'Pick', kind: 'select' }] }] }),
      {},
    ],
    [
      'a select question with an empty options list',
      base({ sections: [{ title: 'A', questions: [{ id: 'pick', label: 'Pick', kind: 'select', options: [] }] }] }),
      {},
    ],
    [
      'a number question with min above max',
      base({ sections: [{ title: 'A', questions: [{ id: 'n', label: 'N', kind: 'number', min: 10, max: 1 }] }] }),
      {},
    ],
    [
      'a question id equal to the partner chooser block id "dtr_pairing"',
      base({ sections: [{ title: 'A', questions: [{ id: 'dtr_pairing', label: 'Which pairing?', kind: 'text' }] }] }),
      { partnerChoices: true },
    ],
  ];

  // Each of these would build a modal Slack refuses, so the schema must refuse to store it.
  test.each(cases)('the schema refuses %s', (_, definition) => {
    expect(questionSetSchema.safeParse(definition).success).toBe(false);
  });
  test('the same sets, made valid, build modals within the limits', () => {
    const valid = questionSetSchema.parse(
      base({
        sections: [
          {
            title: 'A',
            questions: [
              { id: 'pick', label: 'Pick', kind: 'select', options: [{ value: 'a', label: 'A' }] },
              { id: 'n', label: 'N', kind: 'number', min: 1, max: 10 },
            ],
          },
        ],
      }),
    );
    for (const role of roles)
      clean(
        'modal',
        dtrModal({ set: valid, role, meta: dtrMeta('exit'), prefill: {}, partnerChoices: partnerChoices('amp'), zone: 'UTC' }),
      );
  });
});

describe('other builders at their largest', () => {
  test('programModal with the longest IANA zone name', () => {
    const longestZone = Intl.supportedValuesOf('timeZone').reduce((a, b) => (b.length > a.length ? b : a), 'UTC');
    clean('modal', programModal({ timeZone: longestZone, startDate: '2099-12-31' }));
  });

  test.each(fillerNames)('pairIntroMessage with an 80-character program name (%s)', (filler) => {
    for (const firstCheckinAt of [new Date('2027-01-13T22:59:00Z'), null]) {
      clean(
        'message',
        pairIntroMessage({
          mentorId: MENTOR,
          menteeId: MENTEE,
          programName: userText(text(filler, PROGRAM_NAME_MAX)),
          firstCheckinAt,
          checkinZone: 'America/Argentina/ComodRivadavia',
          responseWindowDays: 10,
        }),
      );
    }
  });

  test('checkinMessage, unanswered and fully answered', () => {
    const answers: CheckinAnswer[] = ['met', 'not_yet', 'rescheduled'];
    clean(
      'message',
      checkinMessage({ checkinId: BIG_ID, mentorId: MENTOR, menteeId: MENTEE, weekLabel: WEEK_LABEL, answers: [] }),
    );
    for (const a of answers) {
      clean(
        'message',
        checkinMessage({
          checkinId: BIG_ID,
          mentorId: MENTOR,
          menteeId: MENTEE,
          weekLabel: WEEK_LABEL,
          answers: [
            { personId: MENTOR, answer: a },
            { personId: MENTEE, answer: a },
          ],
        }),
      );
    }
  });

  test.each(fillerNames)('checkinNoteModal with 1000-character notes and longer (%s)', (filler) => {
    clean('modal', checkinNoteModal(BIG_ID, WEEK_LABEL, { answer: null, rating: null, topics: null, blockers: null }));
    for (const n of [1000, 1001, 5000]) {
      clean(
        'modal',
        checkinNoteModal(BIG_ID, WEEK_LABEL, {
          answer: 'rescheduled',
          rating: 5,
          topics: text(filler, n),
          blockers: text(filler, n),
        }),
      );
    }
  });

  test('reminderMessage, both kinds, with and without a permalink', () => {
    for (const kind of ['checkin', 'reply'] as const) {
      for (const link of [PERMALINK, null])
        clean(
          'message',
          reminderMessage(kind, MENTEE, { at: new Date('2027-09-30T13:29:00Z'), zone: 'America/Argentina/ComodRivadavia' }, link),
        );
    }
  });

  describe.each(fillerNames)('alertMessage (%s)', (filler) => {
    const reasons: AlertReason[] = [
      'checkin_unanswered',
      'reply_overdue',
      'missed_meetings',
      'milestone_overdue',
      'mentor_concern',
      'note_signal',
    ];
    const statuses: AlertStatus[] = ['open', 'acknowledged', 'snoozed', 'resolved'];
    // The longest `overdue` detail the services write (dtr/reminders.ts), and a 2000-character staff note.
    const overdue = 'the Mid-module DTR (`/dtr midmod`) was due by the end of week 52';
    const staffNotes = [text(filler, 2000), `${text(filler, 999)}\n`.repeat(2), '\n'.repeat(2000)];

    test('every reason for both people on one alert, open and answered, every status, owner and resolution', () => {
      for (const staffNote of staffNotes) {
        // The most a pair-week alert can list: every reason, for the mentor and for the mentee.
        const all: AlertReasonView[] = reasons.flatMap((reason) =>
          [MENTOR, MENTEE].map((subject, i) => ({
            reason,
            subject,
            since: TIME_LABEL,
            overdueLabel: overdue,
            permalink: PERMALINK,
            resolved: i === 0 ? null : { at: TIME_LABEL, by: STAFF },
            staffNote: reason === 'mentor_concern' || reason === 'note_signal' ? userTextOrNull(staffNote) : null,
            evidence: 'records_only' as const,
          })),
        );
        for (const status of statuses) {
          for (const [ownerId, resolvedBy] of [
            [STAFF, STAFF],
            [null, 'auto'],
            [null, 'program_ended'],
            [null, null],
          ] as const) {
            const input: AlertViewInput = {
              alertId: BIG_ID,
              pairingId: BIG_ID,
              status,
              mentorId: MENTOR,
              menteeId: MENTEE,
              programName: userText(text(filler, PROGRAM_NAME_MAX)),
              weekLabel: 'week of 11 Jan',
              reasons: all,
              previous: { permalink: PERMALINK, weekLabel: 'week of 4 Jan', resolved: false },
              ownerId,
              snoozedUntilLabel: TIME_LABEL,
              resolvedLabel: TIME_LABEL,
              resolvedBy,
            };
            clean('message', alertMessage(input));
            clean(
              'message',
              alertMessage({ ...input, reasons: all.map((r) => ({ ...r, subject: null, permalink: null })), previous: null }),
            );
          }
        }
        clean('message', { text: alertReasonAdded(all[0] as AlertReasonView) });
      }
    });
  });
});

describe('staff surfaces of DTR answers at their largest', () => {
  test.each(fillerNames)(
    'the program summary’s answers for the program team: 300 people, every answer at its longest (%s)',
    (filler) => {
      const exit = builtInQuestionSets.find((s) => s.milestone === 'exit') as QuestionSet;
      const answers = Array.from({ length: 300 }, (_, i) => {
        const role = i % 2 ? ('mentee' as const) : ('mentor' as const);
        return answersWhere(exit, maxAnswers(exit, role, filler), (q) => q.readers === 'staff').map((answer) => ({
          personId: `${MENTOR}${i}`,
          role,
          partnerId: MENTEE,
          answer,
        }));
      }).flat();
      const blocks = programTeamBlocks(answers);
      // programs/program-end.ts puts a header and a section of figures above these.
      clean('message', {
        text: 'Backend has ended: the summary for staff.',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Program summary' } },
          { type: 'section', text: { type: 'mrkdwn', text: 'figures' } },
          ...blocks,
        ],
      });
      expect(JSON.stringify(blocks.at(-1))).toContain('each pair’s report');
    },
  );

  test.each(fillerNames)(
    'the pair report’s DTR answers: a program set at every schema bound, all for staff, both sides, three milestones (%s)',
    (filler) => {
      const base = largestProgramSet(filler, false);
      const set = questionSetSchema.parse({
        ...base,
        sections: base.sections.map((s) => ({
          ...s,
          questions: s.questions.map((q) => ({ ...q, readers: 'staff', private: undefined })),
        })),
      });
      const rows: PairReportRows = {
        pairing: {
          id: BIG_ID,
          programId: BIG_ID,
          programName: text(filler, PROGRAM_NAME_MAX),
          timeZone: 'Pacific/Chatham',
          startDate: '2027-01-11',
          lengthWeeks: 52,
          mentorId: MENTOR,
          menteeId: MENTEE,
          status: 'paused',
          pausedUntil: '2099-12-31',
          goals: [],
          conversationId: 'C0123456789ABCDEF',
        },
        checkins: [],
        sessions: [],
        standups: [],
        reschedules: [],
        milestones: [],
        dtrAnswers: milestones.flatMap((m) =>
          roles.map((role) => ({
            milestone: m,
            personId: role === 'mentor' ? MENTOR : MENTEE,
            role,
            setSource: 'program',
            setVersion: 1,
            answers: maxAnswers(set, role, filler),
            submittedAt: new Date('2099-12-31T23:59:59Z'),
            setDefinition: set,
          })),
        ),
        alerts: [],
      };
      const view = pairReportView({ ...groupByWeek(rows), readerZone: 'Pacific/Chatham' });
      clean('modal', view);
      expect(JSON.stringify(view.blocks)).toContain('more DTR answers for staff than this view holds');
    },
  );
});

describe('the weekly standup report at its largest', () => {
  test.each(fillerNames)(
    '300 mentors of 60 mentees each with the longest concerns and notes, 300 missing: a message and a thread within the limits (%s)',
    (filler) => {
      const statuses = ['on_track', 'needs_attention', 'at_risk'] as const;
      const input: StandupReportInput = {
        programName: userText(text(filler, PROGRAM_NAME_MAX)),
        weekRange: weekRangeLabel('2026-W53', 7),
        sent: Array.from({ length: 300 }, (_, m) => ({
          mentorId: `${MENTOR}${m}`,
          generalNote: userText(text(filler, 1500)),
          entries: Array.from({ length: 60 }, (_, i) => ({
            menteeId: `${MENTEE}${i}`,
            status: statuses[i % 3] as (typeof statuses)[number],
            met: 'rescheduled' as const,
            minutes: 6000,
            concerns: userText(text(filler, 1000)),
          })),
        })),
        missing: Array.from({ length: 300 }, (_, i) => `${MENTOR}${1000 + i}`),
      };
      const { message, thread } = standupReportMessages(input);
      clean('message', message);
      expect(thread).toHaveLength(300);
      for (const reply of thread) clean('message', reply);
      expect(JSON.stringify(thread[0]?.blocks)).toContain('each pair’s report has the rest');
    },
  );

  test('one mentor, one mentee: a single message, no thread', () => {
    const { message, thread } = standupReportMessages({
      programName: userText('Backend'),
      weekRange: '4–8 Jan',
      sent: [
        {
          mentorId: MENTOR,
          generalNote: null,
          entries: [{ menteeId: MENTEE, status: 'on_track', met: 'yes', minutes: 60, concerns: null }],
        },
      ],
      missing: [],
    });
    clean('message', message);
    expect(thread).toEqual([]);
    expect(message.text).toBe('Standups for Backend, 4–8 Jan: 1 of 1 mentor sent their standup.');
  });

  test('weeks read as date ranges, never ISO week keys', () => {
    expect(weekRangeLabel('2027-W01', 5)).toBe('4–8 Jan');
    expect(weekRangeLabel('2027-W13', 5)).toBe('29 Mar – 2 Apr');
    expect(weekRangeLabel('2026-W53', 5)).toBe('28 Dec 2026 – 1 Jan 2027');
    expect(weekRangeLabel('2027-W02', 1)).toBe('11 Jan');
    expect(weekRangeLabel('2027-W02', 7)).toBe('11–17 Jan');
  });
});
