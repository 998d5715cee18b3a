import type { Button } from '@slack/types';
import type { Message, KnownBlock } from './text.js';
import type { AlertReason, AlertStatus } from '../domain/vocabulary.js';
import { actionIds } from './ids.js';
import { reportIds } from './report.js';
import { type UserText, button, clip, context, escapeMrkdwn, mention, section } from './text.js';

/** One reason on a pair's alert of the week: who, what, since when, and whether it is over. */
export type AlertReasonView = {
  reason: AlertReason;
  subject: string | null;
  /** A Slack date token (each reader sees their own zone). */
  since: string;
  overdueLabel: string;
  permalink: string | null;
  /** Over: answered (or resolved by staff), with when, as a Slack date token. */
  resolved: { at: string; by: string | null } | null;
  /** Only for a mentor concern or a check-in note signal: the person's own words, meant for staff. */
  staffNote?: UserText | null;
  /** How an overdue answer was established (for answers that are late). */
  evidence?: 'slack_confirmed' | 'records_only' | null;
};

export type AlertViewInput = {
  /** The pair-week alert. */
  alertId: number;
  pairingId: number;
  status: AlertStatus;
  mentorId: string;
  menteeId: string;
  programName: UserText;
  /** "week of 11 Jan" in the program's zone. */
  weekLabel: string;
  reasons: readonly AlertReasonView[];
  /** The pair's alert of an earlier week, when there is one and it was posted. */
  previous: { permalink: string; weekLabel: string; resolved: boolean } | null;
  ownerId: string | null;
  /** Slack date tokens. */
  snoozedUntilLabel: string | null;
  resolvedLabel: string | null;
  /** A staff member's id, 'auto' (every reason over) or 'program_ended'. */
  resolvedBy: string | null;
};

const evidenceText = {
  slack_confirmed:
    'How we know: Tandem has no answer or reaction from them on record, and Slack showed none either when checked just before this alert.',
  records_only:
    'How we know: Tandem has no answer or reaction from them on record. Slack could not be reached to double-check, so a very recent answer may not be counted yet.',
} as const;

export const alertHeadlines: Record<AlertReason, string> = {
  checkin_unanswered: 'Check-in not answered',
  reply_overdue: 'Message not answered',
  missed_meetings: 'No meeting two weeks running',
  milestone_overdue: 'DTR conversation overdue',
  mentor_concern: 'Mentor raised a concern',
  note_signal: 'Check-in note needs a look',
};

const overText: Record<AlertReason, string> = {
  checkin_unanswered: 'answered',
  reply_overdue: 'answered',
  missed_meetings: 'over',
  milestone_overdue: 'done',
  mentor_concern: 'over',
  note_signal: 'over',
};

/** The value of the alert's buttons: `p<id>` names a pair-week alert (a bare number is an alert reason, from messages posted before). */
export const pairAlertValue = (id: number) => `p${id}`;

function who(subject: string | null): string {
  return subject ? mention(subject) : 'The pair';
}

function reasonLine(r: AlertReasonView): string {
  const head = `*${alertHeadlines[r.reason]}* — ${who(r.subject)} ${r.overdueLabel}`;
  const link = r.permalink ? ` <${r.permalink}|Open the conversation>` : '';
  if (r.resolved) {
    const by =
      r.resolved.by && r.resolved.by !== 'auto' && r.resolved.by !== 'program_ended'
        ? `resolved by ${mention(r.resolved.by)}`
        : r.resolved.by === 'program_ended'
          ? 'program ended'
          : overText[r.reason];
    return `:white_check_mark: ~${alertHeadlines[r.reason]} — ${who(r.subject)}~ ${by} ${r.resolved.at}.`;
  }
  return `:red_circle: ${head}. Since ${r.since}.${link}`;
}

/** The thread line a new reason adds under the pair's alert. */
export function alertReasonAdded(r: AlertReasonView): string {
  return `Also this week: ${alertHeadlines[r.reason]} — ${who(r.subject)} ${r.overdueLabel}. Since ${r.since}.`;
}

/**
 * A pair's staff alert for one week: every reason with who and since when, struck through once it is
 * over, and a link to the pair's alert of the week before. It never carries message text, notes or
 * DTR answers — except a mentor concern or a check-in note that signals trouble (a low rating,
 * something blocking): words their author wrote for staff.
 */
export function alertMessage(a: AlertViewInput): Message {
  const resolved = a.status === 'resolved';
  const open = a.reasons.filter((r) => !r.resolved);
  const pair = `${mention(a.mentorId)} (mentor) and ${mention(a.menteeId)} (mentee)`;
  const program = escapeMrkdwn(a.programName);
  const summary = (resolved ? a.reasons : open).map((r) => `${alertHeadlines[r.reason]} (${who(r.subject)})`).join('; ');
  const text = resolved ? `Resolved: ${program}, ${a.weekLabel} — ${summary}` : `${program}, ${a.weekLabel} — ${summary}`;
  const stateLine = resolved
    ? `:white_check_mark: Resolved ${a.resolvedLabel ?? ''}${a.resolvedBy === 'auto' ? ': every reason above is over' : a.resolvedBy === 'program_ended' ? ': the program ended' : a.resolvedBy ? ` by ${mention(a.resolvedBy)}` : ''}.`
    : a.status === 'snoozed'
      ? `:zzz: Snoozed until ${a.snoozedUntilLabel ?? 'later'}${a.ownerId ? ` by ${mention(a.ownerId)}` : ''}.`
      : a.ownerId
        ? `:eyes: ${mention(a.ownerId)} is on it.`
        : ':rotating_light: Nobody has picked this up yet.';
  const title = `${resolved ? '~' : ''}Pair needs a look — ${program}${resolved ? '~' : ''}`;
  const blocks: KnownBlock[] = [section(`*${title}*\n${pair}, ${a.weekLabel}`)];
  for (const r of a.reasons) {
    blocks.push(section(reasonLine(r)));
    if (r.staffNote && !r.resolved) blocks.push(section(clip(`>${escapeMrkdwn(r.staffNote).replace(/\n/g, '\n>')}`, 3000)));
  }
  const evidence = [...new Set(open.map((r) => r.evidence).filter((e): e is 'slack_confirmed' | 'records_only' => Boolean(e)))];
  if (!resolved) for (const e of evidence) blocks.push(context(evidenceText[e]));
  if (a.previous)
    blocks.push(
      context(
        `Earlier: <${a.previous.permalink}|this pair's alert of the ${a.previous.weekLabel}> (${a.previous.resolved ? 'resolved' : 'still open'}).`,
      ),
    );
  blocks.push(context(stateLine));
  const value = pairAlertValue(a.alertId);
  const elements: Button[] = [];
  if (!resolved) {
    elements.push(
      button(actionIds.alertAck, "I'm on it", value),
      button(actionIds.alertResolve, 'Resolved', value, 'primary'),
      button(actionIds.alertSnooze, 'Snooze 2 work days', value),
    );
  }
  elements.push(
    button(reportIds.open, 'Report', String(a.pairingId)),
    button(actionIds.messagePair, 'Message the pair', String(a.pairingId)),
  );
  blocks.push({ type: 'actions', block_id: `alert:${a.alertId}`, elements });
  return { text, blocks };
}
