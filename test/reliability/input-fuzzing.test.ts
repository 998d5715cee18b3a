import fc from 'fast-check';
import { beforeAll, describe, expect } from 'vitest';
import { readDtrModal } from '../../src/messages/dtr.js';
import { parseTandemCommand } from '../../src/slack/listeners/tandem/parse.js';
import type { World } from '../support/world.js';
import {
  asRecord,
  healthz,
  logProblems,
  programValues,
  requestFileWorld,
  responseUrlFor,
  summarize,
  triggerFor,
} from './requests.js';
import {
  ADMIN,
  ALERTS,
  MENTEE,
  MENTEE2,
  MENTOR,
  MENTOR2,
  NEWBIE,
  PUBLIC,
  STRANGER,
  TEAM,
  checksums,
  mentorKickoff,
  seed,
  settle,
  snapshot,
  snapshotDiff,
  type Seeded,
} from './support-seed.js';

/**
 * Fuzzing every entry point with invalid input: it must never change a row, reach Slack on someone's
 * behalf, or take the bot down. FUZZ_DEBUG=1 prints every fuzzed request with the bot's answer.
 * Over signed HTTP against the real bot (the shared world, test/support/world.ts); split from the
 * one input-and-authorization file by concern, its tests unchanged.
 */

let h: World;
const { test, processErrors } = requestFileWorld((world) => {
  h = world;
});

const db = () => h.database.db;

let eventSeq = 0;
const members = (s: Seeded): Record<number, string[]> => ({ [s.pairing1]: [MENTOR, MENTEE], [s.pairing2]: [MENTOR2, MENTEE2] });
const otherPairing = (s: Seeded, actor: string) => (members(s)[s.pairing1]?.includes(actor) ? s.pairing2 : s.pairing1);

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const huge = fc
  .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), fc.integer({ min: 2_000, max: 20_000 }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));
const nasty = fc.constantFrom(
  '',
  ' ',
  '\t\n',
  '0',
  '-1',
  '00',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '{"__proto__":{"admin":true}}',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  "'; drop table pairings; --",
  '\u0000',
  '\u202e\u202d',
  'ǅ',
  '👩‍👩‍👧‍👦',
  '2027-02-30',
  '9999-99-99',
  '25:61',
  '1:met',
  '999999999:met',
  '-1:met',
  '1:exit',
  '0:kickoff',
  '1.5',
  '0x10',
  '١٢٣',
  '１２３',
  '"quoted | pipe"',
);
const junk: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: nasty },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
/** Ids nobody in the workspace has: forged mentions must never resolve to a real person. */
const fakeUserId = fc.stringMatching(/^[UW]X9[A-Z0-9]{1,10}$/);
const mention = fc.oneof(
  fakeUserId.map((id) => `<@${id}>`),
  fc.tuple(fakeUserId, junk).map(([id, name]) => `<@${id}|${name.slice(0, 30)}>`),
  fc.constantFrom(
    '<#C0GENERAL|general>',
    '<#GALERTS>',
    '<!here>',
    '<!channel>',
    '<!subteam^S123|@staff>',
    '@ada',
    '<@>',
    '<@U>',
    '<@UADMIN',
    '<@|x>',
    '<mailto:a@b.c|a@b.c>',
    '<https://evil.example|click>',
  ),
);
const keyword = fc.constantFrom(
  'help',
  'program',
  'new',
  'list',
  'ls',
  'pair',
  'unpair',
  'pause',
  'resume',
  'until',
  'staff',
  'add',
  'log',
  'hours',
  'export',
  'note',
  'notes',
  'match',
  'capacity',
  'none',
  'reschedule',
  'kickoff',
  'kick-off',
  'midmod',
  'mid-mod',
  'exit',
  'show',
  '|',
  '"',
  'Backend',
  'backend',
  '"Backend"',
  '2027-01',
  '2027-13',
  '2027-1',
  '2027-01-18',
  '12',
  '-3',
  '51',
);
const token = fc.oneof(
  { weight: 4, arbitrary: keyword },
  { weight: 3, arbitrary: mention },
  { weight: 2, arbitrary: junk.map((s) => s.slice(0, 200)) },
  { weight: 1, arbitrary: fc.constantFrom('"unterminated', '"quoted phrase"', '||', 'a|b', '\u00a0', '\n') },
);
/** Command text that mostly starts like a real command, so the fuzzing reaches past the parser. */
const argsText = fc.array(token, { maxLength: 6 }).map((a) => a.join(' '));
const withHead = (heads: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...heads), argsText).map(([head, args]) => `${head} ${args}`) },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: junk },
  );
