import type { Button, ModalView } from '@slack/types';
import type { KnownBlock } from './text.js';
import { DateTime } from 'luxon';
import type { PairReport, ReportWeek } from '../domain/pair-report.js';
import { alertReasonShort } from './labels.js';
import { button, clip, context, escapeAndClip, escapeMrkdwn, mention, packSections, plain, section, userText } from './text.js';

export const reportIds = {
  /** A button (App Home, alert) whose value is a pairing id: opens the report. */
  open: 'report_open',
  /** The modal's page buttons: value `pairingId:page`. */
  page: 'report_page',
  view: 'pair_report',
} as const;

/** Weeks per page: a long program stays far inside a modal's 100 blocks and Slack's size limit. */
export const reportWeeksPerPage = 6;

const answerText = { met: 'met', not_yet: 'did not meet yet', rescheduled: 'rescheduled' } as const;
const statusText = { on_track: 'on track', needs_attention: 'needs attention', at_risk: ':warning: at risk' } as const;
const metText = { yes: 'met', no: 'did not meet', rescheduled: 'rescheduled' } as const;
const milestoneText = { kickoff: 'Kick-off', midmod: 'Mid-module', exit: 'Exit' } as const;

/** Free text a person wrote, escaped and kept short enough for a week to fit its block. */
const said = (text: string | null | undefined, max = 400) =>
  text ? `“${escapeMrkdwn(userText(clip(text.trim(), max)))}”` : null;
const hours = (minutes: number) => `${Math.round((minutes / 60) * 100) / 100} h`;

/**
 * The pair report modal: who the pair are, their DTRs and what the exit told staff, then week by
 * week, newest first, everything the pair and the mentor wrote for staff. Dates (days, never clock
 * times) are in the reader's zone, and the zone is named.
 */
export function pairReportView(report: PairReport, page = 0): ModalView {
  const { pairing } = report;
  const zone = report.readerZone;
  const day = (d: Date | string) =>
    (typeof d === 'string' ? DateTime.fromISO(d, { zone: pairing.timeZone }) : DateTime.fromJSDate(d, { zone })).toFormat(
      'ccc d LLL',
    );
  const pages = Math.max(1, Math.ceil(report.weeks.length / reportWeeksPerPage));
  const current = Math.min(Math.max(0, page), pages - 1);
  const status =
    pairing.status === 'active'
      ? 'active'
      : pairing.status === 'paused'
        ? `paused${pairing.pausedUntil ? ` until ${day(pairing.pausedUntil)}` : ''}`
        : 'ended';

  const blocks: KnownBlock[] = [
    section(
      `*${mention(pairing.mentorId)} (mentor) and ${mention(pairing.menteeId)} (mentee)*\n` +
        `“${escapeMrkdwn(userText(pairing.programName))}” · ${status} · ${report.openAlerts === 0 ? 'no open alerts' : report.openAlerts === 1 ? '1 open alert' : `${report.openAlerts} open alerts`}` +
        (pairing.conversationId ? `\nTheir conversation: <#${pairing.conversationId}>` : ''),
    ),
  ];
  if (current === 0) {
    const done = (['kickoff', 'midmod', 'exit'] as const).map((m) => {
      const at = report.milestones.find((x) => x.milestone === m)?.completedAt;
      return `${milestoneText[m]}: ${at ? `done ${day(at)}` : 'not yet'}`;
    });
    const goals = pairing.goals.map(
      (g, i) =>
        `${i + 1}. ${said(g.text, 300) ?? ''}${g.measure ? ` — measured by ${said(g.measure, 200)}` : ''}${g.targetDate ? ` — by ${day(g.targetDate)}` : ''}`,
    );
    blocks.push(
      section(
        `*DTRs* · ${done.join(' · ')}\n*Goals*\n${goals.length ? goals.join('\n') : '_None recorded yet (the kick-off sets them)._'}`,
      ),
    );
    // What the DTRs told staff: each answer whose question staff read, under its own label.
    const dtrBlocks = report.dtrForStaff.flatMap((d) => {
      const lines = d.answers.map(
        (a) =>
          `${escapeMrkdwn(a.label)}${/[?:]$/.test(a.label) ? '' : ':'} ${a.kind === 'text' || a.kind === 'long_text' ? `“${escapeAndClip(userText(a.value), 2800)}”` : escapeMrkdwn(a.value)}`,
      );
      return packSections(
        [`*${milestoneText[d.milestone]} DTR — ${mention(d.personId)} (${d.role})*, ${day(d.submittedAt)}`, ...lines],
        '\n',
      );
    });
    // The weeks, the footer and the page buttons need about 12 of the modal's 100 blocks.
    blocks.push(...dtrBlocks.slice(0, 80));
    if (dtrBlocks.length > 80) blocks.push(context('There are more DTR answers for staff than this view holds.'));
  }
  blocks.push({ type: 'divider' });
  const shown = report.weeks.slice(current * reportWeeksPerPage, (current + 1) * reportWeeksPerPage);
  if (shown.length === 0) blocks.push(section('_Nothing recorded yet: no check-ins, sessions, standups or alerts._'));
  for (const w of shown) blocks.push(section(weekText(w, report, day)));
  blocks.push(
    context(
      `Dates in your time zone (${zone}). Only the DTR answers meant for staff are shown; the rest, and mentors’ own notes, belong to the pair and to their author.`,
    ),
  );
  if (pages > 1) {
    const buttons: Button[] = [];
    if (current > 0) buttons.push(button(`${reportIds.page}_newer`, 'Newer weeks', `${pairing.id}:${current - 1}`));
    if (current < pages - 1) buttons.push(button(`${reportIds.page}_older`, 'Older weeks', `${pairing.id}:${current + 1}`));
    blocks.push(context(`Page ${current + 1} of ${pages}`));
    blocks.push({ type: 'actions', block_id: 'report_pages', elements: buttons });
  }
  return { type: 'modal', callback_id: reportIds.view, title: plain('Pair report', 24), close: plain('Close', 24), blocks };
}

