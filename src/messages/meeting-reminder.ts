import type { Message, UserText } from './text.js';
import { clip, context, escapeAndClip, escapeMrkdwn, mention, section } from './text.js';
import { slackTime } from './time.js';

export type MeetingReminderView = {
  /** The reader's partner and what they are to the reader. */
  partnerId: string;
  partnerRole: 'mentor' | 'mentee';
  at: Date;
  /** The reader's zone: the date token's fallback, for clients that cannot show it, is in it. */
  readerZone: string;
  minutes: number | null;
  /** Moved by a reschedule from the pair's usual slot. */
  moved: boolean;
  programName: UserText;
  goals: readonly { text: UserText; measure?: UserText | undefined; targetDate?: string | undefined }[];
  homework: UserText | null;
};

/** The DM each person gets the day before a meeting, in their morning: when, the pair's goals, the homework. */
export function meetingReminderMessage(v: MeetingReminderView): Message {
  const when = slackTime(v.at, v.readerZone);
  const length = v.minutes ? `, for ${v.minutes} minutes` : '';
  const text = `Reminder: you meet your ${v.partnerRole} ${mention(v.partnerId)} ${when}${length}${v.moved ? ' (the time you moved it to)' : ''}.`;
  const goals = v.goals.map(
    (g, i) =>
      `${i + 1}. ${clip(escapeMrkdwn(g.text), 300)}${g.measure ? ` — _measured by_ ${clip(escapeMrkdwn(g.measure), 150)}` : ''}${g.targetDate ? ` — _by_ ${escapeMrkdwn(g.targetDate)}` : ''}`,
  );
  return {
    text,
    blocks: [
      section(text),
      section(
        goals.length > 0
          ? `*Your goals from the kick-off*\n${goals.join('\n')}`
          : '*Your goals from the kick-off*\n_None recorded yet: the mentee’s side of `/dtr kickoff` sets them._',
      ),
      ...(v.homework ? [section(`*Homework from last time*\n${escapeAndClip(v.homework, 2900)}`)] : []),
      context(
        `${escapeAndClip(v.programName, 150)} · Need to move or cancel it? \`/tandem reschedule\` tells your ${v.partnerRole}.`,
      ),
    ],
  };
}
