import { describe, expect } from 'vitest';
import { signingSecret, botToken } from '../support/harness.js';
import { seedProgram as seedWorldProgram, worldTest, type World } from '../support/world.js';

let h: World;

const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';
const OTHER = 'UOTHER';
const ALERTS = 'GALERTS';

async function seedProgram(name = 'Backend Module 3') {
  return (await seedWorldProgram(h, { program: { name, holidays: '2027-01-18' } })).program;
}

async function rowCounts() {
  const db = h.database.db;
  const [pairings, programs, staff, deliveries] = await Promise.all(
    (['pairings', 'programs', 'staff', 'deliveries'] as const).map((t) =>
      db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ),
  );
  return { pairings: pairings?.n, programs: programs?.n, staff: staff?.n, deliveries: deliveries?.n };
}

const test = worldTest({ admins: [ADMIN] });

test.beforeEach(async ({ world }) => {
  h = world;
  // A send started by the previous test must land there, not in this test's recording.
  await h.reset({ keepConversations: true });
  h.slack.addUser({ id: ADMIN, name: 'sam', real_name: 'Sam Staff', tz: 'America/Denver' });
  h.slack.addUser({ id: MENTOR, name: 'ada', real_name: 'Ada Mentor', tz: 'Europe/Berlin' });
  h.slack.addUser({ id: MENTEE, name: 'bo', real_name: 'Bo Mentee', tz: 'America/New_York' });
  h.slack.addUser({ id: OTHER, name: 'cy', real_name: 'Cy Other', tz: 'UTC' });
  h.slack.addChannel({ id: ALERTS, name: 'mentor-alerts', is_private: true, members: ['UBOT', ADMIN] });
  h.slack.addChannel({ id: 'CPUBLIC', name: 'general', is_private: false, members: ['UBOT', ADMIN] });
});

