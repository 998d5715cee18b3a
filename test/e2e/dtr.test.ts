import { describe, expect } from 'vitest';
import {
  builtInQuestionSets,
  questionSetSchema,
  questionsFor,
  type QuestionSet,
  type Readers,
} from '../../src/domain/dtr-questions.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliEnv, runCli, BOT_TOKEN, SIGNING_SECRET } from '../support/cli.js';
import { seedProgram, worldTest, type OpenedView, type World } from '../support/world.js';
import { openDtrForm, submitDtr } from '../support/dtr-forms.js';

let h: World;
const ADMIN = 'UADMIN';
const MENTOR = 'UMENTOR';
const MENTEE = 'UMENTEE';
const OTHER = 'UOTHER';
const ALERTS = 'GALERTS';

type View = OpenedView;

const openForm = (user: string, text: string): Promise<View> => openDtrForm(h, user, text);
const submit = (user: string, view: View, answers: Record<string, string>) => submitDtr(h, user, view, answers);

const mentorAnswers = {
  name: 'Ada',
  pronouns: 'she/her',
  mentor_work: 'Payments team',
  best_times: 'Weekday evenings',
  meeting_weekday: '3',
  meeting_time: '18:30',
  meeting_minutes: '45',
  contact_channel: 'slack',
  ack_within_hours: '12',
  reply_within_days: '1',
  action_plan: 'Weekly code review of the project',
  homework: 'Read chapter 3',
};
const PRIVATE_WORDS = 'long walks and my sister';
const menteeAnswers = {
  name: 'Bo',
  best_times: 'After 6pm',
  mentee_why: 'Career change',
  overwhelmed: PRIVATE_WORDS,
  other_support: 'Study group',
  goal1_text: 'Ship a full-stack app',
  goal1_measure: 'Deployed with tests',
  goal1_date: '2027-02-19',
};

const test = worldTest({ admins: [ADMIN], now: '2027-01-12T15:00:00Z', logLevel: 'trace' });

test.beforeEach(async ({ world }) => {
  h = world;
  await h.reset();
  await seedProgram(h, {
    people: [
      { id: ADMIN, name: 'sam', tz: 'America/Denver' },
      { id: MENTOR, name: 'ada', tz: 'Europe/Berlin' },
      { id: MENTEE, name: 'bo', tz: 'America/New_York' },
      { id: OTHER, name: 'cy', tz: 'UTC' },
    ],
    pairs: [[MENTOR, MENTEE]],
  });
});

const pairConversation = () => h.pairConversation(MENTOR, MENTEE);
const dmMessages = (user: string) => h.messagesTo(user);