const tandemText = withHead([
  'help',
  'program new',
  'program list',
  'program ls',
  'program',
  'pair',
  'unpair',
  'pause',
  'resume',
  'staff add',
  'staff',
  'list',
  'log',
  'hours',
  'hours export',
  'note',
  'notes',
  'match',
  'capacity',
  'reschedule',
  'PAIR',
  'Program New',
  'frobnicate',
  '',
]);
const dtrText = withHead([
  '',
  'kickoff',
  'midmod',
  'exit',
  'kick-off',
  'mid-mod',
  'midmodule',
  'show',
  'show kickoff',
  'show exit',
  'KICKOFF',
  'party',
]);

const realUsers = [ADMIN, MENTOR, MENTEE, MENTOR2, MENTEE2, NEWBIE, STRANGER];
const forgedUser = fc.oneof(
  fc.constantFrom('UBOT', 'USLACKBOT', 'W0FORGED', 'uadmin', 'U', ' UADMIN', 'UADMIN\n', ''),
  fakeUserId,
);
const actorArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(ADMIN) },
  { weight: 2, arbitrary: fc.constantFrom(MENTOR, MENTEE) },
  { weight: 3, arbitrary: fc.constantFrom(...realUsers) },
  { weight: 2, arbitrary: forgedUser },
);
/** Something, or (rarely) a field Slack always sends left out or sent twice. */
const rarely = <T>(...values: T[]) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...values) });
/** Values of a type Slack would never send where a string is expected. */
const wrongType = fc.constantFrom<unknown>(null, 5, -1, 0, 1.5, true, {}, [], ['1'], { value: '1' });

const cellValue = (plausible: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 4, arbitrary: plausible.map((v) => ({ type: 'plain_text_input', value: v })) },
    { weight: 2, arbitrary: plausible.map((v) => ({ type: 'static_select', selected_option: { value: v } })) },
    { weight: 1, arbitrary: plausible.map((v) => ({ type: 'datepicker', selected_date: v })) },
    { weight: 1, arbitrary: plausible.map((v) => ({ type: 'timepicker', selected_time: v })) },
    { weight: 2, arbitrary: junk.map((v) => ({ type: 'plain_text_input', value: v })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        null,
        5,
        'str',
        [],
        { value: 5 },
        { value: null },
        { selected_option: 'x' },
        { selected_option: null },
        { selected_option: { value: 3 } },
        { selected_date: 20270101 },
        { value: ['a'] },
      ),
    },
  );

/** view.state.values for the given block ids: mostly Slack's shape, sometimes not. */
function stateValues(cells: Record<string, fc.Arbitrary<unknown>>) {
  const shaped = fc.record(
    Object.fromEntries(
      Object.entries(cells).map(([block, cell]) => [
        block,
        fc.oneof({ weight: 6, arbitrary: cell.map((c) => ({ value: c })) }, { weight: 1, arbitrary: cell }),
      ]),
    ),
    {
      requiredKeys: [],
    },
  );
  return fc.oneof(
    { weight: 12, arbitrary: shaped },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'values', [], 5, {}) },
  );
}

