import type { ModalView } from '@slack/types';
import type { Message } from './text.js';
import type { CheckinAnswer } from '../domain/vocabulary.js';
import { actionIds, checkinNoteFields, ids, viewIds } from './ids.js';
import { button, clip, context, escapeAndClip, mention, plain, section, type UserText } from './text.js';
import { slackTime } from './time.js';

export const answerLabels: Record<CheckinAnswer, string> = {
  met: 'We met',
  not_yet: 'Not yet',
  rescheduled: 'Rescheduled',
};

export type CheckinView = {
  checkinId: number;
  mentorId: string;
  menteeId: string;
  /** e.g. "week of 11 January" */
  weekLabel: string;
  answers: { personId: string; answer: CheckinAnswer | null }[];
  /** The week's meeting was cancelled: the question is whether they found another time. */
  cancelled?: boolean;
  /** "Session 4 of 8", once someone says they met (the program's target). */
  session?: { number: number; target: number | null } | null;
  /** From the pair's newest session log written before the check-in was asked. */
  homework?: UserText | null | undefined;
};

/** The answers as a cancelled meeting's check-in words them. */
export const cancelledAnswerLabels: Record<CheckinAnswer, string> = {
  met: 'We met another time',
  not_yet: 'Not yet',
  rescheduled: 'We picked a new time',
};

/** The weekly check-in in the pair conversation; re-rendered on every answer to show who answered. */
export function checkinMessage(v: CheckinView): Message {
  const labels = v.cancelled ? cancelledAnswerLabels : answerLabels;
  const text = v.cancelled
    ? `Check-in (${v.weekLabel}): ${mention(v.mentorId)} and ${mention(v.menteeId)}, your meeting this week was cancelled. Did you find another time?`
    : `Check-in (${v.weekLabel}): ${mention(v.mentorId)} and ${mention(v.menteeId)}, did you meet this week?`;
  const status = [v.mentorId, v.menteeId].map((id) => {
    const a = v.answers.find((x) => x.personId === id);
    return a?.answer
      ? `:white_check_mark: ${mention(id)}: ${labels[a.answer]}`
      : `:hourglass_flowing_sand: ${mention(id)}: not answered yet`;
  });
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: `checkin:${v.checkinId}`,
        elements: [
          ...(Object.keys(answerLabels) as CheckinAnswer[]).map((answer) =>
            button(
              `${actionIds.checkinAnswer}:${answer}`,
              labels[answer],
              `${v.checkinId}:${answer}`,
              answer === 'met' ? 'primary' : undefined,
            ),
          ),
          button(actionIds.checkinNote, 'Add a note', String(v.checkinId)),
        ],
      },
      context(status.join('   ')),
      ...(v.session
        ? [
            context(
              v.session.target
                ? `:calendar: Session ${v.session.number} of ${v.session.target}.`
                : `:calendar: Session ${v.session.number} so far.`,
            ),
          ]
        : []),
      ...(v.homework ? [context(`Homework from last time: ${escapeAndClip(v.homework, 2900)}`)] : []),
      context(
        'Each of you answers for yourself. You can change your answer until next week’s check-in. Notes go to your program staff, never to this conversation.',
      ),
    ],
  };
}

const ratingOptions = [1, 2, 3, 4, 5].map((n) => ({
  text: plain(`${n} — ${['rough', 'so-so', 'okay', 'good', 'great'][n - 1]}`),
  value: String(n),
}));
const answerOptions = (Object.keys(answerLabels) as CheckinAnswer[]).map((a) => ({ text: plain(answerLabels[a]), value: a }));

export type NoteDefaults = {
  answer: CheckinAnswer | null;
  rating: number | null;
  topics: string | null;
  blockers: string | null;
};

export function checkinNoteModal(checkinId: number, weekLabel: string, d: NoteDefaults): ModalView {
  const initialAnswer = answerOptions.find((o) => o.value === d.answer);
  const initialRating = ratingOptions.find((o) => o.value === String(d.rating ?? ''));
  const input = (blockId: string, label: string, element: Record<string, unknown>, optional = true) => ({
    type: 'input',
    block_id: blockId,
    optional,
    label: plain(label, 2000),
    element: { action_id: ids.value, ...element },
  });
  return {
    type: 'modal',
    callback_id: viewIds.checkinNote,
    private_metadata: JSON.stringify({ checkinId }),
    title: plain('Check-in note', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      context(`Your note for the ${weekLabel}. Only you and program staff see it.`),
      input(
        checkinNoteFields.answer,
        'Did you meet this week?',
        { type: 'radio_buttons', options: answerOptions, ...(initialAnswer ? { initial_option: initialAnswer } : {}) },
        false,
      ),
      input(checkinNoteFields.rating, 'How is it going?', {
        type: 'static_select',
        options: ratingOptions,
        ...(initialRating ? { initial_option: initialRating } : {}),
      }),
      input(checkinNoteFields.topics, 'Topics you worked on', {
        type: 'plain_text_input',
        multiline: true,
        max_length: 1000,
        ...(d.topics ? { initial_value: clip(d.topics, 1000) } : {}),
      }),
      input(checkinNoteFields.blockers, 'Anything blocking you?', {
        type: 'plain_text_input',
        multiline: true,
        max_length: 1000,
        ...(d.blockers ? { initial_value: clip(d.blockers, 1000) } : {}),
      }),
    ],
  };
}

export function reminderMessage(
  kind: 'checkin' | 'reply',
  partnerId: string,
  /** The deadline, shown in each reader's zone; `zone` (the person nudged) is the fallback's. */
  due: { at: Date; zone: string },
  permalink: string | null,
): Message {
  const dueLabel = slackTime(due.at, due.zone);
  const where = permalink ? `<${permalink}|your pair conversation>` : 'your pair conversation';
  const text =
    kind === 'checkin'
      ? `A friendly nudge: this week's check-in with ${mention(partnerId)} is waiting for your answer in ${where}. One click is enough; it is due by ${dueLabel}.`
      : `A friendly nudge: ${mention(partnerId)} wrote to you in ${where}. A short reply or even a reaction by ${dueLabel} lets them know you saw it.`;
  return { text, blocks: [section(text)] };
}