function weekText(w: ReportWeek, report: PairReport, day: (d: Date | string) => string): string {
  const { pairing } = report;
  const role = (id: string) => (id === pairing.mentorId ? 'mentor' : id === pairing.menteeId ? 'mentee' : 'staff');
  const lines = [
    `*${w.programWeek ? `Week ${w.programWeek}` : 'Outside the program weeks'}* · from ${DateTime.fromISO(w.monday, { zone: pairing.timeZone }).toFormat('ccc d LLL yyyy')}`,
  ];
  const answered = w.checkins.filter((c) => c.personId);
  if (w.checkins.length > 0) {
    for (const person of [pairing.mentorId, pairing.menteeId]) {
      const c = answered.find((x) => x.personId === person);
      if (!c) {
        lines.push(`• Check-in, ${mention(person)}: _no answer_`);
        continue;
      }
      const parts = [
        c.answer ? answerText[c.answer] : 'answered',
        c.rating ? `rated ${c.rating}/5` : null,
        c.topics ? `topics ${said(c.topics)}` : null,
        c.blockers ? `:construction: blocking ${said(c.blockers)}` : null,
      ];
      lines.push(`• Check-in, ${mention(person)}: ${parts.filter(Boolean).join(' · ')}`);
    }
  }
  for (const s of w.sessions) {
    const parts = [
      `${day(s.sessionDate)}, ${s.minutes} min`,
      s.done ? `did ${said(s.done)}` : null,
      s.privateNotes ? `private notes ${said(s.privateNotes)}` : null,
    ];
    lines.push(`• Session logged by ${mention(s.authorId)}: ${parts.filter(Boolean).join(' · ')}`);
  }
  for (const s of w.standups) {
    const parts = [statusText[s.status], metText[s.met], hours(s.minutes), s.concerns ? `concerns ${said(s.concerns)}` : null];
    lines.push(`• Mentor’s standup: ${parts.filter(Boolean).join(' · ')}`);
  }
  for (const r of w.reschedules) {
    const what =
      r.cancelled || !r.newAt
        ? `cancelled the meeting of ${day(r.originalAt)}`
        : `moved the meeting of ${day(r.originalAt)} to ${day(r.newAt)}`;
    lines.push(`• ${mention(r.requestedBy)} (${role(r.requestedBy)}) ${what}${r.lateNotice ? ' — :hourglass: late notice' : ''}`);
  }
  for (const a of w.alerts) {
    const state =
      a.status === 'resolved'
        ? `resolved ${a.resolvedAt ? day(a.resolvedAt) : ''}${a.resolvedBy === 'auto' ? ' (they answered)' : a.resolvedBy ? ` by ${mention(a.resolvedBy)}` : ''}`
        : a.status === 'acknowledged' && a.ownerId
          ? `${mention(a.ownerId)} is on it`
          : a.status;
    lines.push(
      `• Alert: ${alertReasonShort[a.reason]}${a.subject ? ` (${mention(a.subject)})` : ''}, since ${day(a.since)} — ${state}`,
    );
  }
  if (lines.length === 1) lines.push('_Nothing recorded this week._');
  return lines.join('\n');
}
