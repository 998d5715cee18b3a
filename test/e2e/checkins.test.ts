import { describe, expect } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { seedProgram, worldTest, type World } from '../support/world.js';

/**
 * The weekly check-in from the pair's and staff's side, over signed HTTP against the fake Slack, with
 * a pinned clock. Program: Denver time, starts Monday 2027-01-11, check-in Mondays 10:00, response
 * window 2 work days. Mentor in Berlin, mentee in New York.
 */
let h: World;
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';
const ALERTS = 'GALERTS';

// Monday 2027-01-11 10:00 in Denver (UTC-7) is 17:00Z.
const SLOT = '2027-01-11T17:00:00Z';

const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });

const pairConversation = () => h.pairConversation(MENTOR, MENTEE);
const alertsPosted = () => h.messagesTo(ALERTS, 'alert');
const clickAnswer = (user: string, checkinMessage: FakeMessage, answer: 'met' | 'not_yet' | 'rescheduled') =>
  h.click(user, checkinMessage, `checkin_answer:${answer}`);
const clickAlert = (user: string, alert: FakeMessage, actionId: 'alert_ack' | 'alert_resolve' | 'alert_snooze') =>
  h.click(user, alert, actionId);

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

describe('weekly check-in', () => {
  test('is asked once at the slot, in the pair conversation, and both answers mean no reminder and no alert', async () => {
    await h.tick('2027-01-11T16:59:00Z');
    const conv = pairConversation();
    expect(h.messagesTo(conv?.id, 'checkin')).toHaveLength(0);

    await h.tick(SLOT);
    await h.tick('2027-01-11T17:01:00Z');
    const [checkin, ...more] = h.messagesTo(conv?.id, 'checkin');
    expect(more).toHaveLength(0);
    expect(checkin?.text).toContain('did you meet this week');
    expect(JSON.stringify(checkin?.blocks)).toContain('We met');
    // The check-in row links the delivery that posted this very message.
    const linked = await h.database.db
      .selectFrom('checkins as c')
      .innerJoin('deliveries as d', 'd.id', 'c.delivery_id')
      .select(['d.sent_ts', 'd.sent_channel'])
      .execute();
    expect(linked).toEqual([{ sent_ts: checkin?.ts, sent_channel: conv?.id }]);

    expect((await clickAnswer(MENTOR, checkin as FakeMessage, 'met')).status).toBe(200);
    await h.waitUntil(() => h.slack.callsTo('chat.update').length >= 1, 'the check-in message to be updated');
    expect(
      JSON.stringify(h.slack.conversations.get(conv?.id ?? '')?.messages.find((m) => m.ts === checkin?.ts)?.blocks),
    ).toContain('<@UMENTOR>: We met');

    await clickAnswer(MENTEE, checkin as FakeMessage, 'rescheduled');
    await h.waitUntil(
      async () => (await h.database.db.selectFrom('checkin_answers').selectAll().execute()).length === 2,
      'two answers',
    );
    const answers = await h.database.db
      .selectFrom('checkin_answers')
      .select(['person_id', 'answer'])
      .orderBy('person_id')
      .execute();
    expect(answers).toEqual([
      { person_id: MENTEE, answer: 'rescheduled' },
      { person_id: MENTOR, answer: 'met' },
    ]);

    await h.tick('2027-01-12T20:00:00Z');
    await h.tick('2027-01-14T20:00:00Z');
    expect(h.messagesTo(MENTOR, 'reminder')).toHaveLength(0);
    expect(h.messagesTo(MENTEE, 'reminder')).toHaveLength(0);
    expect(alertsPosted()).toHaveLength(0);
  });

  test('a nudge is written when it is sent: Slack refusing its link still sends it; a deadline met meanwhile drops it', async () => {
    await h.tick(SLOT);
    const [checkin] = h.messagesTo(pairConversation()?.id, 'checkin');
    // Half the window for both: Tuesday 17:00Z (12:00 in New York, 18:00 in Berlin). Slack refuses one
    // link and, for a while, every post: both nudges wait in the outbox.
    for (let i = 0; i < 20; i++) h.slack.inject('chat.getPermalink', { kind: 'server_error', status: 503 });
    for (let i = 0; i < 2; i++) h.slack.inject('chat.postMessage', { kind: 'server_error', status: 503 });
    await h.tick('2027-01-12T17:00:00Z');
    // Meanwhile the mentee answers: their nudge has nothing left to say.
    await clickAnswer(MENTEE, checkin as FakeMessage, 'met');
    await h.settle();
    await h.tick('2027-01-12T17:30:00Z');
    await h.tick('2027-01-12T18:00:00Z');
    expect(h.messagesTo(MENTEE, 'reminder')).toHaveLength(0);
    const [nudge, ...more] = h.messagesTo(MENTOR, 'reminder');
    expect(more).toHaveLength(0);
    // Slack gave no link: the nudge says where without one.
    expect(nudge?.text).toContain('is waiting for your answer in your pair conversation.');
    const queued = await h.database.db
      .selectFrom('deliveries')
      .select(['channel', 'status', 'error'])
      .where('kind', '=', 'reminder')
      .orderBy('channel')
      .execute();
    expect(queued).toEqual([
      { channel: MENTEE, status: 'skipped', error: 'nothing_to_render' },
      { channel: MENTOR, status: 'sent', error: null },
    ]);
  });

  test('silence: a reminder at half the window in the late person’s zone, then exactly one alert, resolved when they answer', async () => {
    await h.tick(SLOT);
    const conv = pairConversation();
    const [checkin] = h.messagesTo(conv?.id, 'checkin');
    await clickAnswer(MENTOR, checkin as FakeMessage, 'met');
    await h.waitUntil(
      async () => (await h.database.db.selectFrom('checkin_answers').selectAll().execute()).length === 1,
      'the mentor answer',
    );

    // Mentee in New York: asked Mon 12:00 local; half of 2 work days -> Tue 12:00 NY = 17:00Z.
    await h.tick('2027-01-12T16:59:00Z');
    expect(h.messagesTo(MENTEE, 'reminder')).toHaveLength(0);
    await h.tick('2027-01-12T17:00:00Z');
    await h.tick('2027-01-12T17:30:00Z');
    const reminders = h.messagesTo(MENTEE, 'reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.text).toContain('<@UMENTOR>');
    expect(h.messagesTo(MENTOR, 'reminder')).toHaveLength(0);

    // Due Wed 12:00 NY = 17:00Z.
    await h.tick('2027-01-13T16:59:00Z');
    expect(alertsPosted()).toHaveLength(0);
    await h.tick('2027-01-13T17:00:00Z');
    await h.tick('2027-01-13T17:05:00Z');
    await h.tick('2027-01-14T09:00:00Z');
    const alerts = alertsPosted();
    expect(alerts).toHaveLength(1);
    const alert = alerts[0] as FakeMessage;
    expect(alert.text).toContain('Check-in not answered');
    expect(alert.text).toContain('<@UMENTEE>');
    expect(JSON.stringify(alert.blocks)).toContain('Open the conversation');
    expect(JSON.stringify(alert.blocks)).toContain("I'm on it");

    await clickAnswer(MENTEE, checkin as FakeMessage, 'not_yet');
    await h.waitUntil(
      () => (h.slack.conversations.get(ALERTS)?.messages.find((m) => m.ts === alert.ts)?.text ?? '').startsWith('Resolved'),
      'the alert to say it is resolved',
    );
    const resolved = h.slack.conversations.get(ALERTS)?.messages.find((m) => m.ts === alert.ts);
    expect(JSON.stringify(resolved?.blocks)).toContain('answered');
    expect(JSON.stringify(resolved?.blocks)).not.toContain('alert_ack');
    const row = await h.database.db.selectFrom('alerts').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'resolved', resolved_by: 'auto' });
    await h.tick('2027-01-14T10:00:00Z');
    expect(alertsPosted()).toHaveLength(1);
  });

  test('a silent week is one alert message for the pair, edited as reasons come and go; staff take, snooze and resolve it; the next week links it', async () => {
    // Monday morning the mentor writes to the pair and nobody answers; then neither answers the check-in.
    h.setNow('2027-01-11T15:00:00Z');
    await h.tick(SLOT);
    const conv = pairConversation();
    const question = h.slack.postAs(MENTOR, conv?.id as string, 'Shall we meet Thursday?');
    await h.sender.event(h.slack.messageEvent(question));
    await h.waitUntil(
      async () => (await h.database.db.selectFrom('expectations').selectAll().where('kind', '=', 'reply').execute()).length === 1,
      'the message recorded',
    );
    const current = () => h.slack.conversations.get(ALERTS)?.messages.find((m) => m.ts === alertsPosted()[0]?.ts);
    const thread = () =>
      (h.slack.conversations.get(ALERTS)?.messages ?? []).filter(
        (m) => m.thread_ts === alertsPosted()[0]?.ts && m.ts !== m.thread_ts,
      );

    // The unanswered message is due first (Wed 12:xx in New York), then both check-ins (Wed 10:30 Denver).
    await h.tick('2027-01-13T17:05:00Z');
    expect(alertsPosted()).toHaveLength(1);
    await h.tick('2027-01-13T17:30:00Z');
    await h.tick('2027-01-13T17:35:00Z');
    expect(alertsPosted(), 'one message for the pair and the week').toHaveLength(1);
    const alert = alertsPosted()[0] as FakeMessage;
    const shown = () => JSON.stringify(current()?.blocks);
    await h.waitUntil(
      () => (current()?.text ?? '').includes('Check-in not answered (<@UMENTOR>)'),
      'the alert edited with the mentor’s check-in',
    );
    expect(current()?.text).toContain('Check-in not answered (<@UMENTEE>)');
    expect(current()?.text).toContain('Message not answered (<@UMENTEE>)');
    expect(current()?.text).not.toMatch(/\d{4}-W\d{2}/);
    expect(shown()).toContain('<!date^');
    // Each reason that came after the message was posted is also a line in its thread.
    expect(thread().filter((m) => m.text.startsWith('Also this week:'))).toHaveLength(2);

    // The mentee answers the check-in: their reason is struck through; the alert stays open for the rest.
    const checkin = h.messagesTo(conv?.id, 'checkin')[0] as FakeMessage;
    await clickAnswer(MENTEE, checkin, 'met');
    await h.waitUntil(
      () => shown().includes('~Check-in not answered — <@UMENTEE>~ answered'),
      'the mentee’s reason struck through',
    );
    expect(current()?.text).not.toContain('Resolved');
    expect(current()?.text).not.toContain('Check-in not answered (<@UMENTEE>)');

    await clickAlert(MENTEE, alert, 'alert_resolve');
    const refusal = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral' });

    await clickAlert(ADMIN, alert, 'alert_ack');
    await h.waitUntil(() => shown().includes('<@UADMIN> is on it'), 'the owner to show');

    await clickAlert(ADMIN, alert, 'alert_snooze');
    await h.waitUntil(() => shown().includes('Snoozed until'), 'the snooze to show');
    // Two work days in Denver from Wed 10:35 -> Fri 10:35 local; the alert comes back after that.
    await h.tick('2027-01-15T17:34:00Z');
    expect(thread().filter((m) => m.text.includes('snooze is over'))).toHaveLength(0);
    await h.tick('2027-01-15T17:36:00Z');
    await h.waitUntil(() => thread().some((m) => m.text.includes('snooze is over')), 'a nudge in the alert thread');

    await clickAlert(ADMIN, alert, 'alert_resolve');
    await h.waitUntil(() => (current()?.text ?? '').startsWith('Resolved'), 'resolved by staff');
    expect(shown()).toContain('by <@UADMIN>');
    expect(
      await h.database.db
        .selectFrom('alerts')
        .select(['reason', 'subject', 'status'])
        .where('status', '<>', 'resolved')
        .execute(),
    ).toEqual([]);
    expect(alertsPosted()).toHaveLength(1);

    // Still silent the next week: a new alert, which links the week before.
    await h.tick('2027-01-18T17:00:00Z');
    await h.tick('2027-01-20T17:35:00Z');
    const posted = alertsPosted();
    expect(posted).toHaveLength(2);
    expect(posted[1]?.text).toContain('week of 18 Jan');
    expect(JSON.stringify(posted[1]?.blocks)).toContain("this pair's alert of the week of 11 Jan");
    expect(JSON.stringify(posted[1]?.blocks)).toContain('(resolved)');
  });

  test('“Message the pair” on an alert opens a group DM of the staff member, the mentor and the mentee, introduced once', async () => {
    await h.tick(SLOT);
    await h.tick('2027-01-13T17:35:00Z');
    const alert = alertsPosted()[0] as FakeMessage;
    const actions = (
      alert.blocks as { type: string; block_id?: string; elements?: { action_id: string; value: string }[] }[]
    ).find((b) => b.type === 'actions');
    const button = actions?.elements?.find((e) => e.action_id === 'alert_message_pair');
    expect(button).toBeDefined();
    const click = (user: string) =>
      h.sender.action({
        user,
        actions: [
          { type: 'button', action_id: 'alert_message_pair', block_id: actions?.block_id, value: button?.value, action_ts: '1' },
        ],
        container: { type: 'message', channel_id: alert.channel, message_ts: alert.ts, is_ephemeral: false },
        channel: { id: alert.channel },
        message: { ts: alert.ts, text: alert.text, blocks: alert.blocks },
      });
    const staffDm = () =>
      [...h.slack.conversations.values()].find((c) => c.is_mpim && [ADMIN, MENTOR, MENTEE].every((u) => c.members.includes(u)));

    await click(MENTEE);
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    expect(staffDm()).toBeUndefined();
    // A staff member who is in the pair is told to use their own conversation; no group DM is opened.
    await h.database.db.insertInto('staff').values({ slack_id: MENTOR, added_by: ADMIN }).execute();
    const conversationsBefore = h.slack.conversations.size;
    await click(MENTOR);
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('You are in this pair'));
    expect(h.slack.conversations.size).toBe(conversationsBefore);

    await click(ADMIN);
    const answer = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('app_redirect'));
    await h.waitUntil(() => (staffDm()?.messages.length ?? 0) === 1, 'the introduction in the group DM');
    const dm = staffDm();
    expect(JSON.stringify(answer.body)).toContain(`channel=${dm?.id}`);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(dm?.messages[0]?.text).toBe(
      '<@UADMIN> from the Backend program staff opened this conversation with <@UMENTOR> and <@UMENTEE> to talk about how your mentorship is going.',
    );
    // A second click brings the same conversation back, without a second introduction.
    await click(ADMIN);
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('app_redirect'), {
      from: h.slack.responses.indexOf(answer) + 1,
    });
    await h.tick('2027-01-13T17:40:00Z');
    expect(staffDm()?.messages).toHaveLength(1);
    // The pair's own conversation got nothing from this.
    expect(pairConversation()?.messages.filter((m) => m.text.includes('opened this conversation'))).toEqual([]);
  });

  test('two “not yet” weeks in a row raise one missed-meetings alert', async () => {
    await h.tick(SLOT);
    const conv = pairConversation();
    const [week1] = h.messagesTo(conv?.id, 'checkin');
    await clickAnswer(MENTOR, week1 as FakeMessage, 'not_yet');
    await clickAnswer(MENTEE, week1 as FakeMessage, 'not_yet');
    await h.waitUntil(
      async () => (await h.database.db.selectFrom('checkin_answers').selectAll().execute()).length === 2,
      'week 1 answers',
    );
    expect(alertsPosted()).toHaveLength(0);

    await h.tick('2027-01-18T17:00:00Z');
    const week2 = h.messagesTo(conv?.id, 'checkin')[1] as FakeMessage;
    await clickAnswer(MENTEE, week2, 'not_yet');
    await clickAnswer(MENTOR, week2, 'not_yet');
    // Both answers are handled after their acks, possibly at once: wait for the alert as it ends up, not its first post.
    await h.waitUntil(
      () => alertsPosted().some((a) => a.text.includes('No meeting two weeks running')),
      'a missed-meetings alert',
    );
    await h.tick('2027-01-18T17:10:00Z');
    expect(alertsPosted()).toHaveLength(1);
    const missed = alertsPosted().filter((a) => a.text.includes('No meeting two weeks running'));
    expect(missed).toHaveLength(1);
  });

  test('a note from the modal is stored for staff; a blocker in it reaches the alerts channel and nowhere else', async () => {
    await h.tick(SLOT);
    const conv = pairConversation();
    const checkin = h.messagesTo(conv?.id, 'checkin')[0] as FakeMessage;
    const checkinId = Number(/checkin:(\d+)/.exec(JSON.stringify(checkin.blocks))?.[1]);
    await h.sender.action({
      user: MENTEE,
      trigger_id: '1.2.abc',
      actions: [{ type: 'button', action_id: 'checkin_note', value: String(checkinId), action_ts: '1' }],
      container: { type: 'message', channel_id: checkin.channel, message_ts: checkin.ts },
      channel: { id: checkin.channel },
      message: { ts: checkin.ts },
    });
    const open = await h.slack.waitFor('views.open');
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('checkin_note');

    const secret = 'struggling with recursion and my landlord';
    const submit = (values: Record<string, unknown>, user = MENTEE) =>
      h.sender.viewSubmission({
        user: { id: user },
        view: { id: 'V1', callback_id: 'checkin_note', private_metadata: view.private_metadata, state: { values } },
      });
    const missing = await submit({ blockers: { value: { type: 'plain_text_input', value: secret } } });
    expect(missing.json()).toMatchObject({ response_action: 'errors', errors: { answer: expect.any(String) } });

    // A form whose metadata does not name a check-in is out of date: said under the first field, nothing stored.
    const stale = await h.sender.viewSubmission({
      user: { id: MENTEE },
      view: {
        id: 'V1',
        callback_id: 'checkin_note',
        private_metadata: '{"checkinId":"1; drop table"}',
        state: { values: { answer: { value: { type: 'radio_buttons', selected_option: { value: 'met' } } } } },
      },
    });
    expect(stale.json()).toEqual({
      response_action: 'errors',
      errors: { answer: 'This form is out of date. Close it and press “Add a note” again.' },
    });
    expect(await h.database.db.selectFrom('checkin_answers').selectAll().execute()).toEqual([]);

    const stranger = await submit({ answer: { value: { type: 'radio_buttons', selected_option: { value: 'met' } } } }, ADMIN);
    expect(JSON.stringify(stranger.json())).toContain('only they can answer it');

    const ok = await submit({
      answer: { value: { type: 'radio_buttons', selected_option: { value: 'met' } } },
      rating: { value: { type: 'static_select', selected_option: { value: '4' } } },
      blockers: { value: { type: 'plain_text_input', value: secret } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('');
    const row = await h.database.db.selectFrom('checkin_answers').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ person_id: MENTEE, answer: 'met', rating: 4, blockers: secret });
    await h.tick('2027-01-14T20:00:00Z');
    const posted = h.slack.calls.filter((c) => c.method.startsWith('chat.') || c.method === 'views.publish');
    expect(posted.length).toBeGreaterThan(0);
    const carrying = posted.filter((c) => JSON.stringify(c.args).includes('recursion'));
    // Posted once, then edited as the mentor's unanswered check-in joined the pair's alert: the alerts channel only.
    expect(carrying.map((c) => c.method)).toContain('chat.postMessage');
    expect(new Set(carrying.map((c) => c.args.channel))).toEqual(new Set([ALERTS]));
  });

  test('a paused pair gets no check-in at its slot; after resuming it does', async () => {
    const pairing = await h.database.db.selectFrom('pairings').select('id').executeTakeFirstOrThrow();
    await h.tandem.services.pairings.setStatus(ADMIN, pairing.id, { to: 'paused', until: '2027-01-18' });
    await h.tick(SLOT);
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(0);
    await h.tick('2027-01-13T20:00:00Z');
    expect(alertsPosted()).toHaveLength(0);
    // Back on Monday the 18th (Denver): resumed by the pass, and asked at that day's slot.
    await h.tick('2027-01-18T17:00:00Z');
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(1);
  });
});