describe('/tandem pair', () => {
  test('an admin pairs two people: the pairing is stored and the introduction lands in their group DM', async () => {
    const program = await seedProgram();
    const res = await h.sender.command({ command: '/tandem', text: `pair <@${MENTOR}|ada> <@${MENTEE}|bo>`, user_id: ADMIN });
    expect(res.status).toBe(200);

    const reply = await h.slack.waitForResponse();
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(reply.body)).toContain('Paired <@UMENTOR> (mentor) with <@UMENTEE> (mentee)');

    const rows = await h.database.db.selectFrom('pairings').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      program_id: program.id,
      mentor_id: MENTOR,
      mentee_id: MENTEE,
      status: 'active',
      created_by: ADMIN,
    });

    const post = await h.slack.waitFor('chat.postMessage');
    const conversation = h.slack.conversations.get(String(post.args.channel));
    expect(conversation?.is_mpim).toBe(true);
    expect([...(conversation?.members ?? [])].sort()).toEqual(['UBOT', MENTEE, MENTOR].sort());
    expect(rows[0]?.conversation_id).toBe(conversation?.id);
    const intro = conversation?.messages[0];
    expect(intro?.text).toContain(`<@${MENTOR}>`);
    expect(intro?.text).toContain(`<@${MENTEE}>`);
    expect(JSON.stringify(intro?.blocks)).toContain('/dtr kickoff');
    // The first check-in as a date token each of them reads in their own zone; the fallback names the program's.
    expect(JSON.stringify(intro?.blocks)).toMatch(
      /first <!date\^\d+\^\{date_long_pretty\} at \{time\}\|\w{3} \d+ Jan at \d\d:\d\d America\/Denver>/,
    );
    expect(intro?.metadata?.event_type).toBe('tandem_delivery');

    // Names and zones came from users.info, not from anything typed.
    const mentor = await h.database.db.selectFrom('people').selectAll().where('slack_id', '=', MENTOR).executeTakeFirstOrThrow();
    expect(mentor).toMatchObject({ name: expect.any(String), time_zone: 'Europe/Berlin' });
  });

  test('pairing the same two people again changes nothing and sends no second introduction', async () => {
    await seedProgram();
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitFor('chat.postMessage');
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    const second = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('already paired'));
    expect(second).toBeDefined();
    await h.tandem.services.sender.idle();
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.status === 200)).toHaveLength(1);
    expect(await rowCounts()).toMatchObject({ pairings: 1 });
  });

  test('a mentee already paired with someone else in the program is refused with the way out', async () => {
    await seedProgram();
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitForResponse();
    await h.sender.command({ text: `pair <@${OTHER}> <@${MENTEE}>`, user_id: ADMIN });
    const r = await h.slack.waitForResponse((x) => JSON.stringify(x.body).includes('already paired with'));
    expect(JSON.stringify(r.body)).toContain('/tandem unpair');
    expect(await rowCounts()).toMatchObject({ pairings: 1 });
  });

  test('a non-admin is refused and nothing is stored or sent', async () => {
    await seedProgram();
    const before = await rowCounts();
    const res = await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: OTHER });
    expect(res.status).toBe(200);
    const reply = await h.slack.waitForResponse();
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Only program staff') });
    expect(await rowCounts()).toEqual(before);
    expect(h.slack.callsTo('conversations.open')).toHaveLength(0);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  test('malformed pair commands get a usage line straight away', async () => {
    const res = await h.sender.command({ text: 'pair ada bo', user_id: ADMIN });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('/tandem pair @mentor @mentee'),
    });
    const unknown = await h.sender.command({ text: 'frobnicate', user_id: ADMIN });
    expect(unknown.json()).toMatchObject({ text: expect.stringContaining('/tandem help') });
    const self = await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTOR}>`, user_id: ADMIN });
    expect(self.status).toBe(200);
    await seedProgram();
    const reply = await h.slack.waitForResponse();
    expect(JSON.stringify(reply.body)).toContain('two different people');
    expect(await rowCounts()).toMatchObject({ pairings: 0 });
  });

  test('with several programs, the program must be named', async () => {
    await seedProgram('Frontend');
    await seedProgram('Backend');
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    const ask = await h.slack.waitForResponse();
    expect(JSON.stringify(ask.body)).toContain('Say which program');
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}> backend`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Paired'));
    const row = await h.database.db
      .selectFrom('pairings')
      .innerJoin('programs', 'programs.id', 'pairings.program_id')
      .select('programs.name')
      .executeTakeFirstOrThrow();
    expect(row.name).toBe('Backend');
  });

  test('when Slack cannot open the group DM, the pairing is kept and the next tick introduces them', async () => {
    await seedProgram();
    h.slack.inject('conversations.open', { kind: 'server_error', status: 503 }, 3);
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    const reply = await h.slack.waitForResponse();
    expect(JSON.stringify(reply.body)).toContain('keep trying');
    expect(await rowCounts()).toMatchObject({ pairings: 1, deliveries: 0 });
    const { runTick } = await import('../../src/scheduler/tick.js');
    const report = await runTick(h.tandem.services);
    expect(report.conversationsOpened).toBe(1);
    await h.tandem.services.sender.idle();
    const posts = h.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.status === 200 && JSON.stringify(c.args.metadata).includes('pair_intro'));
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]?.args.blocks)).toContain('/dtr kickoff');
  });
});

