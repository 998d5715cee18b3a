import { beforeAll, describe, expect } from 'vitest';
import type { World } from '../support/world.js';
import { programValues, requestFileWorld, responseUrlFor } from './requests.js';
import {
  ADMIN,
  MENTEE,
  MENTEE2,
  MENTOR,
  MENTOR2,
  NEWBIE,
  buttonValue,
  dmsTo,
  mentorKickoff,
  pressButton,
  seed,
  settle,
  snapshot,
  snapshotDiff,
  waitUntil,
  type Seeded,
} from './support-seed.js';

/**
 * Duplicate deliveries and double clicks: each happens once.
 * Over signed HTTP against the real bot (the shared world, test/support/world.ts); split from the
 * one input-and-authorization file by concern, its tests unchanged.
 */

let h: World;
const { test } = requestFileWorld((world) => {
  h = world;
});

const db = () => h.database.db;

// ---------------------------------------------------------------------------------------------
// Duplicates
// ---------------------------------------------------------------------------------------------

describe('duplicate deliveries and double clicks', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(h);
  });

  test('the same message event delivered four times (retries 0..3, one event id) creates one reply expectation', async () => {
    await settle(h);
    const before = await snapshot(db());
    const msg = h.slack.postAs(MENTOR, s.pairConversation1, 'Shall we meet Thursday?');
    const event = h.slack.messageEvent(msg);
    const eventId = 'EvDUPLICATE01';
    const answers = await Promise.all([0, 1, 2, 3].map((retryNum) => h.sender.event(event, { retryNum, eventId })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await waitUntil(
      async () => (await db().selectFrom('expectations').selectAll().where('kind', '=', 'reply').execute()).length > 0,
      'the reply expectation',
    );
    await settle(h);
    const replies = await db().selectFrom('expectations').selectAll().where('kind', '=', 'reply').execute();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ pairing_id: s.pairing1, subject: MENTEE, source_ref: msg.ts, status: 'open' });
    const after = await snapshot(db());
    const diff = snapshotDiff(before, after);
    // Besides the message (one fact) and its expectation, only the pair's profiles may be refreshed from Slack (name and zone, older than 12 hours).
    expect(Object.keys(diff).filter((t) => t !== 'people')).toEqual(['expectations', 'pair_activity']);
    expect(diff.pair_activity?.added).toHaveLength(1);
    expect(diff.expectations?.added).toHaveLength(1);
    expect(diff.expectations?.removed).toHaveLength(0);
    expect(after.people?.rows).toBe(before.people?.rows);
    expect(diff.people?.added.filter((row) => !row.startsWith(`(${MENTEE},`) && !row.startsWith(`(${MENTOR},`))).toEqual([]);
  });

  test('a double-clicked check-in button records one answer', async () => {
    await settle(h);
    const value = buttonValue(s.checkinMessage2, 'checkin_answer:met');
    const clicks = await Promise.all([0, 1].map(() => pressButton(h, MENTEE2, s.checkinMessage2, 'checkin_answer:met', value)));
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await waitUntil(
      async () => (await db().selectFrom('checkin_answers').selectAll().where('person_id', '=', MENTEE2).execute()).length > 0,
      'the answer',
    );
    await settle(h);
    const rows = await db().selectFrom('checkin_answers').selectAll().where('checkin_id', '=', s.checkin2).execute();
    expect(rows.map((r) => [r.person_id, r.answer])).toEqual([[MENTEE2, 'met']]);
    const shown = JSON.stringify(
      h.slack.conversations.get(s.pairConversation2)?.messages.find((m) => m.ts === s.checkinMessage2.ts)?.blocks,
    );
    expect(shown.split('<@UMENTEE2>: We met')).toHaveLength(2);
    const mine = await db()
      .selectFrom('expectations')
      .selectAll()
      .where('kind', '=', 'checkin')
      .where('subject', '=', MENTEE2)
      .execute();
    expect(mine.map((e) => e.status)).toEqual(['met']);
  });

  test('a double-clicked match Accept makes one pairing, one introduction and one answer', async () => {
    await settle(h);
    const request = dmsTo(h, MENTOR2, 'match_request')[0];
    if (!request) throw new Error('no match request in the mentor DM');
    const value = buttonValue(request, 'match_accept');
    const urls = [responseUrlFor(h, MENTOR2), responseUrlFor(h, MENTOR2)];
    const clicks = await Promise.all(
      urls.map((url) => pressButton(h, MENTOR2, request, 'match_accept', value, { response_url: url })),
    );
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await waitUntil(
      () => h.slack.responses.filter((r) => urls.some((u) => u.endsWith(encodeURIComponent(r.id)))).length === 2,
      'both clicks answered',
    );
    await settle(h);
    const answers = h.slack.responses
      .filter((r) => urls.some((u) => u.endsWith(encodeURIComponent(r.id))))
      .map((r) => JSON.stringify(r.body));
    expect(answers.filter((a) => a.includes('You accepted'))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('already answered'))).toHaveLength(1);
    const pairings = await db().selectFrom('pairings').selectAll().where('mentee_id', '=', NEWBIE).execute();
    expect(pairings).toHaveLength(1);
    const intros = await db()
      .selectFrom('deliveries')
      .selectAll()
      .where('kind', '=', 'pair_intro')
      .where('pairing_id', '=', pairings[0]?.id as number)
      .execute();
    expect(intros).toHaveLength(1);
    expect(
      await db()
        .selectFrom('match_requests')
        .select(['status', 'pairing_id'])
        .where('id', '=', s.matchRequest)
        .executeTakeFirst(),
    ).toEqual({ status: 'accepted', pairing_id: pairings[0]?.id });
    expect(
      await db().selectFrom('deliveries').selectAll().where('dedupe_key', 'like', 'match-accepted:%').execute(),
    ).toHaveLength(1);
  });

  test('a program form submitted twice at once creates one program', async () => {
    await settle(h);
    const submit = () =>
      h.sender.viewSubmission({
        user: { id: ADMIN },
        view: {
          id: 'VP',
          type: 'modal',
          callback_id: 'program_new',
          private_metadata: '',
          state: { values: programValues('Frontend') },
        },
      });
    const [a, b] = await Promise.all([submit(), submit()]);
    expect([a?.status, b?.status]).toEqual([200, 200]);
    await settle(h);
    const bodies = [a?.body ?? '', b?.body ?? ''].sort();
    expect(bodies[0]).toBe('');
    expect(bodies[1]).toContain('already exists');
    const programs = await db().selectFrom('programs').selectAll().where('name', '=', 'Frontend').execute();
    expect(programs).toHaveLength(1);
    expect(
      await db().selectFrom('deliveries').selectAll().where('dedupe_key', '=', `program-created:${programs[0]?.id}`).execute(),
    ).toHaveLength(1);
    expect(
      await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'program.create')
        .where('subject', '=', String(programs[0]?.id))
        .execute(),
    ).toHaveLength(1);
  });

  test('a kick-off DTR submitted twice at once stores one answer row and invites the partner once', async () => {
    await settle(h);
    const values = Object.fromEntries(
      Object.entries(mentorKickoff).map(([k, v]) => [
        k,
        {
          value: {
            type: k === 'meeting_weekday' || k === 'contact_channel' ? 'static_select' : 'plain_text_input',
            ...(k === 'meeting_weekday' || k === 'contact_channel' ? { selected_option: { value: v } } : { value: v }),
          },
        },
      ]),
    );
    const submit = () =>
      h.sender.viewSubmission({
        user: { id: MENTOR2 },
        view: {
          id: 'VD',
          type: 'modal',
          callback_id: 'dtr_submit',
          private_metadata: JSON.stringify({ m: 'kickoff', p: s.pairing2, s: 'builtin', v: 1 }),
          state: { values },
        },
      });
    const answers = await Promise.all([submit(), submit()]);
    expect(answers.map((r) => [r.status, r.body])).toEqual([
      [200, ''],
      [200, ''],
    ]);
    await settle(h);
    expect(await db().selectFrom('dtr_answers').selectAll().where('pairing_id', '=', s.pairing2).execute()).toHaveLength(1);
    expect(
      await db()
        .selectFrom('deliveries')
        .selectAll()
        .where('kind', '=', 'dtr_invite')
        .where('pairing_id', '=', s.pairing2)
        .execute(),
    ).toHaveLength(1);
    expect(dmsTo(h, MENTEE2, 'dtr_invite')).toHaveLength(1);
  });

  test('a session log form submitted twice at once logs the session once', async () => {
    await settle(h);
    const count = async () =>
      (await db().selectFrom('session_logs').selectAll().where('author_id', '=', MENTOR).execute()).length;
    const before = await count();
    const submit = () =>
      h.sender.viewSubmission({
        user: { id: MENTOR },
        view: {
          id: 'VL',
          type: 'modal',
          callback_id: 'session_log_submit',
          private_metadata: JSON.stringify({ id: null }),
          state: {
            values: {
              pairing: { value: { type: 'static_select', selected_option: { value: String(s.pairing1) } } },
              date: { value: { type: 'datepicker', selected_date: '2027-01-15' } },
              minutes: { value: { type: 'number_input', value: '50' } },
              done: { value: { type: 'plain_text_input', value: 'Pair-programmed the capstone' } },
              private_notes: { value: { type: 'plain_text_input', value: null } },
            },
          },
        },
      });
    const answers = await Promise.all([submit(), submit()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await settle(h);
    // Two identical saves of one form are one session; counting it twice doubles the mentor's hours.
    expect(await count(), 'session logs added by one double-submitted form').toBe(before + 1);
  });
});