describe('contact attempts', () => {
  async function say(user: string, text: string) {
    const conv = pairConversation();
    const msg = h.slack.postAs(user, conv?.id as string, text);
    const res = await h.sender.event(h.slack.messageEvent(msg));
    expect(res.status).toBe(200);
    return msg;
  }

  test('a message left unanswered is nudged once and escalated once; a reaction would have been enough', async () => {
    h.setNow('2027-01-11T15:00:00Z');
    const msg = await say(MENTOR, 'Shall we meet Thursday?');
    // Slack retries the same event: still one episode.
    await h.sender.event(h.slack.messageEvent(msg), { retryNum: 1, retryReason: 'http_timeout' });
    await say(MENTOR, 'ping');
    await h.waitUntil(
      async () => (await h.database.db.selectFrom('expectations').selectAll().where('kind', '=', 'reply').execute()).length === 1,
      'one reply expectation',
    );
    const stored = JSON.stringify(await h.database.db.selectFrom('expectations').selectAll().execute());
    expect(stored).not.toContain('Thursday');

    const due = await h.database.db
      .selectFrom('expectations')
      .select(['due_at', 'remind_at'])
      .where('kind', '=', 'reply')
      .executeTakeFirstOrThrow();
    // Sent Monday 08:00 Denver; the mentee in New York has until Wednesday 10:00 their time.
    expect(due.due_at.toISOString()).toBe('2027-01-13T15:00:00.000Z');
    expect(due.remind_at.toISOString()).toBe('2027-01-12T15:00:00.000Z');

    await h.tick(due.remind_at.toISOString());
    await h.tick(due.due_at.toISOString());
    await h.tick(new Date(due.due_at.getTime() + 3_600_000).toISOString());
    expect(h.messagesTo(MENTEE, 'reminder').filter((m) => m.text.includes('wrote to you'))).toHaveLength(1);
    const alerts = alertsPosted().filter((a) => a.text.includes('Message not answered'));
    expect(alerts).toHaveLength(1);
    expect(JSON.stringify(alerts[0]?.blocks)).not.toContain('Thursday');

    // The mentee reacts: that acknowledges, and the alert says it resolved.
    await h.sender.event({
      type: 'reaction_added',
      user: MENTEE,
      reaction: 'thumbsup',
      item: { type: 'message', channel: msg.channel, ts: msg.ts },
      event_ts: '1',
    });
    await h.waitUntil(
      () => (h.slack.conversations.get(ALERTS)?.messages.find((m) => m.ts === alerts[0]?.ts)?.text ?? '').startsWith('Resolved'),
      'the reply alert to resolve',
    );
  });

  test('a reply in time closes the episode: no nudge, no alert', async () => {
    h.setNow('2027-01-11T15:00:00Z');
    const countOf = async (status: 'open' | 'met') =>
      (await h.database.db.selectFrom('expectations').selectAll().where('status', '=', status).execute()).length;
    // Events are handled after Slack gets its 200, so each message is let through before the next,
    // as it would be between people typing.
    await say(MENTEE, 'I pushed my project, could you look?');
    await h.waitUntil(async () => (await countOf('open')) === 1, 'the mentee message recorded');
    await say(MENTOR, 'Looking tonight!');
    await h.waitUntil(
      async () => (await h.database.db.selectFrom('expectations').selectAll().where('status', '=', 'met').execute()).length === 1,
      'the mentee message answered',
    );
    // The mentor's reply starts the mentee's own window; they answer it too.
    await h.waitUntil(async () => (await countOf('open')) === 1, 'the mentor reply recorded');
    const thanks = await say(MENTEE, 'thanks');
    await h.waitUntil(async () => (await countOf('met')) === 2, 'the thanks recorded');
    await h.sender.event({
      type: 'reaction_added',
      user: MENTOR,
      reaction: 'heart',
      item: { type: 'message', channel: thanks.channel, ts: thanks.ts },
      event_ts: '2',
    });
    await h.waitUntil(
      async () => (await h.database.db.selectFrom('expectations').selectAll().where('status', '=', 'met').execute()).length === 3,
      'the thanks acknowledged',
    );
    await h.tick('2027-01-20T12:00:00Z');
    expect(alertsPosted().filter((a) => a.text.includes('Message not answered'))).toHaveLength(0);
  });
});

