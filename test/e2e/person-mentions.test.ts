import { describe, expect } from 'vitest';
import { seedProgram, worldTest, type OpenedView, type World } from '../support/world.js';

/**
 * Every slash command that names a person, sent over signed HTTP the three ways Slack writes a mention:
 * escaped (<@U…|name>, what should_escape sends), bare (<@U…>, older clients), and escaped with a display
 * name full of dots, dashes, unicode or spaces. Each test checks what the person sees (the reply Slack
 * got) and what was stored.
 */
let h: World;
const ADMIN = 'UADMIN';
const [MENTOR, MENTEE, MENTEE2, NEWBIE, OTHER] = ['UADA', 'UZOE', 'UNIAMH', 'UCY', 'UEVE'] as const;
const ALERTS = 'GALERTS';
const GHOST = 'UNOBODY9';

const plainNames: Record<string, string> = {
  [MENTOR]: 'ada',
  [MENTEE]: 'zoe',
  [MENTEE2]: 'niamh',
  [NEWBIE]: 'cy',
  [OTHER]: 'eve',
  [GHOST]: 'ghost',
};
/** Display names as people choose them: dots, dashes, underscores, accents, other scripts, spaces. */
const displayNames: Record<string, string> = {
  [MENTOR]: 'ada.l-ovelace',
  [MENTEE]: 'zoë',
  [MENTEE2]: 'Niamh Ó-Brien',
  [NEWBIE]: 'ñandú_ø.2',
  [OTHER]: 'Ève-Marie D.',
  [GHOST]: 'gh.ö-st',
};

type Form = [string, (id: string) => string];
const forms: Form[] = [
  ['<@U…|name>', (id) => `<@${id}|${plainNames[id]}>`],
  ['<@U…>', (id) => `<@${id}>`],
  ['<@U…|name> with dots, dashes, unicode and spaces', (id) => `<@${id}|${displayNames[id]}>`],
];

const kickoffAnswers: Record<string, string> = {
  name: 'Ada',
  mentor_work: 'Payments team',
  best_times: 'Weekday evenings',
  meeting_weekday: '3',
  meeting_time: '18:30',
  meeting_minutes: '45',
  contact_channel: 'slack',
  ack_within_hours: '12',
  reply_within_days: '1',
  action_plan: 'Weekly code review',
};

let replies = 0;
/** Sends a slash command as Slack does and returns the text the person sees: the ack's, or the later reply's. */
async function send(text: string, user: string = ADMIN, command = '/tandem'): Promise<string> {
  const id = `reply-${++replies}`;
  const res = await h.sender.command({ command, text, user_id: user, response_url: h.slack.responseUrl(id) });
  expect(res.status).toBe(200);
  const direct = res.body ? (res.json() as { text?: string }) : {};
  const body =
    direct.text !== undefined ? direct : ((await h.slack.waitForResponse(id)).body as { text?: string; blocks?: unknown[] });
  await h.tandem.services.sender.idle();
  return `${body.text ?? ''}${'blocks' in body ? JSON.stringify(body.blocks) : ''}`;
}

type View = OpenedView;

/** Sends a command that opens a form and returns the form Slack was asked to open. */
async function openForm(text: string, user: string, command: string): Promise<View> {
  return h.viewOpenedBy(async () => {
    const res = await h.sender.command({ command, text, user_id: user, response_url: h.slack.responseUrl(`form-${++replies}`) });
    expect([res.status, res.body]).toEqual([200, '']);
  });
}

const db = () => h.database.db;
const pairing = (mentor: string, mentee: string) =>
  db()
    .selectFrom('pairings')
    .selectAll()
    .where('mentor_id', '=', mentor)
    .where('mentee_id', '=', mentee)
    .executeTakeFirstOrThrow();
const dms = (user: string, kind: string) => h.messagesTo(user, kind);

/** Everything these commands could change, to show a refused command changed nothing. */
async function everything() {
  return {
    pairings: await db()
      .selectFrom('pairings')
      .select(['mentor_id', 'mentee_id', 'status', 'paused_until'])
      .orderBy('id')
      .execute(),
    matches: await db().selectFrom('match_requests').selectAll().execute(),
    staff: await db().selectFrom('staff').select('slack_id').orderBy('slack_id').execute(),
    notes: await db().selectFrom('private_notes').selectAll().execute(),
    // People rows themselves are a cache of Slack profiles; a limit is what staff set.
    capacity: await db()
      .selectFrom('people')
      .select(['slack_id', 'max_mentees'])
      .where('max_mentees', 'is not', null)
      .orderBy('slack_id')
      .execute(),
    deliveries: await db().selectFrom('deliveries').select(['kind', 'channel']).orderBy('id').execute(),
    dtr: await db().selectFrom('dtr_answers').selectAll().execute(),
  };
}

