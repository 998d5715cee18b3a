import { beforeAll, describe, expect } from 'vitest';
import { signingSecret } from '../support/harness.js';
import { signSlackRequest } from '../support/slack-signer.js';
import type { World } from '../support/world.js';
import { programValues, requestFileWorld, responseUrlFor, triggerFor } from './requests.js';
import { ADMIN, MENTEE, MENTOR, TEAM, seed, settle, snapshot, snapshotDiff, waitUntil, type Seeded } from './support-seed.js';

/**
 * Request authenticity: unsigned, wrongly signed, tampered and stale requests are refused and change nothing.
 * Over signed HTTP against the real bot (the shared world, test/support/world.ts); split from the
 * one input-and-authorization file by concern, its tests unchanged.
 */

let h: World;
const { test, processErrors } = requestFileWorld((world) => {
  h = world;
});

const db = () => h.database.db;

// ---------------------------------------------------------------------------------------------
// Authenticity
// ---------------------------------------------------------------------------------------------

describe('request authenticity', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(h);
  });

  test('unsigned, wrongly signed, tampered and 6-minute-old requests get 401, write nothing and call Slack for nothing', async () => {
    const nowSec = () => Math.floor(Date.now() / 1000);
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const interaction = (payload: Record<string, unknown>) =>
      form({
        payload: JSON.stringify({ token: 'legacy', team: { id: TEAM, domain: 'fake-team' }, api_app_id: 'A0APP', ...payload }),
      });
    const message = h.slack.postAs(MENTOR, s.pairConversation1, 'are we still on for Thursday?');
    // Each of these, properly signed, changes something (checked at the end).
    const requests = {
      command: {
        contentType: 'application/x-www-form-urlencoded',
        body: form({
          token: 'legacy',
          team_id: TEAM,
          channel_id: 'C0GENERAL',
          user_id: ADMIN,
          user_name: 'sam',
          command: '/tandem',
          text: `staff add <@${MENTOR}|ada>`,
          response_url: responseUrlFor(h, ADMIN),
          trigger_id: triggerFor(ADMIN),
          api_app_id: 'A0APP',
        }),
      },
      action: {
        contentType: 'application/x-www-form-urlencoded',
        body: interaction({
          type: 'block_actions',
          user: { id: MENTEE, team_id: TEAM },
          trigger_id: triggerFor(MENTEE),
          response_url: responseUrlFor(h, MENTEE),
          actions: [
            { type: 'button', action_id: 'checkin_answer:met', block_id: 'b', value: `${s.checkin1}:met`, action_ts: '1' },
          ],
          container: { type: 'message', channel_id: s.checkinMessage1.channel, message_ts: s.checkinMessage1.ts },
          channel: { id: s.checkinMessage1.channel },
          message: { ts: s.checkinMessage1.ts },
        }),
      },
      view: {
        contentType: 'application/x-www-form-urlencoded',
        body: interaction({
          type: 'view_submission',
          user: { id: ADMIN, team_id: TEAM },
          trigger_id: triggerFor(ADMIN),
          view: {
            id: 'V1',
            type: 'modal',
            callback_id: 'program_new',
            private_metadata: '',
            state: { values: programValues('Signed Only') },
          },
        }),
      },
      event: {
        contentType: 'application/json',
        body: JSON.stringify({
          token: 'legacy',
          team_id: TEAM,
          api_app_id: 'A0APP',
          type: 'event_callback',
          event_id: 'EvAUTH0001',
          event_time: nowSec(),
          event: h.slack.messageEvent(message),
        }),
      },
    };
    await settle(h);
    const before = await snapshot(db());
    const calls = h.slack.calls.length;
    const responses = h.slack.responses.length;
    const errorsFrom = processErrors.length;

    const attempts: { kind: string; variant: string; status: number }[] = [];
    for (const [kind, r] of Object.entries(requests)) {
      const ts = nowSec();
      const variants: Record<string, Parameters<World['sender']['send']>[2]> = {
        unsigned: { unsigned: true },
        'signed with another secret': { timestamp: ts, signature: signSlackRequest('not-the-signing-secret', ts, r.body) },
        'garbage signature': { timestamp: ts, signature: 'v0=deadbeef' },
        'signature without timestamp': {
          unsigned: true,
          headers: { 'X-Slack-Signature': signSlackRequest(signingSecret, ts, r.body) },
        },
        'body changed after signing': {
          timestamp: ts,
          signature: signSlackRequest(signingSecret, ts, r.body),
          rawBody: r.body.replace(/U(ADMIN|MENTEE|MENTOR)/, 'USTRANGER'),
        },
        '6 minutes old': { timestamp: ts - 360, signature: signSlackRequest(signingSecret, ts - 360, r.body) },
        '6 minutes old, other secret': {
          timestamp: ts - 360,
          signature: signSlackRequest('not-the-signing-secret', ts - 360, r.body),
        },
      };
      for (const [variant, opts] of Object.entries(variants)) {
        const res = await h.sender.send(r.body, r.contentType, opts);
        attempts.push({ kind, variant, status: res.status });
      }
    }
    await settle(h);
    expect(attempts.filter((a) => a.status !== 401)).toEqual([]);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(h.slack.calls.slice(calls).map((c) => c.method)).toEqual([]);
    expect(h.slack.responses.length - responses).toBe(0);
    expect(processErrors.slice(errorsFrom)).toEqual([]);

    // The same requests, properly signed, do change things: the refusals above were the signature's doing.
    for (const r of Object.values(requests)) expect((await h.sender.send(r.body, r.contentType)).status).toBe(200);
    await waitUntil(
      async () => (await db().selectFrom('expectations').selectAll().where('kind', '=', 'reply').execute()).length === 1,
      'the signed event to be handled',
    );
    await settle(h);
    const changed = Object.keys(snapshotDiff(before, await snapshot(db())));
    expect(changed).toEqual(expect.arrayContaining(['staff', 'checkin_answers', 'programs', 'expectations']));
  });
});
