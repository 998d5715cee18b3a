import type { ModalView } from '@slack/types';
import type { InputBlockElement } from '@slack/types';
import type { Message, KnownBlock } from './text.js';
import { clockIn, slackDate, slackTime, weeklySlot } from './time.js';
import type { Milestone } from '../domain/vocabulary.js';
import type { Answers, Question, QuestionSet } from '../domain/dtr-questions.js';
import { allQuestions, pairReads, personReads, questionsFor, type ShownAnswer } from '../domain/dtr-questions.js';
import { fieldValues, type FormState } from './form-state.js';
import { dtrIds, ids } from './ids.js';
import {
  button,
  clip,
  context,
  escapeAndClip,
  escapeMrkdwn,
  mention,
  packSections,
  plain,
  section,
  type UserAnswers,
  userText,
  type UserText,
} from './text.js';

export const milestoneTitles: Record<Milestone, string> = { kickoff: 'Kick-off DTR', midmod: 'Mid-module DTR', exit: 'Exit DTR' };

export type DtrModalMeta = { m: Milestone; p: number | null; s: string; v: number };

function element(q: Question, value: string | undefined, zone: string): InputBlockElement {
  const opts = (q.options ?? []).map((o) => ({ text: plain(o.label), value: o.value }));
  const initialOption = opts.find((o) => o.value === value);
  switch (q.kind) {
    case 'text':
    case 'long_text':
      return {
        type: 'plain_text_input',
        action_id: ids.value,
        multiline: q.kind === 'long_text',
        max_length: q.maxLength ?? (q.kind === 'long_text' ? 1500 : 150),
        ...(value ? { initial_value: clip(value, q.maxLength ?? 3000) } : {}),
      };
    case 'select':
    case 'weekday':
      return {
        type: 'static_select',
        action_id: ids.value,
        options: opts,
        ...(initialOption ? { initial_option: initialOption } : {}),
      };
    case 'time':
      return { type: 'timepicker', action_id: ids.value, timezone: zone, ...(value ? { initial_time: value } : {}) };
    case 'date':
      return { type: 'datepicker', action_id: ids.value, ...(value ? { initial_date: value } : {}) };
    case 'number':
      return {
        type: 'number_input',
        action_id: ids.value,
        is_decimal_allowed: false,
        ...(q.min !== undefined ? { min_value: String(q.min) } : {}),
        ...(q.max !== undefined ? { max_value: String(q.max) } : {}),
        ...(value ? { initial_value: value } : {}),
      };
  }
}

