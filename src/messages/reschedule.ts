import type { ModalView } from '@slack/types';
import { ids, rescheduleIds } from './ids.js';
import type { Message } from './text.js';
import { escapeMrkdwn, mention, plain, context, section, type UserText } from './text.js';
import { slackTime } from './time.js';

const f = rescheduleIds.fields;

/** Move or cancel a meeting. Times are the person's own; the partner is told in theirs. */
/** A pairing whose meeting the person can move: the partner, named, and the program. */
export type MeetingChoice = { pairingId: number; partnerRole: 'Mentor' | 'Mentee'; partnerName: string; programName: string };

export function rescheduleModal(input: {
  pairings: MeetingChoice[];
  preselect?: number | undefined;
  next: { date: string; time: string } | null;
  /** The person's own zone: the form's times are read in it, and it is named next to them. */
  zone: string;
}): ModalView {
  const options = input.pairings
    .slice(0, 100)
    .map((p) => ({ text: plain(`${p.partnerRole} ${p.partnerName} — ${p.programName}`), value: String(p.pairingId) }));
  const selected = options.find((o) => o.value === String(input.preselect ?? (options.length === 1 ? options[0]?.value : '')));
  return {
    type: 'modal',
    callback_id: rescheduleIds.view,
    title: plain('Move a meeting', 24),
    submit: plain('Tell my partner', 24),
    close: plain('Cancel', 24),
    blocks: [
      context(
        `Times are in your own time zone, ${input.zone}. Please give at least 48 hours’ notice when you can; less is recorded as late notice.`,
      ),
      {
        type: 'input',
        block_id: f.pairing,
        label: plain('With'),
        element: { type: 'static_select', action_id: ids.value, options, ...(selected ? { initial_option: selected } : {}) },
      },
      {
        type: 'input',
        block_id: f.originalDate,
        label: plain('Meeting date'),
        element: { type: 'datepicker', action_id: ids.value, ...(input.next ? { initial_date: input.next.date } : {}) },
      },
      {
        type: 'input',
        block_id: f.originalTime,
        label: plain('Meeting time'),
        element: {
          type: 'timepicker',
          action_id: ids.value,
          timezone: input.zone,
          ...(input.next ? { initial_time: input.next.time } : {}),
        },
      },
      {
        type: 'input',
        block_id: f.cancel,
        optional: true,
        label: plain('Cancel it instead?'),
        element: {
          type: 'checkboxes',
          action_id: ids.value,
          options: [{ text: plain('Cancel this meeting (no new time)'), value: 'cancel' }],
        },
      },
      {
        type: 'input',
        block_id: f.newDate,
        optional: true,
        label: plain('New date'),
        element: { type: 'datepicker', action_id: ids.value },
      },
      {
        type: 'input',
        block_id: f.newTime,
        optional: true,
        label: plain('New time'),
        element: { type: 'timepicker', action_id: ids.value, timezone: input.zone },
      },
      {
        type: 'input',
        block_id: f.reason,
        optional: true,
        label: plain('Reason (optional)'),
        element: { type: 'plain_text_input', action_id: ids.value, max_length: 500 },
      },
    ],
  };
}

/**
 * What the pair conversation is told when a meeting moves or is cancelled: the times as date tokens,
 * so each of the two reads them in their own zone (the fallback in the partner's).
 */
export function rescheduleNotice(input: {
  actorId: string;
  original: Date;
  moved: Date | null;
  zone: string;
  reason: UserText | null;
  lateNoticeHours: number | null;
}): Message {
  const what = input.moved
    ? `moved your meeting of ${slackTime(input.original, input.zone)} to *${slackTime(input.moved, input.zone)}*`
    : `cancelled your meeting of ${slackTime(input.original, input.zone)}`;
  const text = `${mention(input.actorId)} ${what}.${input.reason ? ` Reason: ${escapeMrkdwn(input.reason)}` : ''}${
    input.lateNoticeHours ? ` This is less than ${input.lateNoticeHours} hours' notice.` : ''
  }`;
  return { text, blocks: [section(text)] };
}
