import type { ModalView } from '@slack/types';
import type { Message } from './text.js';
import { ids, matchIds } from './ids.js';
import { button, clip, context, escapeMrkdwn, mention, plain, section, type UserText } from './text.js';

export function matchRequestMessage(input: {
  requestId: number;
  menteeId: string;
  programName: UserText;
  note: UserText | null;
  staffId: string;
}): Message {
  const text = `${mention(input.staffId)} asks whether you would mentor ${mention(input.menteeId)} in ${escapeMrkdwn(input.programName)}.`;
  return {
    text,
    blocks: [
      section(`:handshake: ${text}`),
      ...(input.note ? [section(`*About ${mention(input.menteeId)}*\n${clip(escapeMrkdwn(input.note), 2800)}`)] : []),
      {
        type: 'actions',
        block_id: `match:${input.requestId}`,
        elements: [
          button(matchIds.accept, 'Accept', String(input.requestId), 'primary'),
          button(matchIds.decline, 'Decline', String(input.requestId)),
        ],
      },
      context('If you accept, Tandem opens a group DM for the two of you and introduces you.'),
    ],
  };
}

export function matchDecidedMessage(input: { menteeId: string; programName: UserText; accepted: boolean }): Message {
  const text = input.accepted
    ? `You accepted to mentor ${mention(input.menteeId)} in ${escapeMrkdwn(input.programName)}. Your group DM is open: please suggest a time for a first call, then run \`/dtr kickoff\` together.`
    : `You declined mentoring ${mention(input.menteeId)}. Program staff have been told. Thank you for answering.`;
  return { text, blocks: [section(text)] };
}

export function declineModal(requestId: number): ModalView {
  return {
    type: 'modal',
    callback_id: matchIds.declineView,
    private_metadata: JSON.stringify({ r: requestId }),
    title: plain('Decline', 24),
    submit: plain('Decline', 24),
    close: plain('Back', 24),
    blocks: [
      {
        type: 'input',
        block_id: matchIds.reason,
        optional: true,
        label: plain('Anything staff should know? (optional)'),
        element: { type: 'plain_text_input', action_id: ids.value, multiline: true, max_length: 500 },
      },
    ],
  };
}
