import type { ModalView } from '@slack/types';
import type { Message, KnownBlock } from './text.js';
import { DateTime } from 'luxon';
import type { StandupMet, StandupStatus } from '../domain/vocabulary.js';
import { undeliveredLine } from './home.js';
import { awayAndPausedLines, cappedList, type AwayEntry, type PausedPair } from './away.js';
import { answerRate, answerRateLabel, answersPerCheckin } from '../domain/answer-rate.js';
import { hoursLabel } from '../domain/hours.js';
import { ids, standupIds } from './ids.js';
import {
  button,
  clip,
  context,
  divider,
  escapeAndClip,
  escapeMrkdwn,
  mention,
  packSections,
  plain,
  section,
  type UserText,
} from './text.js';

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

export function standupPromptMessage(input: { standupId: number; weekLabel: string; menteeCount: number }): Message {
  const text = `Time for your weekly mentor standup (${input.weekLabel}): a minute per mentee, ${input.menteeCount} this week.`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [button(standupIds.open, 'Fill in standup', String(input.standupId), 'primary')],
      },
      context('Status, whether you met, hours and anything staff should know. You can edit it until next week’s standup.'),
    ],
  };
}

export function standupReminderMessage(input: { standupId: number }): Message {
  const text = 'Your standup for this week is not in yet. It takes about a minute.';
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [button(standupIds.open, 'Fill in standup', String(input.standupId))],
      },
    ],
  };
}

/** What a mentor already answered for one mentee this week. */
export type StandupEntryShown = {
  pairingId: number;
  status: StandupStatus;
  met: StandupMet;
  minutes: number;
  concerns: string | null;
};

export type StandupModalMeta = { s: number; page: number };

