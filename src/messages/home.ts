import type { HomeView } from '@slack/types';
import type { KnownBlock } from './text.js';
import type { AlertReason } from '../domain/vocabulary.js';
import { homeIds, rescheduleIds, sessionLogIds, standupIds } from './ids.js';
import { reportIds } from './report.js';
import { alertReasonShort } from './labels.js';
import { awayAndPausedLines, awayIds, cappedList, dayLabel, type AwayEntry, type PausedPair } from './away.js';
import { button, clip, context, divider, escapeMrkdwn, mention, plain, section, type UserText } from './text.js';

export type HomeMenteeView = {
  pairingId: number;
  mentorId: string;
  programName: UserText;
  nextMeeting: string | null;
  goals: { text: UserText; targetDate: string | null }[];
  homework: UserText | null;
  due: string[];
  status: string;
};
export type HomeMentorView = {
  pairingId: number;
  menteeId: string;
  programName: UserText;
  lastAnswer: string | null;
  nextMeeting: string | null;
  openMilestones: string[];
  status: string;
};
export type HomeStaffProgram = {
  programId: number;
  name: UserText;
  active: number;
  paused: number;
  answerRate: string;
  /** One entry per pair with open alerts, oldest first. */
  openAlerts: {
    pairingId: number;
    mentorId: string;
    menteeId: string;
    reasons: { reason: AlertReason; subject: string | null; since: string }[];
    ownerId: string | null;
    alertLink: string | null;
  }[];
  lateAnswers: number;
  missingStandups: string[];
  undelivered: { failed: number; stuck: number };
  /** People of the program's pairs who are out of office now or soon ('YYYY-MM-DD', inclusive). */
  away: AwayEntry[];
  /** Paused pairs, with who paused them and until when (null: until someone resumes). */
  pausedPairs: PausedPair[];
};
export type HomeInput = {
  userId: string;
  asMentee: HomeMenteeView[];
  asMentor: HomeMentorView[];
  standup: { id: number; submitted: boolean; weekLabel: string } | null;
  staff: HomeStaffProgram[] | null;
  month: string;
  /** The reader's own out-of-office (shown to anyone in a pair). */
  away: { until: string; note: UserText | null } | null;
};

/** Pairs with open alerts listed per program; the rest are counted. */
export const homeAlertPairs = 6;

const homeButton = (actionId: string, text: string, value: string, primary = false) =>
  button(actionId, text, value, primary ? 'primary' : undefined);

/**
 * A person's own App Home: what they are in and what is due from them. Each section is summarised
 * and capped so any program size stays inside a Home tab's 100 blocks.
 */
