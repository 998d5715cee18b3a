import fc from 'fast-check';
import { expect } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { seedProgram, worldTest, type OpenedView, type World } from '../support/world.js';
import { liveMrkdwnFound } from '../support/live-markup.js';

/**
 * Fuzzes every free-text field a person fills in over signed HTTP (commands, forms, DTR answers) with
 * text mixing the broadcasts, mentions and disguised links of HOSTILE with other characters, and scans
 * every message, update, view and reply the fake Slack received for any of them left live.
 */
let h: World;
const ADMIN = 'UADMIN';
const [MENTOR, MENTEE, MENTOR2, NEWBIE] = ['UMENTOR', 'UMENTEE', 'UMENTOR2', 'UNEWBIE'] as const;
const ALERTS = 'GALERTS';

type View = OpenedView;

const piece = fc.constantFrom(
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@UEVIL0001>',
  '<https://evil.example/login|https://slack.com/signin>',
  '&',
  '<',
  '>',
  '&lt;',
  '*',
  '_',
  '`',
  '>',
  '\n',
  ' ',
  'ok',
  'é',
);
/** At least one live-looking part, surrounded by anything; at most 400 characters, the smallest field. */
const hostileText = fc
  .tuple(
    fc.array(piece, { maxLength: 6 }),
    fc.constantFrom(
      '<!channel>',
      '<!here>',
      '<!everyone>',
      '<@UEVIL0001>',
      '<https://evil.example/login|https://slack.com/signin>',
    ),
    fc.array(piece, { maxLength: 6 }),
  )
  .map(([a, must, b]) => `x ${[...a, must, ...b].join('')}`.slice(0, 400));

async function openedBy(what: string, run: () => Promise<unknown>): Promise<View> {
  const fromResponse = h.slack.responses.length;
  try {
    return await h.viewOpenedBy(run);
  } catch {
    throw new Error(
      `${what}: no form opened; replies: ${JSON.stringify(h.slack.responses.slice(fromResponse).map((r) => r.body))}`,
    );
  }
}

/** Every input of a form filled: free text with `text`, choices with their first option. */
function fillAll(view: View, text: string, fixed: Record<string, unknown> = {}) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks) {
    if (b.type !== 'input' || !b.block_id) continue;
    const el = b.element ?? {};
    const type = String(el.type);
    const cell =
      b.block_id in fixed
        ? fixed[b.block_id]
        : type === 'plain_text_input'
          ? { type, value: text.slice(0, Number(el.max_length ?? 3000)) }
          : type === 'static_select'
            ? { type, selected_option: { value: String((el.options as { value: string }[])[0]?.value) } }
            : type === 'radio_buttons'
              ? { type, selected_option: { value: String((el.options as { value: string }[])[0]?.value) } }
              : type === 'datepicker'
                ? { type, selected_date: '2027-01-12' }
                : type === 'timepicker'
                  ? { type, selected_time: '18:30' }
                  : type === 'number_input'
                    ? { type, value: String(el.min_value ?? '1') }
                    : { type, selected_options: [] };
    values[b.block_id] = { value: cell };
  }
  return { values };
}
/** Submits a form and expects it accepted, so the fuzzed text really went in. */
async function submit(user: string, view: View, state: ReturnType<typeof fillAll>) {
  const res = await h.submit(user, view, state, 'VF');
  expect(res.status).toBe(200);
  expect([view.callback_id, res.body]).toEqual([view.callback_id, '']);
}

const test = worldTest({ admins: [ADMIN], now: '2027-01-12T15:00:00Z' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset();
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      ...[MENTOR, MENTEE, MENTOR2, NEWBIE].map((id) => ({ id, name: id.toLowerCase(), tz: 'UTC' })),
    ],
    at: '2027-01-10T12:00:00Z',
    pairs: [[MENTOR, MENTEE]],
  });
  h.setNow('2027-01-12T15:00:00Z');
});

