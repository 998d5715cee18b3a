import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readDtrModal } from '../../src/messages/dtr.js';
import { parseTandemCommand } from '../../src/slack/listeners/tandem/parse.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { botToken, signingSecret, startHarness, type Harness } from '../support/harness.js';
import { signSlackRequest } from '../support/slack-signer.js';
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
  botMessages,
  buttonValue,
  callText,
  checksums,
  dmsTo,
  imOf,
  mentorKickoff,
  pressButton,
  seed,
  settle,
  snapshot,
  snapshotDiff,
  tick,
  waitUntil,
  type Seeded,
} from './support-seed.js';

/**
 * Input validation, request authenticity, duplicate deliveries, authorization and privacy, all over
 * signed HTTP against the real bot (test/support/harness.ts). Invalid input must never change a row,
 * reach Slack on someone's behalf, or take the bot down; staff-only actions stay staff-only; private
 * text stays with the people allowed to read it.
 *
 * FUZZ_DEBUG=1 prints every fuzzed request with the bot's answer, and where each private text showed up.
 */
let h: Harness;
const processErrors: unknown[] = [];
const onUnhandledRejection = (err: unknown) => processErrors.push(err);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandledRejection);
  h = await startHarness({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandledRejection);
  await h?.stop();
});

const db = () => h.database.db;
const members = (s: Seeded): Record<number, string[]> => ({ [s.pairing1]: [MENTOR, MENTEE], [s.pairing2]: [MENTOR2, MENTEE2] });
const otherPairing = (s: Seeded, actor: string) => (members(s)[s.pairing1]?.includes(actor) ? s.pairing2 : s.pairing1);

async function healthz(): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.baseUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Log lines since `from` that show an uncaught listener error or carry a secret. */
function logProblems(from: number): string[] {
  return h.logs.lines
    .slice(from)
    .filter((l) => /unhandled|not acknowledged/i.test(l) || l.includes(botToken) || l.includes(signingSecret))
    .map((l) => l.slice(0, 700));
}