describe('/dtr kickoff', () => {
  test('mentor and mentee each record their part; the summary lands in the pair conversation and settings are applied', async () => {
    const mentorView = await openForm(MENTOR, 'kickoff');
    expect(mentorView.callback_id).toBe('dtr_submit');
    const mentorBlocks = mentorView.blocks.map((b) => b.block_id);
    expect(mentorBlocks).toContain('meeting_weekday');
    expect(mentorBlocks).not.toContain('overwhelmed');

    const saved = await submit(MENTOR, mentorView, mentorAnswers);
    expect(saved.status).toBe(200);
    expect(saved.body).toBe('');
    await h.tandem.services.sender.idle();

    // The mentee is invited with a button that opens their own part.
    const invite = dmMessages(MENTEE).find((m) => m.metadata?.event_payload?.kind === 'dtr_invite') as FakeMessage;
    expect(invite?.text).toContain('<@UMENTOR> has recorded their part');
    const button = JSON.stringify(invite.blocks);
    expect(button).toContain('dtr_open');
    const from = h.slack.calls.length;
    const value = /"value":"(\d+:kickoff)"/.exec(button)?.[1];
    await h.sender.action({
      user: MENTEE,
      trigger_id: '9.9.x',
      actions: [{ type: 'button', action_id: 'dtr_open', value, action_ts: '1' }],
      container: { type: 'message', channel_id: invite.channel, message_ts: invite.ts },
      channel: { id: invite.channel },
      message: { ts: invite.ts },
    });
    const menteeOpen = await h.slack.waitFor('views.open', { from });
    const menteeView = menteeOpen.args.view as View;
    expect(menteeView.blocks.map((b) => b.block_id)).toContain('overwhelmed');
    expect(menteeView.blocks.map((b) => b.block_id)).not.toContain('meeting_weekday');

    expect(pairConversation()?.messages.filter((m) => m.metadata?.event_payload?.kind === 'dtr_summary')).toHaveLength(0);
    const menteeSaved = await submit(MENTEE, menteeView, menteeAnswers);
    expect(menteeSaved.body).toBe('');
    await h.tandem.services.sender.idle();

    const summaries = pairConversation()?.messages.filter((m) => m.metadata?.event_payload?.kind === 'dtr_summary') ?? [];
    expect(summaries).toHaveLength(1);
    const summary = JSON.stringify(summaries[0]?.blocks);
    expect(summary).toContain('Wednesdays at 18:30');
    expect(summary).toContain('Ship a full-stack app');
    expect(summary).toContain('1 work days');
    expect(summary).not.toContain(PRIVATE_WORDS);

    // Private answers reach the mentor alone.
    const toMentor = dmMessages(MENTOR).filter((m) => m.metadata?.event_payload?.kind === 'dtr_private');
    expect(toMentor).toHaveLength(1);
    expect(JSON.stringify(toMentor[0]?.blocks)).toContain(PRIVATE_WORDS);
    const everywhereElse = h.slack.calls.filter(
      (c) => c.method.startsWith('chat.') && !JSON.stringify(c.response).includes(`"channel":"${toMentor[0]?.channel}"`),
    );
    for (const c of everywhereElse) expect(JSON.stringify(c.args)).not.toContain(PRIVATE_WORDS);
    // Logged at trace level, every request and response went through the log: the answer did not.
    expect(h.logs.lines.length).toBeGreaterThan(20);
    expect(h.logs.text).not.toContain(PRIVATE_WORDS);

    const pairing = await h.database.db.selectFrom('pairings').selectAll().executeTakeFirstOrThrow();
    expect(pairing).toMatchObject({
      meeting_weekday: 3,
      meeting_time: '18:30',
      meeting_minutes: 45,
      meeting_zone: 'Europe/Berlin',
      contact_channel: 'slack',
      ack_within_hours: 12,
      reply_within_days: 1,
    });
    expect(pairing.goals).toEqual([{ text: 'Ship a full-stack app', measure: 'Deployed with tests', targetDate: '2027-02-19' }]);
    const milestone = await h.database.db.selectFrom('milestones').selectAll().executeTakeFirstOrThrow();
    expect(milestone).toMatchObject({ milestone: 'kickoff', completed_at: expect.any(Date) });
    const stored = await h.database.db
      .selectFrom('dtr_answers')
      .select(['person_id', 'set_source', 'set_version', 'role'])
      .orderBy('role')
      .execute();
    expect(stored).toEqual([
      { person_id: MENTEE, set_source: 'builtin', set_version: 1, role: 'mentee' },
      { person_id: MENTOR, set_source: 'builtin', set_version: 1, role: 'mentor' },
    ]);
  });

  test('the pair’s reply window from the kick-off feeds the engine', async () => {
    await submit(MENTOR, await openForm(MENTOR, 'kickoff'), { ...mentorAnswers, reply_within_days: '1' });
    const conv = pairConversation();
    h.setNow('2027-01-12T15:00:00Z');
    const msg = h.slack.postAs(MENTOR, conv?.id as string, 'hello');
    await h.sender.event(h.slack.messageEvent(msg));
    let row;
    for (let i = 0; i < 100 && !row; i++) {
      row = await h.database.db.selectFrom('expectations').selectAll().where('kind', '=', 'reply').executeTakeFirst();
      if (!row) await new Promise((r) => setTimeout(r, 20));
    }
    // One work day for the mentee in New York: Tue 10:00 local -> Wed 10:00 local.
    expect(row?.due_at.toISOString()).toBe('2027-01-13T15:00:00.000Z');
  });

  test('re-opening pre-fills the earlier answers, and an amendment after both are in sends an updated summary', async () => {
    await submit(MENTOR, await openForm(MENTOR, 'kickoff'), mentorAnswers);
    await submit(MENTEE, await openForm(MENTEE, 'kickoff'), menteeAnswers);
    const again = await openForm(MENTOR, 'kickoff');
    const time = again.blocks.find((b) => b.block_id === 'meeting_time');
    expect(time?.element?.initial_time).toBe('18:30');
    await submit(MENTOR, again, { ...mentorAnswers, meeting_time: '19:00' });
    await h.tandem.services.sender.idle();
    const summaries = pairConversation()?.messages.filter((m) => m.metadata?.event_payload?.kind === 'dtr_summary') ?? [];
    expect(summaries).toHaveLength(2);
    expect(JSON.stringify(summaries[1]?.blocks)).toContain('(updated)');
    expect(JSON.stringify(summaries[1]?.blocks)).toContain('19:00');
  });

  test('invalid input comes back as field errors and nothing typed is stored half', async () => {
    const view = await openForm(MENTOR, 'kickoff');
    const res = await submit(MENTOR, view, {
      ...mentorAnswers,
      name: '',
      meeting_minutes: '90',
      contact_channel: 'carrier-pigeon',
    });
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors).toMatchObject({
      name: expect.any(String),
      meeting_minutes: expect.stringContaining('30'),
      contact_channel: expect.any(String),
    });
    expect(await h.database.db.selectFrom('dtr_answers').selectAll().execute()).toHaveLength(0);

    const menteeView = await openForm(MENTEE, 'kickoff');
    const half = await submit(MENTEE, menteeView, {
      name: 'Bo',
      best_times: 'x',
      goal1_text: 'A goal without a date or measure',
    });
    expect((half.json() as { errors: Record<string, string> }).errors).toMatchObject({
      goal1_measure: expect.any(String),
      goal1_date: expect.any(String),
    });

    const tooLong = await submit(MENTEE, menteeView, { ...menteeAnswers, mentee_why: 'x'.repeat(1501) });
    expect((tooLong.json() as { errors: Record<string, string> }).errors.mentee_why).toContain('1500');
  });

  test('a forged pairing in the form is refused', async () => {
    h.slack.addUser({ id: 'UM2', name: 'm2', tz: 'UTC' });
    h.slack.addUser({ id: 'UE2', name: 'e2', tz: 'UTC' });
    const other = await h.tandem.services.pairings.pair(ADMIN, { mentorId: 'UM2', menteeId: 'UE2' });
    if (!other.ok) throw new Error(other.message);
    const view = await openForm(MENTOR, 'kickoff');
    const forged = { ...view, private_metadata: JSON.stringify({ ...JSON.parse(view.private_metadata), p: other.pairing.id }) };
    const res = await submit(MENTOR, forged, mentorAnswers);
    expect(JSON.stringify(res.json())).toContain('another pair');
    expect(await h.database.db.selectFrom('dtr_answers').selectAll().execute()).toHaveLength(0);
  });
});

