import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { seedProgram, worldTest, type World } from '../support/world.js';

/**
 * Slack delivers events in no particular order, retries them, and sometimes not at all. Here a
 * pair's message, the partner's reaction and their thread reply reach the bot (over signed HTTP)
 * in every order, duplicated, or never; staff must hear only about a partner who really is silent.
 * Program in Denver from Monday 2027-01-11; mentor in Berlin, mentee in New York; 2 work days.
 */
let h: World;
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';
const ALERTS = 'GALERTS';
// Mentee writes Monday 08:00 Denver; the mentor (Berlin) has until Wednesday 16:00 Berlin = 15:00Z.
const WRITTEN = '2027-01-11T15:00:00Z';
const DUE = '2027-01-13T15:00:00Z';
const WELL_AFTER = '2027-01-14T12:00:00Z';

const conversation = () => h.pairConversation(MENTOR, MENTEE);
const replyAlerts = (about?: string) =>
  (h.slack.conversations.get(ALERTS)?.messages ?? []).filter(
    (m) =>
      m.metadata?.event_payload?.kind === 'alert' &&
      m.text.includes('Message not answered') &&
      (!about || m.text.includes(`<@${about}>`)),
  );
const facts = () => h.database.db.selectFrom('pair_activity').selectAll().orderBy('id').execute();
const replyRows = () => h.database.db.selectFrom('expectations').selectAll().where('kind', '=', 'reply').orderBy('id').execute();

/**
 * What happened, as Slack would deliver it; nothing is sent yet. The mentee writes, the mentor
 * reacts and replies in the thread, and the mentee acknowledges that reply with a reaction.
 */
function happen() {
  h.setNow(WRITTEN);
  const conv = conversation()?.id as string;
  const message = h.slack.postAs(MENTEE, conv, 'Could you review my pull request before Thursday?');
  const reaction = h.slack.reactAs(MENTOR, message, 'eyes');
  const reply = h.slack.postAs(MENTOR, conv, 'On it, tonight.', { thread_ts: message.ts });
  const ack = h.slack.reactAs(MENTEE, reply, '+1');
  return {
    message,
    reply,
    ack,
    events: { message: h.slack.messageEvent(message), reaction, reply: h.slack.messageEvent(reply) },
  };
}

async function deliver(event: Record<string, unknown>, retryNum?: number) {
  const res = await h.sender.event(event, retryNum === undefined ? {} : { retryNum });
  expect(res.status).toBe(200);
}

const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });

