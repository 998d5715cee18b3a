import { describe, expect, test } from 'vitest';
import { builtInQuestionSets, pairReads, questionsFor, type QuestionSet } from '../../src/domain/dtr-questions.js';
import { alertMessage, type AlertViewInput } from '../../src/messages/alert.js';
import { dtrPrivateMessage, dtrShowBlocks, dtrSummaryMessage } from '../../src/messages/dtr.js';
import { homeView } from '../../src/messages/home.js';
import { matchDecidedMessage, matchRequestMessage } from '../../src/messages/match.js';
import { pairIntroMessage } from '../../src/messages/pair-intro.js';
import { digestMessage } from '../../src/messages/standup.js';
import { escapeAndClip, escapeMrkdwn, userAnswers, userText } from '../../src/messages/text.js';

/** What the issue typed: a broadcast, a channel ping, a mention and a link disguised as Slack's own. */
const TYPED = '<!channel> <!here> <@UEVIL> <https://evil.example|https://slack.com>';
const ESCAPED = '&lt;!channel&gt; &lt;!here&gt; &lt;@UEVIL&gt; &lt;https://evil.example|https://slack.com&gt;';
const hostile = userText(TYPED);

/** Every mrkdwn string in a message or view, with the live markup a person typed that survived. */
function mrkdwnOf(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string')
    out.push((value as { text: string }).text);
  return out;
}

function expectInert(rendered: unknown, times = 1) {
  const texts = mrkdwnOf(rendered).join('\n');
  for (const live of ['<!channel>', '<!here>', '<@UEVIL>', '<https://evil.example']) expect(texts).not.toContain(live);
  expect(texts.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(times);
}

const MENTOR = 'UMENTOR01';
const MENTEE = 'UMENTEE01';

test('the escaping helper escapes &, < and > and nothing else', () => {
  expect(escapeMrkdwn(userText(`${TYPED} & *bold*`))).toBe(`${ESCAPED} &amp; *bold*`);
  expect(escapeMrkdwn(userText('&lt;'))).toBe('&amp;lt;');
});

test('escapeAndClip cuts escaped text to its limit, never inside an entity', () => {
  expect(escapeAndClip(userText('a < b'), 100)).toBe('a &lt; b');
  for (const max of [10, 11, 12, 13, 14, 3000]) {
    const cut = escapeAndClip(userText('&'.repeat(1000)), max);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut).toMatch(/^(&amp;)+…$/);
  }
  expect(escapeAndClip(userText('<@UEVIL> hello'), 8)).toBe('&lt;@UE…');
});

