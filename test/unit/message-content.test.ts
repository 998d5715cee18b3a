import { describe, expect, test } from 'vitest';
import { alertMessage, type AlertViewInput } from '../../src/messages/alert.js';
import { checkinMessage, reminderMessage } from '../../src/messages/checkin.js';
import { matchDecidedMessage, matchRequestMessage } from '../../src/messages/match.js';
import { pairIntroMessage } from '../../src/messages/pair-intro.js';
import { standupPromptMessage, standupReminderMessage } from '../../src/messages/standup.js';
import { userText } from '../../src/messages/text.js';
import { slackTime } from '../../src/messages/time.js';

/**
 * What a person reads in the bot's messages, not only that Slack accepts them (block-kit-limits.test.ts
 * does that): the people named as mentions, times as Slack date tokens each reader sees in their own
 * zone, text a person typed escaped so it stays inert, and the labels on the buttons.
 */
type Block = {
  type: string;
  text?: { text: string };
  elements?: { type: string; text?: string | { text: string }; action_id?: string; value?: string }[];
};

/** Everything a reader sees: the sections' and contexts' text, in order. */
function readable(message: { blocks: unknown[] }): string {
  return (message.blocks as Block[])
    .flatMap((b) => [
      b.text?.text,
      ...(b.type === 'context' ? (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : undefined)) : []),
    ])
    .filter((t): t is string => Boolean(t))
    .join('\n');
}

/** The buttons' labels, in order. */
function buttonLabels(message: { blocks: unknown[] }): string[] {
  return (message.blocks as Block[])
    .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
    .map((e) => (typeof e.text === 'object' ? e.text.text : ''));
}

const HOSTILE = userText('<!channel> & <@UEVIL> <https://evil.example|slack.com>');
const HOSTILE_ESCAPED = '&lt;!channel&gt; &amp; &lt;@UEVIL&gt; &lt;https://evil.example|slack.com&gt;';

describe('the weekly check-in', () => {
  const base = { checkinId: 7, mentorId: 'UADA', menteeId: 'UBO', weekLabel: 'week of 11 January' };

  test('names both people and the week, and offers the three answers and a note', () => {
    const m = checkinMessage({ ...base, answers: [] });
    expect(m.text).toBe('Check-in (week of 11 January): <@UADA> and <@UBO>, did you meet this week?');
    expect(readable(m)).toContain('<@UADA>: not answered yet');
    expect(readable(m)).toContain('<@UBO>: not answered yet');
    expect(buttonLabels(m)).toEqual(['We met', 'Not yet', 'Rescheduled', 'Add a note']);
  });

  test('shows who answered what, each person for themself', () => {
    const m = checkinMessage({ ...base, answers: [{ personId: 'UBO', answer: 'not_yet' }] });
    expect(readable(m)).toContain(':white_check_mark: <@UBO>: Not yet');
    expect(readable(m)).toContain(':hourglass_flowing_sand: <@UADA>: not answered yet');
  });

  test('a reminder names the partner, the due time and links the conversation', () => {
    const at = new Date('2027-01-13T15:00:00Z');
    const checkin = reminderMessage('checkin', 'UADA', { at, zone: 'America/Denver' }, 'https://fake.slack.test/archives/G1/p1');
    expect(checkin.text).toContain('check-in with <@UADA>');
    // The deadline is a date token each reader sees in their zone; the fallback names the zone.
    expect(checkin.text).toContain('due by <!date^1799852400^{date_short_pretty} at {time}|Wed 13 Jan at 08:00 America/Denver>.');
    expect(checkin.text).toContain('<https://fake.slack.test/archives/G1/p1|your pair conversation>');
    const reply = reminderMessage('reply', 'UBO', { at, zone: 'UTC' }, null);
    expect(reply.text).toContain('<@UBO> wrote to you in your pair conversation.');
    expect(reply.text).not.toContain('<https://');
  });
});

describe('the pair introduction', () => {
  test('says who mentors whom, in which program, and when the check-in comes', () => {
    const m = pairIntroMessage({
      mentorId: 'UADA',
      menteeId: 'UBO',
      programName: userText('Backend'),
      firstCheckinAt: new Date('2027-01-18T09:00:00Z'),
      checkinZone: 'Europe/Berlin',
      responseWindowDays: 2,
    });
    expect(m.text).toBe('Welcome, <@UADA> and <@UBO>: you are paired for Backend.');
    const text = readable(m);
    expect(text).toContain('<@UADA> is the mentor and <@UBO> the mentee.');
    // Each reads the first check-in in their own zone: 10:00 in Berlin is 14:30 in Kolkata.
    expect(text).toContain(
      'Each week I ask you both here whether you met, first <!date^1800262800^{date_long_pretty} at {time}|Mon 18 Jan at 10:00 Europe/Berlin>.',
    );
    expect(text).toContain('within 2 work days');
    expect(text).toContain('`/dtr kickoff`');
  });

  test('keeps a program name someone typed inert', () => {
    const m = pairIntroMessage({
      mentorId: 'UADA',
      menteeId: 'UBO',
      programName: HOSTILE,
      firstCheckinAt: null,
      checkinZone: 'UTC',
      responseWindowDays: 2,
    });
    expect(m.text).toContain(HOSTILE_ESCAPED);
    expect(JSON.stringify(m)).not.toContain('<!channel>');
  });
});