/** One side's DTR form: their questions only, pre-filled with what they answered before. */
export function dtrModal(input: {
  set: QuestionSet;
  role: 'mentor' | 'mentee';
  meta: DtrModalMeta;
  prefill: Answers;
  partnerChoices?: { pairingId: number; label: string }[];
  /** The person's own zone: their times are read in it, and the time pickers name it. */
  zone: string;
}): ModalView {
  const blocks: KnownBlock[] = [context(input.set.intro)];
  if (input.partnerChoices && input.partnerChoices.length > 1) {
    const options = input.partnerChoices.slice(0, 100).map((c) => ({ text: plain(c.label), value: String(c.pairingId) }));
    blocks.push({
      type: 'input',
      block_id: dtrIds.pairingBlock,
      label: plain('Which partner is this with?'),
      element: { type: 'static_select', action_id: ids.value, options },
    });
  }
  for (const s of questionsFor(input.set, input.role)) {
    blocks.push({ type: 'header', text: plain(s.title, 150) });
    for (const q of s.questions) {
      blocks.push({
        type: 'input',
        block_id: q.id,
        optional: !q.required,
        label: plain(q.label, 2000),
        ...(q.hint ? { hint: plain(q.hint, 2000) } : {}),
        element: element(q, input.prefill[q.id], input.zone),
      });
    }
  }
  return {
    type: 'modal',
    callback_id: dtrIds.view,
    private_metadata: JSON.stringify(input.meta),
    title: plain(input.set.title, 24),
    submit: plain('Save my part', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/** A DTR form's answers by question id, as sent; never throws. */
export function readDtrModal(state: FormState): Record<string, string | null> {
  return fieldValues(state);
}

/** An answer as its reader sees it: an option's label, a time with the zone its author meant it in. */
const answerOf = (set: QuestionSet, answers: UserAnswers, id: string, zone: string): UserText | string | undefined => {
  const q = set.sections.flatMap((s) => s.questions).find((x) => x.id === id);
  const v = answers[id];
  if (!q || !v) return v;
  if (q.kind === 'time') return clockIn(v, zone);
  return q.options?.find((o) => o.value === v)?.label ?? v;
};

export type SummaryInput = {
  milestone: Milestone;
  mentorId: string;
  menteeId: string;
  /** Each side's answers and their own zone (the one their times are in). */
  mentor: { set: QuestionSet; answers: UserAnswers; zone: string };
  mentee: { set: QuestionSet; answers: UserAnswers; zone: string };
  /** The agreed weekly meeting's next occurrence, when the kick-off set one. */
  nextMeetingAt: Date | null;
  updated: boolean;
};

/** One side's answers that both partners read (`readers` pair or pair_and_staff); the rest are left out. */
function pairAnswers(set: QuestionSet, answers: UserAnswers): UserAnswers {
  return Object.fromEntries(
    allQuestions(set)
      .filter((q) => pairReads(q) && answers[q.id])
      .map((q) => [q.id, answers[q.id] as UserText]),
  );
}

/** The kick-off answers its agreement part renders (meeting, norms, goals, plan, homework). */
const agreementIds = new Set([
  'meeting_weekday',
  'meeting_time',
  'meeting_minutes',
  'contact_channel',
  'ack_within_hours',
  'reply_within_days',
  'action_plan',
  'homework',
  ...[1, 2, 3].flatMap((n) => [`goal${n}_text`, `goal${n}_measure`, `goal${n}_date`]),
]);

/**
 * What goes to the pair conversation when both sides are in: for the kick-off, the agreed slot, norms
 * and goals first; then each side's other answers. Only answers both partners read: never a private
 * answer, never one written for the program team.
 */
export function dtrSummaryMessage(s: SummaryInput): Message {
  const title = `${milestoneTitles[s.milestone]}${s.updated ? ' (updated)' : ''}`;
  const text = `${title}: ${mention(s.mentorId)} and ${mention(s.menteeId)} have both recorded their part.`;
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(title, 150) }, section(text)];
  const mentor = { set: s.mentor.set, answers: pairAnswers(s.mentor.set, s.mentor.answers), zone: s.mentor.zone };
  const mentee = { set: s.mentee.set, answers: pairAnswers(s.mentee.set, s.mentee.answers), zone: s.mentee.zone };
  const kickoff = s.milestone === 'kickoff';
  if (kickoff) {
    const m = mentor.answers;
    const slot =
      m.meeting_weekday && m.meeting_time
        ? `${weeklySlot(Number(m.meeting_weekday), m.meeting_time, mentor.zone)}, ${m.meeting_minutes ?? '?'} minutes${
            s.nextMeetingAt ? `; next ${slackTime(s.nextMeetingAt, mentor.zone, '{date_long_pretty} at {time}')}` : ''
          }`
        : 'not set yet';
    blocks.push(
      section(
        [
          `*Weekly meeting:* ${slot}`,
          `*Where you reach each other:* ${escapeMrkdwn(answerOf(mentor.set, m, 'contact_channel', mentor.zone) ?? 'not set yet')}`,
          `*Say "seen it" within:* ${m.ack_within_hours ? `${m.ack_within_hours} hours` : 'not set yet'}`,
          `*Answer within:* ${m.reply_within_days ? `${m.reply_within_days} work days` : 'not set yet'}`,
        ].join('\n'),
      ),
    );
    const goals = [1, 2, 3]
      .map((n) => ({
        n,
        text: mentee.answers[`goal${n}_text`],
        measure: mentee.answers[`goal${n}_measure`],
        date: mentee.answers[`goal${n}_date`],
      }))
      .filter((g) => g.text);
    if (goals.length > 0)
      blocks.push(
        section(
          `*Goals*\n${goals.map((g) => `${g.n}. ${clip(escapeMrkdwn(g.text ?? ''), 300)} — _measured by_ ${clip(escapeMrkdwn(g.measure ?? ''), 150)} — _by_ ${g.date}`).join('\n')}`,
        ),
      );
    if (m.action_plan) blocks.push(section(`*Action plan*\n${clip(escapeMrkdwn(m.action_plan), 2900)}`));
    if (m.homework) blocks.push(section(`*First homework*\n${clip(escapeMrkdwn(m.homework), 2900)}`));
  }
  for (const [who, side] of [
    [s.mentorId, mentor],
    [s.menteeId, mentee],
  ] as const) {
    const lines = allQuestions(side.set)
      .filter((q) => side.answers[q.id] && !(kickoff && agreementIds.has(q.id)))
      .map((q) => `*${escapeMrkdwn(q.label)}*\n${escapeMrkdwn(answerOf(side.set, side.answers, q.id, side.zone) ?? '')}`);
    if (lines.length === 0) continue;
    blocks.push(section(`*${mention(who)}*`));
    blocks.push(...packSections(lines));
  }
  // The last block is kept for the hint, however much was said.
  return {
    text,
    blocks: [
      ...blocks.slice(0, 49),
      context(`Either of you can change your part with \`/dtr ${s.milestone}\`; \`/dtr show ${s.milestone}\` shows both parts.`),
    ],
  };
}

/** The mentee's answers for their mentor alone (`readers: mentor`), as a DM to the mentor. */
export function dtrPrivateMessage(input: {
  menteeId: string;
  milestone: Milestone;
  set: QuestionSet;
  answers: UserAnswers;
}): Message | null {
  const privateQs = allQuestions(input.set).filter((q) => q.readers === 'mentor' && input.answers[q.id]);
  if (privateQs.length === 0) return null;
  const text = `For you only: what ${mention(input.menteeId)} shared in the ${milestoneTitles[input.milestone]} with their mentor.`;
  return {
    text,
    blocks: [
      section(text),
      ...privateQs.map((q) => section(`*${escapeMrkdwn(q.label)}*\n${clip(escapeMrkdwn(input.answers[q.id] ?? ''), 2800)}`)),
      context('Not shared with staff or anyone else.'),
    ],
  };
}

const readersMark: Partial<Record<Question['readers'], string>> = { mentor: ' _(private)_', staff: ' _(for the program team)_' };

/**
 * `/dtr show`: both parts as the viewer may read them: shared answers to both, private ones to the
 * mentor and their author, answers for the program team to their author only.
 */
export function dtrShowBlocks(input: {
  milestone: Milestone;
  viewerIsMentor: boolean;
  viewerId: string;
  sides: { personId: string; role: 'mentor' | 'mentee'; set: QuestionSet; answers: UserAnswers; updatedAt: Date; zone: string }[];
}): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(milestoneTitles[input.milestone], 150) }];
  for (const side of input.sides) {
    const viewer = { isAuthor: side.personId === input.viewerId, isMentor: input.viewerIsMentor };
    const qs = allQuestions(side.set).filter((q) => side.answers[q.id] && personReads(q, viewer));
    blocks.push(section(`*${mention(side.personId)}* (${side.role}) — saved ${slackDate(side.updatedAt, side.zone)}`));
    blocks.push(
      ...packSections(
        qs.map(
          (q) =>
            `*${escapeMrkdwn(q.label)}*${readersMark[q.readers] ?? ''}\n${escapeMrkdwn(answerOf(side.set, side.answers, q.id, side.zone) ?? '')}`,
        ),
      ),
    );
  }
  return blocks.slice(0, 50);
}

