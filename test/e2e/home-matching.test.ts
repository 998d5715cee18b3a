import { createRepositories } from '../../src/db/repositories/index.js';
import { describe, expect } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { seedProgram, worldTest, type World } from '../support/world.js';
import { HOSTILE, liveMarkupFound } from '../support/live-markup.js';

let h: World;
const ADMIN = 'UADMIN';
const [MENTOR, MENTEE, MENTOR2, MENTEE2, NEWBIE] = ['UMENTOR', 'UMENTEE', 'UMENTOR2', 'UMENTEE2', 'UNEWBIE'] as const;
const ALERTS = 'GALERTS';

async function openHome(user: string) {
  const from = h.slack.calls.length;
  const res = await h.sender.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1' });
  expect(res.status).toBe(200);
  const call = await h.slack.waitFor((c) => c.method === 'views.publish' && c.args.user_id === user, { from });
  return JSON.stringify(call.args.view);
}

const test = worldTest({ admins: [ADMIN], now: '2027-01-12T15:00:00Z', logLevel: 'trace' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset();
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      ...(
        [
          [MENTOR, 'Europe/Berlin'],
          [MENTEE, 'America/New_York'],
          [MENTOR2, 'UTC'],
          [MENTEE2, 'UTC'],
          [NEWBIE, 'Asia/Tokyo'],
        ] as const
      ).map(([id, tz]) => ({ id, name: id.toLowerCase(), tz })),
    ],
    at: '2027-01-10T12:00:00Z',
    pairs: [
      [MENTOR, MENTEE],
      [MENTOR2, MENTEE2],
    ],
  });
  const pairing = await h.database.db
    .selectFrom('pairings')
    .select('id')
    .where('mentee_id', '=', MENTEE)
    .executeTakeFirstOrThrow();
  await h.database.db
    .updateTable('pairings')
    .set({
      meeting_weekday: 4,
      meeting_time: '18:00',
      meeting_minutes: 45,
      meeting_zone: 'Europe/Berlin',
      goals: JSON.stringify([{ text: 'Ship the capstone', measure: 'deployed', targetDate: '2027-02-19' }]),
    })
    .where('id', '=', pairing.id)
    .execute();
  await h.services.sender.idle();
  h.setNow('2027-01-12T15:00:00Z');
});

describe('App Home', () => {
  test('mentee, mentor and staff each see their own view, and nobody sees another pair', async () => {
    await h.tick('2027-01-12T15:00:00Z');
    const mentee = await openHome(MENTEE);
    expect(mentee).toContain('Your mentor:* <@UMENTOR>');
    expect(mentee).toContain('Ship the capstone');
    // Thursday 18:00 Berlin, as a date token; the fallback in the mentee's zone (12:00 in New York).
    expect(mentee).toContain('<!date^1799946000^{date_short_pretty} at {time}|Thu 14 Jan at 12:00 America/New_York>');
    expect(mentee).not.toContain('UMENTOR2');
    expect(mentee).not.toContain('UMENTEE2');
    expect(mentee).not.toContain('Programs (staff)');

    const mentor = await openHome(MENTOR);
    expect(mentor).toContain('Your mentees');
    expect(mentor).toContain('<@UMENTEE>');
    expect(mentor).toContain('Log a session');
    expect(mentor).not.toContain('UMENTEE2');
    expect(mentor).not.toContain('Programs (staff)');

    const staff = await openHome(ADMIN);
    expect(staff).toContain('Programs (staff)');
    expect(staff).toContain('2 active, 0 paused');
    expect(staff).toContain('home_export_hours');

    const stranger = await openHome(NEWBIE);
    expect(stranger).toContain('not in a mentoring pair yet');
    expect(stranger).not.toContain('UMENTEE');
  });
});