/** Long strings shortened so a failing case stays readable. */
function summarize(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 60)}…(${v.length} chars)` : v));
}

let triggerSeq = 0;
const triggerFor = (user: string) => `${++triggerSeq}.${Date.now()}.${user}`;
const triggerOwner = (trigger: unknown) => (typeof trigger === 'string' ? trigger.split('.')[2] : undefined);
let responseSeq = 0;
const responseUrlFor = (user: string) => h.slack.responseUrl(`${user}~${++responseSeq}`);
const responseOwner = (id: string) => id.split('~')[0];

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
  fc.constantFrom('<#C0GENERAL|general>', '<#GALERTS>', '<!here>', '<!channel>', '<!subteam^S123|@staff>', '@ada', '<@>', '<@U>', '<@UADMIN', '<@|x>', '<mailto:a@b.c|a@b.c>', '<https://evil.example|click>'),
);
const keyword = fc.constantFrom(
  'help', 'program', 'new', 'list', 'ls', 'pair', 'unpair', 'pause', 'resume', 'until', 'staff', 'add', 'log', 'hours', 'export', 'note', 'notes',
  'match', 'capacity', 'none', 'reschedule', 'kickoff', 'kick-off', 'midmod', 'mid-mod', 'exit', 'show', '|', '"', 'Backend', 'backend', '"Backend"',
  '2027-01', '2027-13', '2027-1', '2027-01-18', '12', '-3', '51',
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
  'help', 'program new', 'program list', 'program ls', 'program', 'pair', 'unpair', 'pause', 'resume', 'staff add', 'staff', 'list', 'log', 'hours',
  'hours export', 'note', 'notes', 'match', 'capacity', 'reschedule', 'PAIR', 'Program New', 'frobnicate', '',
]);
const dtrText = withHead(['', 'kickoff', 'midmod', 'exit', 'kick-off', 'mid-mod', 'midmodule', 'show', 'show kickoff', 'show exit', 'KICKOFF', 'party']);

const realUsers = [ADMIN, MENTOR, MENTEE, MENTOR2, MENTEE2, NEWBIE, STRANGER];
const forgedUser = fc.oneof(fc.constantFrom('UBOT', 'USLACKBOT', 'W0FORGED', 'uadmin', 'U', ' UADMIN', 'UADMIN\n', ''), fakeUserId);
const actorArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(ADMIN) },
  { weight: 2, arbitrary: fc.constantFrom(MENTOR, MENTEE) },
  { weight: 3, arbitrary: fc.constantFrom(...realUsers) },
  { weight: 2, arbitrary: forgedUser },
);
/** Something, or (rarely) a field Slack always sends left out or sent twice. */
const rarely = <T,>(...values: T[]) => fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...values) });
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
  const shaped = fc.record(Object.fromEntries(Object.entries(cells).map(([block, cell]) => [block, fc.oneof({ weight: 6, arbitrary: cell.map((c) => ({ value: c })) }, { weight: 1, arbitrary: cell })])), {
    requiredKeys: [],
  });
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'values', [], 5, {}) });
}

const parseJson = (s: unknown): unknown => {
  if (typeof s !== 'string') return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return null;
  }
};
const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
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

type CommandCase = { command: string; actor: string; text: string; channel: string; team: string; drop: string | null; dup: string | null };

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
    ['response_url', responseUrlFor(c.actor)],
    ['trigger_id', triggerFor(c.actor)],
  ];
  const kept = fields.filter(([k]) => k !== c.drop);
  if (c.dup) kept.push([c.dup, c.dup === 'text' ? 'help' : ADMIN]);
  return h.sender.send(new URLSearchParams(kept).toString(), 'application/x-www-form-urlencoded');
}

type ActionCase = { actor: string; actionId: string; value: unknown; where: 'message' | 'view' | 'ephemeral'; message: number; team: string; trigger: 'ok' | 'expired' | 'missing' };

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
    return h.sender.action({ ...base, container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home', callback_id: '', private_metadata: '' } });
  }
  return h.sender.action({
    ...base,
    response_url: responseUrlFor(c.actor),
    container: { type: 'message', channel_id: message?.channel, message_ts: message?.ts, is_ephemeral: c.where === 'ephemeral' },
    channel: { id: message?.channel },
    ...(c.where === 'ephemeral' ? {} : { message: { ts: message?.ts, text: message?.text, blocks: message?.blocks } }),
  });
}

type ViewCase = { callbackId: string; actor: string; meta: unknown; values: unknown; blocks: 'none' | 'empty' | 'inputs'; team: string };

function sendView(c: ViewCase) {
  const blocks = c.blocks === 'none' ? undefined : c.blocks === 'empty' ? [] : Object.keys(asRecord(c.values)).map((id) => ({ type: 'input', block_id: id, element: { type: 'plain_text_input', action_id: 'value' } }));
  return h.sender.viewSubmission({
    user: { id: c.actor, username: 'someone', name: 'someone', team_id: c.team },
    team: { id: c.team, domain: 'fake-team' },
    view: { id: 'VFUZZ', type: 'modal', callback_id: c.callbackId, private_metadata: c.meta, ...(blocks ? { blocks } : {}), state: { values: c.values } },
  });
}

// ---------------------------------------------------------------------------------------------
// The fuzzer
// ---------------------------------------------------------------------------------------------

type Anomaly = { status: number; elapsedMs: number; request: string };
type Answer = { status: number; elapsedMs: number; body: string };
const numRuns = 150;

/** Runs the property; every answer that is not a plain 200 is kept (with the request) rather than shrunk. */
async function fuzz<T>(arb: fc.Arbitrary<T>, send: (c: T) => Promise<Answer>, seedValue: number): Promise<{ anomalies: Anomaly[]; bodies: string[] }> {
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
  expect.soft(logProblems(logFrom), 'no uncaught listener errors, no secrets in the logs').toEqual([]);
  expect.soft(processErrors.slice(errorsFrom), 'no unhandled rejections').toEqual([]);
  expect.soft(await healthz()).toMatchObject({ status: 200, body: { status: 'ok' } });
  const methods: Record<string, number> = {};
  for (const c of h.slack.calls.slice(callsFrom)) methods[c.method] = (methods[c.method] ?? 0) + 1;
  const reach = { answers: bodies, responses: h.slack.responses.length - responsesFrom, methods };
  console.log(`fuzz seed ${seedValue}: ${numRuns} runs, ${bodies.length} direct answers, reach ${JSON.stringify({ responses: reach.responses, methods })}`);
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
        return c.command === '/tandem' && c.actor === ADMIN && parsed.ok && parsed.command.name === 'hours export' ? { ...c, actor: MENTEE } : c;
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
    const ids = [...new Set([s.checkin1, s.checkin2, ...s.alertReasonIds, s.standup1, s.standup2, s.sessionLog, s.matchRequest, s.pairing1, s.pairing2, s.programId])];
    const idText = fc.oneof(fc.constantFrom(...ids.map(String), ...s.alertIds.map((id) => `p${id}`)), fc.constantFrom('0', '999999', '999999999', '1000000000', '-1', '01', '1.0', ' 1', '1 ', 'p', 'p0', 'P1', 'pp1'));
    const anyValue = fc.oneof(
      { weight: 3, arbitrary: junk },
      { weight: 3, arbitrary: idText },
      { weight: 3, arbitrary: fc.tuple(idText, fc.constantFrom('met', 'not_yet', 'rescheduled', 'kickoff', 'midmod', 'exit', 'MET', '', 'met:met')).map(([a, b]) => `${a}:${b}`) },
      { weight: 1, arbitrary: fc.constantFrom('2027-01', '2027-13', '2027-00', '0000-01', '2027-1', '2027-01-01') },
      { weight: 1, arbitrary: fc.oneof(fc.constant(undefined), wrongType) },
    );
    /** A value of the shape the button carries (an id, an id and an answer, a month), pointing anywhere. */
    const shapedValue = (actionId: string): fc.Arbitrary<unknown> =>
      actionId.startsWith('checkin_answer')
        ? fc.tuple(idText, fc.constantFrom('met', 'not_yet', 'rescheduled')).map(([a, b]) => `${a}:${b}`)
        : actionId.startsWith('dtr_open')
          ? fc.tuple(fc.oneof(idText, fc.constant('0')), fc.constantFrom('kickoff', 'midmod', 'exit')).map(([a, b]) => `${a}:${b}`)
          : actionId === 'home_export_hours'
            ? fc.constantFrom('2027-01', '2026-12', '2027-02', '2027-13')
            : idText;
    const actionAndValue = fc.constantFrom(...actionIds).chain((actionId) => fc.record({ actionId: fc.constant(actionId), value: fc.oneof({ weight: 3, arbitrary: shapedValue(actionId) }, { weight: 2, arbitrary: anyValue }) }));
    /** The few combinations that are a legitimate change (the right person, a live id): not invalid input. */
    const legitimate = (c: ActionCase): boolean => {
      const v = typeof c.value === 'string' ? c.value : null;
      if (v === null) return false;
      if (c.actionId.startsWith('checkin_answer:')) {
        const m = /^(\d{1,9}):(met|not_yet|rescheduled)$/.exec(v);
        const id = Number(m?.[1]);
        return Boolean(m) && ((id === s.checkin1 && [MENTOR, MENTEE].includes(c.actor)) || (id === s.checkin2 && [MENTOR2, MENTEE2].includes(c.actor)));
      }
      if (c.actionId === 'alert_message_pair') return /^\d{1,9}$/.test(v) && c.actor === ADMIN && [s.pairing1, s.pairing2].includes(Number(v));
      if (c.actionId.startsWith('alert_')) return c.actor === ADMIN && ((/^p\d{1,9}$/.test(v) && s.alertIds.includes(Number(v.slice(1)))) || (/^\d{1,9}$/.test(v) && s.alertReasonIds.includes(Number(v))));
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
    const id = (...real: number[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom<unknown>(...real) }, { weight: 2, arbitrary: fc.constantFrom<unknown>(999999, 0, -1, 1.5, '1', null, 2 ** 53) });
    const forgedMeta = (shape: fc.Arbitrary<Record<string, unknown>>) =>
      fc.oneof(
        { weight: 12, arbitrary: shape.map((m) => JSON.stringify(m)) },
        { weight: 2, arbitrary: fc.oneof(junk, fc.constantFrom('', '{', 'null', '[]', '{"__proto__":{"checkinId":1}}', '1')) },
        { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
        { weight: 1, arbitrary: huge.map((x) => JSON.stringify({ padding: x })) },
        { weight: 1, arbitrary: wrongType },
      );
    const text = (plausible: string[]) => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...plausible) }, { weight: 1, arbitrary: junk });
    const pairingText = text([String(s.pairing1), String(s.pairing2), ` ${s.pairing1}`, `${s.pairing2}.0`, '999999', '0', '-1']);
    const common = { actor: actorArb, blocks: fc.constantFrom<ViewCase['blocks']>('inputs', 'inputs', 'none', 'empty'), team: fc.constantFrom(TEAM, TEAM, 'T0OTHER') };

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
        alertsChannelId: fc.oneof(cellValue(text([PUBLIC, 'GNOPE', 'D0DM', ALERTS, ` ${ALERTS}`])), fc.constantFrom(...[PUBLIC, ALERTS, 'GNOPE'].map((c) => ({ type: 'conversations_select', selected_conversation: c })))),
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
        .tuple(junk, fc.constantFrom(PUBLIC, 'GNOPE', 'D0DM', 'C0GENERAL'), fc.subarray(Object.keys(programValues('x')), { maxLength: 2 }), cellValue(junk))
        .map(([name, channel, spoiled, cell]) => ({ ...programValues(`Fuzz ${name}`, channel), ...Object.fromEntries(spoiled.map((field) => [field, { value: cell }])) })),
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
      meta: forgedMeta(fc.record({ m: fc.constantFrom('kickoff', 'midmod', 'exit', 'other'), p: id(s.pairing1, s.pairing2), s: fc.constantFrom('builtin', 'program', 'x'), v: fc.constantFrom(1, 2, 999, 0, -1, 1.5) })),
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
          [s.pairing1, s.pairing2, 999].flatMap((p) => [
            [`status_${p}`, cellValue(text(['on_track', 'needs_attention', 'at_risk', 'fine']))],
            [`met_${p}`, cellValue(text(['yes', 'no', 'rescheduled', 'perhaps']))],
            [`hours_${p}`, cellValue(text(['1', '0.25', '-1', '101', 'lots', '1e3']))],
            [`concerns_${p}`, cellValue(text(['worried']))],
          ]).concat([['general_note', cellValue(text(['ok']))]]),
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
          fc.constantFrom<unknown>({ type: 'checkboxes', selected_options: [{ value: 'cancel' }] }, { type: 'checkboxes', selected_options: [] }),
          fc.constantFrom<unknown>({ selected_options: 'cancel' }, { selected_options: { value: 'cancel' } }, { selected_options: [null] }, { selected_options: 5 }),
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
          const p = positiveInt(meta.p) ? meta.p : Number(readDtrModal({ values: asRecord(c.values) as never }).dtr_pairing ?? NaN);
          return members(s)[p]?.includes(c.actor) ? { ...c, meta: JSON.stringify({ ...meta, p: otherPairing(s, c.actor) }) } : c;
        }
        case 'standup_submit': {
          const own = (meta.s === s.standup1 && c.actor === MENTOR) || (meta.s === s.standup2 && c.actor === MENTOR2);
          return own ? { ...c, meta: JSON.stringify({ ...meta, s: c.actor === MENTOR ? s.standup2 : s.standup1 }) } : c;
        }
        case 'session_log_submit': {
          const p = Number(readCell(c.values, 'pairing', false));
          return members(s)[p]?.[0] === c.actor ? { ...c, values: setCell(c.values, 'pairing', String(otherPairing(s, c.actor))) } : c;
        }
        case 'match_decline_submit':
          return c.actor === MENTOR2 && meta.r === s.matchRequest ? { ...c, meta: JSON.stringify({ r: 999999 }) } : c;
        case 'reschedule_submit': {
          const p = Number(readCell(c.values, 'pairing', true));
          return members(s)[p]?.includes(c.actor) ? { ...c, values: setCell(c.values, 'pairing', String(otherPairing(s, c.actor))) } : c;
        }
        default:
          return c;
      }
    };
    const arb = fc.oneof(programNew, programNearlyValid, checkinNote, dtrSubmit, standupSubmit, sessionLog, matchDecline, reschedule).map((c) => invalidOnly(c as ViewCase));
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
      subtype: fc.constantFrom(undefined, undefined, 'bot_message', 'message_changed', 'message_deleted', 'channel_join', 'file_share', 'thread_broadcast', 'me_message', 'junk'),
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
      item: fc.oneof(fc.record({ type: fc.constantFrom('message', 'file'), channel, ts }, { requiredKeys: [] }), fc.constantFrom<unknown>({}, { type: 'file', file: 'F1' }, { type: 'message', channel: 5, ts: [] })),
      item_user: fc.option(actorArb, { nil: undefined }),
    });
    const home = fc.record({
      type: fc.constant('app_home_opened'),
      user: fc.oneof(actorArb, fakeUserId, wrongType),
      channel: fc.constantFrom('D0HOME', ''),
      tab: fc.constantFrom(undefined, 'home', 'messages', 'about', 'junk'),
    });
    const other = fc.record({ type: fc.constantFrom('member_joined_channel', 'app_mention', 'team_join', 'channel_created', 'junk_event', ''), user: fc.option(actorArb, { nil: undefined }), channel, text: junk });
    const envelope = fc.record({
      event: fc.oneof(message, message, reaction, home, other),
      retryNum: fc.constantFrom(undefined, undefined, 1, 3),
      team: fc.constantFrom(TEAM, TEAM, 'T0OTHER'),
    });
    const isMemberOf = (conversation: unknown, user: unknown) =>
      (conversation === s.pairConversation1 && [MENTOR, MENTEE].includes(user as string)) || (conversation === s.pairConversation2 && [MENTOR2, MENTEE2].includes(user as string));
    type EventCase = { event: Record<string, unknown>; retryNum: number | undefined; team: string };
    /** A member writing or reacting in their own pair conversation is the product working, not invalid input. */
    const invalidOnly = (c: EventCase): EventCase => {
      const e = c.event;
      if (e.type === 'message' && isMemberOf(e.channel, e.user) && !e.bot_id && [undefined, 'file_share', 'thread_broadcast'].includes(e.subtype as string | undefined)) {
        return { ...c, event: { ...e, bot_id: 'B0OTHER' } };
      }
      if (e.type === 'reaction_added' && isMemberOf(asRecord(e.item).channel, e.user)) return { ...c, event: { ...e, item: { ...asRecord(e.item), channel: PUBLIC } } };
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
        event_id: `Ev${++triggerSeq}`,
        event_time: now,
        event: { event_ts: `${now}.000100`, ...c.event },
        authorizations: [{ team_id: c.team, user_id: 'UBOT', is_bot: true }],
      });
      return h.sender.send(body, 'application/json', c.retryNum === undefined ? {} : { headers: { 'X-Slack-Retry-Num': String(c.retryNum), 'X-Slack-Retry-Reason': 'http_timeout' } });
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
        h.sender.action({ user: MENTOR, actions: [{ type: 'button', action_id: actionId, value: String(s.checkin1), action_ts: '1' }] }),
      ),
      ...['nope', 'program_new ', 'PROGRAM_NEW', ''].map((callbackId) => h.sender.viewSubmission({ user: { id: ADMIN }, view: { id: 'VX', callback_id: callbackId, private_metadata: '', state: { values: {} } } })),
    ]);
    await settle(h);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(h.logs.lines.slice(logFrom).filter((l) => l.includes('acknowledged an interaction no listener handles'))).toHaveLength(results.length);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(processErrors.slice(errorsFrom)).toEqual([]);
    expect((await healthz()).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Authenticity
// ---------------------------------------------------------------------------------------------

describe('request authenticity', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(h);
  });

  test('unsigned, wrongly signed, tampered and 6-minute-old requests get 401, write nothing and call Slack for nothing', async () => {
    const nowSec = () => Math.floor(Date.now() / 1000);
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const interaction = (payload: Record<string, unknown>) => form({ payload: JSON.stringify({ token: 'legacy', team: { id: TEAM, domain: 'fake-team' }, api_app_id: 'A0APP', ...payload }) });
    const message = h.slack.postAs(MENTOR, s.pairConversation1, 'are we still on for Thursday?');
    // Each of these, properly signed, changes something (checked at the end).
    const requests = {
      command: {
        contentType: 'application/x-www-form-urlencoded',
        body: form({ token: 'legacy', team_id: TEAM, channel_id: 'C0GENERAL', user_id: ADMIN, user_name: 'sam', command: '/tandem', text: `staff add <@${MENTOR}|ada>`, response_url: responseUrlFor(ADMIN), trigger_id: triggerFor(ADMIN), api_app_id: 'A0APP' }),
      },
      action: {
        contentType: 'application/x-www-form-urlencoded',
        body: interaction({
          type: 'block_actions',
          user: { id: MENTEE, team_id: TEAM },
          trigger_id: triggerFor(MENTEE),
          response_url: responseUrlFor(MENTEE),
          actions: [{ type: 'button', action_id: 'checkin_answer:met', block_id: 'b', value: `${s.checkin1}:met`, action_ts: '1' }],
          container: { type: 'message', channel_id: s.checkinMessage1.channel, message_ts: s.checkinMessage1.ts },
          channel: { id: s.checkinMessage1.channel },
          message: { ts: s.checkinMessage1.ts },
        }),
      },
      view: {
        contentType: 'application/x-www-form-urlencoded',
        body: interaction({ type: 'view_submission', user: { id: ADMIN, team_id: TEAM }, trigger_id: triggerFor(ADMIN), view: { id: 'V1', type: 'modal', callback_id: 'program_new', private_metadata: '', state: { values: programValues('Signed Only') } } }),
      },
      event: {
        contentType: 'application/json',
        body: JSON.stringify({ token: 'legacy', team_id: TEAM, api_app_id: 'A0APP', type: 'event_callback', event_id: 'EvAUTH0001', event_time: nowSec(), event: h.slack.messageEvent(message) }),
      },
    };
    await settle(h);
    const before = await snapshot(db());
    const calls = h.slack.calls.length;
    const responses = h.slack.responses.length;
    const errorsFrom = processErrors.length;

    const attempts: { kind: string; variant: string; status: number }[] = [];
    for (const [kind, r] of Object.entries(requests)) {
      const ts = nowSec();
      const variants: Record<string, Parameters<Harness['sender']['send']>[2]> = {
        unsigned: { unsigned: true },
        'signed with another secret': { timestamp: ts, signature: signSlackRequest('not-the-signing-secret', ts, r.body) },
        'garbage signature': { timestamp: ts, signature: 'v0=deadbeef' },
        'signature without timestamp': { unsigned: true, headers: { 'X-Slack-Signature': signSlackRequest(signingSecret, ts, r.body) } },
        'body changed after signing': { timestamp: ts, signature: signSlackRequest(signingSecret, ts, r.body), rawBody: r.body.replace(/U(ADMIN|MENTEE|MENTOR)/, 'USTRANGER') },
        '6 minutes old': { timestamp: ts - 360, signature: signSlackRequest(signingSecret, ts - 360, r.body) },
        '6 minutes old, other secret': { timestamp: ts - 360, signature: signSlackRequest('not-the-signing-secret', ts - 360, r.body) },
      };
      for (const [variant, opts] of Object.entries(variants)) {
        const res = await h.sender.send(r.body, r.contentType, opts);
        attempts.push({ kind, variant, status: res.status });
      }
    }
    await settle(h);
    expect(attempts.filter((a) => a.status !== 401)).toEqual([]);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(h.slack.calls.slice(calls).map((c) => c.method)).toEqual([]);
    expect(h.slack.responses.length - responses).toBe(0);
    expect(processErrors.slice(errorsFrom)).toEqual([]);

    // The same requests, properly signed, do change things: the refusals above were the signature's doing.
    for (const r of Object.values(requests)) expect((await h.sender.send(r.body, r.contentType)).status).toBe(200);
    await waitUntil(async () => (await db().selectFrom('expectations').selectAll().where('kind', '=', 'reply').execute()).length === 1, 'the signed event to be handled');
    await settle(h);
    const changed = Object.keys(snapshotDiff(before, await snapshot(db())));
    expect(changed).toEqual(expect.arrayContaining(['staff', 'checkin_answers', 'programs', 'expectations']));
  });
});

function programValues(name: string, channel = ALERTS) {
  return {
    name: { value: { type: 'plain_text_input', value: name } },
    timeZone: { value: { type: 'plain_text_input', value: 'America/Denver' } },
    startDate: { value: { type: 'datepicker', selected_date: '2027-02-01' } },
    lengthWeeks: { value: { type: 'number_input', value: '6' } },
    checkinWeekday: { value: { type: 'static_select', selected_option: { value: '1' } } },
    checkinTime: { value: { type: 'timepicker', selected_time: '10:00' } },
    standupWeekday: { value: { type: 'static_select', selected_option: { value: '5' } } },
    standupTime: { value: { type: 'timepicker', selected_time: '10:00' } },
    responseWindowDays: { value: { type: 'number_input', value: '2' } },
    midmodWeekFrom: { value: { type: 'number_input', value: '3' } },
    midmodWeekTo: { value: { type: 'number_input', value: '4' } },
    followUpWeeks: { value: { type: 'number_input', value: null } },
    holidays: { value: { type: 'plain_text_input', value: null } },
    alertsChannelId: { value: { type: 'conversations_select', selected_conversation: channel } },
  };
}

// ---------------------------------------------------------------------------------------------
// Duplicates
// ---------------------------------------------------------------------------------------------

describe('duplicate deliveries and double clicks', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(h);
  });

  test('the same message event delivered four times (retries 0..3, one event id) creates one reply expectation', async () => {
    await settle(h);
    const before = await snapshot(db());
    const msg = h.slack.postAs(MENTOR, s.pairConversation1, 'Shall we meet Thursday?');
    const event = h.slack.messageEvent(msg);
    const eventId = 'EvDUPLICATE01';
    const answers = await Promise.all([0, 1, 2, 3].map((retryNum) => h.sender.event(event, { retryNum, eventId })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await waitUntil(async () => (await db().selectFrom('expectations').selectAll().where('kind', '=', 'reply').execute()).length > 0, 'the reply expectation');
    await settle(h);
    const replies = await db().selectFrom('expectations').selectAll().where('kind', '=', 'reply').execute();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ pairing_id: s.pairing1, subject: MENTEE, source_ref: msg.ts, status: 'open' });
    const after = await snapshot(db());
    const diff = snapshotDiff(before, after);
    // Besides the message (one fact) and its expectation, only the pair's profiles may be refreshed from Slack (name and zone, older than 12 hours).
    expect(Object.keys(diff).filter((t) => t !== 'people')).toEqual(['expectations', 'pair_activity']);
    expect(diff.pair_activity?.added).toHaveLength(1);
    expect(diff.expectations?.added).toHaveLength(1);
    expect(diff.expectations?.removed).toHaveLength(0);
    expect(after.people?.rows).toBe(before.people?.rows);
    expect(diff.people?.added.filter((row) => !row.startsWith(`(${MENTEE},`) && !row.startsWith(`(${MENTOR},`))).toEqual([]);
  });

  test('a double-clicked check-in button records one answer', async () => {
    await settle(h);
    const value = buttonValue(s.checkinMessage2, 'checkin_answer:met');
    const clicks = await Promise.all([0, 1].map(() => pressButton(h, MENTEE2, s.checkinMessage2, 'checkin_answer:met', value)));
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await waitUntil(async () => (await db().selectFrom('checkin_answers').selectAll().where('person_id', '=', MENTEE2).execute()).length > 0, 'the answer');
    await settle(h);
    const rows = await db().selectFrom('checkin_answers').selectAll().where('checkin_id', '=', s.checkin2).execute();
    expect(rows.map((r) => [r.person_id, r.answer])).toEqual([[MENTEE2, 'met']]);
    const shown = JSON.stringify(h.slack.conversations.get(s.pairConversation2)?.messages.find((m) => m.ts === s.checkinMessage2.ts)?.blocks);
    expect(shown.split('<@UMENTEE2>: We met')).toHaveLength(2);
    const mine = await db().selectFrom('expectations').selectAll().where('kind', '=', 'checkin').where('subject', '=', MENTEE2).execute();
    expect(mine.map((e) => e.status)).toEqual(['met']);
  });

  test('a double-clicked match Accept makes one pairing, one introduction and one answer', async () => {
    await settle(h);
    const request = dmsTo(h, MENTOR2, 'match_request')[0];
    if (!request) throw new Error('no match request in the mentor DM');
    const value = buttonValue(request, 'match_accept');
    const urls = [responseUrlFor(MENTOR2), responseUrlFor(MENTOR2)];
    const clicks = await Promise.all(urls.map((url) => pressButton(h, MENTOR2, request, 'match_accept', value, { response_url: url })));
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await waitUntil(() => h.slack.responses.filter((r) => urls.some((u) => u.endsWith(encodeURIComponent(r.id)))).length === 2, 'both clicks answered');
    await settle(h);
    const answers = h.slack.responses.filter((r) => urls.some((u) => u.endsWith(encodeURIComponent(r.id)))).map((r) => JSON.stringify(r.body));
    expect(answers.filter((a) => a.includes('You accepted'))).toHaveLength(1);
    expect(answers.filter((a) => a.includes('already answered'))).toHaveLength(1);
    const pairings = await db().selectFrom('pairings').selectAll().where('mentee_id', '=', NEWBIE).execute();
    expect(pairings).toHaveLength(1);
    const intros = await db().selectFrom('deliveries').selectAll().where('kind', '=', 'pair_intro').where('pairing_id', '=', pairings[0]?.id as number).execute();
    expect(intros).toHaveLength(1);
    expect(await db().selectFrom('match_requests').select(['status', 'pairing_id']).where('id', '=', s.matchRequest).executeTakeFirst()).toEqual({ status: 'accepted', pairing_id: pairings[0]?.id });
    expect(await db().selectFrom('deliveries').selectAll().where('dedupe_key', 'like', 'match-accepted:%').execute()).toHaveLength(1);
  });

  test('a program form submitted twice at once creates one program', async () => {
    await settle(h);
    const submit = () => h.sender.viewSubmission({ user: { id: ADMIN }, view: { id: 'VP', type: 'modal', callback_id: 'program_new', private_metadata: '', state: { values: programValues('Frontend') } } });
    const [a, b] = await Promise.all([submit(), submit()]);
    expect([a?.status, b?.status]).toEqual([200, 200]);
    await settle(h);
    const bodies = [a?.body ?? '', b?.body ?? ''].sort();
    expect(bodies[0]).toBe('');
    expect(bodies[1]).toContain('already exists');
    const programs = await db().selectFrom('programs').selectAll().where('name', '=', 'Frontend').execute();
    expect(programs).toHaveLength(1);
    expect(await db().selectFrom('deliveries').selectAll().where('dedupe_key', '=', `program-created:${programs[0]?.id}`).execute()).toHaveLength(1);
    expect(await db().selectFrom('audit_log').selectAll().where('action', '=', 'program.create').where('subject', '=', String(programs[0]?.id)).execute()).toHaveLength(1);
  });

  test('a kick-off DTR submitted twice at once stores one answer row and invites the partner once', async () => {
    await settle(h);
    const values = Object.fromEntries(Object.entries(mentorKickoff).map(([k, v]) => [k, { value: { type: k === 'meeting_weekday' || k === 'contact_channel' ? 'static_select' : 'plain_text_input', ...(k === 'meeting_weekday' || k === 'contact_channel' ? { selected_option: { value: v } } : { value: v }) } }]));
    const submit = () =>
      h.sender.viewSubmission({ user: { id: MENTOR2 }, view: { id: 'VD', type: 'modal', callback_id: 'dtr_submit', private_metadata: JSON.stringify({ m: 'kickoff', p: s.pairing2, s: 'builtin', v: 1 }), state: { values } } });
    const answers = await Promise.all([submit(), submit()]);
    expect(answers.map((r) => [r.status, r.body])).toEqual([
      [200, ''],
      [200, ''],
    ]);
    await settle(h);
    expect(await db().selectFrom('dtr_answers').selectAll().where('pairing_id', '=', s.pairing2).execute()).toHaveLength(1);
    expect(await db().selectFrom('deliveries').selectAll().where('kind', '=', 'dtr_invite').where('pairing_id', '=', s.pairing2).execute()).toHaveLength(1);
    expect(dmsTo(h, MENTEE2, 'dtr_invite')).toHaveLength(1);
  });

  test('a session log form submitted twice at once logs the session once', async () => {
    await settle(h);
    const count = async () => (await db().selectFrom('session_logs').selectAll().where('author_id', '=', MENTOR).execute()).length;
    const before = await count();
    const submit = () =>
      h.sender.viewSubmission({
        user: { id: MENTOR },
        view: {
          id: 'VL',
          type: 'modal',
          callback_id: 'session_log_submit',
          private_metadata: JSON.stringify({ id: null }),
          state: {
            values: {
              pairing: { value: { type: 'static_select', selected_option: { value: String(s.pairing1) } } },
              date: { value: { type: 'datepicker', selected_date: '2027-01-15' } },
              minutes: { value: { type: 'number_input', value: '50' } },
              done: { value: { type: 'plain_text_input', value: 'Pair-programmed the capstone' } },
              private_notes: { value: { type: 'plain_text_input', value: null } },
            },
          },
        },
      });
    const answers = await Promise.all([submit(), submit()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    await settle(h);
    // Two identical saves of one form are one session; counting it twice doubles the mentor's hours.
    expect(await count(), 'session logs added by one double-submitted form').toBe(before + 1);
  });
});

// ---------------------------------------------------------------------------------------------
// Authorization
// ---------------------------------------------------------------------------------------------

describe('authorization', () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(h);
  });

  /** Waits for the bot's answer on a response_url and returns it. */
  async function answerOn(url: string): Promise<Record<string, unknown>> {
    const id = decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
    return asRecord((await h.slack.waitForResponse(id, { timeoutMs: 5_000 })).body);
  }

  test('every staff-only command is refused to a mentor and to a mentee, with no effect', async () => {
    await settle(h);
    const before = await snapshot(db());
    const calls = h.slack.calls.length;
    const files = h.slack.files.length;
    const refused: string[] = [];
    for (const actor of [MENTOR, MENTEE]) {
      const commands = [
        'program new',
        'program list',
        `pair <@${MENTOR2}|lee> <@${NEWBIE}|dee>`,
        `unpair <@${MENTOR}|ada> <@${MENTEE}|bo>`,
        'list',
        'list Backend',
        `staff add <@${actor}>`,
        `staff add <@${STRANGER}|eve>`,
        `match <@${MENTOR}> <@${NEWBIE}> | background`,
        `capacity <@${MENTOR}> 5`,
        `capacity <@${MENTOR}> none`,
        'hours export 2027-01',
      ];
      for (const text of commands) {
        const url = responseUrlFor(actor);
        const res = await h.sender.command({ text, user_id: actor, response_url: url, trigger_id: triggerFor(actor) });
        expect(res.status).toBe(200);
        const direct = res.body ? asRecord(res.json()) : null;
        const answer = direct && typeof direct.text === 'string' ? direct : await answerOn(url);
        expect(answer, `${actor}: /tandem ${text}`).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Only program staff') });
        refused.push(text);
      }
    }
    await settle(h);
    expect(refused).toHaveLength(24);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    const made = h.slack.calls.slice(calls).filter((c) => !['views.publish', 'conversations.info'].includes(c.method));
    expect(made.map((c) => c.method)).toEqual([]);
    expect(h.slack.files.length).toBe(files);
    // Staff running one of them does change something: the refusals above were about who asked.
    const url = responseUrlFor(ADMIN);
    await h.sender.command({ text: `capacity <@${MENTOR}> 5`, user_id: ADMIN, response_url: url });
    expect(await answerOn(url)).toMatchObject({ text: expect.stringContaining('takes at most 5') });
    expect(Object.keys(snapshotDiff(before, await snapshot(db())))).toEqual(expect.arrayContaining(['people', 'audit_log']));
  });

  test('alert buttons are refused to a mentor and a mentee; the alert stays as it was', async () => {
    await settle(h);
    const before = await snapshot(db());
    const alert = s.alertMessages[0];
    if (!alert) throw new Error('no alert');
    // (The seed edited the pair's alert as its reasons came in; only edits from here on count.)
    const updatesBefore = h.slack.callsTo('chat.update').length;
    for (const actor of [MENTOR, MENTEE]) {
      for (const actionId of ['alert_ack', 'alert_resolve', 'alert_snooze']) {
        const url = responseUrlFor(actor);
        expect((await pressButton(h, actor, alert, actionId, buttonValue(alert, actionId), { response_url: url })).status).toBe(200);
        expect(await answerOn(url), `${actor} pressing ${actionId}`).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Only program staff') });
      }
    }
    await settle(h);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(h.slack.callsTo('chat.update').slice(updatesBefore).filter((c) => c.args.channel === ALERTS && c.args.ts === alert.ts)).toHaveLength(0);
    // Staff pressing "I'm on it" is taken.
    await pressButton(h, ADMIN, alert, 'alert_ack', buttonValue(alert, 'alert_ack'));
    await waitUntil(async () => (await db().selectFrom('pair_alerts').select('owner_id').where('id', '=', Number(buttonValue(alert, 'alert_ack')?.slice(1))).executeTakeFirst())?.owner_id === ADMIN, 'staff to own the alert');
  });

  test('the App Home export button uploads nothing for a mentor or a mentee', async () => {
    await settle(h);
    const before = await snapshot(db());
    const calls = h.slack.calls.length;
    const files = h.slack.files.length;
    for (const actor of [MENTOR, MENTEE]) {
      const res = await h.sender.action({ user: actor, actions: [{ type: 'button', action_id: 'home_export_hours', value: '2027-01', action_ts: '1' }], container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home' } });
      expect(res.status).toBe(200);
    }
    await settle(h);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(h.slack.calls.slice(calls).filter((c) => c.method.startsWith('files.') || c.method === 'chat.postMessage')).toEqual([]);
    expect(h.slack.files.length).toBe(files);
    // Staff pressing it does get the file: the refusal above is about who pressed it.
    await h.sender.action({ user: ADMIN, actions: [{ type: 'button', action_id: 'home_export_hours', value: '2027-01', action_ts: '1' }], container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home' } });
    await waitUntil(() => h.slack.files.length === files + 1, 'the staff export');
  });

  test('App Home buttons pressed by the wrong person are refused without an uncaught error (they carry no response_url)', async () => {
    await settle(h);
    const before = await snapshot(db());
    const logFrom = h.logs.lines.length;
    const home = (user: string, actionId: string, value: string) =>
      h.sender.action({ user, trigger_id: triggerFor(user), actions: [{ type: 'button', action_id: actionId, value, action_ts: '1' }], container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home' } });
    // The mentee replays the mentor's "Open standup"; a stranger presses "Log a session" and "Move a meeting".
    const answers = [await home(MENTEE, 'standup_open', String(s.standup1)), await home(STRANGER, 'session_log_open', String(s.pairing1)), await home(STRANGER, 'reschedule_open', String(s.pairing1))];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await settle(h);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    // With no response_url to answer on, the refusal opens as a notice on the click's trigger: a view
    // with no input in it, saying why — never the form itself.
    const opened = h.slack.callsTo('views.open').filter((c) => [MENTEE, STRANGER].includes(triggerOwner(c.args.trigger_id) ?? ''));
    const views = opened.map((c) => (typeof c.args.view === 'string' ? JSON.parse(c.args.view) : c.args.view) as { blocks: { type: string }[]; callback_id?: string });
    expect(views.flatMap((v) => v.blocks.filter((b) => b.type === 'input'))).toEqual([]);
    expect(views.map((v) => v.callback_id ?? null)).toEqual([null, null, null]);
    // The three clicks are handled concurrently after their acks, so the notices may open in any order.
    const notices = opened.map((c) => JSON.stringify(c.args.view));
    expect(notices).toHaveLength(3);
    for (const why of ['belongs to someone else', 'Session logs are for mentors', 'no active pairing']) {
      expect(notices.filter((n) => n.includes(why)), why).toHaveLength(1);
    }
    expect(logProblems(logFrom), 'uncaught listener errors').toEqual([]);
  });

  test('another pair’s check-in, the mentor’s standup and another mentor’s session log are refused', async () => {
    await settle(h);
    const before = await snapshot(db());
    const calls = h.slack.calls.length;
    const expectRefusal = async (what: string, send: (url: string) => Promise<{ status: number }>, text: string) => {
      const url = responseUrlFor('X');
      expect((await send(url)).status, what).toBe(200);
      expect(await answerOn(url), what).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(text) });
    };
    for (const outsider of [MENTOR2, MENTEE2]) {
      for (const answer of ['met', 'not_yet', 'rescheduled']) {
        await expectRefusal(`${outsider} answers pair 1's check-in`, (url) => pressButton(h, outsider, s.checkinMessage1, `checkin_answer:${answer}`, `${s.checkin1}:${answer}`, { response_url: url }), 'only they can answer it');
      }
      await expectRefusal(`${outsider} opens pair 1's check-in note`, (url) => pressButton(h, outsider, s.checkinMessage1, 'checkin_note', String(s.checkin1), { response_url: url, trigger_id: triggerFor(outsider) }), 'only they can answer it');
    }
    const prompt = dmsTo(h, MENTOR, 'standup_prompt')[0];
    if (!prompt) throw new Error('no standup prompt');
    await expectRefusal('the mentee opens the mentor’s standup', (url) => pressButton(h, MENTEE, prompt, 'standup_open', String(s.standup1), { response_url: url, trigger_id: triggerFor(MENTEE) }), 'belongs to someone else');
    await expectRefusal('another mentor edits the session log', (url) => pressButton(h, MENTOR2, prompt, 'session_log_edit', String(s.sessionLog), { response_url: url, trigger_id: triggerFor(MENTOR2) }), 'Only the mentor who wrote');
    await expectRefusal('the mentee edits the session log', (url) => pressButton(h, MENTEE, prompt, 'session_log_edit', String(s.sessionLog), { response_url: url, trigger_id: triggerFor(MENTEE) }), 'Session logs are for mentors');
    await expectRefusal('a mentee pauses another pair', (url) => h.sender.command({ text: `pause <@${MENTOR2}> <@${MENTEE2}>`, user_id: MENTEE, response_url: url }), 'Only program staff');
    await expectRefusal('a mentor names someone else’s mentee for a note', (url) => h.sender.command({ text: `note <@${MENTEE2}> sneaky`, user_id: MENTOR, response_url: url }), 'is not one');

    const submit = (user: string, callbackId: string, meta: unknown, values: Record<string, unknown>) =>
      h.sender.viewSubmission({ user: { id: user }, view: { id: 'VA', type: 'modal', callback_id: callbackId, private_metadata: JSON.stringify(meta), blocks: [{ type: 'input', block_id: 'general_note' }], state: { values } } });
    const standup = await submit(MENTEE, 'standup_submit', { s: s.standup1, page: 0 }, { [`status_${s.pairing1}`]: { value: { selected_option: { value: 'on_track' } } }, [`met_${s.pairing1}`]: { value: { selected_option: { value: 'yes' } } }, [`hours_${s.pairing1}`]: { value: { value: '9' } } });
    expect(JSON.stringify(standup.json())).toContain('belongs to someone else');
    const log = await submit(MENTOR2, 'session_log_submit', { id: s.sessionLog }, { pairing: { value: { selected_option: { value: String(s.pairing2) } } }, date: { value: { selected_date: '2027-01-14' } }, minutes: { value: { value: '500' } } });
    expect(JSON.stringify(log.json())).toContain('Only the mentor who wrote');
    const note = await submit(MENTEE2, 'checkin_note', { checkinId: s.checkin1 }, { answer: { value: { selected_option: { value: 'not_yet' } } } });
    expect(JSON.stringify(note.json())).toContain('only they can answer it');
    const dtr = await submit(MENTEE2, 'dtr_submit', { m: 'kickoff', p: s.pairing1, s: 'builtin', v: 1 }, {});
    expect(JSON.stringify(dtr.json())).toContain('another pair');

    await settle(h);
    expect(snapshotDiff(before, await snapshot(db()))).toEqual({});
    expect(h.slack.calls.slice(calls).filter((c) => c.method === 'views.open' || c.method === 'chat.postMessage').map((c) => c.method)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Privacy
// ---------------------------------------------------------------------------------------------

describe('privacy', () => {
  const SECRET_BLOCKERS = 'landlord-eviction-4471';
  const SECRET_TOPICS = 'recursion-panic-8812';
  const SECRET_OVERWHELMED = 'long-walks-sister-5530';
  const SECRET_SUPPORT = 'therapist-thursdays-9054';
  const SECRET_LOG = 'housing-situation-3318';
  const SECRET_NOTE = 'anxious-on-calls-7716';
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(h);
  });

  /** Who can see what a recorded Slack call showed. */
  function viewersOf(c: RecordedCall): string[] {
    const conversationMembers = (channel: unknown): string[] => {
      if (typeof channel !== 'string') return ['?'];
      if (/^[UW]/.test(channel)) return [channel];
      const conv = h.slack.conversations.get(channel);
      return conv ? conv.members.filter((m) => m !== 'UBOT').concat(conv.is_channel ? [`#${channel}`] : []) : [`?${channel}`];
    };
    switch (c.method) {
      case 'chat.postEphemeral':
        return [String(c.args.user)];
      case 'chat.postMessage':
      case 'chat.update':
        return conversationMembers(c.args.channel);
      case 'files.completeUploadExternal':
        return conversationMembers(c.args.channel_id ?? c.args.channels);
      case 'views.open':
      case 'views.push':
        return [triggerOwner(c.args.trigger_id) ?? '?'];
      case 'views.publish':
        return [String(c.args.user_id)];
      default:
        return [`?${c.method}`];
    }
  }

  /** Every place a secret showed up, with who could see it there. */
  function exposures(secret: string): { where: string; viewers: string[] }[] {
    const out: { where: string; viewers: string[] }[] = [];
    for (const c of h.slack.calls) if (callText(c).includes(secret)) out.push({ where: `${c.method} ${String(c.args.channel ?? c.args.user_id ?? c.args.trigger_id ?? '')}`, viewers: viewersOf(c) });
    for (const r of h.slack.responses) if (JSON.stringify(r.body).includes(secret)) out.push({ where: `response_url ${r.id}`, viewers: [responseOwner(r.id) ?? '?'] });
    for (const f of h.slack.files) if ((f.content?.toString('utf8') ?? '').includes(secret)) out.push({ where: `file ${f.filename}`, viewers: f.channel_id ? (h.slack.conversations.get(f.channel_id)?.members ?? ['?']) : ['?'] });
    return out;
  }

  const leaks = (secret: string, audience: string[]) => exposures(secret).filter((e) => e.viewers.some((v) => !audience.includes(v)));

  async function openModal(user: string, send: (trigger: string) => Promise<{ status: number }>) {
    const from = h.slack.calls.length;
    const trigger = triggerFor(user);
    expect((await send(trigger)).status).toBe(200);
    return (await h.slack.waitFor((c) => c.method === 'views.open' && c.args.trigger_id === trigger, { from, timeoutMs: 5_000 })).args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { type: string; block_id?: string; element?: { type?: string } }[];
    };
  }

  function stateFor(view: { blocks: { type: string; block_id?: string; element?: { type?: string } }[] }, answers: Record<string, string>) {
    const values: Record<string, Record<string, unknown>> = {};
    for (const b of view.blocks) {
      if (b.type !== 'input' || !b.block_id) continue;
      const type = String(b.element?.type);
      const v = answers[b.block_id];
      values[b.block_id] = {
        value:
          type === 'static_select' ? { type, selected_option: v ? { value: v } : null }
          : type === 'datepicker' ? { type, selected_date: v ?? null }
          : type === 'timepicker' ? { type, selected_time: v ?? null }
          : { type, value: v ?? null },
      };
    }
    return { values };
  }

  const submitView = (user: string, view: { callback_id: string; private_metadata: string; blocks: unknown[] }, values: unknown) =>
    h.sender.viewSubmission({ user: { id: user }, view: { id: 'VPRIV', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, blocks: view.blocks, state: values } });

  test('check-in notes, DTR private answers, session-log notes and /tandem note never reach a channel or anyone outside their audience', async () => {
    // Check-in note with blockers, by the mentee.
    const noteView = await openModal(MENTEE, (trigger) => pressButton(h, MENTEE, s.checkinMessage1, 'checkin_note', String(s.checkin1), { trigger_id: trigger, response_url: responseUrlFor(MENTEE) }));
    const saved = await submitView(MENTEE, noteView as never, stateFor(noteView, { answer: 'met', rating: '2', topics: SECRET_TOPICS, blockers: SECRET_BLOCKERS }));
    expect(saved.body).toBe('');
    // Re-opening shows the author their own words.
    await openModal(MENTEE, (trigger) => pressButton(h, MENTEE, s.checkinMessage1, 'checkin_note', String(s.checkin1), { trigger_id: trigger, response_url: responseUrlFor(MENTEE) }));

    // Kick-off DTR of pair 2: the mentee's private answers go to their mentor alone.
    const mentorView = await openModal(MENTOR2, (trigger) => h.sender.command({ command: '/dtr', text: 'kickoff', user_id: MENTOR2, trigger_id: trigger, response_url: responseUrlFor(MENTOR2) }));
    expect((await submitView(MENTOR2, mentorView as never, stateFor(mentorView, mentorKickoff))).body).toBe('');
    const menteeView = await openModal(MENTEE2, (trigger) => h.sender.command({ command: '/dtr', text: 'kickoff', user_id: MENTEE2, trigger_id: trigger, response_url: responseUrlFor(MENTEE2) }));
    const menteeAnswers = { name: 'Cy', best_times: 'After 6pm', mentee_why: 'Career change', overwhelmed: SECRET_OVERWHELMED, other_support: SECRET_SUPPORT, goal1_text: 'Ship a full-stack app', goal1_measure: 'Deployed with tests', goal1_date: '2027-02-19' };
    expect((await submitView(MENTEE2, menteeView as never, stateFor(menteeView, menteeAnswers))).body).toBe('');
    await h.tandem.services.sender.idle();
    for (const viewer of [MENTOR2, MENTEE2, ADMIN]) {
      const url = responseUrlFor(viewer);
      await h.sender.command({ command: '/dtr', text: `show kickoff${viewer === ADMIN ? ` <@${MENTEE2}>` : ''}`, user_id: viewer, response_url: url });
      await h.slack.waitForResponse(decodeURIComponent(url.slice(url.lastIndexOf('/') + 1)), { timeoutMs: 5_000 });
    }
    // Re-opening the form pre-fills each author's own answers.
    await openModal(MENTEE2, (trigger) => h.sender.command({ command: '/dtr', text: 'kickoff', user_id: MENTEE2, trigger_id: trigger, response_url: responseUrlFor(MENTEE2) }));
    await openModal(MENTOR2, (trigger) => h.sender.command({ command: '/dtr', text: 'kickoff', user_id: MENTOR2, trigger_id: trigger, response_url: responseUrlFor(MENTOR2) }));

    // A session log with private notes, then its Edit button (pre-filled, for its author).
    const logView = await openModal(MENTOR, (trigger) => h.sender.command({ text: 'log', user_id: MENTOR, trigger_id: trigger, response_url: responseUrlFor(MENTOR) }));
    const logged = await submitView(MENTOR, logView as never, {
      values: {
        pairing: { value: { type: 'static_select', selected_option: { value: String(s.pairing1) } } },
        date: { value: { type: 'datepicker', selected_date: '2027-01-15' } },
        minutes: { value: { type: 'number_input', value: '40' } },
        done: { value: { type: 'plain_text_input', value: 'Reviewed the linked-list lab' } },
        private_notes: { value: { type: 'plain_text_input', value: SECRET_LOG } },
      },
    });
    expect(logged.body).toBe('');
    const logId = (await db().selectFrom('session_logs').select('id').where('private_notes', '=', SECRET_LOG).executeTakeFirstOrThrow()).id;
    await openModal(MENTOR, (trigger) => pressButton(h, MENTOR, s.checkinMessage1, 'session_log_edit', String(logId), { trigger_id: trigger, response_url: responseUrlFor(MENTOR) }));
    await h.sender.command({ text: 'hours 2027-01', user_id: MENTOR, response_url: responseUrlFor(MENTOR) });

    // A private note, read back by its author, and asked for by others.
    await h.sender.command({ text: `note <@${MENTEE}|bo> ${SECRET_NOTE}`, user_id: MENTOR, response_url: responseUrlFor(MENTOR) });
    await waitUntil(async () => (await db().selectFrom('private_notes').selectAll().where('body', '=', SECRET_NOTE).execute()).length === 1, 'the note');
    for (const viewer of [MENTOR, MENTEE, ADMIN, MENTOR2]) await h.sender.command({ text: `notes <@${MENTEE}>`, user_id: viewer, response_url: responseUrlFor(viewer) });

    // Everything that could carry them onwards: a standup concern, staff export, every App Home, the next week.
    const prompt2 = dmsTo(h, MENTOR2, 'standup_prompt')[0];
    if (!prompt2) throw new Error('no standup prompt for the second mentor');
    await h.tandem.services.standups.savePage(MENTOR2, s.standup2, [{ pairingId: s.pairing2, status: 'needs_attention', met: 'no', hours: '1', concerns: 'Seems stretched thin' }], { generalNote: null });
    await h.sender.command({ text: 'hours export 2027-01', user_id: ADMIN, response_url: responseUrlFor(ADMIN) });
    await waitUntil(() => h.slack.files.length > 0, 'the hours export');
    for (const user of [ADMIN, MENTOR, MENTEE, MENTOR2, MENTEE2]) await h.sender.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
    await settle(h);
    await tick(h, '2027-01-18T16:00:00Z'); // Monday digest, 09:00 Denver
    await tick(h, '2027-01-18T17:00:00Z'); // week 2 check-in
    await tick(h, '2027-01-20T18:00:00Z'); // reminders and alerts
    await settle(h);

    // Not vacuous: each secret was stored, and the DTR answers did reach the mentor, the note its author.
    expect(await db().selectFrom('checkin_answers').selectAll().where('blockers', '=', SECRET_BLOCKERS).execute()).toHaveLength(1);
    expect(dmsTo(h, MENTOR2, 'dtr_private').some((m) => JSON.stringify(m.blocks).includes(SECRET_OVERWHELMED))).toBe(true);
    expect(exposures(SECRET_NOTE).some((e) => e.where.startsWith('response_url') && e.viewers.includes(MENTOR))).toBe(true);
    expect(botMessages(h, s.pairConversation2, 'dtr_summary')).toHaveLength(1);
    expect(h.slack.calls.length).toBeGreaterThan(50);

    if (process.env.FUZZ_DEBUG) for (const x of [SECRET_BLOCKERS, SECRET_TOPICS, SECRET_OVERWHELMED, SECRET_SUPPORT, SECRET_LOG, SECRET_NOTE]) console.log('EXPOSURES', x, JSON.stringify(exposures(x)));
    const mentor2Dm = imOf(h, MENTOR2);
    expect(mentor2Dm).toBeDefined();
    // A blocker in a check-in note is meant for staff: it reaches the private alerts channel (issue 12), and no one else.
    const alertsConv = h.slack.conversations.get(ALERTS);
    const staffChannel = (alertsConv?.members ?? []).filter((m) => m !== 'UBOT').concat(alertsConv?.is_channel ? [`#${ALERTS}`] : []);
    expect.soft(leaks(SECRET_BLOCKERS, [MENTEE, ...staffChannel]), 'check-in blockers').toEqual([]);
    expect.soft(leaks(SECRET_TOPICS, [MENTEE]), 'check-in topics').toEqual([]);
    expect.soft(leaks(SECRET_OVERWHELMED, [MENTEE2, MENTOR2]), 'DTR private answer').toEqual([]);
    expect.soft(leaks(SECRET_SUPPORT, [MENTEE2, MENTOR2]), 'DTR private answer').toEqual([]);
    expect.soft(leaks(SECRET_LOG, [MENTOR, ADMIN]), 'session log private notes').toEqual([]);
    expect.soft(leaks(SECRET_NOTE, [MENTOR]), '/tandem note').toEqual([]);
    // The DTR private answers reach the mentor as a DM from Tandem, nowhere else in any conversation.
    const dtrPosts = h.slack.calls.filter((c) => c.method.startsWith('chat.') && (callText(c).includes(SECRET_OVERWHELMED) || callText(c).includes(SECRET_SUPPORT)));
    expect.soft(dtrPosts.map((c) => viewersOf(c))).toEqual(dtrPosts.map(() => [MENTOR2]));

    const secrets = [SECRET_BLOCKERS, SECRET_TOPICS, SECRET_OVERWHELMED, SECRET_SUPPORT, SECRET_LOG, SECRET_NOTE];
    const notForStaffChannel = secrets.filter((x) => x !== SECRET_BLOCKERS);
    const alertsChannel = h.slack.conversations.get(ALERTS)?.messages ?? [];
    expect(alertsChannel.length).toBeGreaterThan(3);
    const alertsText = JSON.stringify(alertsChannel.map((m) => [m.text, m.blocks, m.attachments, m.edits]));
    expect.soft(notForStaffChannel.filter((x) => alertsText.includes(x)), 'alerts channel').toEqual([]);
    expect.soft(alertsText.includes(SECRET_BLOCKERS), 'the blocker reached staff').toBe(true);
    for (const conv of [s.pairConversation1, s.pairConversation2, PUBLIC]) {
      const text = JSON.stringify((h.slack.conversations.get(conv)?.messages ?? []).map((m) => [m.text, m.blocks, m.edits]));
      expect.soft(secrets.filter((x) => text.includes(x)), `conversation ${conv}`).toEqual([]);
    }
    const outbox = JSON.stringify(await db().selectFrom('deliveries').select(['channel', 'payload']).where('channel', '<>', MENTOR2).where('channel', '<>', mentor2Dm as string).where('channel', '<>', ALERTS).execute());
    expect.soft(secrets.filter((x) => outbox.includes(x)), 'the outbox').toEqual([]);
  });
});


test('the whole run logged no bot token, signing secret or database password', () => {
  expect(h.logs.lines.length).toBeGreaterThan(100);
  const text = h.logs.text;
  expect(text).not.toContain(botToken);
  expect(text).not.toContain(signingSecret);
  expect(text).not.toMatch(/xox[abpre]-(?!\*\*\*)/);
  expect(text).not.toMatch(/postgres(ql)?:\/\/[^*\s"]+:[^*\s"]+@/);
});
