import type { Milestone } from '../../db/schema.js';
import type { Answers, Question, QuestionSet } from '../../domain/dtr-questions.js';
import { questionsFor } from '../../domain/dtr-questions.js';
import { weekdayName } from '../../domain/weekdays.js';
import { dtrIds, ids } from '../ids.js';
import { clip, context, escapeMrkdwn, mention, packSections, plain, section, type UserAnswers, type UserText } from './text.js';

export const milestoneTitles: Record<Milestone, string> = { kickoff: 'Kick-off DTR', midmod: 'Mid-module DTR', exit: 'Exit DTR' };

export type DtrModalMeta = { m: Milestone; p: number | null; s: string; v: number };

function element(q: Question, value: string | undefined): Record<string, unknown> {
  const opts = (q.options ?? []).map((o) => ({ text: plain(o.label), value: o.value }));
  const initialOption = opts.find((o) => o.value === value);
  switch (q.kind) {
    case 'text':
    case 'long_text':
      return { type: 'plain_text_input', multiline: q.kind === 'long_text', max_length: q.maxLength ?? (q.kind === 'long_text' ? 1500 : 150), ...(value ? { initial_value: clip(value, q.maxLength ?? 3000) } : {}) };
    case 'select':
    case 'weekday':
      return { type: 'static_select', options: opts, ...(initialOption ? { initial_option: initialOption } : {}) };
    case 'time':
      return { type: 'timepicker', ...(value ? { initial_time: value } : {}) };
    case 'date':
      return { type: 'datepicker', ...(value ? { initial_date: value } : {}) };
    case 'number':
      return {
        type: 'number_input',
        is_decimal_allowed: false,
        ...(q.min !== undefined ? { min_value: String(q.min) } : {}),
        ...(q.max !== undefined ? { max_value: String(q.max) } : {}),
        ...(value ? { initial_value: value } : {}),
      };
  }
}