/** One page of the standup: a section per mentee, pre-filled with this week's answers. */
export function standupModal(input: {
  standupId: number;
  page: number;
  weekLabel: string;
  mentees: { pairingId: number; menteeId: string; menteeName: string | null }[];
  entries: StandupEntryShown[];
  generalNote: string | null;
}): ModalView {
  const pages = Math.max(1, Math.ceil(input.mentees.length / standupPageSize));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const slice = input.mentees.slice(page * standupPageSize, (page + 1) * standupPageSize);
  const blocks: KnownBlock[] = [
    context(
      `For the ${input.weekLabel}${pages > 1 ? ` · page ${page + 1} of ${pages}` : ''}. Concerns go to program staff only.`,
    ),
  ];
  for (const m of slice) {
    const e = input.entries.find((x) => x.pairingId === m.pairingId);
    const st = statusOptions.find((o) => o.value === e?.status);
    const met = metOptions.find((o) => o.value === e?.met);
    blocks.push(
      { type: 'header', text: plain(m.menteeName ? `${m.menteeName}` : `Mentee ${m.menteeId}`, 150) },
      {
        type: 'input',
        block_id: standupIds.field('status', m.pairingId),
        label: plain('Status'),
        element: { type: 'static_select', action_id: ids.value, options: statusOptions, ...(st ? { initial_option: st } : {}) },
      },
      {
        type: 'input',
        block_id: standupIds.field('met', m.pairingId),
        label: plain('Did you meet this week?'),
        element: { type: 'static_select', action_id: ids.value, options: metOptions, ...(met ? { initial_option: met } : {}) },
      },
      {
        type: 'input',
        block_id: standupIds.field('hours', m.pairingId),
        label: plain('Hours spent this week'),
        element: {
          type: 'number_input',
          action_id: ids.value,
          is_decimal_allowed: true,
          min_value: '0',
          max_value: '100',
          ...(e ? { initial_value: hoursLabel(e.minutes) } : {}),
        },
      },
      {
        type: 'input',
        block_id: standupIds.field('concerns', m.pairingId),
        optional: true,
        label: plain('Anything staff should know?'),
        element: {
          type: 'plain_text_input',
          action_id: ids.value,
          multiline: true,
          max_length: 1000,
          ...(e?.concerns ? { initial_value: e.concerns } : {}),
        },
      },
    );
  }
  if (page === pages - 1) {
    blocks.push({
      type: 'input',
      block_id: standupIds.generalNote,
      optional: true,
      label: plain('Anything else this week?'),
      element: {
        type: 'plain_text_input',
        action_id: ids.value,
        multiline: true,
        max_length: 1500,
        ...(input.generalNote ? { initial_value: input.generalNote } : {}),
      },
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
  week: {
    answerRate: number | null;
    answers: number;
    checkins: number;
    pairsMet: number;
    pairs: number;
    openAlerts: number;
    minutes: number;
  };
  missingStandups: string[];
  hoursByMentor: { mentorId: string; minutes: number }[];
  undelivered: { failed: number; stuck: number };
  /** Pairs with fewer sessions than the program's target calls for by now (only with a target). */
  behind?: { mentorId: string; menteeId: string; held: number; expected: number; target: number }[];
  /** Who is away, and which pairs are paused (by whom, until when). */
  away?: AwayEntry[];
  pausedPairs?: PausedPair[];
};

/** Monday's digest for staff: last week in numbers, no message text, no notes. */
export function digestMessage(d: DigestInput): Message {
  const text = `Weekly digest for ${escapeMrkdwn(d.programName)} (${d.weekLabel})`;
  const rate = (p: DigestInput['pairs'][number]) =>
    p.checkins === 0 ? 'no check-in' : `${answerRateLabel(answerRate(p.answers, p.checkins), '')} of check-in answers`;
  const pairLines = d.pairs.map(
    (p) =>
      `• ${mention(p.mentorId)} & ${mention(p.menteeId)}: ${rate(p)}${p.missedMeeting ? ', *did not meet*' : ''}${p.lateNotices ? `, ${p.lateNotices === 1 ? '1 late reschedule' : `${p.lateNotices} late reschedules`}` : ''}`,
  );
  const hours = d.hoursByMentor.filter((h) => h.minutes > 0);
  const w = d.week;
  const figures = [
    `*Check-in answer rate:* ${answerRateLabel(w.answerRate, 'no check-ins asked')}${w.checkins > 0 ? ` (${w.answers} of ${answersPerCheckin * w.checkins} answers)` : ''}`,
    `*Pairs that met:* ${w.pairsMet} of ${w.pairs}`,
    `*Open alerts at the week’s end:* ${w.openAlerts}`,
    `*Hours logged:* ${hoursLabel(w.minutes)}${
      hours.length === 0
        ? ''
        : ` (${hours
            .slice(0, 100)
            .map((h) => `${mention(h.mentorId)} ${hoursLabel(h.minutes)}h`)
            .join(', ')})`
    }`,
  ];
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Weekly digest: ${d.programName}`, 150) },
    context(escapeMrkdwn(d.weekLabel)),
    section(figures.join('\n')),
  ];
  // 20 pairs per section keeps each block under Slack's 3000-character limit.
  for (let i = 0; i < pairLines.length && blocks.length < 40; i += 20)
    blocks.push(section(pairLines.slice(i, i + 20).join('\n')));
  if (pairLines.length > 20 * 37) blocks.push(context(`…and ${pairLines.length - 20 * 37} more pairs.`));
  blocks.push(
    section(
      `*Missing standups:* ${d.missingStandups.length === 0 ? 'none' : d.missingStandups.slice(0, 100).map(mention).join(', ')}`,
    ),
  );
  if (d.behind && d.behind.length > 0)
    blocks.push(
      section(
        `*Behind their session target:* ${cappedList(
          d.behind.map((b) => `${mention(b.mentorId)} & ${mention(b.menteeId)} ${b.held} of ${b.target} (${b.expected} by now)`),
          40,
        )}`,
      ),
    );
  const absent = awayAndPausedLines(d.away ?? [], d.pausedPairs ?? []);
  if (absent.length > 0) blocks.push(section(`*Away and paused:* ${cappedList(absent, 40)}`));
  if (d.undelivered.failed + d.undelivered.stuck > 0) blocks.push(section(undeliveredLine(d.undelivered)));
  return { text, blocks: blocks.slice(0, 50) };
}

/**
 * A week as people read it: its Monday to `lastWeekday` (1 = Monday … 7 = Sunday), e.g. "4–8 Jan",
 * "29 Mar – 2 Apr", "28 Dec 2026 – 1 Jan 2027"; never an ISO week key. A week is a calendar week, the
 * same dates in every zone.
 */
export function weekRangeLabel(weekKey: string, lastWeekday: number): string {
  const from = DateTime.fromISO(`${weekKey}-1`, { zone: 'UTC' });
  const to = from.plus({ days: Math.min(Math.max(lastWeekday, 1), 7) - 1 });
  if (!from.isValid) return weekKey;
  if (to.hasSame(from, 'day')) return from.toFormat('d LLL');
  if (to.hasSame(from, 'month')) return `${from.toFormat('d')}–${to.toFormat('d LLL')}`;
  if (to.hasSame(from, 'year')) return `${from.toFormat('d LLL')} – ${to.toFormat('d LLL')}`;
  return `${from.toFormat('d LLL yyyy')} – ${to.toFormat('d LLL yyyy')}`;
}

export type StandupReportInput = {
  programName: UserText;
  /** The week as a date range ("4–8 Jan"). */
  weekRange: string;
  /** Mentors who sent their standup, with what they wrote for staff. */
  sent: {
    mentorId: string;
    generalNote: UserText | null;
    entries: { menteeId: string; status: StandupStatus; met: StandupMet; minutes: number; concerns: UserText | null }[];
  }[];
  /** Mentors who were asked and did not send it. A mentor whose pairs were all paused was never asked. */
  missing: string[];
};

export type StandupReportMessages = {
  /** The one message in the alerts channel. */
  message: Message;
  /** For a long week: one reply per mentor, in the message's thread. */
  thread: { mentorId: string; text: string; blocks: KnownBlock[] }[];
};

const reportStatus: Record<StandupStatus, string> = {
  on_track: 'on track',
  needs_attention: ':eyes: needs attention',
  at_risk: ':warning: at risk',
};
const reportMet: Record<StandupMet, string> = { yes: 'met', no: 'did not meet', rescheduled: 'rescheduled' };
/** A week longer than this many characters, or 50 blocks, is threaded per mentor: one message stays readable. */
export const standupReportThreadAbove = 12_000;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One mentor's standup, a line per mentee (concerns quoted), then their note. */
function mentorLines(m: StandupReportInput['sent'][number]): string[] {
  const minutes = m.entries.reduce((a, e) => a + e.minutes, 0);
  return [
    `*${mention(m.mentorId)}* — ${plural(m.entries.length, 'mentee')}, ${hoursLabel(minutes)} h`,
    ...m.entries.map(
      (e) =>
        `• ${mention(e.menteeId)}: ${reportStatus[e.status]} · ${reportMet[e.met]} · ${hoursLabel(e.minutes)} h${e.concerns ? `\n   _Concerns:_ “${escapeAndClip(e.concerns, 2800)}”` : ''}`,
    ),
    ...(m.generalNote ? [`_Anything else:_ “${escapeAndClip(m.generalNote, 2800)}”`] : []),
  ];
}

/**
 * The week's standups for staff, to the private alerts channel once the program's standup has closed:
 * per mentor, each mentee's status, whether they met, hours and concerns, and the mentor's note; then
 * who was asked and did not send one. A long week becomes a short message with one reply per mentor in
 * its thread, each within Slack's 50 blocks and 3000 characters a block.
 */
export function standupReportMessages(r: StandupReportInput): StandupReportMessages {
  const asked = r.sent.length + r.missing.length;
  const title = `Standups, ${r.weekRange}: ${r.programName}`;
  const counts = `${r.sent.length} of ${plural(asked, 'mentor')} sent their standup`;
  const text = clip(
    `Standups for ${escapeMrkdwn(r.programName)}, ${r.weekRange}: ${counts}${r.missing.length ? `; missing: ${r.missing.map(mention).join(', ')}` : ''}.`,
    3000,
  );
  const missing =
    r.missing.length === 0
      ? [section('*Missing:* none — everyone asked sent theirs.')]
      : packSections([`*Missing:* ${mention(r.missing[0] as string)}`, ...r.missing.slice(1).map(mention)], ', ');
  const head: KnownBlock[] = [{ type: 'header', text: plain(title, 150) }, section(`*${counts}.*`)];
  const foot = context(
    'Mentors whose pairs are all paused were not asked. A standup sent after this report is in that pair’s report (`/tandem report`).',
  );

  const perMentor = r.sent.map((m) => packSections(mentorLines(m), '\n'));
  const whole = [...head, ...perMentor.flatMap((b) => [...b, divider]), ...missing, foot];
  const size = JSON.stringify(whole).length;
  if (whole.length <= 50 && size <= standupReportThreadAbove) return { message: { text, blocks: whole }, thread: [] };

  // Threaded: an overview line per mentor here, their whole standup in the thread.
  const overview = r.sent.map((m) => {
    const flagged = (s: StandupStatus) => m.entries.filter((e) => e.status === s).length;
    const minutes = m.entries.reduce((a, e) => a + e.minutes, 0);
    const marks = [
      flagged('at_risk') ? `${flagged('at_risk')} at risk` : null,
      flagged('needs_attention')
        ? `${flagged('needs_attention')} need${flagged('needs_attention') === 1 ? 's' : ''} attention`
        : null,
    ].filter(Boolean);
    return `• ${mention(m.mentorId)}: ${plural(m.entries.length, 'mentee')}${marks.length ? ` · ${marks.join(' · ')}` : ''} · ${hoursLabel(minutes)} h`;
  });
  const overviewBlocks = packSections(overview, '\n');
  const room = Math.max(2, 50 - head.length - missing.length - 2);
  const listed =
    overviewBlocks.length <= room
      ? overviewBlocks
      : [...overviewBlocks.slice(0, room - 1), context('…and more mentors: every standup is in the thread.')];
  const message = {
    text,
    blocks: [...head, context('Each mentor’s standup is in the thread below.'), ...listed, ...missing, foot].slice(0, 50),
  };
  const thread = r.sent.map((m, i) => {
    const blocks = perMentor[i] ?? [];
    const fits =
      blocks.length <= 50
        ? blocks
        : [...blocks.slice(0, 49), context('…more than one message holds: each pair’s report has the rest.')];
    return { mentorId: m.mentorId, text: `Standup of ${mention(m.mentorId)}, ${r.weekRange}`, blocks: fits };
  });
  return { message, thread };
}
