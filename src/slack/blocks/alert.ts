import type { AlertReason, AlertStatus } from '../../db/schema.js';
import { actionIds } from '../ids.js';
import { reportIds } from './report.js';
import { clip, context, escapeMrkdwn, mention, plain, section, type UserText } from './text.js';

export type AlertViewInput = {
  alertId: number;
  pairingId: number;
  reason: AlertReason;
  status: AlertStatus;
  subject: string | null;
  mentorId: string;
  menteeId: string;
  programName: UserText;
  /** Pre-formatted in the program's zone. */
  sinceLabel: string;
  overdueLabel: string;
  permalink: string | null;
  ownerId: string | null;
  snoozedUntilLabel: string | null;
  resolvedLabel: string | null;
  resolvedBy: string | null;
  /** Only for a mentor concern or a check-in note signal: the person's own words, meant for staff. */
  staffNote?: UserText | null;
  /** How an overdue answer was established (for answers that are late). */
  evidence?: 'slack_confirmed' | 'records_only' | null;
};

const evidenceText = {
  slack_confirmed: 'How we know: Tandem has no answer or reaction from them on record, and Slack showed none either when checked just before this alert.',
  records_only: 'How we know: Tandem has no answer or reaction from them on record. Slack could not be reached to double-check, so a very recent answer may not be counted yet.',
} as const;

const headlines: Record<AlertReason, string> = {
  checkin_unanswered: 'Check-in not answered',
  reply_overdue: 'Message not answered',
  missed_meetings: 'No meeting two weeks running',
  milestone_overdue: 'DTR conversation overdue',
  mentor_concern: 'Mentor raised a concern',
  note_signal: 'Check-in note needs a look',
};

/**
 * A staff alert names who, which pair, what is late and since when, and links to the thread. It never
 * carries message text, notes or DTR answers — except a mentor concern or a check-in note that signals
 * trouble (a low rating, something blocking): words their author wrote for staff.
 */
export function alertMessage(a: AlertViewInput): { text: string; blocks: unknown[] } {
  const pair = `${mention(a.mentorId)} (mentor) and ${mention(a.menteeId)} (mentee)`;
  const who = a.subject ? mention(a.subject) : 'The pair';
  const head = `${headlines[a.reason]} — ${escapeMrkdwn(a.programName)}`;
  const resolved = a.status === 'resolved';
  const text = resolved ? `Resolved: ${head}` : `${head}: ${who}, ${a.overdueLabel}`;
  const stateLine = resolved
    ? `:white_check_mark: Resolved ${a.resolvedLabel ?? ''}${a.resolvedBy === 'auto' ? ` — ${who} answered` : a.resolvedBy ? ` by ${mention(a.resolvedBy)}` : ''}.`
    : a.status === 'snoozed'
      ? `:zzz: Snoozed until ${a.snoozedUntilLabel ?? 'later'}${a.ownerId ? ` by ${mention(a.ownerId)}` : ''}.`
      : a.ownerId
        ? `:eyes: ${mention(a.ownerId)} is on it.`
        : ':rotating_light: Nobody has picked this up yet.';
  const blocks: unknown[] = [
    section(`*${resolved ? '~' : ''}${head}${resolved ? '~' : ''}*\n${who} — ${a.overdueLabel}.\nPair: ${pair}\nSince: ${a.sinceLabel}${a.permalink ? `\n<${a.permalink}|Open the conversation>` : ''}`),
  ];
  if (a.evidence && !resolved) blocks.push(context(evidenceText[a.evidence]));
  if (a.staffNote) blocks.push(section(clip(`>${escapeMrkdwn(a.staffNote).replace(/\n/g, '\n>')}`, 3000)));
  blocks.push(context(stateLine));
  if (!resolved) {
    blocks.push({
      type: 'actions',
      block_id: `alert:${a.alertId}`,
      elements: [
        { type: 'button', action_id: actionIds.alertAck, text: plain("I'm on it"), value: String(a.alertId) },
        { type: 'button', action_id: actionIds.alertResolve, text: plain('Resolved'), style: 'primary', value: String(a.alertId) },
        { type: 'button', action_id: actionIds.alertSnooze, text: plain('Snooze 2 work days'), value: String(a.alertId) },
        { type: 'button', action_id: reportIds.open, text: plain('Report'), value: String(a.pairingId) },
      ],
    });
  }
  return { text, blocks };
}
