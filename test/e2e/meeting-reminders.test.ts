import { describe, expect } from 'vitest';
import { createMeetingReminderRepository } from '../../src/db/repositories/meeting-reminder-repository.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { HOSTILE, liveMrkdwnFound } from '../support/live-markup.js';
import { seedProgram, worldTest, type OpenedView, type World } from '../support/world.js';
import { dtrStateFor } from '../support/dtr-forms.js';

/**
 * Ada mentors in Berlin, Bo is her mentee in Kolkata; the program (Denver) starts Monday 2027-01-11.
 * Their kick-off agrees Wednesdays at 21:00 Ada's time, 45 minutes: Wednesday 20:00Z, which is
 * Thursday 01:30 for Bo. So "the day before" is Tuesday for Ada and Wednesday for Bo, each at 09:00
 * their own time: Tuesday 08:00Z and Wednesday 03:30Z.
 */
let h: World;
const ADMIN = 'UADMIN';
const ADA = 'UADA';
const BO = 'UBO';
const GOAL = `Ship the app ${HOSTILE}`;
const HOMEWORK = `Read chapter 3 ${HOSTILE}`;

const test = worldTest({ admins: [ADMIN], now: '2027-01-11T12:00:00Z' });

const reminders = (user: string) => h.messagesTo(user, 'meeting_reminder');
const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const everything = (m: FakeMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

async function openForm(user: string, command: string, text: string): Promise<OpenedView> {
  return h.viewOpenedBy(async () => {
    expect((await h.sender.command({ command, text, user_id: user })).status).toBe(200);
  });
}

/** view.state.values the way Slack sends them, from plain answers keyed by block id. */
const stateFor = dtrStateFor;

let forms = 0;
const submitForm = (user: string, view: OpenedView, answers: Record<string, string>) =>
  h.submit(user, view, stateFor(view, answers), `V${++forms}`);

/** Both sides of the kick-off, as people fill it in: Ada sets the slot, Bo the goals. */
async function kickoff(time = '21:00') {
  await submitForm(ADA, await openForm(ADA, '/dtr', 'kickoff'), {
    name: 'Ada',
    pronouns: 'she/her',
    mentor_work: 'Payments team',
    best_times: 'Evenings',
    meeting_weekday: '3',
    meeting_time: time,
    meeting_minutes: '45',
    contact_channel: 'slack',
    ack_within_hours: '12',
    reply_within_days: '1',
    action_plan: 'Weekly code review',
    homework: 'Read chapter 1',
  });
  await submitForm(BO, await openForm(BO, '/dtr', 'kickoff'), {
    name: 'Bo',
    best_times: 'Mornings',
    mentee_why: 'Career change',
    overwhelmed: 'Walks',
    other_support: 'Study group',
    goal1_text: GOAL,
    goal1_measure: 'Deployed with tests',
    goal1_date: '2027-02-19',
  });
  await h.settle();
}

async function pairingId(): Promise<number> {
  return (await h.database.db.selectFrom('pairings').select('id').where('mentee_id', '=', BO).executeTakeFirstOrThrow()).id;
}

async function seed(program: NonNullable<Parameters<typeof seedProgram>[1]>['program'] = {}) {
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      { id: ADA, name: 'ada', tz: 'Europe/Berlin' },
      { id: BO, name: 'bo', tz: 'Asia/Kolkata' },
    ],
    at: '2027-01-11T12:00:00Z',
    program,
    pairs: [[ADA, BO]],
  });
}

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset();
});