describe('matching', () => {
  test('staff see messages Slack would not take, with what to do; mentors do not', async () => {
    expect(await openHome(ADMIN)).not.toContain('Messages not delivered');
    const pairing = await h.database.db
      .selectFrom('pairings')
      .select('id')
      .where('mentee_id', '=', MENTEE)
      .executeTakeFirstOrThrow();
    const deliveries = createRepositories(h.database.db).deliveries;
    const now = h.tandem.services.clock();
    await deliveries.enqueue({
      dedupeKey: 'gone',
      kind: 'notice',
      pairingId: pairing.id,
      channel: 'C0GONE',
      payload: { text: 'x' },
      notBefore: now,
    });
    await deliveries.enqueue({
      dedupeKey: 'slow',
      kind: 'notice',
      pairingId: pairing.id,
      channel: ALERTS,
      payload: { text: 'y' },
      notBefore: new Date(now.getTime() + 86_400_000),
    });
    await h.tandem.services.sender.deliverDue();
    await h.database.db
      .updateTable('deliveries')
      .set({ transient_failures: 9, transient_since: new Date(now.getTime() - 2 * 3_600_000) })
      .where('dedupe_key', '=', 'slow')
      .execute();
    const staff = await openHome(ADMIN);
    expect(staff).toContain(
      'Messages not delivered:* 1 failed for good (run `tandem deliveries retry` once the cause is fixed); 1 still being retried for over an hour',
    );
    expect(staff).not.toContain('C0GONE');
    expect(await openHome(MENTOR)).not.toContain('Messages not delivered');
  });

  test('match -> accept: the pairing, its group DM and introduction are made, and staff are told', async () => {
    await h.sender.command({
      text: `match <@${MENTOR2}> <@${NEWBIE}> | Career changer from nursing, loves data`,
      user_id: ADMIN,
    });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Asked <@UMENTOR2>'));
    await h.tandem.services.sender.idle();
    const request = h.messagesTo(MENTOR2, 'match_request')[0] as FakeMessage;
    expect(JSON.stringify(request.blocks)).toContain('Career changer from nursing');
    const value = /"action_id":"match_accept"[^}]*"value":"(\d+)"|"value":"(\d+)"[^}]*"action_id":"match_accept"/.exec(
      JSON.stringify(request.blocks),
    );
    const id = value?.[1] ?? value?.[2];
    const accept = () =>
      h.sender.action({
        user: MENTOR2,
        actions: [{ type: 'button', action_id: 'match_accept', value: id, action_ts: '1' }],
        container: { type: 'message', channel_id: request.channel, message_ts: request.ts },
        channel: { id: request.channel },
        message: { ts: request.ts },
      });
    await accept();
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('You accepted'));
    // A double click changes nothing.
    await accept();
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('already answered'));
    await h.tandem.services.sender.idle();
    const pairings = await h.database.db.selectFrom('pairings').selectAll().where('mentee_id', '=', NEWBIE).execute();
    expect(pairings).toHaveLength(1);
    expect(pairings[0]?.mentor_id).toBe(MENTOR2);
    const conv = h.pairConversation(MENTOR2, NEWBIE);
    expect(conv?.messages.filter((m) => m.metadata?.event_payload?.kind === 'pair_intro')).toHaveLength(1);
    expect(
      h
        .messagesTo(ADMIN, 'match_notice')
        .map((m) => m.text)
        .join(' '),
    ).toContain('accepted to mentor <@UNEWBIE>');
  });

  test('only the mentor asked may Accept: the mentee, another mentor and the staff member who asked are refused and nothing is stored', async () => {
    await h.sender.command({ text: `match <@${MENTOR2}> <@${NEWBIE}>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Asked <@UMENTOR2>'));
    await h.tandem.services.sender.idle();
    const request = h.messagesTo(MENTOR2, 'match_request')[0] as FakeMessage;
    const id = /"action_id":"match_accept"[^}]*"value":"(\d+)"|"value":"(\d+)"[^}]*"action_id":"match_accept"/.exec(
      JSON.stringify(request.blocks),
    );
    const requestId = id?.[1] ?? id?.[2];
    const accept = (user: string) =>
      h.sender.action({
        user,
        actions: [{ type: 'button', action_id: 'match_accept', value: requestId, action_ts: '1' }],
        container: { type: 'message', channel_id: request.channel, message_ts: request.ts },
        channel: { id: request.channel },
        message: { ts: request.ts },
      });
    const before = { conversations: h.slack.conversations.size, notices: h.messagesTo(ADMIN, 'match_notice').length };
    for (const clicker of [NEWBIE, MENTOR, ADMIN]) {
      const from = h.slack.responses.length;
      await accept(clicker);
      const answer = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('sent to someone else'), { from });
      expect(JSON.stringify(answer.body)).not.toContain('You accepted');
    }
    await h.tandem.services.sender.idle();
    expect(await h.database.db.selectFrom('pairings').select('id').where('mentee_id', '=', NEWBIE).execute()).toEqual([]);
    expect(
      await h.database.db
        .selectFrom('match_requests')
        .select(['status', 'pairing_id'])
        .where('id', '=', Number(requestId))
        .execute(),
    ).toEqual([{ status: 'pending', pairing_id: null }]);
    expect(h.pairConversation(MENTOR2, NEWBIE)).toBeUndefined();
    expect(h.pairConversation(MENTOR, NEWBIE)).toBeUndefined();
    expect(h.slack.conversations.size).toBe(before.conversations);
    expect(h.messagesTo(ADMIN, 'match_notice')).toHaveLength(before.notices);
    // The mentor can still accept it afterwards.
    await accept(MENTOR2);
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('You accepted'));
    expect(await h.database.db.selectFrom('pairings').select('mentor_id').where('mentee_id', '=', NEWBIE).execute()).toEqual([
      { mentor_id: MENTOR2 },
    ]);
  });

  test('decline with a reason tells staff; the mentee can then be proposed to someone else', async () => {
    await h.sender.command({ text: `match <@${MENTOR2}> <@${NEWBIE}>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Asked'));
    await h.tandem.services.sender.idle();
    const request = h.messagesTo(MENTOR2, 'match_request')[0] as FakeMessage;
    const id = /"value":"(\d+)"/.exec(JSON.stringify(request.blocks))?.[1];
    const from = h.slack.calls.length;
    await h.sender.action({
      user: MENTOR2,
      trigger_id: '5.5.d',
      actions: [{ type: 'button', action_id: 'match_decline', value: id, action_ts: '1' }],
      container: { type: 'message', channel_id: request.channel, message_ts: request.ts },
      channel: { id: request.channel },
      message: { ts: request.ts },
    });
    const view = (await h.slack.waitFor('views.open', { from })).args.view as { callback_id: string; private_metadata: string };
    const res = await h.sender.viewSubmission({
      user: { id: MENTOR2 },
      view: {
        id: 'VD',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: { values: { reason: { value: { type: 'plain_text_input', value: `Full this month ${HOSTILE}` } } } },
      },
    });
    expect(res.body).toBe('');
    await h.tandem.services.sender.idle();
    const notice = h
      .messagesTo(ADMIN, 'match_notice')
      .map((m) => m.text)
      .join(' ');
    expect(notice).toContain(
      'declined mentoring <@UNEWBIE>. Their reason: “Full this month &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@UEVIL0001&gt; &lt;https://evil.example/login|https://slack.com/signin&gt; &amp; co”',
    );
    expect(liveMarkupFound(h.slack)).toEqual([]);
    expect(h.logs.text).not.toContain('Full this month');
    // Stored as typed: escaping is for Slack, not for the database.
    expect(
      (
        await h.database.db
          .selectFrom('match_requests')
          .select('decline_reason')
          .where('status', '=', 'declined')
          .executeTakeFirstOrThrow()
      ).decline_reason,
    ).toBe(`Full this month ${HOSTILE}`);
    expect(await h.database.db.selectFrom('pairings').selectAll().where('mentee_id', '=', NEWBIE).execute()).toHaveLength(0);
    await h.sender.command({ text: `match <@${MENTOR}> <@${NEWBIE}>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Asked <@UMENTOR>'));
  });

  test('capacity is respected, non-staff cannot match, and an unanswered request reminds then tells staff', async () => {
    await h.sender.command({ text: `match <@${MENTOR}> <@${NEWBIE}>`, user_id: MENTEE });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    await h.sender.command({ text: `capacity <@${MENTOR}> 1`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('at most 1'));
    await h.sender.command({ text: `match <@${MENTOR}> <@${NEWBIE}>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('at their limit'));

    h.setNow('2027-01-12T15:00:00Z');
    await h.sender.command({ text: `match <@${MENTOR2}> <@${NEWBIE}>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Asked'));
    await h.tick('2027-01-13T15:00:00Z');
    expect(h.messagesTo(MENTOR2, 'match_notice').filter((m) => m.text.includes('A reminder'))).toHaveLength(1);
    await h.tick('2027-01-14T15:00:00Z');
    await h.tick('2027-01-14T16:00:00Z');
    expect(h.messagesTo(ADMIN, 'match_notice').filter((m) => m.text.includes('has not answered'))).toHaveLength(1);
    expect(
      (h.slack.conversations.get(ALERTS)?.messages ?? []).filter((m) => m.text.includes('Match request unanswered')),
    ).toHaveLength(1);
  });
});

describe('reschedule and pause', () => {
  let views = 0;
  async function reschedule(user: string, values: Record<string, unknown>) {
    const from = h.slack.calls.length;
    // Slack gives each invocation its own trigger id; a repeated one is a replay and does nothing.
    await h.sender.command({ text: 'reschedule', user_id: user });
    const view = (await h.slack.waitFor('views.open', { from })).args.view as {
      callback_id: string;
      blocks: { block_id?: string; element?: Record<string, unknown> }[];
    };
    const state: Record<string, Record<string, unknown>> = {};
    for (const [k, v] of Object.entries(values)) state[k] = { value: v };
    return {
      view,
      res: await h.sender.viewSubmission({
        user: { id: user },
        view: { id: `VR${++views}`, callback_id: view.callback_id, state: { values: state } },
      }),
    };
  }

  test('moving a meeting 30 hours ahead is recorded as late notice and the partner is told in the pair conversation', async () => {
    const pairing = await h.database.db
      .selectFrom('pairings')
      .select('id')
      .where('mentee_id', '=', MENTEE)
      .executeTakeFirstOrThrow();
    // Now: Tue 2027-01-12 15:00Z = 16:00 Berlin. Meeting Wed 13 Jan 22:00 Berlin is 30 hours ahead.
    const { view, res } = await reschedule(MENTOR, {
      pairing: { type: 'static_select', selected_option: { value: String(pairing.id) } },
      original_date: { type: 'datepicker', selected_date: '2027-01-13' },
      original_time: { type: 'timepicker', selected_time: '22:00' },
      new_date: { type: 'datepicker', selected_date: '2027-01-15' },
      new_time: { type: 'timepicker', selected_time: '18:00' },
      reason: { type: 'plain_text_input', value: `Work trip ${HOSTILE}` },
    });
    expect(JSON.stringify(view.blocks.find((b) => b.block_id === 'original_date'))).toContain('2027-01-14'); // the next agreed slot, pre-filled
    expect(res.body).toBe('');
    const row = await h.database.db.selectFrom('reschedules').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ late_notice: true, notice_hours: 30, cancelled: false, requested_by: MENTOR });
    await h.tandem.services.sender.idle();
    const told = h.pairConversation(MENTOR, MENTEE)?.messages.find((m) => m.metadata?.event_payload?.kind === 'reschedule');
    expect(told?.text).toContain('less than 48 hours');
    // A date token each reads in their own zone; the fallback in the mentee's New York time.
    expect(told?.text).toContain('*<!date^1800032400^{date_short_pretty} at {time}|Fri 15 Jan at 12:00 America/New_York>*');
    expect(told?.text).toContain('Reason: Work trip &lt;!channel&gt; &lt;!here&gt;');
    expect(h.logs.text).not.toContain('Work trip');
    expect(liveMarkupFound(h.slack)).toEqual([]);
    const audit = await h.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'meeting.late_notice').execute();
    expect(audit).toHaveLength(1);
  });

  test('enough notice is not late; bad input gets field errors; someone outside the pair cannot move it', async () => {
    const pairing = await h.database.db
      .selectFrom('pairings')
      .select('id')
      .where('mentee_id', '=', MENTEE)
      .executeTakeFirstOrThrow();
    const { res: missing } = await reschedule(MENTEE, {
      pairing: { selected_option: { value: String(pairing.id) } },
      original_date: { selected_date: '2027-01-20' },
      original_time: { selected_time: '12:00' },
    });
    expect((missing.json() as { errors: Record<string, string> }).errors).toMatchObject({ new_date: expect.any(String) });
    const { res: ok } = await reschedule(MENTEE, {
      pairing: { selected_option: { value: String(pairing.id) } },
      original_date: { selected_date: '2027-01-20' },
      original_time: { selected_time: '12:00' },
      cancel: { type: 'checkboxes', selected_options: [{ value: 'cancel' }] },
    });
    expect(ok.body).toBe('');
    expect(await h.database.db.selectFrom('reschedules').select(['late_notice', 'cancelled']).execute()).toEqual([
      { late_notice: false, cancelled: true },
    ]);
    const other = await h.database.db
      .selectFrom('pairings')
      .select('id')
      .where('mentee_id', '=', MENTEE2)
      .executeTakeFirstOrThrow();
    const { res: forged } = await reschedule(MENTEE, {
      pairing: { selected_option: { value: String(other.id) } },
      original_date: { selected_date: '2027-01-20' },
      original_time: { selected_time: '12:00' },
      cancel: { selected_options: [{ value: 'cancel' }] },
    });
    expect(JSON.stringify(forged.json())).toContain('your own pairing');
  });

  test('a paused pair gets no prompt at its check-in time; the pause ends by itself on its date', async () => {
    await h.sender.command({ text: `pause <@${MENTOR}> until 2027-01-25`, user_id: MENTEE });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Paused'));
    await h.tick('2027-01-18T17:00:00Z');
    const conv = h.pairConversation(MENTOR, MENTEE);
    expect(conv?.messages.filter((m) => m.metadata?.event_payload?.kind === 'checkin')).toHaveLength(0);
    expect(
      h.pairConversation(MENTOR2, MENTEE2)?.messages.filter((m) => m.metadata?.event_payload?.kind === 'checkin'),
    ).toHaveLength(1);
    expect(conv?.messages.some((m) => m.text.includes('paused this pairing until 2027-01-25'))).toBe(true);
    await h.tick('2027-01-25T17:00:00Z');
    expect(conv?.messages.some((m) => m.text.includes('Welcome back'))).toBe(true);
    // Their kick-off set Thursdays 18:00 Berlin for 45 minutes: asked at 21:45 Berlin, not on the program's Monday.
    expect(conv?.messages.filter((m) => m.metadata?.event_payload?.kind === 'checkin')).toHaveLength(0);
    await h.tick('2027-01-28T20:45:00Z');
    expect(conv?.messages.filter((m) => m.metadata?.event_payload?.kind === 'checkin')).toHaveLength(1);
  });
});

describe('end of the program', () => {
  test('after the last week pairs end with a thank-you, staff get the summary, and the follow-up comes later, once', async () => {
    await h.database.db.updateTable('programs').set({ follow_up_weeks: 4 }).execute();
    // Six weeks from Mon 11 Jan: the program ends at midnight Denver, Mon 22 Feb (07:00Z).
    await h.tick('2027-02-22T06:59:00Z');
    expect(await h.database.db.selectFrom('pairings').selectAll().where('status', '=', 'ended').execute()).toHaveLength(0);
    await h.tick('2027-02-22T07:00:00Z');
    await h.tick('2027-02-22T08:00:00Z');
    expect(await h.database.db.selectFrom('pairings').selectAll().where('status', '<>', 'ended').execute()).toHaveLength(0);
    const conv = h.pairConversation(MENTOR, MENTEE);
    expect(conv?.messages.filter((m) => m.metadata?.event_payload?.kind === 'program_end')).toHaveLength(1);
    const summary = (h.slack.conversations.get(ALERTS)?.messages ?? []).filter(
      (m) => m.metadata?.event_payload?.kind === 'program_summary',
    );
    expect(summary).toHaveLength(1);
    expect(JSON.stringify(summary[0]?.blocks)).toContain('Pairs:* 2');
    await h.tick('2027-03-22T08:00:00Z');
    await h.tick('2027-03-23T08:00:00Z');
    const followUps = conv?.messages.filter((m) => m.metadata?.event_payload?.kind === 'follow_up') ?? [];
    expect(followUps).toHaveLength(1);
    expect(JSON.stringify(followUps[0]?.blocks)).toContain('Ship the capstone');
  });
});