/** Events are handled after Slack gets its 200; wait until no handler of the last test still works in the database. */
async function quiet() {
  let calm = 0;
  for (let i = 0; i < 500 && calm < 3; i++) {
    const busy = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state not in ('idle')`.execute(
      h.database.db,
    );
    calm = busy.rows[0]?.n === 0 ? calm + 1 : 0;
    await new Promise((r) => setTimeout(r, 10));
  }
}

test.beforeEach(async ({ world }) => {
  h = world;
  await h.services.sender.idle();
  await quiet();
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

const orders: (keyof ReturnType<typeof happen>['events'])[][] = [
  ['message', 'reaction', 'reply'],
  ['message', 'reply', 'reaction'],
  ['reaction', 'message', 'reply'],
  ['reaction', 'reply', 'message'],
  ['reply', 'message', 'reaction'],
  ['reply', 'reaction', 'message'],
];

describe('events in any order', () => {
  test.each(orders)(
    '%s, %s, %s (each delivered twice, after the acknowledgement of the reply): deadlines met, nobody nudged or alerted, each fact stored once',
    async (...order) => {
      const { message, reply, ack, events } = happen();
      await deliver(ack);
      await h.waitUntil(async () => (await facts()).length === 1, 'the acknowledgement to be stored');
      for (const name of order) {
        await deliver(events[name]);
        // Each handled before the next: the order the bot sees is the order under test.
        const before = order.indexOf(name) + 2;
        await h.waitUntil(async () => (await facts()).length === before, `${name} to be stored`);
      }
      for (const name of order) await deliver(events[name], 1);
      await deliver(ack, 1);

      await h.tick('2027-01-12T15:00:00Z');
      await h.tick(DUE);
      await h.tick(WELL_AFTER);
      expect(replyAlerts()).toHaveLength(0);
      const dms = [...h.slack.conversations.values()]
        .filter((c) => c.is_im)
        .flatMap((c) => c.messages)
        .filter((m) => m.metadata?.event_payload?.kind === 'reminder');
      expect(dms.filter((m) => m.text.includes('wrote to you'))).toHaveLength(0);

      const stored = await facts();
      expect(
        stored
          .map((f) => ({
            kind: f.kind,
            actor: f.actor,
            ts: f.ts,
            thread_ts: f.thread_ts,
            item_ts: f.item_ts,
            reaction: f.reaction,
          }))
          .sort((a, b) => a.kind.localeCompare(b.kind) || a.actor.localeCompare(b.actor)),
      ).toEqual([
        { kind: 'message', actor: MENTEE, ts: message.ts, thread_ts: null, item_ts: null, reaction: null },
        { kind: 'message', actor: MENTOR, ts: reply.ts, thread_ts: message.ts, item_ts: null, reaction: null },
        { kind: 'reaction', actor: MENTEE, ts: ack.event_ts, thread_ts: null, item_ts: reply.ts, reaction: '+1' },
        { kind: 'reaction', actor: MENTOR, ts: events.reaction.event_ts, thread_ts: null, item_ts: message.ts, reaction: 'eyes' },
      ]);
      // Only ids and times: the text of the messages is nowhere in the database.
      expect(JSON.stringify(stored)).not.toContain('pull request');
      const owed = await replyRows();
      expect(
        owed.map((e) => ({ subject: e.subject, source_ref: e.source_ref, status: e.status, escalated_at: e.escalated_at })),
      ).toEqual([expect.anything(), expect.anything()]);
      expect(owed.find((e) => e.subject === MENTOR)).toMatchObject({ status: 'met', source_ref: message.ts, escalated_at: null });
      expect(owed.find((e) => e.subject === MENTEE)).toMatchObject({ status: 'met', source_ref: reply.ts, escalated_at: null });
    },
  );

  test('a reaction handled before the message it is on meets the deadline the moment the deadline is created', async () => {
    const { message, events } = happen();
    await deliver(events.reaction);
    await h.waitUntil(async () => (await facts()).length === 1, 'the reaction stored');
    await deliver(events.message);
    await h.waitUntil(async () => (await replyRows()).length === 1, 'the mentor deadline');
    expect(await replyRows()).toEqual([expect.objectContaining({ subject: MENTOR, source_ref: message.ts, status: 'met' })]);
  });

  test('the same events at once, each three times, still meet the deadline once', async () => {
    const { ack, events } = happen();
    await Promise.all(
      [0, 1, 2].flatMap((retry) =>
        [ack, events.reply, events.reaction, events.message].map((e) => deliver(e, retry === 0 ? undefined : retry)),
      ),
    );
    await h.waitUntil(async () => (await facts()).length === 4, 'four facts');
    await h.tick(WELL_AFTER);
    expect(replyAlerts()).toHaveLength(0);
    expect((await replyRows()).map((e) => e.status)).toEqual(['met', 'met']);
  });

  test('events for one pair wait for each other in the database, so two replicas cannot both decide "no answer yet"', async () => {
    const { message, events } = happen();
    const pairing = await h.database.db.selectFrom('pairings').select('id').executeTakeFirstOrThrow();
    // Another replica is deciding about this pair: it holds the pair's lock.
    const other = new pg.Client({ connectionString: h.database.url });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock($1::int4, $2::int4)', [16_0007, pairing.id]);
      await deliver(events.message);
      await deliver(events.reaction);
      const waiting = async () =>
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and classid = 160007 and objid = ${pairing.id}`.execute(
            h.database.db,
          )
        ).rows[0]?.n ?? 0;
      await h.waitUntil(async () => (await waiting()) === 2, 'both events to wait for the pair');
      expect(await facts()).toEqual([]);
      await other.query('select pg_advisory_unlock($1::int4, $2::int4)', [16_0007, pairing.id]);
    } finally {
      await other.end();
    }
    await h.waitUntil(async () => (await facts()).length === 2, 'both facts stored');
    await h.waitUntil(async () => (await replyRows())[0]?.status === 'met', 'the deadline met');
    expect(await replyRows()).toEqual([expect.objectContaining({ subject: MENTOR, source_ref: message.ts, status: 'met' })]);
  });

  test('a later message that arrives first does not hide an earlier unanswered one: the deadline runs from the first', async () => {
    h.setNow(WRITTEN);
    const conv = conversation()?.id as string;
    const first = h.slack.postAs(MENTEE, conv, 'hello?');
    h.setNow('2027-01-12T15:00:00Z');
    const second = h.slack.postAs(MENTEE, conv, 'are you there?');
    await deliver(h.slack.messageEvent(second));
    await h.waitUntil(async () => (await replyRows()).length === 1, 'a deadline from the second message');
    await deliver(h.slack.messageEvent(first));
    await h.waitUntil(async () => (await replyRows())[0]?.source_ref === first.ts, 'the deadline to run from the first message');
    expect((await replyRows())[0]?.due_at.toISOString()).toBe('2027-01-13T15:00:00.000Z');
  });
});

