/**
 * One shared "world" for the end-to-end, reliability and benchmark tests: the real bot over signed
 * HTTP (harness.ts) against the fake Slack and a database of its own, a pinned clock that `tick`
 * moves, and the few verbs every such test needs: read the messages a person or channel got, click
 * a button on a message, submit a view, seed a program with pairs.
 *
 * Usage, in a test file:
 *   const test = worldTest({ admins: [ADMIN], now: '2027-01-10T12:00:00Z' });
 *   let h: World;
 *   test.beforeEach(async ({ world }) => {
 *     h = world;
 *     await h.reset();
 *     await seedProgram(h, { people: [...], pairs: [[MENTOR, MENTEE]] });
 *   });
 *
 * The world is a file-scoped fixture: one bot, fake Slack and database per test file, started when a
 * test or hook first asks for it and stopped after the file's last test. Every helper is also
 * exported as a function of a Harness, for callers that hold one (the reliability seed, benchmarks).
 */
import { test as base } from 'vitest';
import { runTick, type TickReport } from '../../src/scheduler/tick.js';
import type { Services } from '../../src/services/index.js';
import type { FakeConversation, FakeMessage, FakeUser } from './fake-slack.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Moves the pinned clock to `at`, runs the scheduler's tick once and waits until the outbox is empty. */
export async function tick(h: Harness, at: string, services: Services = h.tandem.services): Promise<TickReport> {
  h.setNow(at);
  const report = await runTick(services);
  await services.sender.idle();
  return report;
}

/**
 * Lets the work the bot does after acknowledging a request finish: App Home refreshes (debounced),
 * the outbox, response_url answers and modal opens, until Slack has seen nothing new for a while.
 */
export async function settle(h: Harness, quietMs = 250): Promise<void> {
  let last = -1;
  for (let i = 0; i < 200; i++) {
    await h.tandem.services.home.flush();
    await h.tandem.services.sender.idle();
    const seen = h.slack.calls.length + h.slack.responses.length;
    if (seen === last) return;
    last = seen;
    await sleep(quietMs);
  }
  throw new Error('the bot never went quiet');
}

const ofKind = (kind: string | undefined) => (m: FakeMessage) => !kind || m.metadata?.event_payload?.kind === kind;

/**
 * The messages a person (a user id: their DMs with the bot) or a channel (a conversation id) got,
 * oldest first; with `kind`, only the bot's messages of that kind (metadata event_payload.kind).
 */
export function messagesTo(h: Harness, to: string | undefined, kind?: string): FakeMessage[] {
  if (to === undefined) return [];
  const conversations = /^[UW]/.test(to)
    ? [...h.slack.conversations.values()].filter((c) => c.is_im && c.user === to)
    : [h.slack.conversations.get(to)];
  return conversations.flatMap((c) => c?.messages.filter(ofKind(kind)) ?? []);
}

/** The bot's DM with a person, if it was opened. */
export const imOf = (h: Harness, user: string): FakeConversation | undefined =>
  [...h.slack.conversations.values()].find((c) => c.is_im && c.user === user);

/** The group DM a pair shares with the bot, if it was opened. */
export const pairConversation = (h: Harness, a: string, b: string): FakeConversation | undefined =>
  [...h.slack.conversations.values()].find((c) => c.is_mpim && c.members.includes(a) && c.members.includes(b));

type ButtonBlock = { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] };

/** The first button (or other element) with this action id on a message, and the block holding it. */
export function findButton(
  message: FakeMessage,
  actionId: string,
): { blockId: string | undefined; value: string | undefined } | undefined {
  for (const b of (message.blocks ?? []) as ButtonBlock[]) {
    const e = b.elements?.find((x) => x.action_id === actionId);
    if (e) return { blockId: b.block_id, value: e.value };
  }
  return undefined;
}