describe('every builder that renders person text shows it escaped', () => {
  const alert: AlertViewInput = {
    alertId: 1,
    pairingId: 1,
    status: 'open',
    mentorId: MENTOR,
    menteeId: MENTEE,
    programName: hostile,
    weekLabel: 'week of 4 Mar',
    reasons: [
      {
        reason: 'mentor_concern',
        subject: MENTEE,
        since: 'Mon 4 Mar',
        overdueLabel: 'raised a concern',
        permalink: null,
        resolved: null,
        staffNote: hostile,
      },
    ],
    previous: null,
    ownerId: null,
    snoozedUntilLabel: null,
    resolvedLabel: null,
    resolvedBy: null,
  };

  test('a standup concern and the program name in a staff alert', () => {
    const msg = alertMessage(alert);
    const note = mrkdwnOf(msg).filter((t) => t.startsWith('>'));
    expect(note).toEqual([`>${ESCAPED}`]);
    expectInert(msg, 3);
    expectInert(alertMessage({ ...alert, status: 'resolved', resolvedBy: 'auto', resolvedLabel: 'Tue' }), 2);
  });

  test('a match request: the program name and staff note about the mentee', () => {
    const msg = matchRequestMessage({ requestId: 1, menteeId: MENTEE, programName: hostile, note: hostile, staffId: 'USTAFF01' });
    expectInert(msg, 3);
    expectInert(matchDecidedMessage({ menteeId: MENTEE, programName: hostile, accepted: true }), 1);
  });

  test('the pair intro names the program', () => {
    expectInert(
      pairIntroMessage({
        mentorId: MENTOR,
        menteeId: MENTEE,
        programName: hostile,
        firstCheckinAt: new Date('2027-01-18T17:00:00Z'),
        checkinZone: 'America/Denver',
        responseWindowDays: 2,
      }),
      2,
    );
  });

  test('the digest names the program', () => {
    expectInert(
      digestMessage({
        programName: hostile,
        weekLabel: 'week of 4 March',
        pairs: [],
        week: { answerRate: null, answers: 0, checkins: 0, pairsMet: 0, pairs: 0, openAlerts: 0, minutes: 0 },
        missingStandups: [],
        hoursByMentor: [],
        undelivered: { failed: 0, stuck: 0 },
      }),
      1,
    );
  });

  test('App Home: program names, goals and homework', () => {
    const view = homeView({
      userId: MENTEE,
      asMentee: [
        {
          pairingId: 1,
          mentorId: MENTOR,
          programName: hostile,
          nextMeeting: null,
          goals: [{ text: hostile, targetDate: '2025-06-01' }],
          homework: hostile,
          due: [],
          status: 'active',
        },
      ],
      asMentor: [
        {
          pairingId: 2,
          menteeId: 'UOTHER001',
          programName: hostile,
          lastAnswer: null,
          nextMeeting: null,
          openMilestones: [],
          status: 'active',
        },
      ],
      standup: null,
      staff: [
        {
          programId: 1,
          name: hostile,
          active: 1,
          paused: 0,
          answerRate: '1/1',
          openAlerts: [],
          lateAnswers: 0,
          missingStandups: [],
          undelivered: { failed: 0, stuck: 0 },
          away: [],
          pausedPairs: [],
        },
      ],
      month: '2025-03',
      away: null,
    });
    const texts = mrkdwnOf(view);
    expect(texts.filter((t) => t.includes(ESCAPED)).length).toBe(5);
    expectInert(view, 5);
  });

  /** Every free-text answer of a set filled with what the issue typed; choices keep a valid value. */
  const hostileAnswers = (set: QuestionSet, role: 'mentor' | 'mentee') => {
    const a: Record<string, string> = {};
    for (const q of questionsFor(set, role).flatMap((s) => s.questions))
      if (q.kind === 'text' || q.kind === 'long_text') a[q.id] = TYPED;
    return a;
  };
  /** Free-text questions of one side: those the pair reads, the mentor-only ones, or all. */
  const freeText = (set: QuestionSet, role: 'mentor' | 'mentee', which: 'shared' | 'private' | 'all') =>
    questionsFor(set, role)
      .flatMap((s) => s.questions)
      .filter(
        (q) =>
          (q.kind === 'text' || q.kind === 'long_text') &&
          (which === 'all' || (which === 'private' ? q.readers === 'mentor' : pairReads(q))),
      ).length;

  test.each(builtInQuestionSets.map((s) => [s.milestone, s] as const))(
    'DTR %s: the summary, the private DM and /dtr show',
    (_m, set) => {
      const mentor = userAnswers(hostileAnswers(set, 'mentor'));
      const mentee = userAnswers(hostileAnswers(set, 'mentee'));
      const summary = dtrSummaryMessage({
        milestone: set.milestone,
        mentorId: MENTOR,
        menteeId: MENTEE,
        mentor: { set, answers: mentor, zone: 'Europe/Berlin' },
        mentee: { set, answers: mentee, zone: 'Europe/Berlin' },
        nextMeetingAt: null,
        updated: false,
      });
      expectInert(summary, freeText(set, 'mentor', 'shared') + freeText(set, 'mentee', 'shared'));
      const priv = dtrPrivateMessage({ menteeId: MENTEE, milestone: set.milestone, set, answers: mentee });
      if (freeText(set, 'mentee', 'private') > 0) expectInert(priv, freeText(set, 'mentee', 'private'));
      const sides = [
        {
          personId: MENTOR,
          role: 'mentor' as const,
          set,
          answers: mentor,
          updatedAt: new Date('2025-03-04T10:00:00Z'),
          zone: 'Europe/Berlin',
        },
        {
          personId: MENTEE,
          role: 'mentee' as const,
          set,
          answers: mentee,
          updatedAt: new Date('2025-03-04T10:00:00Z'),
          zone: 'Europe/Berlin',
        },
      ];
      // The mentor reads all of their own part and the mentee's part but what the mentee wrote for the program team.
      expectInert(
        dtrShowBlocks({ milestone: set.milestone, viewerIsMentor: true, viewerId: MENTOR, sides }),
        freeText(set, 'mentor', 'all') + freeText(set, 'mentee', 'shared') + freeText(set, 'mentee', 'private'),
      );
    },
  );

  test('DTR kick-off summary: contact channel, goals, action plan and homework', () => {
    const set = builtInQuestionSets.find((s) => s.milestone === 'kickoff')!;
    const mentor = userAnswers({ contact_channel: TYPED, action_plan: TYPED, homework: TYPED });
    const mentee = userAnswers({ goal1_text: TYPED, goal1_measure: TYPED, goal1_date: '2025-06-01' });
    const summary = dtrSummaryMessage({
      milestone: 'kickoff',
      mentorId: MENTOR,
      menteeId: MENTEE,
      mentor: { set, answers: mentor, zone: 'Europe/Berlin' },
      mentee: { set, answers: mentee, zone: 'Europe/Berlin' },
      nextMeetingAt: null,
      updated: false,
    });
    expectInert(summary, 5);
  });
});