export function dtrInviteMessage(input: { fromId: string; milestone: Milestone; pairingId: number }): Message {
  const text = `${mention(input.fromId)} has recorded their part of your ${milestoneTitles[input.milestone]}. Add yours when you are ready.`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [button(dtrIds.open, 'Add my part', `${input.pairingId}:${input.milestone}`, 'primary')],
      },
    ],
  };
}

export type ProgramTeamAnswer = { personId: string; role: 'mentor' | 'mentee'; partnerId: string; answer: ShownAnswer };

/**
 * For the program summary (alerts channel): every answer written for the program team (`readers:
 * staff`), question by question. Free text is quoted with who wrote it (cut at `quote` characters;
 * each pair's report has it whole); a choice lists who picked each option. At most `maxBlocks` blocks.
 */
export function programTeamBlocks(answers: readonly ProgramTeamAnswer[], maxBlocks = 40, quote = 600): KnownBlock[] {
  const byQuestion = new Map<string, ProgramTeamAnswer[]>();
  for (const a of answers) byQuestion.set(a.answer.label, [...(byQuestion.get(a.answer.label) ?? []), a]);
  const blocks: KnownBlock[] = [];
  for (const [label, given] of byQuestion) {
    const free = given.every((a) => a.answer.kind === 'text' || a.answer.kind === 'long_text');
    const lines = free
      ? given.map(
          (a) =>
            `${mention(a.personId)} (${a.role}, with ${mention(a.partnerId)}): “${escapeAndClip(userText(a.answer.value), quote)}”`,
        )
      : [...new Set(given.map((a) => a.answer.value))].map(
          (v) =>
            `${escapeMrkdwn(v)}: ${given
              .filter((a) => a.answer.value === v)
              .map((a) => mention(a.personId))
              .join(', ')}`,
        );
    blocks.push(...packSections([`*${escapeMrkdwn(label)}* _(from the DTRs)_`, ...lines], '\n'));
  }
  if (blocks.length <= maxBlocks) return blocks;
  return [
    ...blocks.slice(0, maxBlocks - 1),
    context('More answers than one message holds: each pair’s report (`/tandem report`) has them all.'),
  ];
}