describe('/dtr commands', () => {
  test('no argument offers a chooser; someone not in a pair, or naming someone not their partner, is told clearly', async () => {
    const chooser = await h.sender.command({ command: '/dtr', text: '', user_id: MENTOR });
    expect(JSON.stringify(chooser.json())).toContain('dtr_open:kickoff');

    await h.sender.command({ command: '/dtr', text: 'kickoff', user_id: OTHER });
    expect(JSON.stringify((await h.slack.waitForResponse()).body)).toContain('not in a mentoring pair');

    await h.sender.command({ command: '/dtr', text: `kickoff <@${OTHER}|cy>`, user_id: MENTOR });
    expect(
      JSON.stringify((await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('not paired with'))).body),
    ).toContain('<@UMENTEE>');

    const bad = await h.sender.command({ command: '/dtr', text: 'party', user_id: MENTOR });
    expect(JSON.stringify(bad.json())).toContain('Usage');
  });

  test('/dtr show: both parts to the pair, private answers to the mentor and their author only, refused to a third person', async () => {
    await submit(MENTOR, await openForm(MENTOR, 'kickoff'), mentorAnswers);
    await submit(MENTEE, await openForm(MENTEE, 'kickoff'), menteeAnswers);

    await h.sender.command({ command: '/dtr', text: 'show kickoff', user_id: MENTOR });
    const forMentor = JSON.stringify((await h.slack.waitForResponse()).body);
    expect(forMentor).toContain('Ship a full-stack app');
    expect(forMentor).toContain(PRIVATE_WORDS);
    expect((await h.slack.waitForResponse()).body).toMatchObject({ response_type: 'ephemeral' });

    await h.sender.command({ command: '/dtr', text: `show kickoff <@${MENTOR}>`, user_id: OTHER });
    const refused = JSON.stringify(
      (await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('not in a mentoring pair'))).body,
    );
    expect(refused).not.toContain('Ship a full-stack app');
  });
});

