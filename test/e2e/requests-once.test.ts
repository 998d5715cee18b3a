import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { seedProgram, worldTest, type World } from '../support/world.js';

/**
 * Each request takes effect once, whatever Slack (or someone replaying its requests) sends: repeated
 * commands, double-submitted forms, retried events; and what is not a request Tandem can use is
 * refused at the door with a status that says why.
 */
let h: World;
const ADMIN = 'UADMIN';
const ADA = 'UADA';
const M1 = 'UMENTEE1';
const ALERTS = 'GALERTS';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const nowSec = () => Math.floor(Date.now() / 1000);

async function until(what: string, check: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}
const logLines = (text: string) => h.logs.lines.filter((l) => l.includes(text)).length;

/** Rows in every table: what a refused request must leave as it was. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await sql<{
    table_name: string;
  }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(
    h.database.db,
  );
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)}`.execute(h.database.db);
    out[table_name] = r.rows[0]?.n ?? 0;
  }
  return out;
}

function noteCommand(text: string, responseUrl: string) {
  return form({
    token: 'legacy',
    team_id: h.slack.teamId,
    team_domain: 'fake-team',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: ADA,
    user_name: 'ada',
    command: '/tandem',
    text,
    api_app_id: 'A0APP',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: `${nowSec()}.${Math.floor(Math.random() * 1e9)}.note`,
  });
}
const notes = () => h.database.db.selectFrom('private_notes').selectAll().where('author_id', '=', ADA).execute();

const test = worldTest({ admins: [ADMIN], now: '2027-01-12T15:00:00Z' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset();
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      { id: ADA, name: 'ada', tz: 'Europe/Berlin' },
      { id: M1, name: 'm1', tz: 'America/New_York' },
    ],
    at: '2027-01-12T15:00:00Z',
    alerts: { id: ALERTS, name: 'alerts' },
    pairs: [[ADA, M1]],
  });
});

/** ADA moves the 2027-01-20 12:00 meeting, submitting the reschedule form of the view `viewId`. */
function submitReschedule(pairingId: number, viewId: string, to: { newDate: string; newTime: string; reason: string }) {
  return h.sender.viewSubmission({
    user: { id: ADA },
    view: {
      id: viewId,
      type: 'modal',
      callback_id: 'reschedule_submit',
      private_metadata: '',
      state: {
        values: {
          pairing: { value: { type: 'static_select', selected_option: { value: String(pairingId) } } },
          original_date: { value: { type: 'datepicker', selected_date: '2027-01-20' } },
          original_time: { value: { type: 'timepicker', selected_time: '12:00' } },
          new_date: { value: { type: 'datepicker', selected_date: to.newDate } },
          new_time: { value: { type: 'timepicker', selected_time: to.newTime } },
          reason: { value: { type: 'plain_text_input', value: to.reason } },
        },
      },
    },
  });
}