test('every free-text field of every form and command, fuzzed: nothing a person typed is live in anything Tandem sent', async () => {
  let round = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        note: hostileText,
        matchNote: hostileText,
        decline: hostileText,
        reason: hostileText,
        dtr: hostileText,
        checkin: hostileText,
        session: hostileText,
        standup: hostileText,
        program: hostileText,
      }),
      async (t) => {
        round += 1;
        h.setNow('2027-01-12T15:00:00Z');
        const pairing = await h.database.db
          .selectFrom('pairings')
          .select('id')
          .where('mentee_id', '=', MENTEE)
          .executeTakeFirstOrThrow();

        // Commands: a private note (and the list of notes), a match with a note for the mentor.
        await h.sender.command({ text: `note <@${MENTEE}> ${t.note}`, user_id: MENTOR });
        await h.sender.command({ text: `notes <@${MENTEE}>`, user_id: MENTOR });
        const asked = h.slack.responses.length;
        await h.sender.command({ text: `match <@${MENTOR2}> <@${NEWBIE}> | ${t.matchNote}`, user_id: ADMIN });
        await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Asked <@UMENTOR2>'), { from: asked });
        await h.tandem.services.sender.idle();

        // The decline reason goes to the staff member who asked.
        const request = h.messagesTo(MENTOR2, 'match_request').at(-1);
        if (request) {
          const id = /"action_id":"match_decline"[^}]*"value":"(\d+)"|"value":"(\d+)"[^}]*"action_id":"match_decline"/.exec(
            JSON.stringify(request.blocks),
          );
          const view = await openedBy('decline', () =>
            h.sender.action({
              user: MENTOR2,
              trigger_id: `5.${round}.d`,
              actions: [{ type: 'button', action_id: 'match_decline', value: id?.[1] ?? id?.[2], action_ts: '1' }],
              container: { type: 'message', channel_id: request.channel, message_ts: request.ts },
              channel: { id: request.channel },
              message: { ts: request.ts },
            }),
          );
          await submit(MENTOR2, view, fillAll(view, t.decline));
        }

        // A reschedule reason goes to the pair conversation.
        const moved = await openedBy('reschedule', () =>
          h.sender.command({ text: 'reschedule', user_id: MENTEE, trigger_id: `7.${round}.r` }),
        );
        await submit(
          MENTEE,
          moved,
          fillAll(moved, t.reason, {
            cancel: { type: 'checkboxes', selected_options: [] },
            new_date: { type: 'datepicker', selected_date: '2027-01-20' },
            original_date: { type: 'datepicker', selected_date: '2027-01-19' },
          }),
        );

        // Every free-text DTR answer, both sides, kick-off and mid-module.
        for (const milestone of ['kickoff', 'midmod']) {
          for (const user of [MENTOR, MENTEE]) {
            const view = await openedBy(`dtr ${milestone}`, () =>
              h.sender.command({
                command: '/dtr',
                text: milestone,
                user_id: user,
                trigger_id: `8.${round}.${milestone}.${user}`,
              }),
            );
            await submit(
              user,
              view,
              fillAll(view, t.dtr, {
                meeting_weekday: { type: 'static_select', selected_option: { value: '3' } },
                goal1_date: { type: 'datepicker', selected_date: '2027-02-19' },
              }),
            );
          }
        }
        await h.tandem.services.sender.idle();

        // Session log, from the mentor's App Home button.
        const log = await openedBy('session log', () =>
          h.sender.action({
            user: MENTOR,
            trigger_id: `9.${round}.l`,
            actions: [{ type: 'button', action_id: 'session_log_open', value: String(pairing.id), action_ts: '1' }],
            view: { id: 'VH', type: 'home' },
            container: { type: 'view', view_id: 'VH' },
          }),
        );
        await submit(
          MENTOR,
          log,
          fillAll(log, t.session, {
            date: { type: 'datepicker', selected_date: '2027-01-11' },
            minutes: { type: 'number_input', value: '45' },
          }),
        );

        // The program form's name.
        const program = await openedBy('program', () =>
          h.sender.command({ text: 'program new', user_id: ADMIN, trigger_id: `4.${round}.p` }),
        );
        await submit(
          ADMIN,
          program,
          fillAll(program, t.program.slice(0, 80), {
            timeZone: { type: 'plain_text_input', value: 'UTC' },
            holidays: { type: 'plain_text_input', value: '' },
            alertsChannelId: { type: 'conversations_select', selected_conversation: ALERTS },
          }),
        );
        await h.tandem.services.sender.idle();
        // One program again, so the next round's commands need not name one.
        await h.database.db.deleteFrom('programs').where('name', '!=', 'Backend').execute();

        // Standup concerns (an alert for staff) and the general note, one standup a week.
        await h.tick(new Date(Date.parse('2027-01-15T17:05:00Z') + (round - 1) * 7 * 86_400_000).toISOString());
        const prompt = h.messagesTo(MENTOR, 'standup_prompt').at(-1) as FakeMessage;
        const standupId = /"value":"(\d+)"/.exec(JSON.stringify(prompt.blocks))?.[1];
        const standup = await openedBy('standup', () =>
          h.sender.action({
            user: MENTOR,
            trigger_id: `6.${round}.s`,
            actions: [{ type: 'button', action_id: 'standup_open', value: standupId, action_ts: '1' }],
            container: { type: 'message', channel_id: prompt.channel, message_ts: prompt.ts },
            channel: { id: prompt.channel },
            message: { ts: prompt.ts },
          }),
        );
        const statusBlock = standup.blocks.find((b) => b.block_id?.startsWith('status_'))?.block_id as string;
        await submit(
          MENTOR,
          standup,
          fillAll(standup, t.standup, { [statusBlock]: { type: 'static_select', selected_option: { value: 'at_risk' } } }),
        );
        await h.tandem.services.sender.idle();
        // This week's concern is on the pair's alert of the week (a new message, or one edited to list it).
        const alertsThisRound = (h.slack.conversations.get(ALERTS)?.messages ?? []).filter(
          (m) => m.metadata?.event_payload?.kind === 'alert',
        );
        expect(JSON.stringify(alertsThisRound.at(-1)?.blocks)).toContain('Mentor raised a concern');

        expect(liveMrkdwnFound(h.slack)).toEqual([]);
      },
    ),
    { numRuns: 4, seed: 13, endOnFailure: true },
  );
  // The run reached Slack: notices, summaries and replies carry the escaped text.
  const sent = JSON.stringify([
    h.slack.calls.filter((c) => /^(chat\.|views\.)/.test(c.method)).map((c) => c.args),
    h.slack.responses.map((r) => r.body),
  ]);
  for (const escaped of ['&lt;!', '&lt;@UEVIL0001&gt;'].filter((e) => sent.includes(e))) expect(sent).toContain(escaped);
  expect(sent).toContain('&lt;');
}, 600_000);