describe('pause, resume, unpair, list, staff', () => {
  test('staff can list, pause until a date, resume and unpair; a member can pause their own pairing', async () => {
    await seedProgram();
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitForResponse();

    await h.sender.command({ text: 'list', user_id: ADMIN });
    expect(JSON.stringify((await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('pairing'))).body)).toContain(
      '<@UMENTOR> → <@UMENTEE>',
    );

    await h.sender.command({ text: `pause <@${MENTEE}> until 2027-02-01`, user_id: MENTOR });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Paused'));
    let row = await h.database.db.selectFrom('pairings').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'paused', paused_until: '2027-02-01' });

    await h.sender.command({ text: `resume <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Resumed'));

    await h.sender.command({ text: `unpair <@${MENTOR}> <@${MENTEE}>`, user_id: OTHER });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    await h.sender.command({ text: `unpair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Ended the pairing'));
    row = await h.database.db.selectFrom('pairings').selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe('ended');
    expect(row.ended_at).toBeInstanceOf(Date);
  });

  test('someone outside a pairing cannot pause it', async () => {
    await seedProgram();
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitForResponse();
    await h.sender.command({ text: `pause <@${MENTOR}> <@${MENTEE}>`, user_id: OTHER });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    const row = await h.database.db.selectFrom('pairings').selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
  });

  test('a mentor or mentee cannot end their own pairing: only staff can', async () => {
    await seedProgram();
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitForResponse();
    for (const user of [MENTEE, MENTOR]) {
      const from = h.slack.responses.length;
      await h.sender.command({ text: `unpair <@${MENTOR}> <@${MENTEE}>`, user_id: user });
      await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'), { from });
    }
    const row = await h.database.db.selectFrom('pairings').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'active', ended_at: null });
  });

  test('staff add gives staff rights; the new staff member can then pair', async () => {
    await seedProgram();
    await h.sender.command({ text: `staff add <@${OTHER}|cy>`, user_id: ADMIN });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('is now program staff'));
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: OTHER });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Paired'));
  });

  test('a mention of someone Slack does not know gets a clear answer and changes nothing', async () => {
    await seedProgram();
    await h.sender.command({ text: 'staff add <@UNOBODY99|ghost>', user_id: ADMIN });
    const answer = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes("couldn't find one of the people"));
    expect(JSON.stringify(answer.body)).not.toContain('Something went wrong');
    const staff = await h.database.db.selectFrom('staff').select('slack_id').where('slack_id', '=', 'UNOBODY99').execute();
    expect(staff).toEqual([]);
  });
});

describe('/tandem program new', () => {
  function submission(values: Record<string, Record<string, unknown>>, user = ADMIN) {
    const state: Record<string, Record<string, unknown>> = {};
    for (const [block, v] of Object.entries(values)) state[block] = { value: v };
    return {
      type: 'view_submission',
      user: { id: user },
      view: { id: 'V1', callback_id: 'program_new', state: { values: state } },
    };
  }
  const valid = {
    name: { type: 'plain_text_input', value: 'Backend Module 3' },
    timeZone: { type: 'plain_text_input', value: 'America/Denver' },
    startDate: { type: 'datepicker', selected_date: '2027-01-11' },
    lengthWeeks: { type: 'number_input', value: '6' },
    checkinWeekday: { type: 'static_select', selected_option: { value: '2' } },
    checkinTime: { type: 'timepicker', selected_time: '09:30' },
    standupWeekday: { type: 'static_select', selected_option: { value: '5' } },
    standupTime: { type: 'timepicker', selected_time: '10:00' },
    responseWindowDays: { type: 'number_input', value: '2' },
    midmodWeekFrom: { type: 'number_input', value: '3' },
    midmodWeekTo: { type: 'number_input', value: '4' },
    holidays: { type: 'plain_text_input', value: '2027-01-18\n2027-02-15' },
    alertsChannelId: { type: 'conversations_select', selected_conversation: ALERTS },
  };

  test('staff get the form; a non-admin does not', async () => {
    await h.sender.command({ text: 'program new', user_id: ADMIN, trigger_id: '123.456.abc' });
    const open = await h.slack.waitFor('views.open');
    const view = open.args.view as { callback_id: string; blocks: { block_id: string }[] };
    expect(view.callback_id).toBe('program_new');
    expect(view.blocks.map((b) => b.block_id)).toContain('alertsChannelId');

    await h.sender.command({ text: 'program new', user_id: OTHER });
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Only program staff'));
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
  });

  test('a valid submission stores every field and DMs the staff member', async () => {
    const res = await h.sender.viewSubmission(submission(valid));
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const program = await h.database.db.selectFrom('programs').selectAll().executeTakeFirstOrThrow();
    expect(program).toMatchObject({
      name: 'Backend Module 3',
      time_zone: 'America/Denver',
      start_date: '2027-01-11',
      length_weeks: 6,
      checkin_weekday: 2,
      checkin_time: '09:30',
      standup_weekday: 5,
      response_window_days: 2,
      alerts_channel_id: ALERTS,
    });
    const holidays = await h.database.db.selectFrom('program_holidays').select('day').orderBy('day').execute();
    expect(holidays.map((x) => x.day)).toEqual(['2027-01-18', '2027-02-15']);
    const dm = await h.slack.waitFor('chat.postMessage');
    expect(String(dm.args.text)).toContain('Backend Module 3');
  });

  test('bad values come back as field errors and nothing is stored', async () => {
    const res = await h.sender.viewSubmission(
      submission({
        ...valid,
        timeZone: { type: 'plain_text_input', value: 'Mars/Olympus' },
        holidays: { type: 'plain_text_input', value: '2027-13-45' },
        midmodWeekFrom: { type: 'number_input', value: '5' },
      }),
    );
    expect(res.status).toBe(200);
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(['holidays', 'midmodWeekTo', 'timeZone']);
    expect(body.errors.timeZone).toContain('America/New_York');
    expect(await rowCounts()).toMatchObject({ programs: 0 });
  });

  test('a public alerts channel, or one without the bot, is refused on its field', async () => {
    const pub = await h.sender.viewSubmission(submission({ ...valid, alertsChannelId: { selected_conversation: 'CPUBLIC' } }));
    expect((pub.json() as { errors: Record<string, string> }).errors.alertsChannelId).toContain('private channel');
    h.slack.addChannel({ id: 'GNOBOT', name: 'staff', is_private: true, members: [ADMIN] });
    const nobot = await h.sender.viewSubmission(submission({ ...valid, alertsChannelId: { selected_conversation: 'GNOBOT' } }));
    expect((nobot.json() as { errors: Record<string, string> }).errors.alertsChannelId).toMatch(/invite|cannot see/i);
    expect(await rowCounts()).toMatchObject({ programs: 0 });
  });

  test('a duplicate name is a field error on the name', async () => {
    await seedProgram('Backend Module 3');
    const res = await h.sender.viewSubmission(submission({ ...valid, name: { value: 'backend module 3' } }));
    expect((res.json() as { errors: Record<string, string> }).errors.name).toContain('already exists');
  });

  test('a submission from a non-admin is refused', async () => {
    const res = await h.sender.viewSubmission(submission(valid, OTHER));
    expect(JSON.stringify(res.json())).toContain('Only program staff');
    expect(await rowCounts()).toMatchObject({ programs: 0 });
  });
});