export type ClickOptions = {
  /** The value sent; by default the button's own (a button that is not on the message then fails the click). */
  value?: string | undefined;
  /** The block id sent; by default that of the block holding the button. */
  blockId?: string | undefined;
  /** More payload fields (trigger_id, a forged container, ...). */
  extra?: Record<string, unknown>;
};

/** A person clicks a button on a message the bot posted, as Slack sends it (block_actions, over signed HTTP). */
export function click(h: Harness, user: string, message: FakeMessage, actionId: string, options: ClickOptions = {}) {
  const button = findButton(message, actionId);
  if (!button && !('value' in options)) throw new Error(`no ${actionId} button on the message`);
  return h.sender.action({
    user,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'blockId' in options ? options.blockId : button?.blockId,
        value: 'value' in options ? options.value : button?.value,
        action_ts: '1',
      },
    ],
    container: { type: 'message', channel_id: message.channel, message_ts: message.ts, is_ephemeral: false },
    channel: { id: message.channel },
    message: { ts: message.ts, text: message.text, blocks: message.blocks },
    ...options.extra,
  });
}

/** A view as the bot opened it: what a submission sends back. */
export type OpenedView = {
  callback_id: string;
  private_metadata: string;
  blocks: { type: string; block_id?: string; text?: { text: string }; element?: Record<string, unknown> }[];
};

/** Runs `open` (a command, a click) and returns the modal the bot opened in answer. */
export async function viewOpenedBy(h: Harness, open: () => Promise<unknown>): Promise<OpenedView> {
  const from = h.slack.calls.length;
  await open();
  return (await h.slack.waitFor('views.open', { from })).args.view as OpenedView;
}

/** A person submits a view with these state values, as Slack sends it (view_submission, over signed HTTP). */
export function submit(h: Harness, user: string, view: OpenedView, state: { values: Record<string, unknown> }, viewId = 'V') {
  return h.sender.viewSubmission({
    user: { id: user },
    view: { id: viewId, callback_id: view.callback_id, private_metadata: view.private_metadata, blocks: view.blocks, state },
  });
}

export type ResetOptions = {
  /** Staff bootstrapped after the database is emptied (default: none). */
  admins?: string[];
  /** Keep the fake's conversations (and their messages) from earlier tests (default: cleared). */
  keepConversations?: boolean;
  /** Forget the files uploaded by earlier tests (default: kept). */
  clearFiles?: boolean;
};

/**
 * A clean slate between the tests of a file: the outbox drained, every table emptied and staff
 * bootstrapped, then the fake's recordings, faults and (unless kept) conversations cleared. People
 * the fake knows stay known.
 */
export async function resetWorld(h: Harness, options: ResetOptions = {}): Promise<void> {
  // App Home refreshes the last test asked for would otherwise land in this one's recordings.
  await h.tandem.services.home.flush();
  await h.tandem.services.sender.idle();
  await h.database.reset();
  if (options.admins) await h.tandem.services.staff.bootstrap(options.admins);
  h.slack.reset();
  if (!options.keepConversations) h.slack.conversations.clear();
  if (options.clearFiles) h.slack.files.length = 0;
}

type ProgramInput = Parameters<Services['programs']['create']>[1];

export type ProgramSeed = {
  /** Who creates the program and the pairs (default 'UADMIN'). */
  admin?: string;
  /** People added to the fake Slack first (the admin included, if it should have a name and zone). */
  people?: Partial<FakeUser>[];
  /** The staff alerts channel, created (unless the fake has it) private with the bot and the admin in it (default GALERTS named 'alerts'). */
  alerts?: { id: string; name: string };
  /** The pinned clock is set here before the program is created (default: left as it is). */
  at?: string;
  /** The program's settings, over: "Backend", America/Denver, starting Monday 2027-01-11, check-ins Mondays 10:00, alerts to the channel above. */
  program?: Partial<ProgramInput>;
  /** [mentor, mentee] pairs, paired in this order. */
  pairs?: (readonly [string, string])[];
};

