import type { StandupEntry } from '../../db/schema.js';
import { undeliveredLine } from './home.js';
import { answerRate, answerRateLabel, answersPerCheckin } from '../../domain/answer-rate.js';
import { hoursLabel } from '../../domain/hours.js';
import { ids, standupIds } from '../ids.js';
import { context, escapeMrkdwn, mention, plain, section, type UserText } from './text.js';

/** Mentees per modal page: 5 blocks each keeps a page well under the 100-block limit. */
export const standupPageSize = 15;

const statusOptions = [
  { value: 'on_track', label: 'On track' },
  { value: 'needs_attention', label: 'Needs attention' },
  { value: 'at_risk', label: 'At risk' },
].map((o) => ({ text: plain(o.label), value: o.value }));
const metOptions = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
  { value: 'rescheduled', label: 'Rescheduled' },
].map((o) => ({ text: plain(o.label), value: o.value }));

export function standupPromptMessage(input: { standupId: number; weekLabel: string; menteeCount: number }): { text: string; blocks: unknown[] } {
  const text = `Time for your weekly mentor standup (${input.weekLabel}): a minute per mentee, ${input.menteeCount} this week.`;
  return {
    text,
    blocks: [
      section(text),
      { type: 'actions', elements: [{ type: 'button', action_id: standupIds.open, style: 'primary', text: plain('Fill in standup'), value: String(input.standupId) }] },
      context('Status, whether you met, hours and anything staff should know. You can edit it until next week’s standup.'),
    ],
  };
}

export function standupReminderMessage(input: { standupId: number }): { text: string; blocks: unknown[] } {
  const text = 'Your standup for this week is not in yet. It takes about a minute.';
  return { text, blocks: [section(text), { type: 'actions', elements: [{ type: 'button', action_id: standupIds.open, text: plain('Fill in standup'), value: String(input.standupId) }] }] };
}

export type StandupModalMeta = { s: number; page: number };

