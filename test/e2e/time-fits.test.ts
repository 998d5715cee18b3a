import { DateTime } from 'luxon';
import { describe, expect } from 'vitest';
import { menteeKickoff, mentorKickoff, openDtrForm, submitDtr } from '../support/dtr-forms.js';
import { seedProgram, worldTest, type ProgramSeed, type World } from '../support/world.js';

/**
 * Time that fits each pair, over signed HTTP with a pinned clock: the check-in follows the pair's own
 * meeting (from their kick-off), moves with a rescheduled one, waits for someone away, and follows the
 * program's cadence. Program: Denver time, starts Monday 2027-01-11; mentor in Berlin, mentee in Kolkata.
 */
let h: World;
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';

const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });

const people = [
  { id: ADMIN, name: 'sam', tz: 'America/Denver' },
  { id: MENTOR, name: 'ada', tz: 'Europe/Berlin' },
  { id: MENTEE, name: 'bo', tz: 'Asia/Kolkata' },
];

async function seed(program: NonNullable<ProgramSeed['program']> = {}, at = '2027-01-10T12:00:00Z') {
  await h.reset();
  return seedProgram(h, { people, at, program, pairs: [[MENTOR, MENTEE]] });
}

/** The mentor's kick-off agrees a meeting in the mentor's zone (Berlin). */
async function kickoff(meeting: { weekday: string; time: string; minutes: string }) {
  const res = await submitDtr(h, MENTOR, await openDtrForm(h, MENTOR, 'kickoff'), mentorKickoff(meeting));
  expect(res.status).toBe(200);
  expect((await submitDtr(h, MENTEE, await openDtrForm(h, MENTEE, 'kickoff'), menteeKickoff)).status).toBe(200);
  await h.settle();
}

const checkinsPosted = () => h.messagesTo(h.pairConversation(MENTOR, MENTEE)?.id, 'checkin');
const checkinRows = () => h.database.db.selectFrom('checkins').selectAll().orderBy('prompt_at').execute();
const berlin = (d: Date) => DateTime.fromJSDate(d, { zone: 'Europe/Berlin' }).toFormat('ccc yyyy-MM-dd HH:mm');

test.beforeEach(({ world }) => {
  h = world;
});

