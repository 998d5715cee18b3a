import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { seedProgram, worldTest, type World } from '../support/world.js';

/**
 * The outbox from the pair's and staff's side: a check-in is rendered when it is posted, not when it
 * was planned, and settled deliveries are pruned after the retention (30 days by default) while what
 * still points at them keeps working. Program: Denver time, starts Monday 2027-01-11, check-in Mondays
 * 10:00 (17:00Z), response window 2 work days. Mentor in Berlin, mentee in New York.
 */
let h: World;
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';
const ALERTS = 'GALERTS';
const SLOT = '2027-01-11T17:00:00Z';

const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });

const pairConversation = () => h.pairConversation(MENTOR, MENTEE);
const checkinRows = () =>
  h.database.db.selectFrom('checkins').select(['id', 'week_key', 'delivery_id']).orderBy('week_key').execute();

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset();
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      { id: MENTOR, name: 'ada', tz: 'Europe/Berlin' },
      { id: MENTEE, name: 'bo', tz: 'America/New_York' },
    ],
    alerts: { id: ALERTS, name: 'mentor-alerts' },
    at: '2027-01-10T12:00:00Z',
    pairs: [[MENTOR, MENTEE]],
  });
});

describe('the window starts when the message is posted', () => {
  test('a check-in that Slack would not take for three hours keeps its whole response window from the post', async () => {
    for (let i = 0; i < 3; i++) h.slack.inject('chat.postMessage', { kind: 'server_error', status: 503 });
    await h.tick(SLOT);
    const planned = await h.database.db.selectFrom('expectations').select(['subject', 'due_at']).orderBy('subject').execute();
    expect(planned).toHaveLength(2);
    // Slack takes it three hours later: the deadlines count from then, each in its person's zone.
    await h.tick('2027-01-11T18:00:00Z');
    await h.tick('2027-01-11T20:00:00Z');
    await h.tick('2027-01-11T20:00:00Z');
    const posted = h.messagesTo(pairConversation()?.id, 'checkin');
    expect(posted).toHaveLength(1);
    const postedAt = await h.database.db
      .selectFrom('deliveries')
      .select('sent_at')
      .where('kind', '=', 'checkin')
      .executeTakeFirstOrThrow();
    const after = await h.database.db
      .selectFrom('expectations')
      .select(['subject', 'started_at', 'due_at'])
      .orderBy('subject')
      .execute();
    for (const e of after) expect(e.started_at).toEqual(postedAt.sent_at);
    // Two work days from Monday's post, in each person's zone: Wednesday, the same hours later than planned.
    expect(after.map((e, i) => e.due_at.getTime() - planned[i]!.due_at.getTime())).toEqual(
      after.map(() => postedAt.sent_at!.getTime() - Date.parse(SLOT)),
    );
  });
});

describe('render at send time', () => {
  test('a check-in whose message goes out after one partner answered already shows that answer; the outbox stores only what to render', async () => {
    // Slack fails the first posts: the check-in stays queued, to be retried after a back-off. Two messages go to
    // the pair at this minute (the check-in and the program's first milestone), sent side by side in either order:
    // both are refused.
    h.slack.inject('chat.postMessage', { kind: 'server_error', status: 503 }, 2);
    await h.tick(SLOT);
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(0);
    const [row] = await checkinRows();

    // Meanwhile the mentee answers through the note form (a signed view submission naming the check-in).
    const submitted = await h.sender.viewSubmission({
      user: { id: MENTEE },
      view: {
        id: 'V1',
        callback_id: 'checkin_note',
        private_metadata: JSON.stringify({ checkinId: row?.id }),
        state: { values: { answer: { value: { type: 'radio_buttons', selected_option: { value: 'met' } } } } },
      },
    });
    expect(submitted.status).toBe(200);
    await h.settle();

    await h.tick('2027-01-11T17:30:00Z');
    const posted = h.messagesTo(pairConversation()?.id, 'checkin');
    expect(posted).toHaveLength(1);
    const blocks = JSON.stringify(posted[0]?.blocks);
    expect(blocks).toContain(':white_check_mark: <@UMENTEE>: We met');
    expect(blocks).toContain(':hourglass_flowing_sand: <@UMENTOR>: not answered yet');
    // Posted once, never edited: it was right when it went out.
    expect(h.slack.callsTo('chat.update')).toHaveLength(0);

    // What the outbox stored: the check-in to render, in a few dozen bytes instead of ~1.5 KB of Block Kit.
    const stored = await h.database.db
      .selectFrom('deliveries')
      .select(['payload', sql<number>`octet_length(payload::text)`.as('bytes')])
      .where('kind', '=', 'checkin')
      .executeTakeFirstOrThrow();
    expect(stored.payload).toEqual({ render: { kind: 'checkin', ids: { checkinId: row?.id } } });
    expect(stored.bytes).toBeLessThan(80);
  });
});

describe('pruning', () => {
  test('after 30 days the tick deletes the week-1 check-in and reminder deliveries; the check-in keeps its answers, the introduction and the DTR invitation stay, and the old alert still updates when staff resolve it', async () => {
    await h.tick(SLOT);
    const [checkin] = h.messagesTo(pairConversation()?.id, 'checkin');
    await h.click(MENTOR, checkin as FakeMessage, 'checkin_answer:met');
    await h.settle();
    // The mentee stays silent: a reminder on Tuesday, an alert to staff on Wednesday.
    await h.tick('2027-01-12T17:00:00Z');
    await h.tick('2027-01-13T17:00:00Z');
    await h.tick('2027-01-13T17:05:00Z');
    await h.tick('2027-01-14T09:00:00Z');
    const [alert] = h.messagesTo(ALERTS, 'alert');
    expect(alert?.text).toContain('Check-in not answered');
    // The kinds of the deliveries queued in the program's first week, oldest first.
    const firstWeek = async () =>
      (
        await h.database.db
          .selectFrom('deliveries')
          .select('kind')
          .where('not_before', '<', new Date('2027-01-15T00:00:00Z'))
          .orderBy('id')
          .execute()
      ).map((d) => d.kind);
    expect(await firstWeek()).toEqual(['pair_intro', 'checkin', 'milestone_open', 'reminder', 'alert']);

    // 29 days after the check-in: nothing is old enough yet.
    expect((await h.tick('2027-02-09T17:00:00Z')).pruned).toBe(0);
    expect(await firstWeek()).toEqual(['pair_intro', 'checkin', 'milestone_open', 'reminder', 'alert']);

    // Five weeks on: the week-1 check-in and reminder are past the retention; this week's check-in is new.
    const report = await h.tick('2027-02-16T17:30:00Z');
    expect(report.pruned).toBe(2);
    expect(await firstWeek()).toEqual(['pair_intro', 'milestone_open', 'alert']);
    const [week1, ...later] = await checkinRows();
    expect(week1?.delivery_id).toBeNull();
    expect(later.every((c) => c.delivery_id !== null)).toBe(true);
    expect(await h.database.db.selectFrom('checkin_answers').select(['person_id', 'answer']).execute()).toEqual([
      { person_id: MENTOR, answer: 'met' },
    ]);

    // Staff resolve the five-week-old alert: its message is edited in place, found through its delivery.
    await h.click(ADMIN, alert as FakeMessage, 'alert_resolve');
    await h.waitUntil(
      () => (h.slack.conversations.get(ALERTS)?.messages.find((m) => m.ts === alert?.ts)?.text ?? '').startsWith('Resolved'),
      'the old alert message to say it is resolved',
    );
    // And a pruned check-in is never planned or sent again.
    await h.tick('2027-02-16T17:45:00Z');
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(3);
  });
});
