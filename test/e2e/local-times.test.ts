import { describe, expect } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { seedProgram, worldTest, type OpenedView, type World } from '../support/world.js';
import { dtrStateFor } from '../support/dtr-forms.js';

/**
 * Every time a person reads is theirs: a mentor in Berlin and a mentee in Kolkata, in a program run on
 * Denver time (check-ins Mondays 10:00 Denver, from Monday 2027-01-11). Times reach them as Slack date
 * tokens, which each one's Slack shows in their own zone; the fallback text names a zone; forms name
 * the reader's zone next to their time pickers. (Every test in the suite is also checked for bare clock
 * times by test/support/bare-times-check.ts.)
 */
let h: World;
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';

const unix = (iso: string) => Date.parse(iso) / 1000;
const token = (iso: string, format: string, fallback: string) => `<!date^${unix(iso)}^${format}|${fallback}>`;

const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset();
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      { id: MENTOR, name: 'ada', tz: 'Europe/Berlin' },
      { id: MENTEE, name: 'bo', tz: 'Asia/Kolkata' },
    ],
    at: '2027-01-10T12:00:00Z',
    pairs: [[MENTOR, MENTEE]],
  });
});

const pairMessages = () => h.pairConversation(MENTOR, MENTEE)?.messages ?? [];
const shown = (m: FakeMessage | undefined) => `${m?.text ?? ''}\n${JSON.stringify(m?.blocks ?? [])}`;

async function openForm(user: string, command: string, text: string): Promise<OpenedView> {
  return h.viewOpenedBy(() => h.sender.command({ command, text, user_id: user }));
}

const stateFor = dtrStateFor;

describe('the pair introduction', () => {
  test('names the first check-in as a date token (Monday 10:00 Denver is 18:00 in Berlin, 22:30 in Kolkata), not a bare "Every Monday at 10:00"', async () => {
    const intro = shown(pairMessages()[0]);
    expect(intro).toContain(
      `Each week I ask you both here whether you met, first ${token('2027-01-11T17:00:00Z', '{date_long_pretty} at {time}', 'Mon 11 Jan at 10:00 America/Denver')}.`,
    );
    expect(intro).not.toContain('10:00 I ask');
  });
});

describe('nudges', () => {
  test('the deadline in a nudge is a date token; its fallback is in the nudged person’s zone and names it', async () => {
    await h.tick('2027-01-11T17:00:00Z');
    const [checkin] = pairMessages().filter((m) => m.metadata?.event_payload?.kind === 'checkin');
    expect(checkin).toBeDefined();
    // Asked Mon 22:30 in Kolkata; due two work days later, Wed 22:30 Kolkata (17:00Z); nudged halfway.
    await h.tick('2027-01-12T17:00:00Z');
    await h.tick('2027-01-12T17:30:00Z');
    const [nudge] = h.messagesTo(MENTEE, 'reminder');
    expect(nudge?.text).toContain(
      `due by ${token('2027-01-13T17:00:00Z', '{date_short_pretty} at {time}', 'Wed 13 Jan at 22:30 Asia/Kolkata')}.`,
    );
  });
});

