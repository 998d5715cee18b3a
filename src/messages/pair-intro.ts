import type { Message } from './text.js';
import { context, escapeMrkdwn, mention, section, type UserText } from './text.js';
import { slackTime } from './time.js';

export type PairIntroInput = {
  mentorId: string;
  menteeId: string;
  programName: UserText;
  /** When the first check-in is asked (null: none left in the program), and the zone its slot is set in. */
  firstCheckinAt: Date | null;
  checkinZone: string;
  responseWindowDays: number;
  /** How often the program's pairs meet ("Each week", "Every other week", …). */
  often?: string;
  /** Hours after the pair's meeting ends that its check-in comes, once the kick-off has set the meeting. */
  afterHours?: number;
};

/** The first message in a pair's group DM: who is who, what Tandem will do, and the first step. */
export function pairIntroMessage(input: PairIntroInput): Message {
  const program = escapeMrkdwn(input.programName);
  const text = `Welcome, ${mention(input.mentorId)} and ${mention(input.menteeId)}: you are paired for ${program}.`;
  return {
    text,
    blocks: [
      section(`:wave: ${text}\n${mention(input.mentorId)} is the mentor and ${mention(input.menteeId)} the mentee.`),
      section(
        [
          '*How Tandem helps this pair*',
          `• ${input.often ?? 'Each week'} I ask you both here whether you met${
            input.firstCheckinAt
              ? `, first ${slackTime(input.firstCheckinAt, input.checkinZone, '{date_long_pretty} at {time}')}`
              : ''
          }. One click answers it.${
            input.afterHours !== undefined
              ? ` Once your kick-off sets your meeting, I ask ${input.afterHours === 0 ? 'as it ends' : `${input.afterHours === 1 ? 'an hour' : `${input.afterHours} hours`} after it ends`}.`
              : ''
          }`,
          `• Messages in this conversation get an answer or a reaction within ${input.responseWindowDays} work days; I nudge before then and tell program staff if a conversation stalls.`,
          '• You can move or cancel a meeting with `/tandem reschedule`; the earlier you say so, the better.',
        ].join('\n'),
      ),
      section(
        `*First step:* agree how you will work together. ${mention(input.mentorId)}, please suggest a time for a first call, then either of you run \`/dtr kickoff\` to set your meeting slot, how you keep in touch, and your goals.`,
      ),
      context('Program staff see whether check-ins are answered, never what you write here.'),
    ],
  };
}