const test = worldTest({ admins: [ADMIN], now: '2027-01-12T15:00:00Z' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset();
  // Ada mentors Zoë and Niamh; Cy and Ève are not in a pair.
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      ...[MENTOR, MENTEE, MENTEE2, NEWBIE, OTHER].map((id) => ({ id, name: displayNames[id], tz: 'Europe/Berlin' })),
    ],
    alerts: { id: ALERTS, name: 'alerts' },
    pairs: [
      [MENTOR, MENTEE],
      [MENTOR, MENTEE2],
    ],
  });
});

describe.each(forms)('a person written as %s', (_form, m) => {
  test('/tandem match @mentor @mentee | note: the mentor is asked, with the note; the request is stored with it', async () => {
    const reply = await send(`match ${m(MENTOR)} ${m(NEWBIE)} | likes Go`);
    expect(reply).toBe(
      `Asked <@${MENTOR}> whether they will mentor <@${NEWBIE}> in “Backend”, with your note: “likes Go”. I will tell you when they answer.`,
    );
    expect(
      await db().selectFrom('match_requests').select(['mentor_id', 'mentee_id', 'note', 'status', 'requested_by']).execute(),
    ).toEqual([{ mentor_id: MENTOR, mentee_id: NEWBIE, note: 'likes Go', status: 'pending', requested_by: ADMIN }]);
    const asked = dms(MENTOR, 'match_request');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.text).toBe(`<@${ADMIN}> asks whether you would mentor <@${NEWBIE}> in Backend.`);
    expect(JSON.stringify(asked[0]?.blocks)).toContain(`*About <@${NEWBIE}>*\\nlikes Go`);
  });

  test('/tandem match @mentor @mentee program "note": the program named and the quoted note', async () => {
    const reply = await send(`match ${m(MENTOR)} ${m(NEWBIE)} Backend "likes Go | and Rust"`);
    expect(reply).toContain('in “Backend”, with your note: “likes Go | and Rust”.');
    expect(await db().selectFrom('match_requests').select(['mentor_id', 'mentee_id', 'note']).execute()).toEqual([
      { mentor_id: MENTOR, mentee_id: NEWBIE, note: 'likes Go | and Rust' },
    ]);
  });

  test('/tandem match with no note', async () => {
    expect(await send(`match ${m(OTHER)} ${m(NEWBIE)}`)).toBe(
      `Asked <@${OTHER}> whether they will mentor <@${NEWBIE}> in “Backend” (no note). I will tell you when they answer.`,
    );
    expect(await db().selectFrom('match_requests').select(['mentor_id', 'mentee_id', 'note']).execute()).toEqual([
      { mentor_id: OTHER, mentee_id: NEWBIE, note: null },
    ]);
  });

  test('/tandem pair @mentor @mentee program: paired, introduced in their group DM', async () => {
    expect(await send(`pair ${m(OTHER)} ${m(NEWBIE)} Backend`)).toBe(
      `Paired <@${OTHER}> (mentor) with <@${NEWBIE}> (mentee) in “Backend”. I opened their group DM and introduced them.`,
    );
    expect(await pairing(OTHER, NEWBIE)).toMatchObject({ status: 'active', created_by: ADMIN });
    const group = [...h.slack.conversations.values()].find(
      (c) => c.is_mpim && c.members.includes(OTHER) && c.members.includes(NEWBIE),
    );
    expect(group?.messages.filter((msg) => msg.metadata?.event_payload?.kind === 'pair_intro')).toHaveLength(1);
  });

  test('/tandem unpair @mentor @mentee: the pairing ends', async () => {
    expect(await send(`unpair ${m(MENTOR)} ${m(MENTEE)}`)).toBe(
      `Ended the pairing of <@${MENTOR}> and <@${MENTEE}> in “Backend”. Their history is kept.`,
    );
    expect((await pairing(MENTOR, MENTEE)).status).toBe('ended');
    expect((await pairing(MENTOR, MENTEE2)).status).toBe('active');
  });

  test('/tandem pause and resume @mentor @mentee by staff: paused until the date, then active', async () => {
    expect(await send(`pause ${m(MENTOR)} ${m(MENTEE)} until 2027-02-01`)).toBe(
      `Paused <@${MENTOR}> and <@${MENTEE}> until 2027-02-01: no prompts, reminders or alerts until it resumes.`,
    );
    expect(await pairing(MENTOR, MENTEE)).toMatchObject({ status: 'paused', paused_until: '2027-02-01' });
    expect(await send(`resume ${m(MENTOR)} ${m(MENTEE)}`)).toBe(
      `Resumed <@${MENTOR}> and <@${MENTEE}>: check-ins start again at the next slot.`,
    );
    expect(await pairing(MENTOR, MENTEE)).toMatchObject({ status: 'active', paused_until: null });
    expect((await pairing(MENTOR, MENTEE2)).status).toBe('active');
  });

  test('/tandem pause and resume @partner by a mentee: their own pairing only', async () => {
    expect(await send(`pause ${m(MENTOR)}`, MENTEE)).toBe(
      `Paused <@${MENTOR}> and <@${MENTEE}>: no prompts, reminders or alerts until it resumes.`,
    );
    expect((await pairing(MENTOR, MENTEE)).status).toBe('paused');
    expect((await pairing(MENTOR, MENTEE2)).status).toBe('active');
    expect(await send(`resume ${m(MENTOR)}`, MENTEE)).toBe(
      `Resumed <@${MENTOR}> and <@${MENTEE}>: check-ins start again at the next slot.`,
    );
    expect((await pairing(MENTOR, MENTEE)).status).toBe('active');
  });

  test('/tandem staff add @person: they are staff', async () => {
    expect(await send(`staff add ${m(OTHER)}`)).toBe(`<@${OTHER}> is now program staff.`);
    expect(await db().selectFrom('staff').select(['slack_id', 'added_by']).where('slack_id', '=', OTHER).execute()).toEqual([
      { slack_id: OTHER, added_by: ADMIN },
    ]);
  });

  test('/tandem staff remove @person: they are not staff any more, and a restart with them in TANDEM_ADMINS does not bring them back; the last one stays', async () => {
    expect(await send(`staff add ${m(OTHER)}`)).toBe(`<@${OTHER}> is now program staff.`);
    expect(await send(`staff remove ${m(ADMIN)}`, OTHER)).toBe(`<@${ADMIN}> is no longer program staff.`);
    expect(await db().selectFrom('staff').select('slack_id').execute()).toEqual([{ slack_id: OTHER }]);
    await h.tandem.services.staff.bootstrap([ADMIN]);
    expect(await db().selectFrom('staff').select('slack_id').execute()).toEqual([{ slack_id: OTHER }]);
    expect(await send(`staff remove ${m(OTHER)}`, OTHER)).toBe(
      `<@${OTHER}> is the last staff member, so they stay: add someone else with \`/tandem staff add @person\` first.`,
    );
    expect(await send(`staff remove ${m(MENTOR)}`, OTHER)).toBe(`<@${MENTOR}> was not staff; nothing changed.`);
    expect(await send(`staff remove ${m(OTHER)}`, ADMIN)).toContain('Only program staff');
    expect(await db().selectFrom('staff').select('slack_id').execute()).toEqual([{ slack_id: OTHER }]);
  });

  test('/tandem capacity @mentor N: the limit is stored', async () => {
    expect(await send(`capacity ${m(MENTOR)} 3`)).toBe(`<@${MENTOR}> takes at most 3 mentees.`);
    expect(
      (await db().selectFrom('people').select('max_mentees').where('slack_id', '=', MENTOR).executeTakeFirstOrThrow())
        .max_mentees,
    ).toBe(3);
  });

  test('/tandem note @mentee text and /tandem notes @mentee: the note as typed, read back by its author', async () => {
    expect(await send(`note ${m(MENTEE)} likes Go | and Rust, ask <@${MENTEE2}|niamh>`, MENTOR)).toBe(
      `Saved a private note about <@${MENTEE}>. Only you can read it (\`/tandem notes <@${MENTEE}>\`).`,
    );
    expect(await db().selectFrom('private_notes').select(['author_id', 'subject_id', 'body']).execute()).toEqual([
      { author_id: MENTOR, subject_id: MENTEE, body: `likes Go | and Rust, ask <@${MENTEE2}|niamh>` },
    ]);
    const notes = await send(`notes ${m(MENTEE)}`, MENTOR);
    expect(notes).toContain(`*Your private notes about <@${MENTEE}>* (only you see these)`);
    expect(notes).toContain(`likes Go | and Rust, ask &lt;@${MENTEE2}|niamh&gt;`);
    expect(await send(`notes ${m(MENTEE2)}`, MENTOR)).toBe(`You have no notes about <@${MENTEE2}>.`);
  });

  test('/dtr kickoff @partner and /dtr show kickoff @partner: the form and the record of that pair', async () => {
    const view = await openForm(`kickoff ${m(MENTEE2)}`, MENTOR, '/dtr');
    expect(view.callback_id).toBe('dtr_submit');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ m: 'kickoff', p: (await pairing(MENTOR, MENTEE2)).id });
    const zoe = await openForm(`midmod ${m(MENTEE)}`, MENTOR, '/dtr');
    expect(JSON.parse(zoe.private_metadata)).toMatchObject({ m: 'midmod', p: (await pairing(MENTOR, MENTEE)).id });
    // Ada records her part for Niamh's pair only.
    const values: Record<string, { value: Record<string, unknown> }> = {};
    for (const b of view.blocks) {
      if (b.type !== 'input' || !b.block_id) continue;
      const type = String(b.element?.type);
      const v = kickoffAnswers[b.block_id];
      values[b.block_id] = {
        value:
          type === 'static_select'
            ? { type, selected_option: v ? { value: v } : null }
            : type === 'timepicker'
              ? { type, selected_time: v ?? null }
              : { type, value: v ?? null },
      };
    }
    const saved = await h.sender.viewSubmission({
      user: { id: MENTOR },
      view: {
        id: 'V1',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        blocks: view.blocks,
        state: { values },
      },
    });
    expect([saved.status, saved.body]).toEqual([200, '']);
    await h.tandem.services.sender.idle();
    expect(await db().selectFrom('dtr_answers').select(['pairing_id', 'person_id', 'milestone']).execute()).toEqual([
      { pairing_id: (await pairing(MENTOR, MENTEE2)).id, person_id: MENTOR, milestone: 'kickoff' },
    ]);
    // Without the partner, Ada (two mentees) is asked which; the mention is what picks the pair.
    expect(await send('show kickoff', MENTOR, '/dtr')).toBe('You have several partners; add one: `/dtr show kickoff @partner`.');
    const shown = await send(`show kickoff ${m(MENTEE2)}`, MENTOR, '/dtr');
    expect(shown).toContain(`Kick-off DTR of <@${MENTOR}> and <@${MENTEE2}>`);
    expect(shown).toContain('Payments team');
    expect(await send(`show ${m(MENTEE)}`, MENTOR, '/dtr')).toBe(
      'Nothing recorded for the kickoff DTR yet. Start it with `/dtr kickoff`.',
    );
  });
});