describe('the kick-off', () => {
  const mentorAnswers = {
    name: 'Ada',
    mentor_work: 'Payments team',
    best_times: 'Weekday evenings',
    meeting_weekday: '3',
    meeting_time: '18:00',
    meeting_minutes: '45',
    contact_channel: 'slack',
    ack_within_hours: '12',
    reply_within_days: '2',
    action_plan: 'Weekly code review',
  };
  const menteeAnswers = {
    name: 'Bo',
    best_times: 'After 6pm',
    mentee_why: 'Career change',
    goal1_text: 'Ship an app',
    goal1_measure: 'Deployed',
    goal1_date: '2027-02-19',
  };

  test('its form names the person’s zone at the time picker; the summary states the slot in the mentor’s zone and the next meeting as a date token; /dtr show names the zone of the time', async () => {
    const mentorForm = await openForm(MENTOR, '/dtr', 'kickoff');
    expect(mentorForm.blocks.find((b) => b.block_id === 'meeting_time')?.element).toMatchObject({
      type: 'timepicker',
      timezone: 'Europe/Berlin',
    });
    expect((await h.submit(MENTOR, mentorForm, stateFor(mentorForm, mentorAnswers), 'V1')).body).toBe('');
    const menteeForm = await openForm(MENTEE, '/dtr', 'kickoff');
    expect((await h.submit(MENTEE, menteeForm, stateFor(menteeForm, menteeAnswers), 'V2')).body).toBe('');
    await h.settle();

    const summary = shown(pairMessages().find((m) => m.metadata?.event_payload?.kind === 'dtr_summary'));
    // Wednesday 18:00 Berlin is 17:00Z, 22:30 in Kolkata: each reads the next one in their own zone.
    expect(summary).toContain(
      `*Weekly meeting:* Wednesdays at 18:00 Europe/Berlin, 45 minutes; next ${token('2027-01-13T17:00:00Z', '{date_long_pretty} at {time}', 'Wed 13 Jan at 18:00 Europe/Berlin')}`,
    );
    expect(summary).not.toContain("'s time)");

    const from = h.slack.responses.length;
    await h.sender.command({ command: '/dtr', text: 'show kickoff', user_id: MENTEE });
    const show = await h.slack.waitForResponse(() => true, { from });
    expect(JSON.stringify(show.body)).toContain('18:00 Europe/Berlin');
  });
});

describe('a moved meeting', () => {
  test('the form names the mover’s zone; the pair conversation gets both times as date tokens, the fallback in the partner’s zone', async () => {
    const pairing = await h.database.db.selectFrom('pairings').select('id').executeTakeFirstOrThrow();
    const form = await openForm(MENTOR, '/tandem', 'reschedule');
    expect(JSON.stringify(form.blocks)).toContain('Times are in your own time zone, Europe/Berlin.');
    for (const id of ['original_time', 'new_time'])
      expect(form.blocks.find((b) => b.block_id === id)?.element).toMatchObject({ timezone: 'Europe/Berlin' });

    // Now is Sun 10 Jan 13:00 in Berlin: Wed 13 Jan 18:00 Berlin (17:00Z) moves to Thu 14 Jan 09:00 Berlin (08:00Z).
    const res = await h.submit(MENTOR, form, {
      values: {
        pairing: { value: { type: 'static_select', selected_option: { value: String(pairing.id) } } },
        original_date: { value: { type: 'datepicker', selected_date: '2027-01-13' } },
        original_time: { value: { type: 'timepicker', selected_time: '18:00' } },
        new_date: { value: { type: 'datepicker', selected_date: '2027-01-14' } },
        new_time: { value: { type: 'timepicker', selected_time: '09:00' } },
      },
    });
    expect(res.status).toBe(200);
    await h.settle();
    const told = pairMessages().find((m) => m.metadata?.event_payload?.kind === 'reschedule');
    expect(told?.text).toBe(
      `<@${MENTOR}> moved your meeting of ${token('2027-01-13T17:00:00Z', '{date_short_pretty} at {time}', 'Wed 13 Jan at 22:30 Asia/Kolkata')} to *${token('2027-01-14T08:00:00Z', '{date_short_pretty} at {time}', 'Thu 14 Jan at 13:30 Asia/Kolkata')}*.`,
    );
  });
});

describe('staff', () => {
  test('program settings name the zone of each time', async () => {
    const from = h.slack.responses.length;
    await h.sender.command({ command: '/tandem', text: 'program list', user_id: ADMIN });
    const list = await h.slack.waitForResponse(() => true, { from });
    expect(JSON.stringify(list.body)).toContain('check-ins Mondays at 10:00 America/Denver');
  });
});
