import type { ModalView } from '@slack/types';
import { DateTime } from 'luxon';
import { ids } from './ids.js';
import { clip, context, escapeMrkdwn, mention, plain, type UserText } from './text.js';

export const awayIds = {
  /** App Home: opens the away form. */
  open: 'away_open',
  /** App Home: ends an absence early. */
  back: 'away_back',
  view: 'away_form',
  until: 'until',
  note: 'note',
} as const;

/** A day as people say it: "Friday 22 January". */
export const dayLabel = (date: string) => DateTime.fromISO(date, { zone: 'UTC' }).toFormat('cccc d LLLL');

/** Told in each pair conversation of someone who is going away. */
export function awayNotice(personId: string, until: string, note: UserText | null): string {
  return `:palm_tree: ${mention(personId)} is away until ${dayLabel(until)}${note ? ` (“${clip(escapeMrkdwn(note), 200)}”)` : ''}. No check-in questions or reminders for them until then, and deadlines that wait on them move by the days away.`;
}

/** Told in each pair conversation when someone comes back early. */
export function backNotice(personId: string): string {
  return `:wave: ${mention(personId)} is back. Check-ins and reminders carry on as usual.`;
}

/** The form behind App Home's "I'm away" button: the last day away and an optional note for partners. */
export function awayModal(today: string, current: { until: string; note: string | null } | null): ModalView {
  return {
    type: 'modal',
    callback_id: awayIds.view,
    title: plain('Out of office', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      context(
        'While you are away, Tandem asks you nothing and reminds you of nothing, in every pairing and standup. Your partners are told, and deadlines waiting on you move by the days away.',
      ),
      {
        type: 'input',
        block_id: awayIds.until,
        label: plain('Last day away', 2000),
        element: { type: 'datepicker', action_id: ids.value, initial_date: current?.until ?? today },
      },
      {
        type: 'input',
        block_id: awayIds.note,
        optional: true,
        label: plain('A note for your partners', 2000),
        element: {
          type: 'plain_text_input',
          action_id: ids.value,
          max_length: 200,
          placeholder: plain('e.g. at a conference, back on Monday'),
          ...(current?.note ? { initial_value: current.note } : {}),
        },
      },
    ],
  };
}

export type AwayEntry = { personId: string; from: string; until: string };
export type PausedPair = { mentorId: string; menteeId: string; pausedBy: string | null; until: string | null };

/** Staff's line per absence: who is away and when, which pairs are paused, by whom and until when. */
export function awayAndPausedLines(away: readonly AwayEntry[], paused: readonly PausedPair[]): string[] {
  return [
    ...away.map(
      (a) =>
        `${mention(a.personId)} away ${a.from === a.until ? `on ${dayLabel(a.from)}` : `${dayLabel(a.from)} to ${dayLabel(a.until)}`}`,
    ),
    ...paused.map(
      (q) =>
        `${mention(q.mentorId)} & ${mention(q.menteeId)} paused${q.pausedBy ? ` by ${mention(q.pausedBy)}` : ''} ${q.until ? `until ${dayLabel(q.until)}` : 'until resumed'}`,
    ),
  ];
}

/** At most `max` of the lines, joined, with how many more there are. */
export function cappedList(lines: readonly string[], max: number): string {
  return `${lines.slice(0, max).join('; ')}${lines.length > max ? `; and ${lines.length - max} more` : ''}`;
}