describe('the check-in follows the pair’s own meeting', () => {
  test('a kick-off for Wednesdays 18:00 Berlin, 45 minutes: asked Wednesday 21:45 Berlin, never on the program’s Monday', async () => {
    await seed();
    h.setNow('2027-01-12T09:00:00Z');
    await kickoff({ weekday: '3', time: '18:00', minutes: '45' });

    // Week 2: the program's own slot (Monday 10:00 Denver = 17:00Z) asks nothing any more.
    await h.tick('2027-01-18T17:00:00Z');
    await h.tick('2027-01-20T20:44:00Z');
    expect(await checkinRows()).toHaveLength(0);
    expect(checkinsPosted()).toHaveLength(0);
    // Wednesday 18:00 + 45 minutes + 3 hours = 21:45 in Berlin (20:45Z in winter).
    await h.tick('2027-01-20T20:45:00Z');
    const week3 = (await checkinRows()).filter((c) => c.week_key === '2027-W03');
    expect(week3.map((c) => berlin(c.prompt_at))).toEqual(['Wed 2027-01-20 21:45']);
    expect(week3.map((c) => c.meeting_at && berlin(c.meeting_at))).toEqual(['Wed 2027-01-20 18:00']);
    const posted = checkinsPosted().at(-1);
    expect(posted?.text).toContain('did you meet this week');
  });

  test('across the EU daylight-saving change it stays 21:45 in Berlin (20:45Z, then 19:45Z)', async () => {
    await seed({ startDate: '2027-03-15' }, '2027-03-14T12:00:00Z');
    h.setNow('2027-03-15T09:00:00Z');
    await kickoff({ weekday: '3', time: '18:00', minutes: '45' });
    for (const at of ['2027-03-17T20:45:00Z', '2027-03-24T20:45:00Z', '2027-03-31T19:45:00Z', '2027-04-07T19:45:00Z'])
      await h.tick(at);
    const rows = await checkinRows();
    expect(rows.map((c) => c.prompt_at.toISOString())).toEqual([
      '2027-03-17T20:45:00.000Z',
      '2027-03-24T20:45:00.000Z',
      '2027-03-31T19:45:00.000Z',
      '2027-04-07T19:45:00.000Z',
    ]);
    expect(rows.map((c) => berlin(c.prompt_at).slice(-5))).toEqual(['21:45', '21:45', '21:45', '21:45']);
  });

  test('a moved meeting moves that week’s check-in; a cancelled one asks whether they found another time', async () => {
    await seed();
    h.setNow('2027-01-12T09:00:00Z');
    await kickoff({ weekday: '3', time: '18:00', minutes: '45' });
    await h.tick('2027-01-13T20:45:00Z');
    const moved = await h.services.reschedules.reschedule(MENTOR, {
      pairingId: (await h.database.db.selectFrom('pairings').select('id').executeTakeFirstOrThrow()).id,
      originalDate: '2027-01-20',
      originalTime: '18:00',
      cancel: false,
      newDate: '2027-01-21',
      newTime: '17:00',
      reason: null,
    });
    expect(moved.ok).toBe(true);
    const cancelled = await h.services.reschedules.reschedule(MENTEE, {
      pairingId: (await h.database.db.selectFrom('pairings').select('id').executeTakeFirstOrThrow()).id,
      // Wednesday 27 January 18:00 Berlin is 22:30 in Kolkata, the mentee's own time.
      originalDate: '2027-01-27',
      originalTime: '22:30',
      cancel: true,
      newDate: null,
      newTime: null,
      reason: null,
    });
    expect(cancelled.ok).toBe(true);

    await h.tick('2027-01-20T20:45:00Z');
    expect((await checkinRows()).filter((c) => c.week_key === '2027-W03')).toHaveLength(0);
    // Thursday 17:00 + 45 minutes + 3 hours = 20:45 Berlin.
    await h.tick('2027-01-21T19:45:00Z');
    const week3 = (await checkinRows()).filter((c) => c.week_key === '2027-W03');
    expect(week3.map((c) => [berlin(c.prompt_at), c.meeting_cancelled])).toEqual([['Thu 2027-01-21 20:45', false]]);

    await h.tick('2027-01-27T20:45:00Z');
    const week4 = (await checkinRows()).filter((c) => c.week_key === '2027-W04');
    expect(week4.map((c) => [berlin(c.prompt_at), c.meeting_cancelled])).toEqual([['Wed 2027-01-27 21:45', true]]);
    const asked = checkinsPosted().at(-1);
    expect(asked?.text).toContain('your meeting this week was cancelled. Did you find another time?');
    expect(JSON.stringify(asked?.blocks)).toContain('We met another time');
  });

  test('before any kick-off a new program asks at the end of the week: Thursday 16:00 in its zone', async () => {
    await seed({ checkinWeekday: undefined, checkinTime: undefined });
    await h.tick('2027-01-11T17:00:00Z');
    expect(await checkinRows()).toHaveLength(0);
    await h.tick('2027-01-14T22:59:00Z');
    expect(await checkinRows()).toHaveLength(0);
    // Thursday 16:00 in Denver is 23:00Z.
    await h.tick('2027-01-14T23:00:00Z');
    expect((await checkinRows()).map((c) => c.prompt_at.toISOString())).toEqual(['2027-01-14T23:00:00.000Z']);
  });
});

describe('cadence', () => {
  test('every two weeks: asked in weeks 1, 3 and 5 only, each open until the next, deadlines from each question', async () => {
    await seed({ cadence: 'every_two_weeks' });
    for (const monday of ['2027-01-11', '2027-01-18', '2027-01-25', '2027-02-01', '2027-02-08']) {
      await h.tick(`${monday}T17:00:00Z`);
      await h.tick(`${monday}T17:01:00Z`);
    }
    const rows = await checkinRows();
    expect(rows.map((c) => c.week_key)).toEqual(['2027-W02', '2027-W04', '2027-W06']);
    for (const c of rows) expect(c.closes_at.getTime() - c.prompt_at.getTime()).toBe(14 * 86_400_000);
    expect(checkinsPosted()).toHaveLength(3);
    const deadlines = await h.database.db
      .selectFrom('expectations')
      .select(['source_ref', 'subject', 'due_at'])
      .where('kind', '=', 'checkin')
      .orderBy('due_at')
      .execute();
    // Two per question (one each), none for the weeks in between.
    expect(deadlines).toHaveLength(6);
    expect(new Set(deadlines.map((d) => d.source_ref)).size).toBe(3);
  });
});