describe('an escalation is double-checked', () => {
  test('a reply whose event Slack never delivered is found in Slack before staff are alerted', async () => {
    h.setNow(WRITTEN);
    const conv = conversation()?.id as string;
    const message = h.slack.postAs(MENTEE, conv, 'Could we move Thursday?');
    await deliver(h.slack.messageEvent(message));
    await h.waitUntil(async () => (await replyRows()).length === 1, 'the mentor deadline');
    h.setNow('2027-01-11T18:00:00Z');
    h.slack.postAs(MENTOR, conv, 'Sure, Friday works.');

    await h.tick(DUE);
    await h.tick(WELL_AFTER);
    expect(replyAlerts(MENTOR)).toHaveLength(0);
    expect(h.slack.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(
      (await facts()).filter((f) => f.learned_from === 'slack_check').map((f) => ({ kind: f.kind, actor: f.actor })),
    ).toEqual([{ kind: 'message', actor: MENTOR }]);
    expect((await replyRows()).find((e) => e.subject === MENTOR)?.status).toBe('met');
  });

  test('a reaction whose event was lost is found with reactions.get; a thread reply with conversations.replies', async () => {
    h.setNow(WRITTEN);
    const conv = conversation()?.id as string;
    const first = h.slack.postAs(MENTEE, conv, 'first');
    await deliver(h.slack.messageEvent(first));
    h.slack.reactAs(MENTOR, first, 'thumbsup');
    await h.waitUntil(async () => (await replyRows()).length === 1, 'the mentor deadline');
    await h.tick(WELL_AFTER);
    expect(replyAlerts()).toHaveLength(0);
    expect(h.slack.callsTo('reactions.get').some((c) => c.args.timestamp === first.ts)).toBe(true);

    h.setNow('2027-01-18T15:00:00Z');
    const second = h.slack.postAs(MENTEE, conv, 'second');
    await deliver(h.slack.messageEvent(second));
    await h.waitUntil(async () => (await replyRows()).length === 2, 'a second mentor deadline');
    h.slack.postAs(MENTOR, conv, 'answered in the thread', { thread_ts: second.ts });
    await h.tick('2027-01-21T12:00:00Z');
    expect(replyAlerts(MENTOR)).toHaveLength(0);
    expect(h.slack.callsTo('conversations.replies').some((c) => c.args.ts === second.ts)).toBe(true);
    expect((await replyRows()).filter((e) => e.subject === MENTOR).map((e) => e.status)).toEqual(['met', 'met']);
  });

  test('a partner who is really silent is alerted exactly once, and the alert says how that was established', async () => {
    const { message } = happen();
    // The mentor did answer in the fake, but take those back: only the message exists.
    const conv = h.slack.conversations.get(message.channel);
    if (conv) conv.messages = conv.messages.filter((m) => m.ts === message.ts);
    const stored = conv?.messages.find((m) => m.ts === message.ts) as FakeMessage;
    stored.reactions = [];
    await deliver(h.slack.messageEvent(message));
    await h.waitUntil(async () => (await replyRows()).length === 1, 'the mentor deadline');

    await h.tick('2027-01-13T14:59:00Z');
    expect(replyAlerts()).toHaveLength(0);
    await h.tick(DUE);
    await h.tick('2027-01-13T15:05:00Z');
    await h.tick(WELL_AFTER);
    const alerts = replyAlerts();
    expect(alerts).toHaveLength(1);
    const shown = JSON.stringify(alerts[0]?.blocks);
    expect(shown).toContain('Slack showed none either when checked just before this alert');
    expect(shown).not.toContain(message.ts);
    expect(shown).not.toContain('reply:');
    expect(shown).not.toContain('pull request');
  });

  test('when Slack cannot be asked, the alert waits an hour past the deadline, then says it rests on records alone', async () => {
    h.setNow(WRITTEN);
    const conv = conversation()?.id as string;
    const message = h.slack.postAs(MENTEE, conv, 'anyone?');
    await deliver(h.slack.messageEvent(message));
    await h.waitUntil(async () => (await replyRows()).length === 1, 'the mentor deadline');
    h.slack.inject('reactions.get', { kind: 'server_error', status: 503 }, 100);

    await h.tick(DUE);
    await h.tick('2027-01-13T15:30:00Z');
    expect(replyAlerts()).toHaveLength(0);
    await h.tick('2027-01-13T16:01:00Z');
    const alerts = replyAlerts();
    expect(alerts).toHaveLength(1);
    expect(JSON.stringify(alerts[0]?.blocks)).toContain('Slack could not be reached to double-check');
  });
});

describe('check-ins answered by a reaction', () => {
  test('a reaction on the check-in message answers it, even when its event was lost', async () => {
    await h.tick('2027-01-11T17:00:00Z');
    const checkin = conversation()?.messages.find((m) => m.metadata?.event_payload?.kind === 'checkin') as FakeMessage;
    await deliver(h.slack.reactAs(MENTOR, checkin, 'white_check_mark'));
    h.slack.reactAs(MENTEE, checkin, 'thumbsup');
    await h.waitUntil(async () => (await facts()).length === 1, 'the mentor reaction');
    await h.tick(WELL_AFTER);
    const checkinAlerts = (h.slack.conversations.get(ALERTS)?.messages ?? []).filter((m) =>
      m.text.includes('Check-in not answered'),
    );
    expect(checkinAlerts).toHaveLength(0);
    const rows = await h.database.db
      .selectFrom('expectations')
      .select(['subject', 'status'])
      .where('kind', '=', 'checkin')
      .orderBy('subject')
      .execute();
    expect(rows).toEqual([
      { subject: MENTEE, status: 'met' },
      { subject: MENTOR, status: 'met' },
    ]);
  });
});