describe('each request takes effect once', () => {
  test('the same signed /tandem note sent three times stores one note and answers once', async () => {
    const url = h.slack.responseUrl('note-replayed');
    const body = noteCommand(`note <@${M1}> ask about the capstone scope`, url);
    const ts = nowSec();
    const repeats = logLines('ignored a repeat of a command');
    const first = await h.sender.send(body, 'application/x-www-form-urlencoded', { timestamp: ts });
    await h.slack.waitForResponse((r) => r.id === 'note-replayed');
    const replays = await Promise.all(
      [0, 1].map(() => h.sender.send(body, 'application/x-www-form-urlencoded', { timestamp: ts })),
    );
    expect([first, ...replays].map((r) => r.status)).toEqual([200, 200, 200]);
    await until('both replays to be seen', () => logLines('ignored a repeat of a command') === repeats + 2);
    expect((await notes()).map((n) => n.body)).toEqual(['ask about the capstone scope']);
    const answers = h.slack.responses.filter((r) => r.id === 'note-replayed');
    expect(answers).toHaveLength(1);
    expect(JSON.stringify(answers[0]?.body)).toContain('Saved a private note');
  });

  test('two real invocations (each its own trigger id) store two notes', async () => {
    for (const [i, text] of ['first thought', 'second thought'].entries()) {
      await h.sender.command({ text: `note <@${M1}> ${text}`, user_id: ADA, response_url: h.slack.responseUrl(`note-${i}`) });
      await h.slack.waitForResponse((r) => r.id === `note-${i}`);
    }
    expect((await notes()).map((n) => n.body).sort()).toEqual(['first thought', 'second thought']);
  });

  test('a reschedule form submitted twice stores one reschedule and tells the pair once', async () => {
    const pairing = await h.database.db.selectFrom('pairings').selectAll().where('mentee_id', '=', M1).executeTakeFirstOrThrow();
    const submit = () =>
      submitReschedule(pairing.id, 'VRESCHEDULE1', { newDate: '2027-01-21', newTime: '18:00', reason: 'Conference day' });
    const twice = await Promise.all([submit(), submit()]);
    expect(twice.map((r) => [r.status, r.body])).toEqual([
      [200, ''],
      [200, ''],
    ]);
    // A replay of the same submission later changes nothing either.
    expect((await submit()).body).toBe('');
    await h.tandem.services.sender.idle();
    expect(await h.database.db.selectFrom('reschedules').selectAll().execute()).toHaveLength(1);
    expect(await h.database.db.selectFrom('audit_log').selectAll().where('action', 'like', 'meeting.%').execute()).toHaveLength(
      1,
    );
    const conversation = h.slack.conversations.get(pairing.conversation_id as string);
    const told = conversation?.messages.filter((m) => m.metadata?.event_payload?.kind === 'reschedule') ?? [];
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain('Conference day');
  });

  test('a reschedule whose announcement cannot be queued is not stored either, so submitting the form again works', async () => {
    const pairing = await h.database.db.selectFrom('pairings').selectAll().where('mentee_id', '=', M1).executeTakeFirstOrThrow();
    const submit = () =>
      submitReschedule(pairing.id, 'VRESCHEDULE2', { newDate: '2027-01-22', newTime: '09:00', reason: 'Dentist' });
    // The database refuses the outbox row (a real failure inside PostgreSQL, as a full disk would be).
    await sql`create function refuse_reschedule_delivery() returns trigger language plpgsql as $$ begin raise exception 'outbox unavailable'; end $$`.execute(
      h.database.db,
    );
    await sql`create trigger refuse_reschedule_delivery before insert on deliveries for each row when (new.kind = 'reschedule') execute function refuse_reschedule_delivery()`.execute(
      h.database.db,
    );
    try {
      const failed = await submit();
      expect(failed.status).toBe(200);
      expect(await h.database.db.selectFrom('reschedules').selectAll().execute()).toEqual([]);
    } finally {
      await sql`drop trigger refuse_reschedule_delivery on deliveries`.execute(h.database.db);
      await sql`drop function refuse_reschedule_delivery()`.execute(h.database.db);
    }
    expect((await submit()).body).toBe('');
    await h.tandem.services.sender.idle();
    expect(await h.database.db.selectFrom('reschedules').selectAll().execute()).toHaveLength(1);
    const told =
      h.slack.conversations
        .get(pairing.conversation_id as string)
        ?.messages.filter((m) => m.metadata?.event_payload?.kind === 'reschedule') ?? [];
    expect(told.map((m) => m.text)).toEqual([expect.stringContaining('Dentist')]);
  });

  test('app_home_opened delivered four times with one event id (retries 0..3) publishes App Home once', async () => {
    const from = h.slack.calls.length;
    const repeats = logLines('event already handled');
    const event = { type: 'app_home_opened', user: ADA, channel: 'D0HOME', tab: 'home' };
    const eventId = 'EvHOMEOPENED1';
    const answers = await Promise.all(
      [0, 1, 2, 3].map((retryNum) => h.sender.event(event, { eventId, ...(retryNum > 0 ? { retryNum } : {}) })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await h.slack.waitFor((c) => c.method === 'views.publish' && c.args.user_id === ADA, { from });
    await until('the three retries to be seen', () => logLines('event already handled') === repeats + 3);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'views.publish' && c.args.user_id === ADA)).toHaveLength(1);
    // Opening Home again is a new event: it publishes again.
    await h.sender.event(event);
    await until(
      'the second opening to publish',
      () => h.slack.calls.slice(from).filter((c) => c.method === 'views.publish' && c.args.user_id === ADA).length === 2,
    );
  });
});

describe('text is normalized on the way in', () => {
  test('a NUL and other control characters in a note are dropped, the text is NFC, and the person gets the usual confirmation', async () => {
    await h.sender.command({
      text: `note <@${M1}> call\u0000 back\u0007 about the cafe\u0301\nline two\tindented`,
      user_id: ADA,
      response_url: h.slack.responseUrl('note-nul'),
    });
    const answer = await h.slack.waitForResponse((r) => r.id === 'note-nul');
    expect(JSON.stringify(answer.body)).toContain('Saved a private note');
    expect((await notes()).map((n) => n.body)).toEqual(['call back about the caf\u00e9\nline two\tindented']);
  });
});