describe('a program’s own DTR questions (tandem questions)', () => {
  test('staff print the questions in use, store their own version, and the next form asks it; a bad file is refused with why', async () => {
    const env = cliEnv({
      DATABASE_URL: h.database.url,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: h.slack.url,
      LOG_LEVEL: 'warn',
    });
    const shown = await runCli(['questions', 'show', 'Backend', 'kickoff'], env);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toContain('uses the built-in questions');
    const builtIn = questionSetSchema.parse(JSON.parse(shown.stdout));
    expect(builtIn).toEqual(builtInQuestionSets.find((x) => x.milestone === 'kickoff'));

    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-questions-'));
    const own = {
      ...builtIn,
      title: 'Our kick-off',
      sections: [
        {
          title: 'Getting going',
          questions: [
            { id: 'why_here', label: 'Why did you join this program?', kind: 'long_text', audience: 'both', required: true },
          ],
        },
      ],
    };
    const file = path.join(dir, 'kickoff.json');
    writeFileSync(file, JSON.stringify(own));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...own, sections: [] }));
    const refused = await runCli(['questions', 'set', 'Backend', 'kickoff', bad], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Those questions cannot be used');
    expect(refused.stderr).toContain('sections');
    const wrong = await runCli(['questions', 'set', 'Backend', 'exit', file], env);
    expect(wrong.stderr).toContain('The file is for the kickoff DTR, not exit.');
    expect(await h.database.db.selectFrom('program_question_sets').selectAll().execute()).toEqual([]);

    const stored = await runCli(['questions', 'set', 'Backend', 'kickoff', file], env);
    expect(stored.code).toBe(0);
    expect(stored.stdout).toContain('Stored version 1 of the kickoff questions for “Backend”');
    const view = await openForm(MENTOR, 'kickoff');
    expect(JSON.stringify(view.blocks)).toContain('Why did you join this program?');
    expect(JSON.stringify(view.blocks)).not.toContain(String(builtIn.sections[0]?.questions[0]?.label));
    expect((await runCli(['questions', 'show', 'Backend', 'kickoff'], env)).stderr).toContain('uses its own version 1');
    // Five runs of the CLI, each a process of its own: 22 s when other suites share the machine.
  }, 120_000);
});