describe('request authenticity', () => {
  test('a bad signature gets 401 and changes nothing', async () => {
    await seedProgram();
    // What seeding (and any earlier request) sent is not the forged requests' doing: count from here,
    // once queued messages and App Home refreshes still waiting out their debounce have gone.
    await h.tandem.services.sender.idle();
    await h.tandem.services.home.flush();
    const before = await rowCounts();
    const callsBefore = h.slack.calls.length;
    const forged = await h.sender.command(
      { text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN },
      { signature: 'v0=deadbeef' },
    );
    expect(forged.status).toBe(401);
    const unsigned = await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN }, { unsigned: true });
    expect(unsigned.status).toBe(401);
    const stale = await h.sender.command(
      { text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(stale.status).toBe(401);
    const wrongSecret = await h.sender.viewSubmission(
      { type: 'view_submission', user: { id: ADMIN }, view: { callback_id: 'program_new', state: { values: {} } } },
      { signature: 'v0=' + '0'.repeat(64) },
    );
    expect(wrongSecret.status).toBe(401);
    expect(await rowCounts()).toEqual(before);
    expect(h.slack.calls.slice(callsBefore).map((c) => c.method)).toEqual([]);
    expect(h.slack.responses).toHaveLength(0);
  });

  test('/healthz says the process serves; /readyz answers with the database status', async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', database: 'ok' });
  });

  test('no token or signing secret ever reaches the logs', async () => {
    await seedProgram();
    await h.sender.command({ text: `pair <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
    await h.slack.waitFor('chat.postMessage');
    expect(h.logs.lines.length).toBeGreaterThan(0);
    for (const line of h.logs.lines) JSON.parse(line);
    expect(h.logs.text).not.toContain(botToken);
    expect(h.logs.text).not.toContain(signingSecret);
  });
});