/** One page of the standup: a section per mentee, pre-filled with this week's answers. */
export function standupModal(input: { standupId: number; page: number; weekLabel: string; mentees: { pairingId: number; menteeId: string; menteeName: string | null }[]; entries: StandupEntry[]; generalNote: string | null }) {
  const pages = Math.max(1, Math.ceil(input.mentees.length / standupPageSize));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const slice = input.mentees.slice(page * standupPageSize, (page + 1) * standupPageSize);
  const blocks: unknown[] = [context(`Week of ${input.weekLabel}${pages > 1 ? ` · page ${page + 1} of ${pages}` : ''}. Concerns go to program staff only.`)];
  for (const m of slice) {
    const e = input.entries.find((x) => x.pairing_id === m.pairingId);
    const st = statusOptions.find((o) => o.value === e?.status);
    const met = metOptions.find((o) => o.value === e?.met);
    blocks.push(
      { type: 'header', text: plain(m.menteeName ? `${m.menteeName}` : `Mentee ${m.menteeId}`, 150) },
      { type: 'input', block_id: standupIds.field('status', m.pairingId), label: plain('Status'), element: { type: 'static_select', action_id: ids.value, options: statusOptions, ...(st ? { initial_option: st } : {}) } },
      { type: 'input', block_id: standupIds.field('met', m.pairingId), label: plain('Did you meet this week?'), element: { type: 'static_select', action_id: ids.value, options: metOptions, ...(met ? { initial_option: met } : {}) } },
      {
        type: 'input',
        block_id: standupIds.field('hours', m.pairingId),
        label: plain('Hours spent this week'),
        element: { type: 'number_input', action_id: ids.value, is_decimal_allowed: true, min_value: '0', max_value: '100', ...(e ? { initial_value: hoursLabel(e.minutes) } : {}) },
      },
      {
        type: 'input',
        block_id: standupIds.field('concerns', m.pairingId),
        optional: true,
        label: plain('Anything staff should know?'),
        element: { type: 'plain_text_input', action_id: ids.value, multiline: true, max_length: 1000, ...(e?.concerns ? { initial_value: e.concerns } : {}) },
      },
    );
  }
  if (page === pages - 1) {
    blocks.push({
      type: 'input',
      block_id: standupIds.generalNote,
      optional: true,
      label: plain('Anything else this week?'),
      element: { type: 'plain_text_input', action_id: ids.value, multiline: true, max_length: 1500, ...(input.generalNote ? { initial_value: input.generalNote } : {}) },
    });
  }
  return {
    type: 'modal',
    callback_id: standupIds.view,
    private_metadata: JSON.stringify({ s: input.standupId, page } satisfies StandupModalMeta),
    title: plain('Mentor standup', 24),
    submit: plain(page < pages - 1 ? 'Next' : 'Submit', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

export type DigestInput = {
  programName: UserText;
  weekLabel: string;
  pairs: { mentorId: string; menteeId: string; checkins: number; answers: number; missedMeeting: boolean; lateNotices: number }[];
  /** The week in numbers, from the read model the digest's chart is drawn from (ProgramWeek). */
  week: { answerRate: number | null; answers: number; checkins: number; pairsMet: number; pairs: number; openAlerts: number; minutes: number };
  missingStandups: string[];
  hoursByMentor: { mentorId: string; minutes: number }[];
  undelivered: { failed: number; stuck: number };
};

/** Monday's digest for staff: last week in numbers, no message text, no notes. */
export function digestMessage(d: DigestInput): { text: string; blocks: unknown[] } {
  const text = `Weekly digest for ${escapeMrkdwn(d.programName)} (${d.weekLabel})`;
  const rate = (p: DigestInput['pairs'][number]) => (p.checkins === 0 ? 'no check-in' : `${answerRateLabel(answerRate(p.answers, p.checkins), '')} of check-in answers`);
  const pairLines = d.pairs.map((p) => `• ${mention(p.mentorId)} & ${mention(p.menteeId)}: ${rate(p)}${p.missedMeeting ? ', *did not meet*' : ''}${p.lateNotices ? `, ${p.lateNotices} late reschedule(s)` : ''}`);
  const hours = d.hoursByMentor.filter((h) => h.minutes > 0);
  const w = d.week;
  const figures = [
    `*Check-in answer rate:* ${answerRateLabel(w.answerRate, 'no check-ins asked')}${w.checkins > 0 ? ` (${w.answers} of ${answersPerCheckin * w.checkins} answers)` : ''}`,
    `*Pairs that met:* ${w.pairsMet} of ${w.pairs}`,
    `*Open alerts at the week’s end:* ${w.openAlerts}`,
    `*Hours logged:* ${hoursLabel(w.minutes)}${hours.length === 0 ? '' : ` (${hours.slice(0, 100).map((h) => `${mention(h.mentorId)} ${hoursLabel(h.minutes)}h`).join(', ')})`}`,
  ];
  const blocks: unknown[] = [{ type: 'header', text: plain(`Weekly digest: ${d.programName}`, 150) }, context(escapeMrkdwn(d.weekLabel)), section(figures.join('\n'))];
  // 20 pairs per section keeps each block under Slack's 3000-character limit.
  for (let i = 0; i < pairLines.length && blocks.length < 40; i += 20) blocks.push(section(pairLines.slice(i, i + 20).join('\n')));
  if (pairLines.length > 20 * 37) blocks.push(context(`…and ${pairLines.length - 20 * 37} more pairs.`));
  blocks.push(section(`*Missing standups:* ${d.missingStandups.length === 0 ? 'none' : d.missingStandups.slice(0, 100).map(mention).join(', ')}`));
  if (d.undelivered.failed + d.undelivered.stuck > 0) blocks.push(section(undeliveredLine(d.undelivered)));
  return { text, blocks: blocks.slice(0, 50) };
}
