import type { ModalView } from '@slack/types';
import type { Message } from './text.js';
import { ids, sessionLogIds } from './ids.js';
import { button, context, plain, section } from './text.js';

const f = sessionLogIds.fields;

/** A mentee the mentor can log a session with: one option of the form's menu. */
export type MenteeChoice = { pairingId: number; menteeName: string; programName: string };
/** A session log as the form shows it when it is edited. */
export type SessionLogShown = {
  id: number;
  pairingId: number;
  sessionDate: string;
  minutes: number;
  done: string | null;
  homework: string | null;
  privateNotes: string | null;
};

export function sessionLogModal(input: {
  mentees: MenteeChoice[];
  existing: SessionLogShown | null;
  today: string;
  preselect?: number | undefined;
}): ModalView {
  const options = input.mentees
    .slice(0, 100)
    .map((p) => ({ text: plain(`${p.menteeName} — ${p.programName}`), value: String(p.pairingId) }));
  const selected = options.find(
    (o) => o.value === String(input.existing?.pairingId ?? input.preselect ?? (options.length === 1 ? options[0]?.value : '')),
  );
  const e = input.existing;
  return {
    type: 'modal',
    callback_id: sessionLogIds.view,
    private_metadata: JSON.stringify({ id: e?.id ?? null }),
    title: plain(e ? 'Edit session log' : 'Log a session', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: f.pairing,
        label: plain('Mentee'),
        element: { type: 'static_select', action_id: ids.value, options, ...(selected ? { initial_option: selected } : {}) },
      },
      {
        type: 'input',
        block_id: f.date,
        label: plain('Date'),
        element: { type: 'datepicker', action_id: ids.value, initial_date: e?.sessionDate ?? input.today },
      },
      {
        type: 'input',
        block_id: f.minutes,
        label: plain('Duration (minutes)'),
        element: {
          type: 'number_input',
          action_id: ids.value,
          is_decimal_allowed: false,
          min_value: '5',
          max_value: '600',
          initial_value: String(e?.minutes ?? 45),
        },
      },
      {
        type: 'input',
        block_id: f.done,
        optional: true,
        label: plain('What you did'),
        hint: plain('Labs or code reviewed, concepts covered, questions answered, plans made.'),
        element: {
          type: 'plain_text_input',
          action_id: ids.value,
          multiline: true,
          max_length: 2000,
          ...(e?.done ? { initial_value: e.done } : {}),
        },
      },
      {
        type: 'input',
        block_id: f.homework,
        optional: true,
        label: plain('Homework for next time'),
        hint: plain('Shown to you both in the reminder before your next meeting and in the next check-in.'),
        element: {
          type: 'plain_text_input',
          action_id: ids.value,
          multiline: true,
          max_length: 1000,
          ...(e?.homework ? { initial_value: e.homework } : {}),
        },
      },
      {
        type: 'input',
        block_id: f.privateNotes,
        optional: true,
        label: plain('Private notes'),
        hint: plain('Seen by you and program staff only; never by your mentee.'),
        element: {
          type: 'plain_text_input',
          action_id: ids.value,
          multiline: true,
          max_length: 2000,
          ...(e?.privateNotes ? { initial_value: e.privateNotes } : {}),
        },
      },
    ],
  };
}

export function sessionLoggedMessage(
  log: { id: number; minutes: number; sessionDate: string },
  menteeId: string,
  session?: { number: number; target: number | null },
): Message {
  const count = session ? ` Session ${session.number}${session.target ? ` of ${session.target}` : ''}.` : '';
  const text = `Logged ${log.minutes} minutes with <@${menteeId}> on ${log.sessionDate}.${count}`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [button(sessionLogIds.edit, 'Edit', String(log.id))],
      },
      context('Hours come from your session logs; a week without any uses your standup hours instead.'),
    ],
  };
}

export function logThisSessionOffer(pairingId: number): Message {
  const text = 'Thanks! Want to log this session for your hours?';
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [button(sessionLogIds.open, 'Log this session', String(pairingId))],
      },
    ],
  };
}
