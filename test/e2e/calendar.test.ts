import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import type { FakeFile, FakeMessage } from '../support/fake-slack.js';
import { seedProgram, worldTest, type OpenedView, type World } from '../support/world.js';
import { dtrStateFor } from '../support/dtr-forms.js';

// The program runs six weeks from Monday 2027-03-01 (Berlin): its last week is 5-11 April. The EU's
// clocks go forward on Sunday 28 March, so a Wednesday 18:00 Berlin meeting is 17:00Z before and 16:00Z after.
let h: World;
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';

const test = worldTest({ admins: [ADMIN], now: '2027-03-02T09:00:00Z' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset({ clearFiles: true });
  h.setNow('2027-03-02T09:00:00Z');
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'Europe/Berlin' },
      { id: MENTOR, name: 'ada', real_name: 'Ada "Ace" Lovelace', tz: 'Europe/Berlin' },
      { id: MENTEE, name: 'bo', real_name: 'Bo Chen', tz: 'Asia/Kolkata' },
    ],
    program: { name: 'Backend & Friends', timeZone: 'Europe/Berlin', startDate: '2027-03-01', lengthWeeks: '6' },
    pairs: [[MENTOR, MENTEE]],
  });
});

const mentorAnswers = {
  name: 'Ada',
  pronouns: 'she/her',
  mentor_work: 'Payments team',
  best_times: 'Weekday evenings',
  meeting_weekday: '3',
  meeting_time: '18:00',
  meeting_minutes: '45',
  contact_channel: 'slack',
  ack_within_hours: '12',
  reply_within_days: '1',
  action_plan: 'Weekly code review of the project',
  homework: 'Read chapter 3',
};
const menteeAnswers = {
  name: 'Bo',
  best_times: 'After 6pm',
  mentee_why: 'Career change',
  overwhelmed: 'nothing much',
  other_support: 'Study group',
  goal1_text: 'Ship a full-stack app',
  goal1_measure: 'Deployed with tests',
  goal1_date: '2027-04-09',
};

let views = 0;
async function recordKickoff(user: string, answers: Record<string, string>) {
  const view: OpenedView = await h.viewOpenedBy(async () => {
    const res = await h.sender.command({ command: '/dtr', text: 'kickoff', user_id: user });
    expect(res.status).toBe(200);
  });
  const res = await h.submit(user, view, dtrStateFor(view, answers), `VK${++views}`);
  expect(res.body).toBe('');
  await h.services.sender.idle();
}

async function reschedule(user: string, fields: Record<string, Record<string, unknown>>) {
  const values = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { value: v }]));
  const from = h.slack.calls.length;
  await h.sender.command({ text: 'reschedule', user_id: user });
  const view = (await h.slack.waitFor('views.open', { from })).args.view as { callback_id: string };
  const res = await h.sender.viewSubmission({
    user: { id: user },
    view: { id: `VR${++views}`, callback_id: view.callback_id, state: { values } },
  });
  expect(res.body).toBe('');
  await h.services.sender.idle();
}

const pairConversation = () => h.pairConversation(MENTOR, MENTEE);
const calendarFiles = (): FakeFile[] =>
  h.slack.files.filter((f) => f.completed && f.channel_id === pairConversation()?.id && f.filename.endsWith('.ics'));
const shareOf = (f: FakeFile | undefined): FakeMessage | undefined =>
  pairConversation()?.messages.find((m) => m.files?.some((x) => x.id === f?.id));

/** The uploaded bytes, parsed by ical.js with the file's own VTIMEZONEs (not the tz database). */
function parse(file: FakeFile | undefined) {
  const root = new ICAL.Component(ICAL.parse((file?.content as Buffer).toString('utf8')));
  for (const vtz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  const vevent = root.getFirstSubcomponent('vevent') as ICAL.Component;
  return { root, vevent, event: new ICAL.Event(vevent) };
}

const berlin = (d: Date) => DateTime.fromJSDate(d, { zone: 'Europe/Berlin' });
/** Message text with Slack date tokens taken out: what is left must not show a bare clock time. */
const withoutDateTokens = (text: string) => text.replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, '[date]');

