import { beforeAll, describe, expect } from 'vitest';
import type { World } from '../support/world.js';
import { asRecord, logProblems, requestFileWorld, responseUrlFor, triggerFor, triggerOwner } from './requests.js';
import {
  ADMIN,
  ALERTS,
  MENTEE,
  MENTEE2,
  MENTOR,
  MENTOR2,
  NEWBIE,
  STRANGER,
  buttonValue,
  dmsTo,
  pressButton,
  seed,
  settle,
  snapshot,
  snapshotDiff,
  waitUntil,
  type Seeded,
} from './support-seed.js';

/**
 * Authorization: staff-only actions stay staff-only, and people act only on their own pairs.
 * Over signed HTTP against the real bot (the shared world, test/support/world.ts); split from the
 * one input-and-authorization file by concern, its tests unchanged.
 */

let h: World;
const { test } = requestFileWorld((world) => {
  h = world;
});

const db = () => h.database.db;

// ---------------------------------------------------------------------------------------------
// Authorization
// ---------------------------------------------------------------------------------------------

describe('authorization', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(h);
  });

  /** Waits for the bot's answer on a response_url and returns it. */
  async function answerOn(url: string): Promise<Record<string, unknown>> {
    const id = decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
    return asRecord((await h.slack.waitForResponse(id, { timeoutMs: 5_000 })).body);
  }

  test('every staff-only command is refused to a mentor and to a mentee, with no effect', async () => {
    await settle(h);
    const before = await snapshot(db());
    const calls = h.slack.calls.length;
    const files = h.slack.files.length;
    const refused: string[] = [];
    for (const actor of [MENTOR, MENTEE]) {
      const commands = [
        'program new',
        'program list',
        `pair <@${MENTOR2}|lee> <@${NEWBIE}|dee>`,
        `unpair <@${MENTOR}|ada> <@${MENTEE}|bo>`,
        'list',
        'list Backend',
        `staff add <@${actor}>`,
        `staff add <@${STRANGER}|eve>`,
        `match <@${MENTOR}> <@${NEWBIE}> | background`,
        `capacity <@${MENTOR}> 5`,
        `capacity <@${MENTOR}> none`,
        'hours export 2027-01',
      ];
      for (const text of commands) {
        const url = responseUrlFor(h, actor);
        const res = await h.sender.command({ text, user_id: actor, response_url: url, trigger_id: triggerFor(actor) });
        expect(res.status).toBe(200);
        const direct = res.body ? asRecord(res.json()) : null;
        const answer = direct && typeof direct.text === 'string' ? direct : await answerOn(url);
        expect(answer, `${actor}: /tandem ${text}`).toMatchObject({
          response_type: 'ephemeral',
          text: expect.stringContaining('Only program staff'),
        });
        refused.push(text);
      }
    }
    await settle(h);
    expect(refused).toHaveLength(24);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    const made = h.slack.calls.slice(calls).filter((c) => !['views.publish', 'conversations.info'].includes(c.method));
    expect(made.map((c) => c.method)).toEqual([]);
    expect(h.slack.files.length).toBe(files);
    // Staff running one of them does change something: the refusals above were about who asked.
    const url = responseUrlFor(h, ADMIN);
    await h.sender.command({ text: `capacity <@${MENTOR}> 5`, user_id: ADMIN, response_url: url });
    expect(await answerOn(url)).toMatchObject({ text: expect.stringContaining('takes at most 5') });
    expect(Object.keys(snapshotDiff(before, await snapshot(db())))).toEqual(expect.arrayContaining(['people', 'audit_log']));
  });

  test('alert buttons are refused to a mentor and a mentee; the alert stays as it was', async () => {
    await settle(h);
    const before = await snapshot(db());
    const alert = s.alertMessages[0];
    if (!alert) throw new Error('no alert');
    // (The seed edited the pair's alert as its reasons came in; only edits from here on count.)
    const updatesBefore = h.slack.callsTo('chat.update').length;
    for (const actor of [MENTOR, MENTEE]) {
      for (const actionId of ['alert_ack', 'alert_resolve', 'alert_snooze']) {
        const url = responseUrlFor(h, actor);
        expect((await pressButton(h, actor, alert, actionId, buttonValue(alert, actionId), { response_url: url })).status).toBe(
          200,
        );
        expect(await answerOn(url), `${actor} pressing ${actionId}`).toMatchObject({
          response_type: 'ephemeral',
          text: expect.stringContaining('Only program staff'),
        });
      }
    }
    await settle(h);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(
      h.slack
        .callsTo('chat.update')
        .slice(updatesBefore)
        .filter((c) => c.args.channel === ALERTS && c.args.ts === alert.ts),
    ).toHaveLength(0);
    // Staff pressing "I'm on it" is taken.
    await pressButton(h, ADMIN, alert, 'alert_ack', buttonValue(alert, 'alert_ack'));
    await waitUntil(
      async () =>
        (
          await db()
            .selectFrom('pair_alerts')
            .select('owner_id')
            .where('id', '=', Number(buttonValue(alert, 'alert_ack')?.slice(1)))
            .executeTakeFirst()
        )?.owner_id === ADMIN,
      'staff to own the alert',
    );
  });

  test('the App Home export button uploads nothing for a mentor or a mentee', async () => {
    await settle(h);
    const before = await snapshot(db());
    const calls = h.slack.calls.length;
    const files = h.slack.files.length;
    for (const actor of [MENTOR, MENTEE]) {
      const res = await h.sender.action({
        user: actor,
        actions: [{ type: 'button', action_id: 'home_export_hours', value: '2027-01', action_ts: '1' }],
        container: { type: 'view', view_id: 'VHOME' },
        view: { id: 'VHOME', type: 'home' },
      });
      expect(res.status).toBe(200);
    }
    await settle(h);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(h.slack.calls.slice(calls).filter((c) => c.method.startsWith('files.') || c.method === 'chat.postMessage')).toEqual(
      [],
    );
    expect(h.slack.files.length).toBe(files);
    // Staff pressing it does get the file: the refusal above is about who pressed it.
    await h.sender.action({
      user: ADMIN,
      actions: [{ type: 'button', action_id: 'home_export_hours', value: '2027-01', action_ts: '1' }],
      container: { type: 'view', view_id: 'VHOME' },
      view: { id: 'VHOME', type: 'home' },
    });
    await waitUntil(() => h.slack.files.length === files + 1, 'the staff export');
  });

  test('App Home buttons pressed by the wrong person are refused without an uncaught error (they carry no response_url)', async () => {
    await settle(h);
    const before = await snapshot(db());
    const logFrom = h.logs.lines.length;
    const home = (user: string, actionId: string, value: string) =>
      h.sender.action({
        user,
        trigger_id: triggerFor(user),
        actions: [{ type: 'button', action_id: actionId, value, action_ts: '1' }],
        container: { type: 'view', view_id: 'VHOME' },
        view: { id: 'VHOME', type: 'home' },
      });
    // The mentee replays the mentor's "Open standup"; a stranger presses "Log a session" and "Move a meeting".
    const answers = [
      await home(MENTEE, 'standup_open', String(s.standup1)),
      await home(STRANGER, 'session_log_open', String(s.pairing1)),
      await home(STRANGER, 'reschedule_open', String(s.pairing1)),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await settle(h);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    // With no response_url to answer on, the refusal opens as a notice on the click's trigger: a view
    // with no input in it, saying why — never the form itself.
    const opened = h.slack
      .callsTo('views.open')
      .filter((c) => [MENTEE, STRANGER].includes(triggerOwner(c.args.trigger_id) ?? ''));
    const views = opened.map(
      (c) =>
        (typeof c.args.view === 'string' ? JSON.parse(c.args.view) : c.args.view) as {
          blocks: { type: string }[];
          callback_id?: string;
        },
    );
    expect(views.flatMap((v) => v.blocks.filter((b) => b.type === 'input'))).toEqual([]);
    expect(views.map((v) => v.callback_id ?? null)).toEqual([null, null, null]);
    // The three clicks are handled concurrently after their acks, so the notices may open in any order.
    const notices = opened.map((c) => JSON.stringify(c.args.view));
    expect(notices).toHaveLength(3);
    for (const why of ['belongs to someone else', 'Session logs are for mentors', 'no active pairing']) {
      expect(
        notices.filter((n) => n.includes(why)),
        why,
      ).toHaveLength(1);
    }
    expect(logProblems(h, logFrom), 'uncaught listener errors').toEqual([]);
  });

  test('another pair’s check-in, the mentor’s standup and another mentor’s session log are refused', async () => {
    await settle(h);
    const before = await snapshot(db());
    const calls = h.slack.calls.length;
    const expectRefusal = async (what: string, send: (url: string) => Promise<{ status: number }>, text: string) => {
      const url = responseUrlFor(h, 'X');
      expect((await send(url)).status, what).toBe(200);
      expect(await answerOn(url), what).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(text) });
    };
    for (const outsider of [MENTOR2, MENTEE2]) {
      for (const answer of ['met', 'not_yet', 'rescheduled']) {
        await expectRefusal(
          `${outsider} answers pair 1's check-in`,
          (url) =>
            pressButton(h, outsider, s.checkinMessage1, `checkin_answer:${answer}`, `${s.checkin1}:${answer}`, {
              response_url: url,
            }),
          'only they can answer it',
        );
      }
      await expectRefusal(
        `${outsider} opens pair 1's check-in note`,
        (url) =>
          pressButton(h, outsider, s.checkinMessage1, 'checkin_note', String(s.checkin1), {
            response_url: url,
            trigger_id: triggerFor(outsider),
          }),
        'only they can answer it',
      );
    }
    const prompt = dmsTo(h, MENTOR, 'standup_prompt')[0];
    if (!prompt) throw new Error('no standup prompt');
    await expectRefusal(
      'the mentee opens the mentor’s standup',
      (url) =>
        pressButton(h, MENTEE, prompt, 'standup_open', String(s.standup1), { response_url: url, trigger_id: triggerFor(MENTEE) }),
      'belongs to someone else',
    );
    await expectRefusal(
      'another mentor edits the session log',
      (url) =>
        pressButton(h, MENTOR2, prompt, 'session_log_edit', String(s.sessionLog), {
          response_url: url,
          trigger_id: triggerFor(MENTOR2),
        }),
      'Only the mentor who wrote',
    );
    await expectRefusal(
      'the mentee edits the session log',
      (url) =>
        pressButton(h, MENTEE, prompt, 'session_log_edit', String(s.sessionLog), {
          response_url: url,
          trigger_id: triggerFor(MENTEE),
        }),
      'Session logs are for mentors',
    );
    await expectRefusal(
      'a mentee pauses another pair',
      (url) => h.sender.command({ text: `pause <@${MENTOR2}> <@${MENTEE2}>`, user_id: MENTEE, response_url: url }),
      'Only program staff',
    );
    await expectRefusal(
      'a mentor names someone else’s mentee for a note',
      (url) => h.sender.command({ text: `note <@${MENTEE2}> sneaky`, user_id: MENTOR, response_url: url }),
      'is not one',
    );

    const submit = (user: string, callbackId: string, meta: unknown, values: Record<string, unknown>) =>
      h.sender.viewSubmission({
        user: { id: user },
        view: {
          id: 'VA',
          type: 'modal',
          callback_id: callbackId,
          private_metadata: JSON.stringify(meta),
          blocks: [{ type: 'input', block_id: 'general_note' }],
          state: { values },
        },
      });
    const standup = await submit(
      MENTEE,
      'standup_submit',
      { s: s.standup1, page: 0 },
      {
        [`status_${s.pairing1}`]: { value: { selected_option: { value: 'on_track' } } },
        [`met_${s.pairing1}`]: { value: { selected_option: { value: 'yes' } } },
        [`hours_${s.pairing1}`]: { value: { value: '9' } },
      },
    );
    expect(JSON.stringify(standup.json())).toContain('belongs to someone else');
    const log = await submit(
      MENTOR2,
      'session_log_submit',
      { id: s.sessionLog },
      {
        pairing: { value: { selected_option: { value: String(s.pairing2) } } },
        date: { value: { selected_date: '2027-01-14' } },
        minutes: { value: { value: '500' } },
      },
    );
    expect(JSON.stringify(log.json())).toContain('Only the mentor who wrote');
    const note = await submit(
      MENTEE2,
      'checkin_note',
      { checkinId: s.checkin1 },
      { answer: { value: { selected_option: { value: 'not_yet' } } } },
    );
    expect(JSON.stringify(note.json())).toContain('only they can answer it');
    const dtr = await submit(MENTEE2, 'dtr_submit', { m: 'kickoff', p: s.pairing1, s: 'builtin', v: 1 }, {});
    expect(JSON.stringify(dtr.json())).toContain('another pair');

    await settle(h);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(
      h.slack.calls
        .slice(calls)
        .filter((c) => c.method === 'views.open' || c.method === 'chat.postMessage')
        .map((c) => c.method),
    ).toEqual([]);
  });
});