describe('the reminder the day before a meeting', () => {
  test('arrives at 09:00 the day before in each person’s own zone, with the time as a date token, the goals and the homework, once', async () => {
    await seed();
    await kickoff();
    // Ada logs a session with homework for next time, through the session-log form.
    const form = await openForm(ADA, '/tandem', 'log');
    expect(JSON.stringify(form.blocks)).toContain('Homework for next time');
    const tooLong = await submitForm(ADA, form, {
      pairing: String(await pairingId()),
      date: '2027-01-11',
      minutes: '30',
      homework: 'x'.repeat(1001),
    });
    expect(tooLong.json()).toEqual({ response_action: 'errors', errors: { homework: 'At most 1000 characters' } });
    expect(await h.database.db.selectFrom('session_logs').select('id').execute()).toEqual([]);
    const saved = await submitForm(ADA, form, {
      pairing: String(await pairingId()),
      date: '2027-01-11',
      minutes: '30',
      done: 'Intro call',
      homework: HOMEWORK,
    });
    expect(saved.body).toBe('');
    expect(await h.database.db.selectFrom('session_logs').select('homework').execute()).toEqual([{ homework: HOMEWORK }]);

    const candidates = (at: string) =>
      createMeetingReminderRepository(h.database.db)
        .dueCandidates(new Date(at), 0, 10)
        .then((rows) => rows.map((r) => r.pairing_id));
    expect(await candidates('2027-01-12T07:59:00Z')).toEqual([]);
    expect(await candidates('2027-01-12T08:00:00Z')).toEqual([await pairingId()]);
    expect((await h.tick('2027-01-12T07:59:00Z')).meetingReminders).toBe(0);
    expect(reminders(ADA)).toHaveLength(0);
    // Tuesday 09:00 in Berlin: Ada's day before. Bo's is still to come (it is Tuesday 13:30 in Kolkata,
    // two days before his Thursday 01:30).
    expect((await h.tick('2027-01-12T08:00:00Z')).meetingReminders).toBe(1);
    expect(reminders(ADA)).toHaveLength(1);
    expect(reminders(BO)).toHaveLength(0);
    await h.tick('2027-01-13T03:29:00Z');
    expect(reminders(BO)).toHaveLength(0);
    // Wednesday 09:00 in Kolkata.
    await h.tick('2027-01-13T03:30:00Z');
    expect(reminders(BO)).toHaveLength(1);
    // Safe twice: the next passes plan nothing more, and a quiet minute reads no pair at all.
    expect(await candidates('2027-01-13T03:31:00Z')).toEqual([]);
    expect((await h.tick('2027-01-13T03:31:00Z')).meetingReminders).toBe(0);
    await h.tick('2027-01-13T12:00:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([1, 1]);

    const meeting = unix('2027-01-13T20:00:00Z');
    const ada = reminders(ADA)[0];
    const bo = reminders(BO)[0];
    expect(ada?.text).toMatch(
      new RegExp(
        `^Reminder: you meet your mentee <@${BO}> <!date\\^${meeting}\\^\\{date_short_pretty\\} at \\{time\\}\\|[^>]*21:00[^>]*>, for 45 minutes\\.$`,
      ),
    );
    expect(bo?.text).toContain(`you meet your mentor <@${ADA}> <!date^${meeting}^{date_short_pretty} at {time}|`);
    // The fallback, for clients that cannot show the token, is in the reader's own zone.
    expect(bo?.text).toContain('|Thu 14 Jan at 01:30 Asia/Kolkata>');
    for (const m of [ada, bo]) {
      expect(everything(m)).toContain('Ship the app &lt;!channel&gt; &lt;!here&gt;');
      expect(everything(m)).toContain('Deployed with tests');
      expect(everything(m)).toContain('Homework from last time');
      expect(everything(m)).toContain('Read chapter 3 &lt;!channel&gt;');
      expect(everything(m)).toContain('&amp; co');
    }
    expect(liveMrkdwnFound(h.slack)).toEqual([]);
  });

  test('none when the program has them off, or for a paused pair', async () => {
    await seed({ meetingReminders: 'off' });
    await kickoff();
    await h.tick('2027-01-12T08:00:00Z');
    await h.tick('2027-01-13T03:30:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([0, 0]);

    // Switched on, the pair is reminded of its next meeting; paused, it is not.
    const program = (await h.database.db.selectFrom('programs').select('id').executeTakeFirstOrThrow()).id;
    await h.database.db.updateTable('programs').set({ meeting_reminders: true }).where('id', '=', program).execute();
    await h.sender.command({ command: '/tandem', text: `pause <@${ADA}> until 2027-01-25`, user_id: BO });
    await h.settle();
    await h.tick('2027-01-19T08:00:00Z');
    await h.tick('2027-01-20T03:30:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([0, 0]);
    await h.tick('2027-01-26T08:00:00Z');
    await h.tick('2027-01-27T03:30:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([1, 1]);
  });

  test('a cancelled meeting gets none; a moved one gets its reminder the day before its new time', async () => {
    await seed();
    await kickoff();
    const pairing = String(await pairingId());
    const reschedule = async (user: string, values: Record<string, string | boolean>) => {
      const view = await openForm(user, '/tandem', 'reschedule');
      const state: Record<string, Record<string, unknown>> = {};
      state.pairing = { value: { type: 'static_select', selected_option: { value: pairing } } };
      state.original_date = { value: { type: 'datepicker', selected_date: values.originalDate } };
      state.original_time = { value: { type: 'timepicker', selected_time: values.originalTime } };
      if (values.cancel) state.cancel = { value: { type: 'checkboxes', selected_options: [{ value: 'cancel' }] } };
      else {
        state.new_date = { value: { type: 'datepicker', selected_date: values.newDate } };
        state.new_time = { value: { type: 'timepicker', selected_time: values.newTime } };
      }
      const res = await h.submit(user, view, { values: state }, `VR${++forms}`);
      expect(res.body).toBe('');
    };
    // Ada cancels this week's meeting (Wednesday 21:00 her time).
    await reschedule(ADA, { originalDate: '2027-01-13', originalTime: '21:00', cancel: true });
    await h.tick('2027-01-12T08:00:00Z');
    await h.tick('2027-01-13T03:30:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([0, 0]);

    // Bo moves next week's (Thursday 01:30 his time) to Friday 22 January 14:30 his time (10:00 Berlin).
    await reschedule(BO, { originalDate: '2027-01-21', originalTime: '01:30', newDate: '2027-01-22', newTime: '14:30' });
    await h.tick('2027-01-19T08:00:00Z');
    await h.tick('2027-01-20T03:30:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([0, 0]);
    // Thursday 09:00 in Kolkata (03:30Z), then in Berlin (08:00Z): the day before the new time for each.
    await h.tick('2027-01-21T03:30:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([0, 1]);
    await h.tick('2027-01-21T08:00:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([1, 1]);
    const moved = unix('2027-01-22T09:00:00Z');
    for (const m of [reminders(ADA)[0], reminders(BO)[0]]) {
      expect(m?.text).toContain(`<!date^${moved}^{date_short_pretty} at {time}|`);
      expect(m?.text).toContain('the time you moved it to');
    }
    // Moved again, after the reminders went out: a new reminder with the new time.
    await reschedule(ADA, { originalDate: '2027-01-22', originalTime: '10:00', newDate: '2027-01-22', newTime: '18:00' });
    await h.tick('2027-01-21T12:00:00Z');
    expect(reminders(ADA).map((m) => /<!date\^(\d+)/.exec(m.text)?.[1])).toEqual([
      String(moved),
      String(unix('2027-01-22T17:00:00Z')),
    ]);
    // It is Thursday for both (13:00 in Berlin, 17:30 in Kolkata), the day before Friday's new time: Bo gets his too.
    expect(reminders(BO)).toHaveLength(2);
  });

  test('nobody is reminded of a meeting one of them is away for; a deactivated account gets nothing', async () => {
    await seed();
    await kickoff();
    // Bo is away Thursday 14 to Friday 15 January, his time: the meeting is on his Thursday.
    await h.database.db
      .updateTable('people')
      .set({ away_from: '2027-01-14', away_until: '2027-01-15' })
      .where('slack_id', '=', BO)
      .execute();
    await h.tick('2027-01-12T08:00:00Z');
    await h.tick('2027-01-13T03:30:00Z');
    expect([reminders(ADA).length, reminders(BO).length]).toEqual([0, 0]);
    // Back the next week; Bo's Slack account is deactivated, so only Ada is reminded.
    const bo = h.slack.users.get(BO);
    if (bo) bo.deleted = true;
    await h.database.db.updateTable('people').set({ deleted: true }).where('slack_id', '=', BO).execute();
    await h.tick('2027-01-19T08:00:00Z');
    await h.tick('2027-01-20T03:30:00Z');
    expect(reminders(ADA)).toHaveLength(1);
    // Nothing is even queued for him (Slack would refuse it, and the failure would reach staff as a problem).
    const queued = await h.database.db
      .selectFrom('deliveries')
      .select('channel')
      .where('kind', '=', 'meeting_reminder')
      .execute();
    expect(queued).toEqual([{ channel: ADA }]);
  });

  test('a program meeting every two weeks reminds in its meeting weeks only, and not of a meeting on a holiday', async () => {
    // Weeks 0, 2, 4 meet; week 2's Wednesday (27 January) is a holiday.
    await seed({ cadence: 'every_two_weeks', holidays: '2027-01-27' });
    await kickoff();
    for (const day of ['2027-01-12', '2027-01-19', '2027-01-26', '2027-02-02']) await h.tick(`${day}T08:00:00Z`);
    expect(reminders(ADA).map((m) => /<!date\^(\d+)/.exec(m.text)?.[1])).toEqual([String(unix('2027-01-13T20:00:00Z'))]);
    await h.tick('2027-02-09T08:00:00Z');
    expect(reminders(ADA).map((m) => /<!date\^(\d+)/.exec(m.text)?.[1])).toEqual([
      String(unix('2027-01-13T20:00:00Z')),
      String(unix('2027-02-10T20:00:00Z')),
    ]);
  });
});

test('a reminder that could not go out on the day before is dropped, not sent on the day of the meeting', async () => {
  await seed();
  await kickoff();
  let down = true;
  h.slack.outage({ kind: 'server_error', status: 503 }, () => down);
  // Slack is down all of Ada's Tuesday (Berlin); it is back just after her midnight.
  await h.tick('2027-01-12T08:00:00Z');
  await h.tick('2027-01-12T22:00:00Z');
  down = false;
  await h.tick('2027-01-12T23:30:00Z');
  await h.tick('2027-01-13T03:30:00Z');
  expect([reminders(ADA).length, reminders(BO).length]).toEqual([0, 1]);
  const ada = await h.database.db
    .selectFrom('deliveries')
    .select('status')
    .where('kind', '=', 'meeting_reminder')
    .where('channel', '=', ADA)
    .execute();
  expect(ada).toEqual([{ status: 'skipped' }]);
});

describe('homework in the check-in', () => {
  test('the check-in shows the homework from the newest session log written before it was asked, also once answered', async () => {
    await seed();
    const logSession = async (date: string, homework: string) => {
      const res = await submitForm(ADA, await openForm(ADA, '/tandem', 'log'), {
        pairing: String(await pairingId()),
        date,
        minutes: '30',
        homework,
      });
      expect(res.body).toBe('');
    };
    await logSession('2027-01-11', HOMEWORK);
    // Monday 10:00 in Denver: the week's check-in (the program's slot before a kick-off).
    await h.tick('2027-01-11T17:00:00Z');
    const conversation = h.pairConversation(ADA, BO)?.id;
    const checkin = h.messagesTo(conversation, 'checkin')[0];
    expect(everything(checkin)).toContain('Homework from last time: Read chapter 3 &lt;!channel&gt;');
    // A log written after it was asked is for the next meeting: the answered check-in keeps the same homework.
    await logSession('2027-01-11', 'Next week: chapter 4');
    await h.click(BO, checkin as FakeMessage, 'checkin_answer:met');
    await h.settle();
    const update = h.slack.calls.filter((c) => c.method === 'chat.update').at(-1);
    expect(JSON.stringify(update?.args)).toContain(':white_check_mark: <@UBO>: We met');
    expect(JSON.stringify(update?.args)).toContain('Homework from last time: Read chapter 3 &lt;!channel&gt;');
    expect(JSON.stringify(update?.args)).not.toContain('chapter 4');
    expect(liveMrkdwnFound(h.slack)).toEqual([]);
  });
});