/**
 * A program with its pairs, made the way staff make them (through the services), with the outbox
 * drained after: each pair's introduction is in its group DM when this returns.
 */
export async function seedProgram(h: Harness, seed: ProgramSeed = {}) {
  const s = h.tandem.services;
  const admin = seed.admin ?? 'UADMIN';
  const alerts = seed.alerts ?? { id: 'GALERTS', name: 'alerts' };
  for (const person of seed.people ?? []) h.slack.addUser(person);
  if (!h.slack.conversations.has(alerts.id))
    h.slack.addChannel({ id: alerts.id, name: alerts.name, is_private: true, members: ['UBOT', admin] });
  if (seed.at) h.setNow(seed.at);
  const program = await s.programs.create(admin, {
    name: 'Backend',
    timeZone: 'America/Denver',
    startDate: '2027-01-11',
    alertsChannelId: alerts.id,
    // The suite's dates are written around check-ins on Mondays at 10:00 (the default before pairs' own meetings).
    checkinWeekday: '1',
    checkinTime: '10:00',
    ...seed.program,
  });
  if (!program.ok) throw new Error(program.message);
  const pairings: number[] = [];
  for (const [mentorId, menteeId] of seed.pairs ?? []) {
    const paired = await s.pairings.pair(admin, { mentorId, menteeId });
    if (!paired.ok) throw new Error(paired.message);
    pairings.push(paired.pairing.id);
  }
  await s.sender.idle();
  return { program: program.program, pairings };
}

/** A Harness with the helpers above bound to it. */
export type World = Harness & {
  services: Services;
  tick: (at: string, services?: Services) => Promise<TickReport>;
  settle: (quietMs?: number) => Promise<void>;
  reset: (options?: ResetOptions) => Promise<void>;
  messagesTo: (to: string | undefined, kind?: string) => FakeMessage[];
  imOf: (user: string) => FakeConversation | undefined;
  pairConversation: (a: string, b: string) => FakeConversation | undefined;
  click: (
    user: string,
    message: FakeMessage,
    actionId: string,
    options?: ClickOptions,
  ) => ReturnType<Harness['sender']['action']>;
  viewOpenedBy: (open: () => Promise<unknown>) => Promise<OpenedView>;
  submit: (
    user: string,
    view: OpenedView,
    state: { values: Record<string, unknown> },
    viewId?: string,
  ) => ReturnType<Harness['sender']['viewSubmission']>;
  waitUntil: typeof waitUntil;
};

export function worldOf(h: Harness, admins: string[]): World {
  return {
    ...h,
    services: h.tandem.services,
    tick: (at, services) => tick(h, at, services),
    settle: (quietMs) => settle(h, quietMs),
    reset: (options) => resetWorld(h, { admins, ...options }),
    messagesTo: (to, kind) => messagesTo(h, to, kind),
    imOf: (user) => imOf(h, user),
    pairConversation: (a, b) => pairConversation(h, a, b),
    click: (user, message, actionId, options) => click(h, user, message, actionId, options),
    viewOpenedBy: (open) => viewOpenedBy(h, open),
    submit: (user, view, state, viewId) => submit(h, user, view, state, viewId),
    waitUntil,
  };
}

/** Starts a world outside a test runner's fixtures (benchmarks, scripts); stop it with `stop()`. */
export async function startWorld(options: HarnessOptions = {}): Promise<World> {
  return worldOf(await startHarness(options), options.admins ?? ['UADMIN']);
}

/** Vitest's `test`, extended with a file-scoped `world` started with these options. */
export function worldTest(options: HarnessOptions = {}) {
  // eslint-disable-next-line no-empty-pattern -- Vitest reads a fixture's dependencies from this pattern; the world has none
  return base.extend('world', { scope: 'file' }, async ({}, { onCleanup }) => {
    const world = await startWorld(options);
    onCleanup(() => world.stop());
    return world;
  });
}
