/**
 * Seeding and looking for the reliability tests in crash-and-outage.test.ts: programs, people and
 * pairings inserted in bulk with SQL, the pair conversations created directly in the fake Slack, and
 * small readers over what the fake holds.
 */
import type { Db } from '../../../src/db/database.js';
import { deliveryEventType } from '../../../src/services/outbox/delivery-sender.js';
import type { DeliveryPayload } from '../../../src/db/schema.js';
import type { FakeConversation, FakeFile, FakeMessage, FakeSlack } from '../../support/fake-slack.js';

export const ADMIN = 'UADMIN';

export type SeededPair = { pairingId: number; mentor: string; mentee: string; conversation: string };

/** A group DM (mentor + mentee + the bot), as conversations.open would have made it. */
export function addPairConversation(fake: FakeSlack, id: string, members: string[]): FakeConversation {
  const conv: FakeConversation = {
    id,
    name: `mpdm-${members.map((m) => m.toLowerCase()).join('--')}--tandem-1`,
    is_channel: false,
    is_private: true,
    is_im: false,
    is_mpim: true,
    is_archived: false,
    members: [...members, fake.botUserId],
    messages: [],
    created: Math.floor(Date.now() / 1000),
  };
  fake.conversations.set(id, conv);
  return conv;
}

async function inChunks<T>(rows: T[], size: number, fn: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size));
}

export type ProgramSpec = {
  name: string;
  timeZone: string;
  startDate: string;
  checkinTime?: string;
  alertsChannelId?: string | null;
  lengthWeeks?: number;
};

export async function insertProgram(db: Db, spec: ProgramSpec): Promise<number> {
  const row = await db
    .insertInto('programs')
    .values({
      name: spec.name,
      time_zone: spec.timeZone,
      start_date: spec.startDate,
      checkin_weekday: 1,
      checkin_time: spec.checkinTime ?? '10:00',
      length_weeks: spec.lengthWeeks ?? 6,
      alerts_channel_id: spec.alertsChannelId ?? null,
      created_by: ADMIN,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type PeopleSpec = { id: string; tz: string };

export async function insertPeople(db: Db, people: PeopleSpec[], refreshedAt: Date): Promise<void> {
  await inChunks(people, 1000, (chunk) =>
    db
      .insertInto('people')
      .values(
        chunk.map((p) => ({
          slack_id: p.id,
          team_id: 'T0TEAM',
          name: p.id.toLowerCase(),
          real_name: null,
          time_zone: p.tz,
          is_bot: false,
          deleted: false,
          refreshed_at: refreshedAt,
        })),
      )
      .onConflict((oc) => oc.column('slack_id').doNothing())
      .execute(),
  );
}

/**
 * `n` active pairings in one program, each with its own group DM in the fake. People rows are
 * inserted for everyone (mentors may be shared: `mentorOf(i)`), and users in the fake when asked.
 */
export async function seedPairs(
  db: Db,
  fake: FakeSlack,
  options: {
    programId: number;
    n: number;
    prefix: string;
    createdAt: Date;
    mentorOf?: (i: number) => string;
    zoneOf?: (id: string, i: number) => string;
    fakeUsers?: boolean;
  },
): Promise<SeededPair[]> {
  const pad = (i: number) => String(i).padStart(5, '0');
  const mentorOf = options.mentorOf ?? ((i: number) => `U${options.prefix}M${pad(i)}`);
  const zoneOf = options.zoneOf ?? (() => 'America/New_York');
  const specs = Array.from({ length: options.n }, (_, i) => ({
    i,
    mentor: mentorOf(i),
    mentee: `U${options.prefix}E${pad(i)}`,
    conversation: `G${options.prefix}P${pad(i)}`,
  }));
  const people = new Map<string, string>();
  for (const s of specs) {
    if (!people.has(s.mentor)) people.set(s.mentor, zoneOf(s.mentor, s.i));
    people.set(s.mentee, zoneOf(s.mentee, s.i));
  }
  await insertPeople(
    db,
    [...people].map(([id, tz]) => ({ id, tz })),
    options.createdAt,
  );
  if (options.fakeUsers) for (const [id, tz] of people) if (!fake.users.has(id)) fake.addUser({ id, name: id.toLowerCase(), tz });
  const ids: number[] = [];
  await inChunks(specs, 1000, async (chunk) => {
    const rows = await db
      .insertInto('pairings')
      .values(
        chunk.map((s) => ({
          program_id: options.programId,
          mentor_id: s.mentor,
          mentee_id: s.mentee,
          conversation_id: s.conversation,
          created_by: ADMIN,
          created_at: options.createdAt,
        })),
      )
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  });
  return specs.map((s, k) => {
    addPairConversation(fake, s.conversation, [s.mentor, s.mentee]);
    return { pairingId: ids[k] as number, mentor: s.mentor, mentee: s.mentee, conversation: s.conversation };
  });
}

// ----- reading what the fake holds ------------------------------------------------------------------

/** Messages Tandem posted through the outbox (they carry its metadata), optionally of one kind. */
export function botMessages(fake: FakeSlack, channel: string, kind?: string): FakeMessage[] {
  return (fake.conversations.get(channel)?.messages ?? []).filter(
    (m) => m.metadata?.event_type === deliveryEventType && (kind === undefined || m.metadata.event_payload.kind === kind),
  );
}

/** Every outbox message in the fake, wherever it is. */
export function allBotMessages(fake: FakeSlack): FakeMessage[] {
  return [...fake.conversations.values()].flatMap((c) => c.messages.filter((m) => m.metadata?.event_type === deliveryEventType));
}

/** Outbox messages grouped by (conversation, delivery id): the exactly-once ledger. */
export function messagesByDelivery(fake: FakeSlack): Map<string, FakeMessage[]> {
  const ledger = new Map<string, FakeMessage[]>();
  for (const m of allBotMessages(fake)) {
    const key = `${m.channel}#${String(m.metadata?.event_payload.delivery_id)}`;
    ledger.set(key, [...(ledger.get(key) ?? []), m]);
  }
  return ledger;
}

export const deliveryIdOf = (m: FakeMessage): number => Number(m.metadata?.event_payload.delivery_id);

/** A delivery that is a file (a chart) rather than a message: uploaded, not posted, and without metadata. */
export const isFileDelivery = (d: { payload: unknown }): boolean => Boolean((d.payload as DeliveryPayload).file);

/** Completed uploads grouped by the delivery id the sender put in their name ('chart-d42.png'): the files' ledger. */
export function uploadsByDelivery(fake: FakeSlack): Map<number, FakeFile[]> {
  const ledger = new Map<number, FakeFile[]>();
  for (const f of fake.files.filter((x) => x.completed)) {
    const id = Number(/-d(\d+)\.[a-z]+$/.exec(f.filename)?.[1]);
    ledger.set(id, [...(ledger.get(id) ?? []), f]);
  }
  return ledger;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Parses the tick report (the one JSON line with `checkinsPlanned`) and counts log lines by message. */
export function readTickOutput(stdout: string): { report: Record<string, unknown> | null; logs: Record<string, unknown>[] } {
  let report: Record<string, unknown> | null = null;
  const logs: Record<string, unknown>[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line cut short by SIGKILL
    }
    if ('checkinsPlanned' in parsed) report = parsed;
    else logs.push(parsed);
  }
  return { report, logs };
}