// Checked by tsc (an unused @ts-expect-error is an error), never run.
export const rawStringsRefused = () => {
  const raw: string = TYPED;
  // @ts-expect-error a program name is person text: it must come through userText
  matchRequestMessage({ requestId: 1, menteeId: MENTEE, programName: raw, note: null, staffId: 'USTAFF01' });
  // @ts-expect-error a note about a mentee is person text
  matchRequestMessage({ requestId: 1, menteeId: MENTEE, programName: hostile, note: raw, staffId: 'USTAFF01' });
  // @ts-expect-error a standup concern is person text
  const concern: AlertViewInput['staffNote'] = raw;
  void concern;
  dtrPrivateMessage({
    menteeId: MENTEE,
    milestone: 'midmod',
    set: builtInQuestionSets[1]!,
    // @ts-expect-error DTR answers are person text
    answers: { concerns: raw } as Record<string, string>,
  });
  pairIntroMessage({
    mentorId: MENTOR,
    menteeId: MENTEE,
    // @ts-expect-error program names in the pair intro
    programName: raw,
    checkinDay: 'Monday',
    checkinTime: '10:00',
    responseWindowDays: 2,
  });
  homeView({
    userId: MENTEE,
    asMentee: [
      {
        pairingId: 1,
        mentorId: MENTOR,
        programName: hostile,
        nextMeeting: null,
        // @ts-expect-error goals on App Home
        goals: [{ text: raw, targetDate: null }],
        homework: null,
        due: [],
        status: 'active',
      },
    ],
    asMentor: [],
    standup: null,
    staff: null,
    month: '2025-03',
    away: null,
  });
  digestMessage({
    // @ts-expect-error the digest's program name
    programName: raw,
    weekLabel: 'w',
    pairs: [],
    week: { answerRate: null, answers: 0, checkins: 0, pairsMet: 0, pairs: 0, openAlerts: 0, minutes: 0 },
    missingStandups: [],
    hoursByMentor: [],
    undelivered: { failed: 0, stuck: 0 },
  });
};