describe('calendar file after the kick-off', () => {
  test('both sides recorded: the pair conversation gets a weekly series that parses to Wednesday 18:00 Berlin, 45 minutes, across the DST change', async () => {
    await recordKickoff(MENTOR, mentorAnswers);
    expect(calendarFiles()).toHaveLength(0); // one side is not the kick-off
    await recordKickoff(MENTEE, menteeAnswers);
    const files = calendarFiles();
    expect(files).toHaveLength(1);
    expect(files[0]?.filename).toMatch(/^tandem-meetings-d\d+\.ics$/);

    const { root, vevent, event } = parse(files[0]);
    expect(root.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(root.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Europe/Berlin']);
    expect(event.startDate.zone?.tzid).toBe('Europe/Berlin');
    expect(event.startDate.toString()).toBe('2027-03-03T18:00:00');
    expect(event.duration.toSeconds()).toBe(45 * 60);
    const rule = vevent.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rule.freq).toBe('WEEKLY');
    expect(rule.interval).toBe(1);
    // UNTIL falls in the program's last week (5-11 April, Berlin).
    const until = berlin(rule.until?.toJSDate() as Date);
    expect(until >= DateTime.fromISO('2027-04-05T00:00', { zone: 'Europe/Berlin' })).toBe(true);
    expect(until < DateTime.fromISO('2027-04-12T00:00', { zone: 'Europe/Berlin' })).toBe(true);

    // Expanded by the parser: six Wednesdays at 18:00 Berlin; in UTC the hour moves with the clocks.
    const starts: Date[] = [];
    const it = event.iterator();
    for (let next = it.next(); next && starts.length < 20; next = it.next()) starts.push(next.toJSDate());
    expect(starts.map((d) => d.toISOString())).toEqual([
      '2027-03-03T17:00:00.000Z',
      '2027-03-10T17:00:00.000Z',
      '2027-03-17T17:00:00.000Z',
      '2027-03-24T17:00:00.000Z',
      '2027-03-31T16:00:00.000Z',
      '2027-04-07T16:00:00.000Z',
    ]);
    for (const d of starts) expect(berlin(d).toFormat('cccc HH:mm')).toBe('Wednesday 18:00');

    const attendees = vevent.getAllProperties('attendee').map((p) => p.getParameter('cn'));
    expect(attendees).toEqual(["Ada 'Ace' Lovelace", 'Bo Chen']);
    expect(String(vevent.getFirstPropertyValue('description'))).toContain(
      `https://slack.com/app_redirect?channel=${pairConversation()?.id}`,
    );
    expect(String(vevent.getFirstPropertyValue('uid'))).toMatch(/@tandem$/);
    expect(vevent.getFirstPropertyValue('sequence')).toBe(0);

    // The comment: times as date tokens (each reader's own zone), and the same series as a Google link.
    const comment = files[0]?.initial_comment ?? '';
    expect(shareOf(files[0])?.text).toBe(comment);
    expect(withoutDateTokens(comment)).not.toMatch(/\d{1,2}:\d{2}/);
    expect(comment).toContain(`<!date^${Date.parse('2027-03-03T17:00:00Z') / 1000}^`);
    expect(comment).toContain('45 minutes every week');
    expect(comment).toContain('Backend &amp; Friends');
    const link = /<(https:\/\/calendar\.google\.com\/[^|>]+)\|add them to Google Calendar>/.exec(comment)?.[1];
    const google = new URL((link as string).replace(/&amp;/g, '&'));
    expect(Object.fromEntries(google.searchParams)).toMatchObject({
      action: 'TEMPLATE',
      dates: '20270303T180000/20270303T184500',
      ctz: 'Europe/Berlin',
      recur: 'RRULE:FREQ=WEEKLY;INTERVAL=1;UNTIL=20270411T215959Z',
      text: 'Mentoring: Ada "Ace" Lovelace and Bo Chen (Backend & Friends)',
    });
    expect(google.searchParams.get('details')).toContain(`app_redirect?channel=${pairConversation()?.id}`);
  });

  test('a program that meets every two weeks: INTERVAL=2 in the file and in the Google link, meetings in its meeting weeks', async () => {
    await h.database.db.updateTable('programs').set({ cadence: 'every_two_weeks' }).execute();
    await recordKickoff(MENTOR, mentorAnswers);
    await recordKickoff(MENTEE, menteeAnswers);
    const { vevent, event } = parse(calendarFiles()[0]);
    expect((vevent.getFirstPropertyValue('rrule') as ICAL.Recur).interval).toBe(2);
    const starts: string[] = [];
    const it = event.iterator();
    for (let next = it.next(); next && starts.length < 20; next = it.next()) starts.push(next.toJSDate().toISOString());
    expect(starts).toEqual(['2027-03-03T17:00:00.000Z', '2027-03-17T17:00:00.000Z', '2027-03-31T16:00:00.000Z']);
    expect(calendarFiles()[0]?.initial_comment).toContain('45 minutes every 2 weeks');
    expect(calendarFiles()[0]?.initial_comment).toContain('INTERVAL%3D2');
  });

  test('a re-recorded kick-off with the same slot sends nothing; a new slot sends the series again, same UID, SEQUENCE 1', async () => {
    await recordKickoff(MENTOR, mentorAnswers);
    await recordKickoff(MENTEE, menteeAnswers);
    await recordKickoff(MENTEE, { ...menteeAnswers, best_times: 'Evenings' });
    await recordKickoff(MENTOR, { ...mentorAnswers, best_times: 'Any evening' });
    expect(calendarFiles()).toHaveLength(1);

    h.setNow('2027-03-08T09:00:00Z');
    await recordKickoff(MENTOR, { ...mentorAnswers, meeting_weekday: '4', meeting_time: '17:30' });
    const files = calendarFiles();
    expect(files).toHaveLength(2);
    const first = parse(files[0]);
    const second = parse(files[1]);
    expect(second.event.uid).toBe(first.event.uid);
    expect(second.vevent.getFirstPropertyValue('sequence')).toBe(1);
    expect(second.event.startDate.toString()).toBe('2027-03-11T17:30:00');
    expect(files[1]?.initial_comment).toContain('Your meeting time changed');
  });

  test('a Slack outage delays the file and loses nothing; it is uploaded once when Slack is back', async () => {
    await recordKickoff(MENTOR, mentorAnswers);
    h.slack.inject('files.getUploadURLExternal', { kind: 'server_error', status: 503 });
    await recordKickoff(MENTEE, menteeAnswers);
    expect(calendarFiles()).toHaveLength(0);
    const row = await h.database.db.selectFrom('deliveries').selectAll().where('kind', '=', 'calendar').executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    h.setNow(new Date(row.not_before.getTime() + 1).toISOString());
    await h.services.sender.deliverDue();
    expect(calendarFiles()).toHaveLength(1);
    expect(h.slack.callsTo('files.completeUploadExternal')).toHaveLength(1);
  });

  test('a double submit of the last side sends one file', async () => {
    await recordKickoff(MENTOR, mentorAnswers);
    const view: OpenedView = await h.viewOpenedBy(async () => {
      await h.sender.command({ command: '/dtr', text: 'kickoff', user_id: MENTEE });
    });
    const values: Record<string, Record<string, unknown>> = {};
    for (const b of view.blocks)
      if (b.type === 'input' && b.block_id) {
        const type = String(b.element?.type);
        const v = menteeAnswers[b.block_id as keyof typeof menteeAnswers];
        values[b.block_id] = { value: type === 'datepicker' ? { type, selected_date: v ?? null } : { type, value: v ?? null } };
      }
    const both = await Promise.all([h.submit(MENTEE, view, { values }, 'VD1'), h.submit(MENTEE, view, { values }, 'VD2')]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    await h.settle();
    expect(calendarFiles()).toHaveLength(1);
    expect(
      await h.database.db.selectFrom('deliveries').select('dedupe_key').where('kind', '=', 'calendar').execute(),
    ).toHaveLength(1);
  });
});

describe('calendar file after a reschedule', () => {
  const pairingId = async () => String((await h.database.db.selectFrom('pairings').select('id').executeTakeFirstOrThrow()).id);

  test('a moved meeting is sent as that occurrence (same UID, RECURRENCE-ID of the original); a cancelled one as its cancellation', async () => {
    await recordKickoff(MENTOR, mentorAnswers);
    await recordKickoff(MENTEE, menteeAnswers);
    const series = parse(calendarFiles()[0]);

    // The mentor (Berlin) moves Wednesday 17 March 18:00 to Thursday 18 March 19:00.
    await reschedule(MENTOR, {
      pairing: { type: 'static_select', selected_option: { value: await pairingId() } },
      original_date: { type: 'datepicker', selected_date: '2027-03-17' },
      original_time: { type: 'timepicker', selected_time: '18:00' },
      new_date: { type: 'datepicker', selected_date: '2027-03-18' },
      new_time: { type: 'timepicker', selected_time: '19:00' },
    });
    expect(calendarFiles()).toHaveLength(2);
    const moved = parse(calendarFiles()[1]);
    expect(moved.event.uid).toBe(series.event.uid);
    expect(moved.event.isRecurrenceException()).toBe(true);
    expect(moved.event.recurrenceId.toString()).toBe('2027-03-17T18:00:00');
    expect(moved.event.recurrenceId.zone?.tzid).toBe('Europe/Berlin');
    expect(moved.event.startDate.toJSDate().toISOString()).toBe('2027-03-18T18:00:00.000Z');
    expect(moved.event.duration.toSeconds()).toBe(45 * 60);
    expect(withoutDateTokens(calendarFiles()[1]?.initial_comment ?? '')).not.toMatch(/\d{1,2}:\d{2}/);

    // The mentee (Kolkata) cancels the meeting after the DST change: Wednesday 31 March 18:00 Berlin is 21:30 in Kolkata.
    await reschedule(MENTEE, {
      pairing: { type: 'static_select', selected_option: { value: await pairingId() } },
      original_date: { type: 'datepicker', selected_date: '2027-03-31' },
      original_time: { type: 'timepicker', selected_time: '21:30' },
      cancel: { type: 'checkboxes', selected_options: [{ value: 'cancel' }] },
    });
    expect(calendarFiles()).toHaveLength(3);
    const cancelled = parse(calendarFiles()[2]);
    expect(cancelled.root.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelled.event.uid).toBe(series.event.uid);
    expect(cancelled.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.event.recurrenceId.toString()).toBe('2027-03-31T18:00:00');
    expect(cancelled.event.recurrenceId.toJSDate().toISOString()).toBe('2027-03-31T16:00:00.000Z');
    expect(calendarFiles()[2]?.initial_comment).toContain('is cancelled');
  });

  test('a meeting that is not one of the series (another time), or a pair without a kick-off, gets no calendar file', async () => {
    await reschedule(MENTOR, {
      pairing: { type: 'static_select', selected_option: { value: await pairingId() } },
      original_date: { type: 'datepicker', selected_date: '2027-03-17' },
      original_time: { type: 'timepicker', selected_time: '18:00' },
      cancel: { type: 'checkboxes', selected_options: [{ value: 'cancel' }] },
    });
    expect(pairConversation()?.messages.filter((m) => m.metadata?.event_payload?.kind === 'reschedule')).toHaveLength(1);
    expect(calendarFiles()).toHaveLength(0);

    await recordKickoff(MENTOR, mentorAnswers);
    await recordKickoff(MENTEE, menteeAnswers);
    await reschedule(MENTOR, {
      pairing: { type: 'static_select', selected_option: { value: await pairingId() } },
      original_date: { type: 'datepicker', selected_date: '2027-03-17' },
      original_time: { type: 'timepicker', selected_time: '17:00' },
      cancel: { type: 'checkboxes', selected_options: [{ value: 'cancel' }] },
    });
    expect(pairConversation()?.messages.filter((m) => m.metadata?.event_payload?.kind === 'reschedule')).toHaveLength(2);
    expect(calendarFiles()).toHaveLength(1);
  });
});