const parseJson = (s: unknown): unknown => {
  if (typeof s !== 'string') return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return null;
  }
};
const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
/** What the records/lifecycle views read from a cell (selected option, date, time or typed value). */
function readCell(values: unknown, block: string, trim: boolean): string | null {
  const v = asRecord(asRecord(asRecord(values)[block]).value);
  const raw = asRecord(v.selected_option).value ?? v.selected_date ?? v.selected_time ?? v.value ?? null;
  return typeof raw === 'string' && raw.trim() !== '' ? (trim ? raw.trim() : raw) : null;
}
function setCell(values: unknown, block: string, value: string): Record<string, unknown> {
  return { ...asRecord(values), [block]: { value: { type: 'static_select', selected_option: { value } } } };
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

type CommandCase = {
  command: string;
  actor: string;
  text: string;
  channel: string;
  team: string;
  drop: string | null;
  dup: string | null;
};

function sendCommand(c: CommandCase) {
  const fields: [string, string][] = [
    ['token', 'legacy'],
    ['team_id', c.team],
    ['team_domain', 'fake-team'],
    ['channel_id', c.channel],
    ['channel_name', 'somewhere'],
    ['user_id', c.actor],
    ['user_name', 'someone'],
    ['command', c.command],
    ['text', c.text],
    ['api_app_id', 'A0APP'],
    ['is_enterprise_install', 'false'],
    ['response_url', responseUrlFor(h, c.actor)],
    ['trigger_id', triggerFor(c.actor)],
  ];
  const kept = fields.filter(([k]) => k !== c.drop);
  if (c.dup) kept.push([c.dup, c.dup === 'text' ? 'help' : ADMIN]);
  return h.sender.send(new URLSearchParams(kept).toString(), 'application/x-www-form-urlencoded');
}

type ActionCase = {
  actor: string;
  actionId: string;
  value: unknown;
  where: 'message' | 'view' | 'ephemeral';
  message: number;
  team: string;
  trigger: 'ok' | 'expired' | 'missing';
};

function sendAction(s: Seeded, c: ActionCase) {
  const messages = [s.checkinMessage1, s.checkinMessage2, ...s.alertMessages];
  const message = messages[c.message % messages.length];
  const base: Record<string, unknown> = {
    user: { id: c.actor, username: 'someone', name: 'someone', team_id: c.team },
    team: { id: c.team, domain: 'fake-team' },
    trigger_id: c.trigger === 'missing' ? undefined : c.trigger === 'expired' ? 'expired' : triggerFor(c.actor),
    actions: [{ type: 'button', action_id: c.actionId, block_id: 'b', value: c.value, action_ts: '1700000000.000100' }],
  };
  if (c.where === 'view') {
    // App Home buttons: Slack sends the view, and no response_url.
    return h.sender.action({
      ...base,
      container: { type: 'view', view_id: 'VHOME' },
      view: { id: 'VHOME', type: 'home', callback_id: '', private_metadata: '' },
    });
  }
  return h.sender.action({
    ...base,
    response_url: responseUrlFor(h, c.actor),
    container: { type: 'message', channel_id: message?.channel, message_ts: message?.ts, is_ephemeral: c.where === 'ephemeral' },
    channel: { id: message?.channel },
    ...(c.where === 'ephemeral' ? {} : { message: { ts: message?.ts, text: message?.text, blocks: message?.blocks } }),
  });
}

type ViewCase = {
  callbackId: string;
  actor: string;
  meta: unknown;
  values: unknown;
  blocks: 'none' | 'empty' | 'inputs';
  team: string;
};

function sendView(c: ViewCase) {
  const blocks =
    c.blocks === 'none'
      ? undefined
      : c.blocks === 'empty'
        ? []
        : Object.keys(asRecord(c.values)).map((id) => ({
            type: 'input',
            block_id: id,
            element: { type: 'plain_text_input', action_id: 'value' },
          }));
  return h.sender.viewSubmission({
    user: { id: c.actor, username: 'someone', name: 'someone', team_id: c.team },
    team: { id: c.team, domain: 'fake-team' },
    view: {
      id: 'VFUZZ',
      type: 'modal',
      callback_id: c.callbackId,
      private_metadata: c.meta,
      ...(blocks ? { blocks } : {}),
      state: { values: c.values },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The fuzzer
// ---------------------------------------------------------------------------------------------

type Anomaly = { status: number; elapsedMs: number; request: string };
type Answer = { status: number; elapsedMs: number; body: string };
const numRuns = 150;

/** Runs the property; every answer that is not a plain 200 is kept (with the request) rather than shrunk. */
async function fuzz<T>(
  arb: fc.Arbitrary<T>,
  send: (c: T) => Promise<Answer>,
  seedValue: number,
): Promise<{ anomalies: Anomaly[]; bodies: string[] }> {
  const anomalies: Anomaly[] = [];
  const bodies: string[] = [];
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      const res = await send(c);
      if (process.env.FUZZ_DEBUG) console.log('DBG', summarize(c).slice(0, 300), '=>', res.status, res.body.slice(0, 120));
      if (res.status !== 200) anomalies.push({ status: res.status, elapsedMs: Math.round(res.elapsedMs), request: summarize(c) });
      if (res.body) bodies.push(res.body);
    }),
    { numRuns, seed: seedValue },
  );
  return { anomalies, bodies };
}

/** What the bot did with a batch: its direct answers, how many it posted later, which Web API methods it called. */
type Reach = { answers: string[]; responses: number; methods: Record<string, number> };

/**
 * Runs one fuzzing batch and checks the invariants every batch of invalid requests must keep: each
 * answer a plain 200, no row changed (counts and checksums of every table), no uncaught listener
 * error or secret in the logs, no unhandled rejection, /healthz still answering. Returns the reach,
 * so a test can check the inputs got past the first line of validation.
 */
async function fuzzBatch<T>(arb: fc.Arbitrary<T>, send: (c: T) => Promise<Answer>, seedValue: number): Promise<Reach> {
  await settle(h);
  const before = await snapshot(db());
  const logFrom = h.logs.lines.length;
  const errorsFrom = processErrors.length;
  const callsFrom = h.slack.calls.length;
  const responsesFrom = h.slack.responses.length;
  const { anomalies, bodies } = await fuzz(arb, send, seedValue);
  await settle(h);
  const after = await snapshot(db());
  expect.soft(anomalies, 'every answer is HTTP 200').toEqual([]);
  expect.soft(snapshotDiff(before, after), 'no row changed').toEqual({});
  expect.soft(checksums(after), 'row counts and checksums').toEqual(checksums(before));
  expect.soft(logProblems(h, logFrom), 'no uncaught listener errors, no secrets in the logs').toEqual([]);
  expect.soft(processErrors.slice(errorsFrom), 'no unhandled rejections').toEqual([]);
  expect.soft(await healthz(h)).toMatchObject({ status: 200, body: { status: 'ok' } });
  const methods: Record<string, number> = {};
  for (const c of h.slack.calls.slice(callsFrom)) methods[c.method] = (methods[c.method] ?? 0) + 1;
  const reach = { answers: bodies, responses: h.slack.responses.length - responsesFrom, methods };
  console.log(
    `fuzz seed ${seedValue}: ${numRuns} runs, ${bodies.length} direct answers, reach ${JSON.stringify({ responses: reach.responses, methods })}`,
  );
  return reach;
}

describe('fuzzing every entry point with invalid input', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(h);
  });

  test('slash commands: /tandem and /dtr with arbitrary text, forged users and missing or repeated fields', async () => {
    const arb = fc
      .constantFrom('/tandem', '/dtr')
      .chain((command) =>
        fc.record({
          command: fc.constant(command),
          actor: actorArb,
          text: command === '/tandem' ? tandemText : dtrText,
          channel: fc.constantFrom('C0GENERAL', PUBLIC, ALERTS, 'D0SOMEDM', s.pairConversation1, ''),
          team: fc.constantFrom(TEAM, TEAM, TEAM, 'T0OTHER', ''),
          drop: rarely('user_id', 'trigger_id', 'text', 'channel_id', 'team_id', 'user_name'),
          dup: rarely('text', 'user_id'),
        }),
      )
      // The one command text staff could send that succeeds without naming a person: an hours export.
      .map((c) => {
        const parsed = parseTandemCommand(c.text);
        return c.command === '/tandem' && c.actor === ADMIN && parsed.ok && parsed.command.name === 'hours export'
          ? { ...c, actor: MENTEE }
          : c;
      });
    const reach = await fuzzBatch(arb, sendCommand, 20270115);
    // Not all bounced at the door: commands reached the services and were answered, and forms opened.
    expect(reach.responses).toBeGreaterThan(10);
    expect(reach.methods['views.open'] ?? 0).toBeGreaterThan(0);
  });

  test('block actions: every registered action id with junk, foreign and forged values, from anyone, in messages and App Home', async () => {
    const actionIds = [
      'checkin_answer:met',
      'checkin_answer:not_yet',
      'checkin_answer:rescheduled',
      'checkin_answer:',
      'checkin_answer:junk',
      'checkin_note',
      'alert_ack',
      'alert_resolve',
      'alert_snooze',
      'alert_message_pair',
      'dtr_open',
      'dtr_open:kickoff',
      'dtr_open:midmod',
      'dtr_open:exit',
      'standup_open',
      'session_log_open',
      'session_log_edit',
      'match_accept',
      'match_decline',
      'reschedule_open',
      'home_export_hours',
    ];
    const homeActionIds = ['standup_open', 'session_log_open', 'reschedule_open', 'home_export_hours'];
    const ids = [
      ...new Set([
        s.checkin1,
        s.checkin2,
        ...s.alertReasonIds,
        s.standup1,
        s.standup2,
        s.sessionLog,
        s.matchRequest,
        s.pairing1,
        s.pairing2,
        s.programId,
      ]),
    ];
    const idText = fc.oneof(
      fc.constantFrom(...ids.map(String), ...s.alertIds.map((id) => `p${id}`)),
      fc.constantFrom('0', '999999', '999999999', '1000000000', '-1', '01', '1.0', ' 1', '1 ', 'p', 'p0', 'P1', 'pp1'),
    );
    const anyValue = fc.oneof(
      { weight: 3, arbitrary: junk },
      { weight: 3, arbitrary: idText },
      {
        weight: 3,
        arbitrary: fc
          .tuple(idText, fc.constantFrom('met', 'not_yet', 'rescheduled', 'kickoff', 'midmod', 'exit', 'MET', '', 'met:met'))
          .map(([a, b]) => `${a}:${b}`),
      },
      { weight: 1, arbitrary: fc.constantFrom('2027-01', '2027-13', '2027-00', '0000-01', '2027-1', '2027-01-01') },
      { weight: 1, arbitrary: fc.oneof(fc.constant(undefined), wrongType) },
    );
    /** A value of the shape the button carries (an id, an id and an answer, a month), pointing anywhere. */
    const shapedValue = (actionId: string): fc.Arbitrary<unknown> =>
      actionId.startsWith('checkin_answer')
        ? fc.tuple(idText, fc.constantFrom('met', 'not_yet', 'rescheduled')).map(([a, b]) => `${a}:${b}`)
        : actionId.startsWith('dtr_open')
          ? fc
              .tuple(fc.oneof(idText, fc.constant('0')), fc.constantFrom('kickoff', 'midmod', 'exit'))
              .map(([a, b]) => `${a}:${b}`)
          : actionId === 'home_export_hours'
            ? fc.constantFrom('2027-01', '2026-12', '2027-02', '2027-13')
            : idText;
    const actionAndValue = fc.constantFrom(...actionIds).chain((actionId) =>
      fc.record({
        actionId: fc.constant(actionId),
        value: fc.oneof({ weight: 3, arbitrary: shapedValue(actionId) }, { weight: 2, arbitrary: anyValue }),
      }),
    );
    /** The few combinations that are a legitimate change (the right person, a live id): not invalid input. */
    const legitimate = (c: ActionCase): boolean => {
      const v = typeof c.value === 'string' ? c.value : null;
      if (v === null) return false;
      if (c.actionId.startsWith('checkin_answer:')) {
        const m = /^(\d{1,9}):(met|not_yet|rescheduled)$/.exec(v);
        const id = Number(m?.[1]);
        return (
          Boolean(m) &&
          ((id === s.checkin1 && [MENTOR, MENTEE].includes(c.actor)) ||
            (id === s.checkin2 && [MENTOR2, MENTEE2].includes(c.actor)))
        );
      }
      if (c.actionId === 'alert_message_pair')
        return /^\d{1,9}$/.test(v) && c.actor === ADMIN && [s.pairing1, s.pairing2].includes(Number(v));
      if (c.actionId.startsWith('alert_'))
        return (
          c.actor === ADMIN &&
          ((/^p\d{1,9}$/.test(v) && s.alertIds.includes(Number(v.slice(1)))) ||
            (/^\d{1,9}$/.test(v) && s.alertReasonIds.includes(Number(v))))
        );
      if (c.actionId === 'match_accept') return /^\d{1,9}$/.test(v) && c.actor === MENTOR2 && Number(v) === s.matchRequest;
      if (c.actionId === 'home_export_hours') return /^\d{4}-(0[1-9]|1[0-2])$/.test(v) && c.actor === ADMIN;
      return false;
    };
    const arb = fc
      .record({
        actor: actorArb,
        av: actionAndValue,
        where: fc.constantFrom<ActionCase['where']>('message', 'message', 'view', 'ephemeral'),
        message: fc.nat(),
        team: fc.constantFrom(TEAM, TEAM, 'T0OTHER'),
        trigger: fc.constantFrom<ActionCase['trigger']>('ok', 'ok', 'ok', 'expired', 'missing'),
      })
      .map(({ av, ...c }): ActionCase => ({ ...c, ...av }))
      // Only App Home's own buttons arrive from a view (without a response_url); the rest sit in messages.
      .map((c) => (c.where === 'view' && !homeActionIds.includes(c.actionId) ? { ...c, where: 'message' as const } : c))
      .filter((c) => !legitimate(c));
    const reach = await fuzzBatch(arb, (c) => sendAction(s, c), 20270116);
    expect(reach.responses).toBeGreaterThan(20);
    expect(reach.methods['views.open'] ?? 0).toBeGreaterThan(0);
  });

  test('view submissions: every callback id with random state and forged private_metadata', async () => {
    const id = (...real: number[]) =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom<unknown>(...real) },
        { weight: 2, arbitrary: fc.constantFrom<unknown>(999999, 0, -1, 1.5, '1', null, 2 ** 53) },
      );
    const forgedMeta = (shape: fc.Arbitrary<Record<string, unknown>>) =>
      fc.oneof(
        { weight: 12, arbitrary: shape.map((m) => JSON.stringify(m)) },
        { weight: 2, arbitrary: fc.oneof(junk, fc.constantFrom('', '{', 'null', '[]', '{"__proto__":{"checkinId":1}}', '1')) },
        { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
        { weight: 1, arbitrary: huge.map((x) => JSON.stringify({ padding: x })) },
        { weight: 1, arbitrary: wrongType },
      );
    const text = (plausible: string[]) =>
      fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...plausible) }, { weight: 1, arbitrary: junk });
    const pairingText = text([String(s.pairing1), String(s.pairing2), ` ${s.pairing1}`, `${s.pairing2}.0`, '999999', '0', '-1']);
    const common = {
      actor: actorArb,
      blocks: fc.constantFrom<ViewCase['blocks']>('inputs', 'inputs', 'none', 'empty'),
      team: fc.constantFrom(TEAM, TEAM, 'T0OTHER'),
    };

    const programNew = fc.record({
      ...common,
      actor: fc.oneof(fc.constant(ADMIN), actorArb),
      callbackId: fc.constant('program_new'),
      meta: fc.constant(''),
      values: stateValues({
        name: cellValue(text(['Backend', 'Frontend', ' '])),
        timeZone: cellValue(text(['America/Denver', 'Mars/Olympus', 'UTC'])),
        startDate: cellValue(text(['2027-02-01', '2027-02-30', '2027-1-1'])),
        lengthWeeks: cellValue(text(['6', '0', '53', '1e9', '-1'])),
        checkinWeekday: cellValue(text(['1', '7', '8', '0'])),
        checkinTime: cellValue(text(['10:00', '24:00', '9:5'])),
        standupWeekday: cellValue(text(['5', '9'])),
        standupTime: cellValue(text(['10:00', '99:99'])),
        responseWindowDays: cellValue(text(['2', '0', '11'])),
        holidays: cellValue(text(['2027-01-18', '2027-13-01, x'])),
        alertsChannelId: fc.oneof(
          cellValue(text([PUBLIC, 'GNOPE', 'D0DM', ALERTS, ` ${ALERTS}`])),
          fc.constantFrom(...[PUBLIC, ALERTS, 'GNOPE'].map((c) => ({ type: 'conversations_select', selected_conversation: c }))),
        ),
        midmodWeekFrom: cellValue(text(['3', '5'])),
        midmodWeekTo: cellValue(text(['4', '2'])),
        followUpWeeks: cellValue(text(['', '4', '99'])),
      }),
    });
    /** A correct program form with one or two fields spoiled, pointing its alerts at a channel Tandem must refuse. */
    const programNearlyValid = fc.record({
      ...common,
      actor: fc.oneof(fc.constant(ADMIN), actorArb),
      callbackId: fc.constant('program_new'),
      meta: fc.constant(''),
      values: fc
        .tuple(
          junk,
          fc.constantFrom(PUBLIC, 'GNOPE', 'D0DM', 'C0GENERAL'),
          fc.subarray(Object.keys(programValues('x')), { maxLength: 2 }),
          cellValue(junk),
        )
        .map(([name, channel, spoiled, cell]) => ({
          ...programValues(`Fuzz ${name}`, channel),
          ...Object.fromEntries(spoiled.map((field) => [field, { value: cell }])),
        })),
    });
    const checkinNote = fc.record({
      ...common,
      callbackId: fc.constant('checkin_note'),
      meta: forgedMeta(fc.record({ checkinId: id(s.checkin1, s.checkin2) })),
      values: stateValues({
        answer: cellValue(text(['met', 'not_yet', 'rescheduled', 'maybe'])),
        rating: cellValue(text(['1', '5', '0', '6', '2.5'])),
        topics: cellValue(text(['recursion'])),
        blockers: cellValue(text(['none'])),
      }),
    });
    const dtrSubmit = fc.record({
      ...common,
      callbackId: fc.constant('dtr_submit'),
      meta: forgedMeta(
        fc.record({
          m: fc.constantFrom('kickoff', 'midmod', 'exit', 'other'),
          p: id(s.pairing1, s.pairing2),
          s: fc.constantFrom('builtin', 'program', 'x'),
          v: fc.constantFrom(1, 2, 999, 0, -1, 1.5),
        }),
      ),
      values: stateValues({
        dtr_pairing: cellValue(text([String(s.pairing1), String(s.pairing2), '999'])),
        ...Object.fromEntries(Object.entries(mentorKickoff).map(([k, v]) => [k, cellValue(text([v]))])),
        overwhelmed: cellValue(text(['walks'])),
        goal1_text: cellValue(text(['Ship it'])),
        goal1_measure: cellValue(text(['Deployed'])),
        goal1_date: cellValue(text(['2027-02-19', '2027-02-31'])),
        goal_met_1: cellValue(text(['met', 'partly', 'not'])),
      }),
    });
    const standupSubmit = fc.record({
      ...common,
      callbackId: fc.constant('standup_submit'),
      meta: forgedMeta(fc.record({ s: id(s.standup1, s.standup2), page: fc.constantFrom<unknown>(0, 1, 5, -1, 1.5, 1e9, '0') })),
      values: stateValues(
        Object.fromEntries(
          [s.pairing1, s.pairing2, 999]
            .flatMap((p) => [
              [`status_${p}`, cellValue(text(['on_track', 'needs_attention', 'at_risk', 'fine']))],
              [`met_${p}`, cellValue(text(['yes', 'no', 'rescheduled', 'perhaps']))],
              [`hours_${p}`, cellValue(text(['1', '0.25', '-1', '101', 'lots', '1e3']))],
              [`concerns_${p}`, cellValue(text(['worried']))],
            ])
            .concat([['general_note', cellValue(text(['ok']))]]),
        ),
      ),
    });
    const sessionLog = fc.record({
      ...common,
      callbackId: fc.constant('session_log_submit'),
      meta: forgedMeta(fc.record({ id: id(s.sessionLog) })),
      values: stateValues({
        pairing: cellValue(pairingText),
        date: cellValue(text(['2027-01-14', '2027-03-01', '2027-02-30'])),
        minutes: cellValue(text(['45', '4', '601', '45.5', '1e2'])),
        done: cellValue(text(['Reviewed'])),
        private_notes: cellValue(text(['private'])),
      }),
    });
    const matchDecline = fc.record({
      ...common,
      callbackId: fc.constant('match_decline_submit'),
      meta: forgedMeta(fc.record({ r: id(s.matchRequest) })),
      values: stateValues({ reason: cellValue(text(['Full this month'])) }),
    });
    const reschedule = fc.record({
      ...common,
      callbackId: fc.constant('reschedule_submit'),
      meta: fc.constant(''),
      values: stateValues({
        pairing: cellValue(pairingText),
        original_date: cellValue(text(['2027-01-20', '2027-02-30'])),
        original_time: cellValue(text(['12:00', '25:00'])),
        new_date: cellValue(text(['2027-01-22'])),
        new_time: cellValue(text(['18:00'])),
        reason: cellValue(text(['Work trip'])),
        cancel: fc.oneof(
          fc.constantFrom<unknown>(
            { type: 'checkboxes', selected_options: [{ value: 'cancel' }] },
            { type: 'checkboxes', selected_options: [] },
          ),
          fc.constantFrom<unknown>(
            { selected_options: 'cancel' },
            { selected_options: { value: 'cancel' } },
            { selected_options: [null] },
            { selected_options: 5 },
          ),
        ),
      }),
    });

    /** Makes sure no case is a legitimate change: the person who may do it, on a live id, with valid fields. */
    const invalidOnly = (c: ViewCase): ViewCase => {
      const meta = asRecord(parseJson(c.meta));
      switch (c.callbackId) {
        case 'program_new':
          return c.actor === ADMIN && JSON.stringify(c.values ?? null).includes(ALERTS) ? { ...c, actor: MENTOR } : c;
        case 'checkin_note': {
          const pairing = meta.checkinId === s.checkin1 ? s.pairing1 : meta.checkinId === s.checkin2 ? s.pairing2 : null;
          return pairing && members(s)[pairing]?.includes(c.actor) ? { ...c, values: setCell(c.values, 'answer', 'maybe') } : c;
        }
        case 'dtr_submit': {
          const p = positiveInt(meta.p)
            ? meta.p
            : Number(readDtrModal({ values: asRecord(c.values) as never }).dtr_pairing ?? NaN);
          return members(s)[p]?.includes(c.actor) ? { ...c, meta: JSON.stringify({ ...meta, p: otherPairing(s, c.actor) }) } : c;
        }
        case 'standup_submit': {
          const own = (meta.s === s.standup1 && c.actor === MENTOR) || (meta.s === s.standup2 && c.actor === MENTOR2);
          return own ? { ...c, meta: JSON.stringify({ ...meta, s: c.actor === MENTOR ? s.standup2 : s.standup1 }) } : c;
        }
        case 'session_log_submit': {
          const p = Number(readCell(c.values, 'pairing', false));
          return members(s)[p]?.[0] === c.actor
            ? { ...c, values: setCell(c.values, 'pairing', String(otherPairing(s, c.actor))) }
            : c;
        }
        case 'match_decline_submit':
          return c.actor === MENTOR2 && meta.r === s.matchRequest ? { ...c, meta: JSON.stringify({ r: 999999 }) } : c;
        case 'reschedule_submit': {
          const p = Number(readCell(c.values, 'pairing', true));
          return members(s)[p]?.includes(c.actor)
            ? { ...c, values: setCell(c.values, 'pairing', String(otherPairing(s, c.actor))) }
            : c;
        }
        default:
          return c;
      }
    };
    const arb = fc
      .oneof(programNew, programNearlyValid, checkinNote, dtrSubmit, standupSubmit, sessionLog, matchDecline, reschedule)
      .map((c) => invalidOnly(c as ViewCase));
    const reach = await fuzzBatch(arb, sendView, 20270117);
    // The forms got past parsing to the services: staff checks, ownership checks, field validation,
    // and the alerts-channel check of nearly valid program forms.
    const answered = (pattern: RegExp) => reach.answers.filter((a) => pattern.test(a)).length;
    expect(answered(/Only program staff/)).toBeGreaterThan(0);
    expect(answered(/someone else|another pair|your own|Only the mentor who wrote/)).toBeGreaterThan(0);
    expect(answered(/Pick|Use YYYY-MM-DD|At (least|most)/)).toBeGreaterThan(0);
    expect(reach.methods['conversations.info'] ?? 0).toBeGreaterThan(0);
  });

  test('events: messages anywhere (bot posts, subtypes, no user), junk reactions, App Home for strangers, unknown types', async () => {
    const channel = fc.constantFrom(s.pairConversation1, s.pairConversation2, ALERTS, PUBLIC, 'D0RANDOM', 'G0RANDOM', '');
    const ts = fc.oneof(
      fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }).map((n) => `${n}.000200`),
      fc.constantFrom(s.checkinMessage1.ts, s.checkinMessage2.ts, '', 'x', '1.2.3', '-1.0', '99999999999999.1', '1e9'),
    );
    const message = fc.record({
      type: fc.constant('message'),
      channel,
      user: fc.option(actorArb, { nil: undefined }),
      subtype: fc.constantFrom(
        undefined,
        undefined,
        'bot_message',
        'message_changed',
        'message_deleted',
        'channel_join',
        'file_share',
        'thread_broadcast',
        'me_message',
        'junk',
      ),
      bot_id: fc.constantFrom(undefined, undefined, 'B0BOT', 'B0OTHER'),
      ts,
      channel_type: fc.constantFrom('mpim', 'mpim', 'im', 'channel', 'group', 'app_home', undefined, 'junk'),
      text: junk,
      thread_ts: fc.option(ts, { nil: undefined }),
    });
    const reaction = fc.record({
      type: fc.constant('reaction_added'),
      user: fc.option(actorArb, { nil: undefined }),
      reaction: junk,
      // Always an object, as Slack sends it: Bolt itself reads item.channel before any listener runs.
      item: fc.oneof(
        fc.record({ type: fc.constantFrom('message', 'file'), channel, ts }, { requiredKeys: [] }),
        fc.constantFrom<unknown>({}, { type: 'file', file: 'F1' }, { type: 'message', channel: 5, ts: [] }),
      ),
      item_user: fc.option(actorArb, { nil: undefined }),
    });
    const home = fc.record({
      type: fc.constant('app_home_opened'),
      user: fc.oneof(actorArb, fakeUserId, wrongType),
      channel: fc.constantFrom('D0HOME', ''),
      tab: fc.constantFrom(undefined, 'home', 'messages', 'about', 'junk'),
    });
    const other = fc.record({
      type: fc.constantFrom('member_joined_channel', 'app_mention', 'team_join', 'channel_created', 'junk_event', ''),
      user: fc.option(actorArb, { nil: undefined }),
      channel,
      text: junk,
    });
    const envelope = fc.record({
      event: fc.oneof(message, message, reaction, home, other),
      retryNum: fc.constantFrom(undefined, undefined, 1, 3),
      team: fc.constantFrom(TEAM, TEAM, 'T0OTHER'),
    });
    const isMemberOf = (conversation: unknown, user: unknown) =>
      (conversation === s.pairConversation1 && [MENTOR, MENTEE].includes(user as string)) ||
      (conversation === s.pairConversation2 && [MENTOR2, MENTEE2].includes(user as string));
    type EventCase = { event: Record<string, unknown>; retryNum: number | undefined; team: string };
    /** A member writing or reacting in their own pair conversation is the product working, not invalid input. */
    const invalidOnly = (c: EventCase): EventCase => {
      const e = c.event;
      if (
        e.type === 'message' &&
        isMemberOf(e.channel, e.user) &&
        !e.bot_id &&
        [undefined, 'file_share', 'thread_broadcast'].includes(e.subtype as string | undefined)
      ) {
        return { ...c, event: { ...e, bot_id: 'B0OTHER' } };
      }
      if (e.type === 'reaction_added' && isMemberOf(asRecord(e.item).channel, e.user))
        return { ...c, event: { ...e, item: { ...asRecord(e.item), channel: PUBLIC } } };
      return c;
    };
    const arb = envelope.map((c) => invalidOnly(c as EventCase));
    const sendEvent = (c: EventCase) => {
      const now = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({
        token: 'legacy',
        team_id: c.team,
        api_app_id: 'A0APP',
        type: 'event_callback',
        event_id: `Ev${++eventSeq}`,
        event_time: now,
        event: { event_ts: `${now}.000100`, ...c.event },
        authorizations: [{ team_id: c.team, user_id: 'UBOT', is_bot: true }],
      });
      return h.sender.send(
        body,
        'application/json',
        c.retryNum === undefined
          ? {}
          : { headers: { 'X-Slack-Retry-Num': String(c.retryNum), 'X-Slack-Retry-Reason': 'http_timeout' } },
      );
    };
    const reach = await fuzzBatch(arb, sendEvent, 20270118);
    expect(reach.methods['views.publish'] ?? 0).toBeGreaterThan(0);
  });

  test('unregistered action and callback ids are acknowledged (200), logged, and change nothing', async () => {
    await settle(h);
    const before = await snapshot(db());
    const errorsFrom = processErrors.length;
    const logFrom = h.logs.lines.length;
    // Slack only sends ids the app put in its own messages and views (an old message may carry a retired
    // button): acknowledged at once, not left to Bolt's 404 after 3 seconds, which shows the person a warning.
    const results = await Promise.all([
      ...['nope', 'CHECKIN_ANSWER:met', 'alert_ack ', 'dtr_openx', 'home_export', ''].map((actionId) =>
        h.sender.action({
          user: MENTOR,
          actions: [{ type: 'button', action_id: actionId, value: String(s.checkin1), action_ts: '1' }],
        }),
      ),
      ...['nope', 'program_new ', 'PROGRAM_NEW', ''].map((callbackId) =>
        h.sender.viewSubmission({
          user: { id: ADMIN },
          view: { id: 'VX', callback_id: callbackId, private_metadata: '', state: { values: {} } },
        }),
      ),
    ]);
    await settle(h);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(h.logs.lines.slice(logFrom).filter((l) => l.includes('acknowledged an interaction no listener handles'))).toHaveLength(
      results.length,
    );
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(processErrors.slice(errorsFrom)).toEqual([]);
    expect((await healthz(h)).status).toBe(200);
  });
});