describe('out of office', () => {
  const away = async (user: string, text: string) => {
    const res = await h.sender.command({ command: '/tandem', text, user_id: user });
    expect(res.status).toBe(200);
    await h.settle();
    return h.slack.responses.at(-1)?.body as { text?: string } | undefined;
  };
  const deadlines = (subject: string) =>
    h.database.db
      .selectFrom('expectations')
      .select(['started_at', 'remind_at', 'due_at', 'status'])
      .where('subject', '=', subject)
      .where('kind', '=', 'checkin')
      .orderBy('id')
      .execute();

  test('away for a week: partners told, no nudge, and the partner’s deadline moves by the days away', async () => {
    await seed();
    h.setNow('2027-01-12T09:00:00Z');
    await kickoff({ weekday: '3', time: '18:00', minutes: '45' });
    await h.tick('2027-01-20T20:45:00Z');
    const [before] = await deadlines(MENTOR);
    expect(before).toBeDefined();

    // Thursday 21 January 06:30 in Kolkata; away through Wednesday 27 January, back on the 28th (Kolkata).
    h.setNow('2027-01-21T01:00:00Z');
    const reply = await away(MENTEE, 'away until 2027-01-27 “at a conference” <!channel>');
    expect(reply?.text).toContain('You are away until Wednesday 27 January');
    const notice = h.pairConversation(MENTOR, MENTEE)?.messages.find((m) => m.metadata?.event_payload?.kind === 'away');
    expect(notice?.text).toContain('<@UMENTEE> is away until Wednesday 27 January');
    expect(notice?.text).toContain('at a conference');
    expect(notice?.text).not.toContain('<!channel>');

    const back = DateTime.fromISO('2027-01-28T00:00', { zone: 'Asia/Kolkata' });
    const [after] = await deadlines(MENTOR);
    expect(after!.due_at.getTime() - before!.due_at.getTime()).toBe(back.toMillis() - Date.parse('2027-01-21T01:00:00Z'));

    // Through the week away: no nudge for either of them, no alert.
    for (const at of ['2027-01-22T12:00:00Z', '2027-01-25T12:00:00Z', '2027-01-27T12:00:00Z']) await h.tick(at);
    expect(h.messagesTo(MENTEE, 'reminder')).toHaveLength(0);
    expect(h.messagesTo(MENTOR, 'reminder')).toHaveLength(0);
    expect(h.messagesTo('GALERTS', 'alert').map((m) => m.text)).toEqual([]);

    // Staff see it on their App Home.
    await h.services.home.publish(ADMIN);
    const home = JSON.stringify(h.slack.homeViews.get(ADMIN));
    expect(home).toContain('<@UMENTEE> away Thursday 21 January to Wednesday 27 January');
  });

  test('away when the question is planned: asked all the same, and the deadlines start when they are back', async () => {
    await seed();
    h.setNow('2027-01-12T09:00:00Z');
    await kickoff({ weekday: '3', time: '18:00', minutes: '45' });
    h.setNow('2027-01-18T06:00:00Z');
    await away(MENTEE, 'away until 2027-01-22');
    await h.tick('2027-01-20T20:45:00Z');
    expect(checkinsPosted()).toHaveLength(1);
    const back = DateTime.fromISO('2027-01-23T00:00', { zone: 'Asia/Kolkata' }).toJSDate();
    expect((await deadlines(MENTOR)).map((d) => d.started_at)).toEqual([back]);
    expect((await deadlines(MENTEE)).map((d) => d.started_at)).toEqual([back]);
  });

  test('both away: nobody is asked while they are; the week’s question waits for the first one back', async () => {
    await seed();
    h.setNow('2027-01-10T13:00:00Z');
    await away(MENTOR, 'away until 2027-01-11');
    await away(MENTEE, 'away until 2027-01-12');
    // Monday 10:00 in Denver: both away, so nothing is asked.
    await h.tick('2027-01-11T17:00:00Z');
    expect(await checkinRows()).toHaveLength(0);
    // Tuesday: the mentor is back (Berlin), the mentee is not; the week's question goes out, late.
    await h.tick('2027-01-12T09:00:00Z');
    expect(checkinsPosted()).toHaveLength(1);
  });

  test('a mentor away on standup day is not asked; `/tandem back` ends it early and tells the pair', async () => {
    await seed();
    h.setNow('2027-01-14T08:00:00Z');
    await away(MENTOR, 'away until 2027-01-15');
    // Friday 15 January 10:00 in Berlin.
    await h.tick('2027-01-15T09:00:00Z');
    expect(await h.database.db.selectFrom('standups').selectAll().execute()).toHaveLength(0);
    const reply = await away(MENTOR, 'back');
    expect(reply?.text).toContain('Welcome back');
    expect(h.pairConversation(MENTOR, MENTEE)?.messages.at(-1)?.text).toContain('<@UMENTOR> is back');
    await h.tick('2027-01-15T09:01:00Z');
    expect(await h.database.db.selectFrom('standups').selectAll().execute()).toHaveLength(1);
  });

  test('from App Home: “I’m away…” opens the form, a saved day is stored and shown; “I’m back” ends it', async () => {
    await seed();
    h.setNow('2027-01-14T08:00:00Z');
    await h.services.home.publish(MENTEE);
    expect(JSON.stringify(h.slack.homeViews.get(MENTEE))).toContain('away_open');
    const homeClick = (actionId: string, value: string) =>
      h.sender.action({
        user: MENTEE,
        trigger_id: '4.4.x',
        actions: [{ type: 'button', action_id: actionId, value, action_ts: '1' }],
        view: { id: 'VHOME', hash: 'h', type: 'home' },
        container: { type: 'view', view_id: 'VHOME' },
      });
    const form = await h.viewOpenedBy(async () => expect((await homeClick('away_open', 'away')).status).toBe(200));
    expect(form.callback_id).toBe('away_form');
    const refused = await h.submit(MENTEE, form, {
      values: {
        until: { value: { type: 'datepicker', selected_date: '2027-01-01' } },
        note: { value: { type: 'plain_text_input', value: null } },
      },
    });
    expect(JSON.stringify(await refused.json())).toContain('That day is over');
    const saved = await h.submit(MENTEE, form, {
      values: {
        until: { value: { type: 'datepicker', selected_date: '2027-01-20' } },
        note: { value: { type: 'plain_text_input', value: 'exams' } },
      },
    });
    expect(saved.status).toBe(200);
    await h.settle();
    await h.services.home.publish(MENTEE);
    expect(JSON.stringify(h.slack.homeViews.get(MENTEE))).toContain('You are away until Wednesday 20 January');
    expect(h.pairConversation(MENTOR, MENTEE)?.messages.at(-1)?.text).toContain('(“exams”)');

    expect((await homeClick('away_back', 'back')).status).toBe(200);
    await h.settle();
    const row = await h.database.db.selectFrom('people').select(['away_until']).where('slack_id', '=', MENTEE).executeTakeFirst();
    expect(row?.away_until).toBeNull();
    expect(JSON.stringify(h.slack.homeViews.get(MENTEE))).toContain('away_open');
  });

  test('a day that is over, a date that does not exist, or no date: a clear message, nothing stored', async () => {
    await seed();
    h.setNow('2027-01-14T08:00:00Z');
    expect((await away(MENTEE, 'away until 2027-01-13'))?.text).toContain('That day is over');
    expect((await away(MENTEE, 'away until 2027-02-30'))?.text).toContain('YYYY-MM-DD');
    expect((await away(MENTEE, 'away'))?.text).toContain('/tandem away until YYYY-MM-DD');
    expect((await away(MENTEE, 'away until 2027-09-01'))?.text).toContain('At most 90 days');
    const row = await h.database.db.selectFrom('people').select(['away_until']).where('slack_id', '=', MENTEE).executeTakeFirst();
    expect(row?.away_until).toBeNull();
  });
});