describe('match requests', () => {
  test('name the staff member asking and the mentee, with the note escaped, and offer Accept and Decline', () => {
    const m = matchRequestMessage({
      requestId: 3,
      menteeId: 'UCY',
      programName: userText('Backend'),
      note: HOSTILE,
      staffId: 'USAM',
    });
    expect(m.text).toBe('<@USAM> asks whether you would mentor <@UCY> in Backend.');
    expect(readable(m)).toContain(`*About <@UCY>*\n${HOSTILE_ESCAPED}`);
    expect(buttonLabels(m)).toEqual(['Accept', 'Decline']);
  });

  test('the answer tells the mentor what happens next', () => {
    expect(matchDecidedMessage({ menteeId: 'UCY', programName: userText('Backend'), accepted: true }).text).toContain(
      'You accepted to mentor <@UCY> in Backend.',
    );
    expect(matchDecidedMessage({ menteeId: 'UCY', programName: userText('Backend'), accepted: false }).text).toBe(
      'You declined mentoring <@UCY>. Program staff have been told. Thank you for answering.',
    );
  });
});

describe('standups', () => {
  test('the prompt says the week and how many mentees, never "mentee(s)"', () => {
    const m = standupPromptMessage({ standupId: 4, weekLabel: 'week of 11 January', menteeCount: 3 });
    expect(m.text).toBe('Time for your weekly mentor standup (week of 11 January): a minute per mentee, 3 this week.');
    expect(buttonLabels(m)).toEqual(['Fill in standup']);
    expect(buttonLabels(standupReminderMessage({ standupId: 4 }))).toEqual(['Fill in standup']);
  });
});

describe('staff alerts', () => {
  const since = slackTime(new Date('2027-01-13T15:00:00Z'), 'America/Denver');
  const alert: AlertViewInput = {
    alertId: 9,
    pairingId: 2,
    status: 'open',
    mentorId: 'UADA',
    menteeId: 'UBO',
    programName: userText('Backend'),
    weekLabel: 'week of 11 Jan',
    reasons: [
      {
        reason: 'checkin_unanswered',
        subject: 'UBO',
        since,
        overdueLabel: 'has not answered',
        permalink: 'https://fake.slack.test/archives/G1/p1',
        resolved: null,
        staffNote: null,
        evidence: 'slack_confirmed',
      },
    ],
    previous: null,
    ownerId: null,
    snoozedUntilLabel: null,
    resolvedLabel: null,
    resolvedBy: null,
  };

  test('name the pair, the reason with the person and since when, and offer the staff actions', () => {
    const m = alertMessage(alert);
    expect(m.text).toBe('Backend, week of 11 Jan — Check-in not answered (<@UBO>)');
    const text = readable(m);
    expect(text).toContain('<@UADA> (mentor) and <@UBO> (mentee), week of 11 Jan');
    expect(text).toContain(`*Check-in not answered* — <@UBO> has not answered. Since ${since}.`);
    expect(text).toContain('<https://fake.slack.test/archives/G1/p1|Open the conversation>');
    expect(text).toContain('Nobody has picked this up yet.');
    expect(buttonLabels(m)).toEqual(["I'm on it", 'Resolved', 'Snooze 2 work days', 'Report', 'Message the pair']);
  });

  test('a concern in the mentor’s own words is quoted, escaped; once resolved, only the report buttons stay', () => {
    const concern = alertMessage({ ...alert, reasons: [{ ...alert.reasons[0]!, reason: 'mentor_concern', staffNote: HOSTILE }] });
    expect(readable(concern)).toContain(`>${HOSTILE_ESCAPED}`);
    const resolved = alertMessage({
      ...alert,
      status: 'resolved',
      resolvedBy: 'USAM',
      resolvedLabel: since,
      reasons: [{ ...alert.reasons[0]!, resolved: { at: since, by: 'USAM' } }],
    });
    expect(resolved.text).toMatch(/^Resolved: Backend/);
    expect(readable(resolved)).toContain(`Resolved ${since} by <@USAM>.`);
    expect(buttonLabels(resolved)).toEqual(['Report', 'Message the pair']);
  });
});