/** One side's DTR form: their questions only, pre-filled with what they answered before. */
export function dtrModal(input: { set: QuestionSet; role: 'mentor' | 'mentee'; meta: DtrModalMeta; prefill: Answers; partnerChoices?: { pairingId: number; label: string }[] }) {
  const blocks: unknown[] = [context(input.set.intro)];
  if (input.partnerChoices && input.partnerChoices.length > 1) {
    const options = input.partnerChoices.slice(0, 100).map((c) => ({ text: plain(c.label), value: String(c.pairingId) }));
    blocks.push({ type: 'input', block_id: dtrIds.pairingBlock, label: plain('Which partner is this with?'), element: { type: 'static_select', action_id: ids.value, options } });
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
        element: { action_id: ids.value, ...element(q, input.prefill[q.id]) },
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

type StateValue = { value?: string | null; selected_option?: { value?: string } | null; selected_date?: string | null; selected_time?: string | null };

export function readDtrModal(state: { values?: Record<string, Record<string, StateValue>> } | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [blockId, actions] of Object.entries(state?.values ?? {})) {
    const v = actions?.[ids.value];
    if (!v || typeof v !== 'object') continue;
    const raw = v.value ?? v.selected_option?.value ?? v.selected_date ?? v.selected_time ?? null;
    out[blockId] = typeof raw === 'string' ? raw : null;
  }
  return out;
}

const answerOf = (set: QuestionSet, answers: UserAnswers, id: string): UserText | string | undefined => {
  const q = set.sections.flatMap((s) => s.questions).find((x) => x.id === id);
  const v = answers[id];
  if (!q || !v) return v;
  return q.options?.find((o) => o.value === v)?.label ?? v;
};

export type SummaryInput = {
  milestone: Milestone;
  mentorId: string;
  menteeId: string;
  mentor: { set: QuestionSet; answers: UserAnswers };
  mentee: { set: QuestionSet; answers: UserAnswers };
  updated: boolean;
};

/**
 * What goes to the pair conversation when both sides are in: for the kick-off, the agreed slot, norms
 * and goals; for the others, each side's shared answers. Never a private answer.
 */
export function dtrSummaryMessage(s: SummaryInput): { text: string; blocks: unknown[] } {
  const title = `${milestoneTitles[s.milestone]}${s.updated ? ' (updated)' : ''}`;
  const text = `${title}: ${mention(s.mentorId)} and ${mention(s.menteeId)} have both recorded their part.`;
  const blocks: unknown[] = [{ type: 'header', text: plain(title, 150) }, section(text)];
  if (s.milestone === 'kickoff') {
    const m = s.mentor.answers;
    const slot = m.meeting_weekday && m.meeting_time ? `${weekdayName(Number(m.meeting_weekday))}s at ${m.meeting_time} (${mention(s.mentorId)}'s time), ${m.meeting_minutes ?? '?'} minutes` : 'not set yet';
    blocks.push(
      section(
        [
          `*Weekly meeting:* ${slot}`,
          `*Where you reach each other:* ${escapeMrkdwn(answerOf(s.mentor.set, m, 'contact_channel') ?? 'not set yet')}`,
          `*Say "seen it" within:* ${m.ack_within_hours ? `${m.ack_within_hours} hours` : 'not set yet'}`,
          `*Answer within:* ${m.reply_within_days ? `${m.reply_within_days} work days` : 'not set yet'}`,
        ].join('\n'),
      ),
    );
    const goals = [1, 2, 3]
      .map((n) => ({ n, text: s.mentee.answers[`goal${n}_text`], measure: s.mentee.answers[`goal${n}_measure`], date: s.mentee.answers[`goal${n}_date`] }))
      .filter((g) => g.text);
    if (goals.length > 0) blocks.push(section(`*Goals*\n${goals.map((g) => `${g.n}. ${clip(escapeMrkdwn(g.text ?? ''), 300)} — _measured by_ ${clip(escapeMrkdwn(g.measure ?? ''), 150)} — _by_ ${g.date}`).join('\n')}`));
    if (m.action_plan) blocks.push(section(`*Action plan*\n${clip(escapeMrkdwn(m.action_plan), 2900)}`));
    if (m.homework) blocks.push(section(`*First homework*\n${clip(escapeMrkdwn(m.homework), 2900)}`));
  } else {
    for (const [who, side] of [
      [s.mentorId, s.mentor],
      [s.menteeId, s.mentee],
    ] as const) {
      const lines = side.set.sections
        .flatMap((sec) => sec.questions)
        .filter((q) => !q.private && side.answers[q.id])
        .map((q) => `*${escapeMrkdwn(q.label)}*\n${escapeMrkdwn(answerOf(side.set, side.answers, q.id) ?? '')}`);
      if (lines.length === 0) continue;
      blocks.push(section(`*${mention(who)}*`));
      blocks.push(...packSections(lines));
    }
  }
  blocks.push(context(`Either of you can change your part with \`/dtr ${s.milestone}\`; \`/dtr show ${s.milestone}\` shows both parts.`));
  return { text, blocks: blocks.slice(0, 50) };
}

/** The mentee's private answers, for their mentor's eyes only (a DM). */
export function dtrPrivateMessage(input: { menteeId: string; milestone: Milestone; set: QuestionSet; answers: UserAnswers }): { text: string; blocks: unknown[] } | null {
  const privateQs = input.set.sections.flatMap((s) => s.questions).filter((q) => q.private && input.answers[q.id]);
  if (privateQs.length === 0) return null;
  const text = `For you only: what ${mention(input.menteeId)} shared in the ${milestoneTitles[input.milestone]} with their mentor.`;
  return {
    text,
    blocks: [section(text), ...privateQs.map((q) => section(`*${escapeMrkdwn(q.label)}*\n${clip(escapeMrkdwn(input.answers[q.id] ?? ''), 2800)}`)), context('Not shared with staff or anyone else.')],
  };
}

/** `/dtr show`: both parts as the viewer may see them (private answers only to the mentor and the mentee who wrote them). */
export function dtrShowBlocks(input: { milestone: Milestone; viewerIsMentor: boolean; viewerId: string; sides: { personId: string; role: 'mentor' | 'mentee'; set: QuestionSet; answers: UserAnswers; updatedAt: Date }[] }): unknown[] {
  const blocks: unknown[] = [{ type: 'header', text: plain(milestoneTitles[input.milestone], 150) }];
  for (const side of input.sides) {
    const canSeePrivate = input.viewerIsMentor || side.personId === input.viewerId;
    const qs = side.set.sections.flatMap((s) => s.questions).filter((q) => side.answers[q.id] && (!q.private || canSeePrivate));
    blocks.push(section(`*${mention(side.personId)}* (${side.role}) — saved ${side.updatedAt.toISOString().slice(0, 10)}`));
    blocks.push(...packSections(qs.map((q) => `*${escapeMrkdwn(q.label)}*${q.private ? ' _(private)_' : ''}\n${escapeMrkdwn(answerOf(side.set, side.answers, q.id) ?? '')}`)));
  }
  return blocks.slice(0, 50);
}

export function dtrInviteMessage(input: { fromId: string; milestone: Milestone; pairingId: number }): { text: string; blocks: unknown[] } {
  const text = `${mention(input.fromId)} has recorded their part of your ${milestoneTitles[input.milestone]}. Add yours when you are ready.`;
  return {
    text,
    blocks: [
      section(text),
      { type: 'actions', elements: [{ type: 'button', action_id: dtrIds.open, style: 'primary', text: plain('Add my part'), value: `${input.pairingId}:${input.milestone}` }] },
    ],
  };
}