describe('bad input gets a clear answer and loses nothing', () => {
  test('/tandem match with a note only, one person, or a word for a person: refused, with the note given back', async () => {
    const before = await everything();
    const usage = 'Usage: `/tandem match @mentor @mentee [program] [| background note]` (or the note in "quotes")';
    expect(await send('match | likes Go')).toBe(
      `Mention the mentor, then the mentee, with @. ${usage}\nNothing was sent. Your note, to copy: “likes Go”`,
    );
    expect(await send('match "likes Go"')).toBe(
      `Mention the mentor, then the mentee, with @. ${usage}\nNothing was sent. Your note, to copy: “likes Go”`,
    );
    expect(await send(`match <@${MENTOR}|ada> | likes Go`)).toBe(
      `Mention the mentee too, after the mentor, with @. ${usage}\nNothing was sent. Your note, to copy: “likes Go”`,
    );
    expect(await send(`match <@${MENTOR}|ada.l-ovelace> @cy | likes <Go> & Rust`)).toBe(
      `Mention the mentee too, after the mentor, with @. ${usage}\nNothing was sent. Your note, to copy: “likes &lt;Go&gt; &amp; Rust”`,
    );
    expect(await send(`match <@${MENTOR}|ada>`)).toBe(`Mention the mentee too, after the mentor, with @. ${usage}`);
    expect(await everything()).toEqual(before);
  });

  test('/tandem match naming someone Slack does not know, a bot, or one person twice: refused, with the note given back', async () => {
    h.slack.addUser({ id: 'UROBOT', name: 'robot', is_bot: true });
    const before = await everything();
    expect(await send(`match <@${MENTOR}|ada> <@${GHOST}|${displayNames[GHOST]}> | likes Go`)).toBe(
      "I couldn't find the mentee you mentioned in this workspace. Pick them from Slack's @-mention list and try again.\nNothing was sent. Your note, to copy: “likes Go”",
    );
    expect(await send(`match <@${GHOST}> <@${NEWBIE}|cy> | likes Go`)).toBe(
      "I couldn't find the mentor you mentioned in this workspace. Pick them from Slack's @-mention list and try again.\nNothing was sent. Your note, to copy: “likes Go”",
    );
    expect(await send(`match <@UROBOT|robot> <@${NEWBIE}|cy> "likes Go"`)).toBe(
      '<@UROBOT> is a bot; only people can be matched.\nNothing was sent. Your note, to copy: “likes Go”',
    );
    expect(await send(`match <@${NEWBIE}|cy> <@${NEWBIE}> | likes Go`)).toBe(
      'A mentor and a mentee must be two different people.\nNothing was sent. Your note, to copy: “likes Go”',
    );
    expect(await send(`match <@${MENTOR}|ada> <@${NEWBIE}|cy> | ${'x'.repeat(1501)}`)).toBe(
      `A match note holds at most 1500 characters (this one has 1501).\nNothing was sent. Your note, to copy: “${'x'.repeat(1501)}”`,
    );
    expect((await everything()).matches).toEqual([]);
    expect(dms(MENTOR, 'match_request')).toEqual([]);
    expect((await everything()).pairings).toEqual(before.pairings);
  });

  test('every other command naming someone Slack does not know: a clear answer and nothing changed', async () => {
    const ghost = `<@${GHOST}|${displayNames[GHOST]}>`;
    const before = await everything();
    const notFound =
      "I couldn't find one of the people you mentioned in this workspace, so nothing was changed. Pick them from Slack's @-mention list and try again.";
    expect(await send(`pair <@${OTHER}|eve> ${ghost}`)).toBe(notFound);
    expect(await send(`staff add ${ghost}`)).toBe(notFound);
    expect(await send(`capacity ${ghost} 3`)).toBe(notFound);
    expect(await send(`unpair ${ghost} <@${MENTEE}>`)).toBe(`<@${GHOST}> and <@${MENTEE}> are not paired.`);
    expect(await send(`pause ${ghost} <@${MENTEE}>`)).toBe(`<@${GHOST}> and <@${MENTEE}> are not paired.`);
    expect(await send(`resume ${ghost}`, MENTEE)).toBe(`<@${MENTEE}> and <@${GHOST}> are not paired.`);
    expect(await send(`note ${ghost} likes Go`, MENTOR)).toBe(
      `Private notes are for your own mentees, and <@${GHOST}> is not one.\nNothing was sent. Your note, to copy: “likes Go”`,
    );
    expect(await send(`notes ${ghost}`, MENTOR)).toBe(`You have no notes about <@${GHOST}>.`);
    expect(await send(`kickoff ${ghost}`, MENTOR, '/dtr')).toBe(
      `You are not paired with <@${GHOST}>. Your partners: <@${MENTEE}>, <@${MENTEE2}>.`,
    );
    expect(await send(`show kickoff ${ghost}`, MENTOR, '/dtr')).toBe(
      `You are not paired with <@${GHOST}>. Your partners: <@${MENTEE}>, <@${MENTEE2}>.`,
    );
    expect(await everything()).toEqual(before);
  });

  test('a missing second person or no @ at all: the usage line, nothing changed', async () => {
    const before = await everything();
    expect(await send(`pair <@${OTHER}|eve>`)).toBe(
      'Mention the mentor, then the mentee, with @. Usage: `/tandem pair @mentor @mentee [program]`',
    );
    expect(await send(`unpair <@${MENTOR}|ada.l-ovelace>`)).toBe(
      'Mention the mentor and the mentee with @. Usage: `/tandem unpair @mentor @mentee [program]`',
    );
    expect(await send('staff add @eve')).toBe('Mention the person to add with @. Usage: `/tandem staff add @person`');
    expect(await send('capacity @ada 3')).toBe(
      'Mention the mentor and give a number from 0 to 50, or none. Usage: `/tandem capacity @mentor N` (or `none`)',
    );
    expect(await send('note @zoe likes Go', MENTOR)).toBe(
      'Mention the mentee with @ first. Usage: `/tandem note @mentee what you want to remember`\nNothing was sent. Your note, to copy: “@zoe likes Go”',
    );
    expect(await send(`note <@${MENTEE}|zoë>`, MENTOR)).toBe(
      'Write the note after the mention. Usage: `/tandem note @mentee what you want to remember`',
    );
    expect(await everything()).toEqual(before);
  });
});