describe('alerts channel safety', () => {
  test('a public alerts channel is refused: nothing about the pair is posted there, and staff are told once', async () => {
    h.slack.addChannel({ id: 'CPUBLIC', name: 'general', is_private: false, members: ['UBOT', ADMIN] });
    await h.database.db.updateTable('programs').set({ alerts_channel_id: 'CPUBLIC' }).execute();
    await h.tick(SLOT);
    await h.tick('2027-01-13T18:00:00Z');
    await h.tick('2027-01-13T19:00:00Z');
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CPUBLIC')).toHaveLength(0);
    const notices = h.messagesTo(ADMIN, 'alerts_channel_problem');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('private');
    expect(h.logs.text).toContain('refusing to post pair details');

    // Fixed: the waiting alerts are posted to the private channel.
    await h.database.db.updateTable('programs').set({ alerts_channel_id: ALERTS }).execute();
    await h.tick('2027-01-13T19:05:00Z');
    const waited = alertsPosted();
    expect(waited).toHaveLength(1);
    expect(waited[0]?.text).toContain('Check-in not answered (<@UMENTOR>); Check-in not answered (<@UMENTEE>)');
  });
});

describe('pair report (staff)', () => {
  async function submitNote(user: string, checkin: FakeMessage, values: Record<string, unknown>) {
    const checkinId = Number(/checkin:(\d+)/.exec(JSON.stringify(checkin.blocks))?.[1]);
    const opened = h.slack.callsTo('views.open').length;
    await h.sender.action({
      user,
      trigger_id: `1.2.${user}`,
      actions: [{ type: 'button', action_id: 'checkin_note', value: String(checkinId), action_ts: '1' }],
      container: { type: 'message', channel_id: checkin.channel, message_ts: checkin.ts },
      channel: { id: checkin.channel },
      message: { ts: checkin.ts },
    });
    await h.waitUntil(() => h.slack.callsTo('views.open').length > opened, 'the note form');
    const view = h.slack.callsTo('views.open').at(-1)?.args.view as { private_metadata: string };
    return h.sender.viewSubmission({
      user: { id: user },
      view: { id: `V${user}`, callback_id: 'checkin_note', private_metadata: view.private_metadata, state: { values } },
    });
  }
  const openedReport = (n: number) =>
    h.slack
      .callsTo('views.open')
      .slice(n)
      .find((c) => (c.args.view as { callback_id?: string }).callback_id === 'pair_report');

  test('from the alert’s Report button, staff read the week: both answers with rating and blockers, the session log with its private notes', async () => {
    await h.tick(SLOT);
    const checkin = h.messagesTo(pairConversation()?.id, 'checkin')[0] as FakeMessage;
    const ok = await submitNote(MENTEE, checkin, {
      answer: { value: { type: 'radio_buttons', selected_option: { value: 'met' } } },
      rating: { value: { type: 'static_select', selected_option: { value: '2' } } },
      topics: { value: { type: 'plain_text_input', value: 'recursion' } },
      blockers: { value: { type: 'plain_text_input', value: 'blocked by my laptop <!channel>' } },
    });
    expect(ok.status).toBe(200);
    // A rating of 2 and a blocker: one alert for staff, with the words, escaped.
    await h.waitUntil(() => alertsPosted().length === 1, 'the note signal alert');
    const signal = alertsPosted()[0] as FakeMessage;
    expect(signal.text).toBe('Backend, week of 11 Jan — Check-in note needs a look (<@UMENTEE>)');
    expect(JSON.stringify(signal.blocks)).toContain('rated the week 2/5 and says something is blocking them');
    expect(JSON.stringify(signal.blocks)).toContain('>Blocking: blocked by my laptop &lt;!channel&gt;');
    // Changing the note the same week raises nothing more.
    await submitNote(MENTEE, checkin, {
      answer: { value: { type: 'radio_buttons', selected_option: { value: 'met' } } },
      rating: { value: { type: 'static_select', selected_option: { value: '1' } } },
      blockers: { value: { type: 'plain_text_input', value: 'still the laptop' } },
    });
    await h.waitUntil(
      async () => (await h.database.db.selectFrom('checkin_answers').select('rating').executeTakeFirst())?.rating === 1,
      'the changed note',
    );
    expect(await h.database.db.selectFrom('alerts').select('reason').execute()).toEqual([{ reason: 'note_signal' }]);
    const pairing = await h.database.db.selectFrom('pairings').select('id').executeTakeFirstOrThrow();
    const logged = await h.tandem.services.records.saveLog(MENTOR, {
      pairingId: pairing.id,
      sessionDate: '2027-01-12',
      minutes: 45,
      done: 'went through closures',
      privateNotes: 'seems tired, check in on workload',
    });
    expect(logged.ok).toBe(true);
    // The mentor never answers: an alert with a Report button.
    await h.tick('2027-01-13T17:30:00Z');
    const alert = alertsPosted().find((a) => a.text.includes('<@UMENTOR>')) as FakeMessage;
    const actions = (alert.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
      (b) => b.type === 'actions',
    );
    const report = actions?.elements?.find((e) => e.action_id === 'report_open');
    expect(report?.value).toBe(String(pairing.id));

    // The staff App Home: one line per pair, each reason with who and since when, and a Report button.
    await h.tick('2027-01-14T09:00:00Z');
    const from = h.slack.calls.length;
    expect(
      (
        await h.sender.event(
          { type: 'app_home_opened', user: ADMIN, channel: 'D0HOME', tab: 'home', event_ts: '1' },
          { eventId: 'EvHOME1' },
        )
      ).status,
    ).toBe(200);
    const home = (await h.slack.waitFor((c) => c.method === 'views.publish' && c.args.user_id === ADMIN, { from })).args.view as {
      blocks: { accessory?: { action_id: string; value: string }; text?: { text: string } }[];
    };
    const pairLines = home.blocks.filter((b) => b.accessory?.action_id === 'report_open');
    expect(pairLines).toHaveLength(1);
    expect(pairLines[0]?.accessory?.value).toBe(String(pairing.id));
    // …and a link to the pair's alert message.
    const link = `https://fake.slack.test/archives/${ALERTS}/p${alert.ts.replace('.', '')}`;
    expect(pairLines[0]?.text?.text).toBe(
      `<@UMENTOR> & <@UMENTEE>: check-in note needs a look (<@UMENTEE>) since Mon 11 Jan; check-in not answered (<@UMENTOR>) since Mon 11 Jan — nobody yet · <${link}|the alert>`,
    );

    const before = h.slack.callsTo('views.open').length;
    const click = (user: string) =>
      h.sender.action({
        user,
        trigger_id: `9.9.${user}`,
        actions: [{ type: 'button', action_id: 'report_open', value: report?.value, action_ts: '1' }],
        container: { type: 'message', channel_id: alert.channel, message_ts: alert.ts },
        channel: { id: alert.channel },
        message: { ts: alert.ts },
      });
    expect((await click(ADMIN)).status).toBe(200);
    await h.waitUntil(() => Boolean(openedReport(before)), 'the report to open');
    const text = JSON.stringify((openedReport(before)?.args.view as { blocks: unknown[] }).blocks);
    expect(text).toContain('Week 1');
    expect(text).toContain('Check-in, <@UMENTEE>: met · rated 1/5 · :construction: blocking “still the laptop”');
    expect(text).toContain('Alert: check-in note needs a look (<@UMENTEE>), since Mon 11 Jan — open');
    expect(text).toContain('Check-in, <@UMENTOR>: _no answer_');
    expect(text).toContain(
      'Session logged by <@UMENTOR>: Tue 12 Jan, 45 min · did “went through closures” · private notes “seems tired, check in on workload”',
    );
    expect(text).toContain('Alert: check-in not answered (<@UMENTOR>), since Mon 11 Jan — open');
    expect(text).not.toMatch(/\d{4}-W\d{2}/);
    // The private notes reach staff here and nowhere else.
    for (const c of h.slack.calls.filter((c) => c.method.startsWith('chat.') || c.method === 'views.publish'))
      expect(JSON.stringify(c.args)).not.toContain('seems tired');

    // A mentee pressing Report (say, on a forwarded message) is refused.
    const opened = h.slack.callsTo('views.open').length;
    await click(MENTEE);
    const refusal = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral' });
    expect(openedReport(opened)).toBeUndefined();
  });

  test('`/tandem report @mentor @mentee` opens it for staff (any mention form), and refuses everyone else', async () => {
    await h.tick(SLOT);
    const before = h.slack.callsTo('views.open').length;
    const res = await h.sender.command({
      command: '/tandem',
      text: `report <@${MENTOR}|ada.l-ovelace> <@${MENTEE}>`,
      user_id: ADMIN,
    });
    expect(res.status).toBe(200);
    await h.waitUntil(() => Boolean(openedReport(before)), 'the report to open');
    expect(JSON.stringify((openedReport(before)?.args.view as { blocks: unknown[] }).blocks)).toContain(
      'Check-in, <@UMENTEE>: _no answer_',
    );

    await h.sender.command({ command: '/tandem', text: `report <@${MENTOR}|ada> <@${MENTEE}|bo>`, user_id: MENTEE });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    await h.sender.command({ command: '/tandem', text: `report <@${MENTOR}|ada> <@${ADMIN}|sam>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('have never been paired'));
    const bad = await h.sender.command({ command: '/tandem', text: 'report ada bo', user_id: ADMIN });
    expect(JSON.stringify(bad.json())).toContain('/tandem report @mentor @mentee');
    expect(openedReport(before + 1)).toBeUndefined();
  });

  test('a long program pages by weeks; Newer and Older turn the page in place', async () => {
    // A twelve-week program; ten weekly check-ins answered by the mentee.
    await h.database.db.updateTable('programs').set({ length_weeks: 12 }).execute();
    for (let week = 0; week < 10; week++) {
      const at = new Date(Date.parse(SLOT) + week * 7 * 86_400_000).toISOString();
      await h.tick(at);
      const checkin = h.messagesTo(pairConversation()?.id, 'checkin')[week] as FakeMessage;
      await clickAnswer(MENTEE, checkin, 'met');
      // The click is handled after its ack: let it land before the clock moves on.
      await h.waitUntil(
        async () => (await h.database.db.selectFrom('checkin_answers').selectAll().execute()).length === week + 1,
        `the answer of week ${week + 1}`,
      );
    }
    const pairing = await h.database.db.selectFrom('pairings').select('id').executeTakeFirstOrThrow();
    const r = await h.tandem.services.reports.pairReport(ADMIN, { a: MENTEE, b: MENTOR });
    expect(r.ok && r.report.pairing.id).toBe(pairing.id);
    const { pairReportView } = await import('../../src/messages/report.js');
    const first = pairReportView((r as Extract<typeof r, { ok: true }>).report);
    const firstText = JSON.stringify(first.blocks);
    expect(firstText).toContain('Week 10');
    expect(firstText).not.toContain('Week 4*');
    expect(firstText).toContain('Page 1 of 2');
    const older = (first.blocks.at(-1) as { elements: { action_id: string; value: string }[] }).elements.find(
      (e) => e.action_id === 'report_page_older',
    );
    expect(older?.value).toBe(`${pairing.id}:1`);

    const res = await h.sender.action({
      user: ADMIN,
      trigger_id: '3.3.x',
      actions: [{ type: 'button', action_id: 'report_page_older', value: older?.value, action_ts: '1' }],
      view: { id: 'VREPORT', hash: 'h1', type: 'modal', callback_id: 'pair_report' },
      container: { type: 'view', view_id: 'VREPORT' },
    });
    expect(res.status).toBe(200);
    const update = await h.slack.waitFor('views.update');
    expect(update.args).toMatchObject({ view_id: 'VREPORT', hash: 'h1' });
    const page2 = JSON.stringify((update.args.view as { blocks: unknown[] }).blocks);
    expect(page2).toContain('Week 4*');
    expect(page2).toContain('Week 1*');
    expect(page2).not.toContain('Week 5*');
    expect(page2).toContain('Page 2 of 2');
  });
});

describe('program edit and close (staff)', () => {
  const fill = (view: { blocks: { block_id?: string; element?: Record<string, unknown> }[] }) => {
    // What Slack sends back for a form left as it opened: each field's initial value.
    const state: Record<string, Record<string, unknown>> = {};
    for (const b of view.blocks) {
      const e = b.element;
      if (!b.block_id || !e) continue;
      const v =
        e.type === 'datepicker'
          ? { type: e.type, selected_date: e.initial_date }
          : e.type === 'timepicker'
            ? { type: e.type, selected_time: e.initial_time }
            : e.type === 'static_select'
              ? { type: e.type, selected_option: e.initial_option }
              : e.type === 'conversations_select'
                ? { type: e.type, selected_conversation: e.initial_conversation }
                : { type: e.type, value: e.initial_value ?? null };
      state[b.block_id] = { value: v };
    }
    return state;
  };

  test('/tandem program edit opens the form filled in; saved changes apply from the next check-in and never move what was asked', async () => {
    await h.tick(SLOT);
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(1);
    h.setNow('2027-01-12T16:00:00Z');
    await h.sender.command({ command: '/tandem', text: 'program edit', user_id: MENTEE, trigger_id: '9.1.a' });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    await h.sender.command({ command: '/tandem', text: 'program edit Backend', user_id: ADMIN, trigger_id: '9.2.a' });
    const open = await h.slack.waitFor('views.open');
    const view = open.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: Record<string, unknown> }[];
    };
    expect(view.callback_id).toBe('program_edit');
    const state = fill(view);
    expect(state.name).toEqual({ value: { type: 'plain_text_input', value: 'Backend' } });
    expect(state.alertsChannelId).toEqual({ value: { type: 'conversations_select', selected_conversation: ALERTS } });
    const submit = (values: Record<string, Record<string, unknown>>, user = ADMIN) =>
      h.sender.viewSubmission({
        user: { id: user },
        view: {
          id: 'VEDIT',
          hash: `h${Math.random()}`,
          callback_id: 'program_edit',
          private_metadata: view.private_metadata,
          state: { values },
        },
      });

    // The program began on Monday: its first day stays, and a mentee cannot save anything.
    const moved = await submit({ ...state, startDate: { value: { type: 'datepicker', selected_date: '2027-01-18' } } });
    expect(JSON.stringify(moved.json())).toContain('cannot move once the program has started');
    const stranger = await submit(state, MENTEE);
    expect(JSON.stringify(stranger.json())).toContain('Only program staff');

    // Check-ins move to Wednesday 09:00 from now on.
    const ok = await submit({
      ...state,
      checkinWeekday: { value: { type: 'static_select', selected_option: { value: '3' } } },
      checkinTime: { value: { type: 'timepicker', selected_time: '09:00' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('');
    expect(
      await h.database.db
        .selectFrom('programs')
        .select(['checkin_weekday', 'checkin_time', 'start_date'])
        .executeTakeFirstOrThrow(),
    ).toEqual({ checkin_weekday: 3, checkin_time: '09:00', start_date: '2027-01-11' });
    await h.waitUntil(() => h.messagesTo(ADMIN, 'program_edited').length === 1, 'the saved note to staff');
    expect(h.messagesTo(ADMIN, 'program_edited')[0]?.text).toContain('apply from the next check-in');
    const week1 = await h.database.db.selectFrom('checkins').select(['week_key', 'prompt_at']).execute();
    expect(week1).toHaveLength(1);
    expect(week1[0]?.prompt_at.toISOString()).toBe('2027-01-11T17:00:00.000Z');

    // Monday of week 2 asks nothing; Wednesday 09:00 in Denver (16:00Z) does.
    await h.tick('2027-01-18T17:00:00Z');
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(1);
    await h.tick('2027-01-20T15:59:00Z');
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(1);
    await h.tick('2027-01-20T16:00:00Z');
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(2);

    // In week 2 the program cannot be made one week long; nothing is saved.
    const short = await submit({ ...state, lengthWeeks: { value: { type: 'number_input', value: '1' } } });
    expect(JSON.stringify(short.json())).toContain('The program is in week 2: make it at least 2 weeks long');
    expect(await h.database.db.selectFrom('programs').select('length_weeks').executeTakeFirstOrThrow()).toEqual({
      length_weeks: 6,
    });
  });

  test('/tandem program close asks first; once confirmed the pairs get a goodbye, alerts end as “program ended”, staff get the summary, and the next Monday brings no digest', async () => {
    await h.tick(SLOT);
    await h.tick('2027-01-13T17:35:00Z');
    const alert = alertsPosted()[0] as FakeMessage;
    expect(alert.text).not.toContain('Resolved');

    await h.sender.command({ command: '/tandem', text: 'program close', user_id: MENTEE });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    await h.sender.command({ command: '/tandem', text: 'program close Backend', user_id: ADMIN });
    const question = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('program_close_confirm'));
    expect(question.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(question.body)).toContain('Close “Backend” now? Its pairing ends');
    const button = ((
      question.body as { blocks: { type: string; elements?: { action_id: string; value: string; confirm?: unknown }[] }[] }
    ).blocks.find((b) => b.type === 'actions')?.elements ?? [])[0];
    expect(button?.confirm).toBeDefined();
    // Nothing has happened yet: asking is not closing.
    expect(await h.database.db.selectFrom('programs').select('closed_at').executeTakeFirstOrThrow()).toEqual({ closed_at: null });

    // The button does nothing for someone who is not staff (a forwarded or forged click).
    await h.sender.action({
      user: MENTEE,
      actions: [{ type: 'button', action_id: 'program_close_confirm', value: button?.value, action_ts: '1' }],
      container: { type: 'message', channel_id: 'CSTAFF', message_ts: '1799999999.000100', is_ephemeral: true },
      channel: { id: 'CSTAFF' },
    });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'), {
      from: h.slack.responses.indexOf(question) + 1,
    });
    expect(await h.database.db.selectFrom('programs').select('closed_at').executeTakeFirstOrThrow()).toEqual({ closed_at: null });
    await h.sender.action({
      user: ADMIN,
      actions: [{ type: 'button', action_id: 'program_close_confirm', value: button?.value, action_ts: '1' }],
      container: { type: 'message', channel_id: 'CSTAFF', message_ts: '1799999999.000100', is_ephemeral: true },
      channel: { id: 'CSTAFF' },
    });
    const done = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Closed “Backend”'));
    expect(JSON.stringify(done.body)).toContain('one pairing ended');
    await h.tandem.services.sender.idle();
    await h.waitUntil(
      () => (h.slack.conversations.get(ALERTS)?.messages.find((m) => m.ts === alert.ts)?.text ?? '').startsWith('Resolved'),
      'the alert resolved',
    );
    expect(JSON.stringify(h.slack.conversations.get(ALERTS)?.messages.find((m) => m.ts === alert.ts)?.blocks)).toContain(
      'the program ended',
    );
    expect(h.messagesTo(pairConversation()?.id, 'program_end')).toHaveLength(1);
    expect(h.messagesTo(ALERTS, 'program_summary')).toHaveLength(1);
    expect(await h.database.db.selectFrom('alerts').select('resolved_by').execute()).toEqual([
      { resolved_by: 'program_ended' },
      { resolved_by: 'program_ended' },
    ]);

    // The next Monday: no digest, no check-in, no reminder; and a second close finds nothing to close.
    for (const at of ['2027-01-18T16:00:00Z', '2027-01-18T17:00:00Z', '2027-01-19T17:00:00Z']) await h.tick(at);
    expect(h.messagesTo(ALERTS, 'digest')).toEqual([]);
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(1);
    expect(h.messagesTo(ALERTS, 'program_summary')).toHaveLength(1);
    await h.sender.command({ command: '/tandem', text: 'program close Backend', user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('“Backend” is already closed.'));
    // A closed program's settings no longer change: the command says so, and an edit form still open saves nothing.
    await h.sender.command({ command: '/tandem', text: 'program edit Backend', user_id: ADMIN });
    await h.slack.waitForResponse((r) =>
      JSON.stringify(r.body).includes('“Backend” is closed; its settings can no longer change.'),
    );
    const program = await h.database.db.selectFrom('programs').select(['id', 'name']).executeTakeFirstOrThrow();
    const late = await h.sender.viewSubmission({
      user: { id: ADMIN },
      view: {
        id: 'VLATE',
        hash: 'h1',
        callback_id: 'program_edit',
        private_metadata: String(program.id),
        state: { values: { name: { value: { type: 'plain_text_input', value: 'Renamed' } } } },
      },
    });
    expect(JSON.stringify(late.json())).toContain('is closed; it can no longer be edited');
    expect(await h.database.db.selectFrom('programs').select('name').executeTakeFirstOrThrow()).toEqual({ name: 'Backend' });
  });
});

describe('what people read names weeks by their dates', () => {
  /** An ISO week key such as 2027-W02: fine in the database and in dedupe keys, never in a text. */
  const isoWeekKey = /\b\d{4}-W\d{2}\b/;
  const weekKeysIn = () => [
    ...h.slack.calls
      .filter((c) => /^(chat\.|views\.)/.test(c.method) && isoWeekKey.test(JSON.stringify(c.args)))
      .map((c) => `${c.method}: ${isoWeekKey.exec(JSON.stringify(c.args))?.[0]}`),
    ...h.slack.responses
      .filter((r) => isoWeekKey.test(JSON.stringify(r.body)))
      .map((r) => `response_url: ${isoWeekKey.exec(JSON.stringify(r.body))?.[0]}`),
  ];
  async function openHome(user: string): Promise<string> {
    const from = h.slack.calls.length;
    await h.sender.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1' });
    return JSON.stringify(
      (await h.slack.waitFor((c) => c.method === 'views.publish' && c.args.user_id === user, { from })).args.view,
    );
  }

  test('three weeks of check-ins, standups, digests, reports and App Home: no ISO week key reaches Slack; App Home says “week of …” in the reader’s zone', async () => {
    let mentorHome = '';
    for (let week = 0; week < 3; week++) {
      const day = (d: number, time: string) =>
        new Date(Date.parse(`2027-01-${String(11 + d).padStart(2, '0')}T${time}:00Z`) + week * 7 * 86_400_000).toISOString();
      await h.tick(day(0, '17:00')); // Monday's check-in
      const checkin = h.messagesTo(pairConversation()?.id, 'checkin')[week] as FakeMessage;
      // The mentee answers every week; the mentor stays silent in the last one (a reminder, then an alert).
      await clickAnswer(MENTEE, checkin, 'met');
      if (week < 2) await clickAnswer(MENTOR, checkin, 'met');
      await h.waitUntil(
        async () =>
          (await h.database.db.selectFrom('checkin_answers').selectAll().execute()).length === 2 * week + (week < 2 ? 2 : 1),
        'the answers',
      );
      await h.tick(day(2, '09:00')); // Wednesday: reminders and alerts for a silent partner
      await h.tick(day(4, '09:00')); // Friday 10:00 in Berlin: the standup
      mentorHome = await openHome(MENTOR);
      await openHome(MENTEE);
      await openHome(ADMIN);
      await h.tick(day(5, '09:00')); // after the standup day everywhere
    }
    await h.tick('2027-02-01T16:00:00Z'); // Monday's digest
    const from = h.slack.calls.length;
    await h.sender.command({ command: '/tandem', text: `report <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitFor('views.open', { from });
    await h.sender.command({ command: '/tandem', text: 'list', user_id: ADMIN });
    await h.slack.waitForResponse();

    // Not vacuous: the weeks were there to be named.
    expect(h.messagesTo(pairConversation()?.id, 'checkin')).toHaveLength(3);
    expect(h.messagesTo(MENTOR, 'standup_prompt')).toHaveLength(3);
    expect(h.messagesTo(ALERTS, 'digest').length).toBeGreaterThan(0);
    // The mentor reads in Berlin: the last check-in was asked on Monday 25 January there.
    expect(mentorHome).toContain('Last check-in: We met (week of 25 January)');
    expect(mentorHome).toContain('standup (week of 25 January)');
    expect(weekKeysIn()).toEqual([]);
  });
});