describe('requests Tandem cannot use are refused at the door', () => {
  test('timestamps 4 and 10 minutes in the future get 401 and change nothing; 30 seconds of clock skew is fine', async () => {
    const before = await rowCounts();
    for (const minutes of [4, 10]) {
      const ts = nowSec() + minutes * 60;
      const res = await h.sender.send(
        noteCommand(`note <@${M1}> from the future`, h.slack.responseUrl(`future-${minutes}`)),
        'application/x-www-form-urlencoded',
        { timestamp: ts },
      );
      expect(res.status, `${minutes} minutes ahead`).toBe(401);
    }
    expect(await rowCounts()).toEqual(before);
    expect(h.slack.responses).toHaveLength(0);
    const skewed = await h.sender.send(
      noteCommand(`note <@${M1}> slightly ahead`, h.slack.responseUrl('skew')),
      'application/x-www-form-urlencoded',
      { timestamp: nowSec() + 30 },
    );
    expect(skewed.status).toBe(200);
    await h.slack.waitForResponse((r) => r.id === 'skew');
    expect((await notes()).map((n) => n.body)).toEqual(['slightly ahead']);
  });

  test('signed but malformed envelopes get 400 with a short reason, change nothing and reach no listener', async () => {
    const interaction = (payload: unknown) => form({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
    const user = { id: ADA, team_id: h.slack.teamId };
    const view = { id: 'VBAD', type: 'modal', callback_id: 'reschedule_submit', private_metadata: '', state: { values: {} } };
    const cases: Record<string, { body: string; type: string }> = {
      'actions not an array': {
        type: 'application/x-www-form-urlencoded',
        body: interaction({ type: 'block_actions', user, trigger_id: '1.2.3', actions: 'match_accept' }),
      },
      'actions an object': {
        type: 'application/x-www-form-urlencoded',
        body: interaction({ type: 'block_actions', user, trigger_id: '1.2.3', actions: { action_id: 'match_accept' } }),
      },
      'an action without action_id': {
        type: 'application/x-www-form-urlencoded',
        body: interaction({ type: 'block_actions', user, actions: [{ value: '1' }] }),
      },
      'a button without user': {
        type: 'application/x-www-form-urlencoded',
        body: interaction({ type: 'block_actions', actions: [{ action_id: 'match_accept', value: '1' }] }),
      },
      'a form without view': { type: 'application/x-www-form-urlencoded', body: interaction({ type: 'view_submission', user }) },
      'a form without user': { type: 'application/x-www-form-urlencoded', body: interaction({ type: 'view_submission', view }) },
      'a form whose user is a string': {
        type: 'application/x-www-form-urlencoded',
        body: interaction({ type: 'view_submission', user: ADA, view }),
      },
      'payload not JSON': { type: 'application/x-www-form-urlencoded', body: interaction('{"type":"block_actions",') },
      'payload JSON but not an object': { type: 'application/x-www-form-urlencoded', body: interaction('[1,2]') },
      'a form body that is neither command nor payload': {
        type: 'application/x-www-form-urlencoded',
        body: form({ user_id: ADA, text: 'note' }),
      },
      'event body not JSON': { type: 'application/json', body: '{"type":"event_callback",' },
      'event without event': {
        type: 'application/json',
        body: JSON.stringify({ type: 'event_callback', event_id: 'EvBAD1', team_id: h.slack.teamId }),
      },
      'event without event_id': {
        type: 'application/json',
        body: JSON.stringify({ type: 'event_callback', team_id: h.slack.teamId, event: { type: 'app_home_opened', user: ADA } }),
      },
    };
    const before = await rowCounts();
    const calls = h.slack.calls.length;
    const results: Record<string, [number, string]> = {};
    for (const [name, c] of Object.entries(cases)) {
      const res = await h.sender.send(c.body, c.type);
      results[name] = [res.status, res.body];
      // The same body unsigned is not ours to judge: it is refused as unsigned.
      expect((await h.sender.send(c.body, c.type, { unsigned: true })).status, `${name}, unsigned`).toBe(401);
    }
    for (const [name, [status, text]] of Object.entries(results)) {
      expect(status, name).toBe(400);
      expect(text, name).toMatch(/^Bad request: .{3,200}\n$/);
    }
    expect(await rowCounts()).toEqual(before);
    expect(h.slack.calls.slice(calls).map((c) => c.method)).toEqual([]);
    expect(h.logs.lines.filter((l) => /unhandled|An unexpected error/i.test(l))).toEqual([]);
  });

  test('an unknown action id is acknowledged with 200 and logged', async () => {
    const logged = logLines('acknowledged an interaction no listener handles');
    const res = await h.sender.action({
      user: ADA,
      actions: [{ type: 'button', action_id: 'retired_button', value: '1', action_ts: '1' }],
      container: { type: 'message', channel_id: 'C0GENERAL', message_ts: '1.1' },
    });
    expect(res.status).toBe(200);
    expect(logLines('acknowledged an interaction no listener handles')).toBe(logged + 1);
    expect(h.logs.lines.find((l) => l.includes('acknowledged an interaction no listener handles'))).toContain('retired_button');
  });
});