describe('session target', () => {
  test('the pair reads “session 1 of 8” once they met; staff read who is behind, away or paused in the digest', async () => {
    await seed({ sessionTarget: '8' });
    await h.tick('2027-01-11T17:00:00Z');
    const [first] = checkinsPosted();
    expect((await h.click(MENTOR, first!, 'checkin_answer:met')).status).toBe(200);
    await h.settle();
    const updated = h.slack.callsTo('chat.update').at(-1)?.args as { blocks?: unknown } | undefined;
    expect(JSON.stringify(updated?.blocks)).toContain('Session 1 of 8.');

    await h.tick('2027-01-18T17:00:00Z');
    const second = checkinsPosted().at(-1);
    expect((await h.click(MENTEE, second!, 'checkin_answer:not_yet')).status).toBe(200);
    await h.settle();
    expect(JSON.stringify((h.slack.callsTo('chat.update').at(-1)?.args as { blocks?: unknown }).blocks)).not.toContain('Session');

    // The mentee pauses the pair until February; the mentor will be away.
    h.setNow('2027-01-22T12:00:00Z');
    expect(
      (await h.sender.command({ command: '/tandem', text: 'pause <@UMENTOR|ada> until 2027-02-01', user_id: MENTEE })).status,
    ).toBe(200);
    expect((await h.sender.command({ command: '/tandem', text: 'away until 2027-01-29', user_id: MENTOR })).status).toBe(200);
    await h.settle();

    // Monday 25 January 09:00 in Denver: the digest of the week of 18 January (2 of 8 sessions due by then).
    await h.tick('2027-01-25T16:00:00Z');
    const digest = JSON.stringify(h.messagesTo('GALERTS', 'digest').at(-1)?.blocks);
    expect(digest).toContain('*Behind their session target:* <@UMENTOR> & <@UMENTEE> 1 of 8 (2 by now)');
    expect(digest).toContain('<@UMENTOR> away Friday 22 January to Friday 29 January');
    expect(digest).toContain('<@UMENTOR> & <@UMENTEE> paused by <@UMENTEE> until Monday 1 February');
  });
});