export function homeView(h: HomeInput): HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain('Tandem', 150) }];
  if (h.asMentee.length === 0 && h.asMentor.length === 0 && !h.staff) {
    blocks.push(
      section(
        'You are not in a mentoring pair yet. When program staff pair you, your mentor or mentees, meetings and goals show up here.',
      ),
    );
  }
  if (h.asMentee.length > 0 || h.asMentor.length > 0) {
    blocks.push(
      h.away
        ? {
            ...section(
              `:palm_tree: *You are away until ${dayLabel(h.away.until)}.* No check-in questions, reminders or standups for you until then.`,
            ),
            accessory: button(awayIds.back, 'I’m back', 'back'),
          }
        : {
            ...section('Going on holiday or to a conference? Tell Tandem once for all your pairs and your standup.'),
            accessory: button(awayIds.open, 'I’m away…', 'away'),
          },
    );
  }
  for (const m of h.asMentee.slice(0, 5)) {
    blocks.push(
      section(
        `*Your mentor:* ${mention(m.mentorId)} — ${escapeMrkdwn(m.programName)}${m.status === 'paused' ? ' _(paused)_' : ''}\n*Next meeting:* ${m.nextMeeting ?? 'not agreed yet — run `/dtr kickoff` together'}`,
      ),
    );
    if (m.goals.length > 0)
      blocks.push(
        section(
          `*Your goals*\n${m.goals.map((g, i) => `${i + 1}. ${clip(escapeMrkdwn(g.text), 300)}${g.targetDate ? ` — by ${g.targetDate}` : ''}`).join('\n')}`,
        ),
      );
    if (m.homework) blocks.push(section(`*Homework*\n${clip(escapeMrkdwn(m.homework), 1500)}`));
    blocks.push(section(`*Due from you:* ${m.due.length === 0 ? 'nothing right now :white_check_mark:' : m.due.join('; ')}`));
    blocks.push({ type: 'actions', elements: [homeButton(rescheduleIds.open, 'Move a meeting', String(m.pairingId))] });
    blocks.push(divider);
  }
  if (h.asMentor.length > 0) {
    blocks.push({ type: 'header', text: plain('Your mentees', 150) });
    const shown = h.asMentor.slice(0, 12);
    for (const m of shown) {
      blocks.push(
        section(
          `${mention(m.menteeId)} — ${escapeMrkdwn(m.programName)}${m.status === 'paused' ? ' _(paused)_' : ''}\nLast check-in: ${m.lastAnswer ?? 'no answer yet'} · Next meeting: ${m.nextMeeting ?? 'not agreed yet'}${m.openMilestones.length ? `\nOpen DTR: ${m.openMilestones.join(', ')}` : ''}`,
        ),
      );
      blocks.push({
        type: 'actions',
        elements: [
          homeButton(sessionLogIds.open, 'Log a session', String(m.pairingId)),
          homeButton(rescheduleIds.open, 'Move a meeting', String(m.pairingId)),
        ],
      });
    }
    if (h.asMentor.length > shown.length)
      blocks.push(
        context(
          `…and ${h.asMentor.length - shown.length} more mentees. \`/tandem hours\` and \`/tandem log\` work for all of them.`,
        ),
      );
    if (h.standup) {
      blocks.push(
        section(
          `*This week's standup (${escapeMrkdwn(h.standup.weekLabel)}):* ${h.standup.submitted ? 'submitted :white_check_mark:' : 'not in yet'}`,
        ),
        {
          type: 'actions',
          elements: [
            homeButton(
              standupIds.open,
              h.standup.submitted ? 'Edit standup' : 'Open standup',
              String(h.standup.id),
              !h.standup.submitted,
            ),
          ],
        },
      );
    }
    blocks.push(divider);
  }
  if (h.staff) {
    blocks.push({ type: 'header', text: plain('Programs (staff)', 150) });
    for (const p of h.staff.slice(0, 6)) {
      blocks.push(
        section(
          `*${escapeMrkdwn(p.name)}* — ${p.active} active, ${p.paused} paused · check-in answers this week: ${p.answerRate} · late answers: ${p.lateAnswers}`,
        ),
      );
      const pairs = p.openAlerts.slice(0, homeAlertPairs);
      blocks.push(section(`*Pairs with open alerts (${p.openAlerts.length})*${pairs.length ? '' : ': none'}`));
      for (const a of pairs) {
        const reasons = a.reasons.map(
          (r) => `${alertReasonShort[r.reason]}${r.subject ? ` (${mention(r.subject)})` : ''} since ${r.since}`,
        );
        blocks.push({
          ...section(
            `${mention(a.mentorId)} & ${mention(a.menteeId)}: ${reasons.join('; ')}${a.ownerId ? ` — ${mention(a.ownerId)} is on it` : ' — nobody yet'}${a.alertLink ? ` · <${a.alertLink}|the alert>` : ''}`,
          ),
          accessory: homeButton(reportIds.open, 'Report', String(a.pairingId)),
        });
      }
      if (p.openAlerts.length > pairs.length)
        blocks.push(
          context(
            `…and ${p.openAlerts.length - pairs.length} more pairs in the alerts channel (\`/tandem report @mentor @mentee\` for any pair).`,
          ),
        );
      blocks.push(
        section(
          `*Missing standups:* ${p.missingStandups.length === 0 ? 'none' : p.missingStandups.slice(0, 30).map(mention).join(', ')}${p.missingStandups.length > 30 ? ` and ${p.missingStandups.length - 30} more` : ''}`,
        ),
      );
      const absent = awayAndPausedLines(p.away, p.pausedPairs);
      if (absent.length > 0) blocks.push(section(`*Away and paused:* ${cappedList(absent, 20)}`));
      if (p.undelivered.failed + p.undelivered.stuck > 0) blocks.push(section(undeliveredLine(p.undelivered)));
    }
    if (h.staff.length > 6) blocks.push(context(`…and ${h.staff.length - 6} more programs (\`/tandem program list\`).`));
    blocks.push({ type: 'actions', elements: [homeButton(homeIds.exportHours, `Export hours (${h.month})`, h.month)] });
  }
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

/** Staff's view of messages Slack would not take: how many, and what to do about them. */
export function undeliveredLine(u: { failed: number; stuck: number }): string {
  const parts = [];
  if (u.failed > 0) parts.push(`${u.failed} failed for good (run \`tandem deliveries retry\` once the cause is fixed)`);
  if (u.stuck > 0) parts.push(`${u.stuck} still being retried for over an hour (Slack is refusing or unreachable)`);
  return `:warning: *Messages not delivered:* ${parts.join('; ')}`;
}