describe('privacy of every question set', () => {
  /** A program's own mid-module set (stored directly here; `tandem questions set` is tested above). */
  const programSet: QuestionSet = questionSetSchema.parse({
    milestone: 'midmod',
    version: 1,
    title: 'Our mid-module',
    intro: 'Halfway there.',
    sections: [
      {
        title: 'Halfway',
        questions: [
          { id: 'own_shared', label: 'What should your partner know?', kind: 'long_text', audience: 'both', required: true },
          {
            id: 'own_private',
            label: 'Anything only your mentor should read?',
            kind: 'long_text',
            audience: 'both',
            private: true,
          },
          { id: 'own_mentee_private', label: 'How are you really?', kind: 'text', audience: 'mentee', private: true },
          { id: 'own_mood', label: 'Mood', kind: 'select', audience: 'mentee', options: [{ value: 'fine', label: 'Fine' }] },
          { id: 'own_for_staff', label: 'Anything for the program team?', kind: 'long_text', audience: 'both', readers: 'staff' },
          {
            id: 'own_for_everyone',
            label: 'Anything for your partner and staff?',
            kind: 'text',
            audience: 'mentor',
            readers: 'pair_and_staff',
          },
        ],
      },
    ],
  });

  /** Fills every field of a form: free text with a phrase naming the role and question, choices with their first option. */
  function fill(view: View, role: string): Record<string, string> {
    const answers: Record<string, string> = {};
    for (const b of view.blocks) {
      if (b.type !== 'input' || !b.block_id || b.block_id === 'dtr_pairing') continue;
      const el = b.element ?? {};
      const type = String(el.type);
      if (type === 'plain_text_input') answers[b.block_id] = `typed by ${role} for ${b.block_id}`;
      else if (type === 'static_select') answers[b.block_id] = String((el.options as { value: string }[])[0]?.value);
      else if (type === 'datepicker') answers[b.block_id] = '2027-02-19';
      else if (type === 'timepicker') answers[b.block_id] = '18:30';
      else if (type === 'number_input') answers[b.block_id] = String(el.min_value ?? '1');
    }
    return answers;
  }

  const sets = [
    ...builtInQuestionSets.map((s) => [`built-in ${s.milestone}`, s, false] as const),
    ['program-specific midmod', programSet, true] as const,
  ];

  test.each(sets)(
    '%s: who reads each answer — the pair conversation, the mentor alone, or staff (pair report, program summary) — and nobody else',
    async (_name, set, own) => {
      if (own) {
        const program = await h.database.db.selectFrom('programs').select('id').executeTakeFirstOrThrow();
        await h.database.db
          .insertInto('program_question_sets')
          .values({
            program_id: program.id,
            milestone: set.milestone,
            version: 1,
            definition: JSON.stringify(set),
            created_by: ADMIN,
          })
          .execute();
      }
      const typed: Record<string, Record<string, string>> = {};
      for (const [user, role] of [
        [MENTOR, 'mentor'],
        [MENTEE, 'mentee'],
      ] as const) {
        const view = await openForm(user, set.milestone);
        expect(view.blocks.map((b) => b.block_id)).toEqual(
          expect.arrayContaining(questionsFor(set, role).flatMap((s) => s.questions.map((q) => q.id))),
        );
        typed[role] = fill(view, role);
        const saved = await submit(user, view, typed[role]);
        expect(saved.body).toBe('');
        await h.tandem.services.sender.idle();
      }
      /** What each side typed in free text, for the questions whose readers are among `readers`. */
      const free = (role: 'mentor' | 'mentee', ...readers: Readers[]) =>
        questionsFor(set, role)
          .flatMap((s) => s.questions)
          .filter((q) => (q.kind === 'text' || q.kind === 'long_text') && readers.includes(q.readers))
          .map((q) => typed[role]?.[q.id] as string);
      const both = (...readers: Readers[]) => [...free('mentor', ...readers), ...free('mentee', ...readers)];

      // Staff open the pair report, then the program ends and its summary goes to the alerts channel.
      const from = h.slack.calls.length;
      await h.sender.command({ command: '/tandem', text: `report <@${MENTOR}> <@${MENTEE}>`, user_id: ADMIN });
      const opened = await h.slack.waitFor('views.open', { from });
      expect((opened.args.view as { callback_id?: string }).callback_id).toBe('pair_report');
      const report = JSON.stringify(opened.args.view);
      const program = await h.database.db.selectFrom('programs').select('id').executeTakeFirstOrThrow();
      await h.tandem.services.lifecycle.closeProgram(program.id);
      await h.tandem.services.sender.idle();

      const summary = JSON.stringify(
        pairConversation()?.messages.filter((m) => m.metadata?.event_payload?.kind === 'dtr_summary'),
      );
      expect(summary).toContain('have both recorded their part');
      const alertsChannel = JSON.stringify(h.slack.conversations.get(ALERTS)?.messages ?? []);
      expect(alertsChannel).toContain('the summary for staff');
      const mentorDm = JSON.stringify(dmMessages(MENTOR).filter((m) => m.metadata?.event_payload?.kind === 'dtr_private'));

      // The pair conversation: everything both partners read, and nothing else.
      for (const words of both('pair', 'pair_and_staff')) expect(summary).toContain(words);
      for (const words of both('staff', 'mentor')) expect(summary).not.toContain(words);
      // Staff: the pair report holds what staff read; the program summary what was written for the program team.
      for (const words of both('pair_and_staff', 'staff')) expect(report).toContain(words);
      for (const words of both('pair', 'mentor')) expect(report).not.toContain(words);
      for (const words of both('staff')) expect(alertsChannel).toContain(words);
      for (const words of both('pair', 'pair_and_staff', 'mentor')) expect(alertsChannel).not.toContain(words);
      // The mentee's answers for their mentor alone reach the mentor's DM and no other conversation.
      for (const words of free('mentee', 'mentor')) expect(mentorDm).toContain(words);
      const elsewhere = JSON.stringify(
        [...h.slack.conversations.values()].filter((c) => !(c.is_im && c.members.includes(MENTOR))).flatMap((c) => c.messages),
      );
      for (const words of both('mentor')) expect(elsewhere).not.toContain(words);
      // Answers for the program team reach the alerts channel and the report, no message to the pair or either partner.
      const toThePair = JSON.stringify(
        [...h.slack.conversations.values()].filter((c) => c.id !== ALERTS).flatMap((c) => c.messages),
      );
      for (const words of both('staff')) expect(toThePair).not.toContain(words);
      // Not vacuous: the built-in sets share, keep private and write for staff; the program's own set does all three.
      expect(both('pair').length).toBeGreaterThan(0);
      if (set.milestone === 'exit' || own) expect(both('staff').length).toBeGreaterThan(0);
      if (set.milestone === 'kickoff' || own) expect(both('mentor').length).toBeGreaterThan(0);
    },
  );
});
