import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import type { FakeMessage, RecordedCall } from '../support/fake-slack.js';
import type { Harness } from '../support/harness.js';
import {
  click,
  findButton,
  imOf as imOfWorld,
  messagesTo,
  pairConversation,
  settle,
  sleep,
  tick,
  waitUntil,
} from '../support/world.js';

/**
 * A realistic state for the reliability tests, seeded through the real bot: a program in Denver
 * starting Monday 2027-01-11, two pairs whose week-1 check-in was posted (the first mentor answered
 * "We met"), check-in alerts for the people who did not answer, this week's standups (the first
 * mentor's flags the pair at risk, raising a concern alert), a session log, a private note, one side
 * of a kick-off DTR and a pending match request. The present is Friday 2027-01-15 12:00Z: the
 * check-ins and standups are still open.
 */
export const TEAM = 'T0TEAM';
export const ADMIN = 'UADMIN';
export const MENTOR = 'UMENTOR';
export const MENTEE = 'UMENTEE';
export const MENTOR2 = 'UMENTOR2';
export const MENTEE2 = 'UMENTEE2';
/** Proposed to MENTOR2 by a pending match request. */
export const NEWBIE = 'UNEWBIE';
/** Known to Slack, never to Tandem. */
export const STRANGER = 'USTRANGER';
export const ALERTS = 'GALERTS';
export const PUBLIC = 'CGENERAL';
export const PRESENT = '2027-01-15T12:00:00Z';

export const mentorKickoff: Record<string, string> = {
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

export type Seeded = {
  programId: number;
  pairing1: number;
  pairing2: number;
  checkin1: number;
  checkin2: number;
  checkinMessage1: FakeMessage;
  checkinMessage2: FakeMessage;
  standup1: number;
  standup2: number;
  alertIds: number[];
  alertReasonIds: number[];
  alertMessages: FakeMessage[];
  sessionLog: number;
  matchRequest: number;
  pairConversation1: string;
  pairConversation2: string;
};

export { settle, sleep, tick, waitUntil };

export type TableState = { rows: number; md5: string; dump: string[] };
export type DbSnapshot = Record<string, TableState>;

/** Every table: its row count, an md5 of its whole contents, and the rows themselves (to explain a difference). */
export async function snapshot(db: Db): Promise<DbSnapshot> {
  // request_keys is left out: it records which requests were seen (a refused command's trigger id too),
  // not anything a person could notice.
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%' and tablename <> 'request_keys' order by tablename`.execute(
    db,
  );
  const out: DbSnapshot = {};
  for (const { tablename } of tables.rows) {
    const agg = await sql<{ rows: number; md5: string | null }>`
      select count(*)::int as rows, md5(string_agg(t::text, ',' order by t::text)) as md5 from ${sql.table(tablename)} t`.execute(
      db,
    );
    const dump = await sql<{ row: string }>`select t::text as row from ${sql.table(tablename)} t order by 1`.execute(db);
    out[tablename] = { rows: Number(agg.rows[0]?.rows ?? 0), md5: agg.rows[0]?.md5 ?? '', dump: dump.rows.map((r) => r.row) };
  }
  return out;
}

/** What changed between two snapshots, row by row (empty when nothing did). */
export function snapshotDiff(before: DbSnapshot, after: DbSnapshot): Record<string, { added: string[]; removed: string[] }> {
  const out: Record<string, { added: string[]; removed: string[] }> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[table];
    const a = after[table];
    if (b && a && b.rows === a.rows && b.md5 === a.md5) continue;
    const was = new Set(b?.dump ?? []);
    const now = new Set(a?.dump ?? []);
    out[table] = {
      added: [...now].filter((r) => !was.has(r)).map((r) => r.slice(0, 400)),
      removed: [...was].filter((r) => !now.has(r)).map((r) => r.slice(0, 400)),
    };
  }
  return out;
}

/** Counts and checksums only: what the tests compare. */
export const checksums = (s: DbSnapshot) => Object.fromEntries(Object.entries(s).map(([t, v]) => [t, `${v.rows}:${v.md5}`]));

export const botMessages = (h: Harness, channel: string | undefined, kind: string): FakeMessage[] => messagesTo(h, channel, kind);

export const dmsTo = (h: Harness, user: string, kind?: string): FakeMessage[] => messagesTo(h, user, kind);

export const imOf = (h: Harness, user: string): string | undefined => imOfWorld(h, user)?.id;

export const pairConversationOf = (h: Harness, a: string, b: string): string | undefined => pairConversation(h, a, b)?.id;

/** Presses a button on a message the bot posted, as Slack would send it. */
export function pressButton(
  h: Harness,
  user: string,
  message: FakeMessage,
  actionId: string,
  value: string | undefined,
  extra: Record<string, unknown> = {},
) {
  return click(h, user, message, actionId, { value, blockId: 'b', extra });
}

export const buttonValue = (message: FakeMessage, actionId: string): string | undefined => findButton(message, actionId)?.value;

/** Text of everything a Slack Web API call would show to someone, for leak scans. */
export const callText = (c: RecordedCall) => JSON.stringify(c.args);

export async function seed(h: Harness): Promise<Seeded> {
  const s = h.tandem.services;
  await settle(h, 50);
  await h.database.reset();
  h.slack.reset();
  h.slack.conversations.clear();
  h.slack.files.length = 0;
  h.slack.homeViews.clear();
  h.slack.views.clear();
  await s.staff.bootstrap([ADMIN]);
  h.slack.addUser({ id: ADMIN, name: 'sam', real_name: 'Sam Staff', tz: 'America/Denver' });
  h.slack.addUser({ id: MENTOR, name: 'ada', real_name: 'Ada Mentor', tz: 'Europe/Berlin' });
  h.slack.addUser({ id: MENTEE, name: 'bo', real_name: 'Bo Mentee', tz: 'America/New_York' });
  h.slack.addUser({ id: MENTOR2, name: 'lee', real_name: 'Lee Mentor', tz: 'Europe/London' });
  h.slack.addUser({ id: MENTEE2, name: 'cy', real_name: 'Cy Mentee', tz: 'UTC' });
  h.slack.addUser({ id: NEWBIE, name: 'dee', real_name: 'Dee New', tz: 'Asia/Tokyo' });
  h.slack.addUser({ id: STRANGER, name: 'eve', real_name: 'Eve Stranger', tz: 'UTC' });
  h.slack.addChannel({ id: ALERTS, name: 'mentor-alerts', is_private: true, members: ['UBOT', ADMIN] });
  h.slack.addChannel({
    id: PUBLIC,
    name: 'general',
    is_private: false,
    members: ['UBOT', ADMIN, MENTOR, MENTEE, MENTOR2, MENTEE2],
  });

  h.setNow('2027-01-10T12:00:00Z');
  const program = await s.programs.create(ADMIN, {
    name: 'Backend',
    timeZone: 'America/Denver',
    startDate: '2027-01-11',
    alertsChannelId: ALERTS,
    // The dates below are written around check-ins on Mondays at 10:00 (the default before pairs' own meetings).
    checkinWeekday: '1',
    checkinTime: '10:00',
  });
  if (!program.ok) throw new Error(program.message);
  const p1 = await s.pairings.pair(ADMIN, { mentorId: MENTOR, menteeId: MENTEE });
  if (!p1.ok) throw new Error(p1.message);
  const p2 = await s.pairings.pair(ADMIN, { mentorId: MENTOR2, menteeId: MENTEE2 });
  if (!p2.ok) throw new Error(p2.message);
  await s.sender.idle();

  // Week 1 check-in at Monday 10:00 Denver; the first mentor answers "We met" with the button.
  await tick(h, '2027-01-11T17:00:00Z');
  const pairConversation1 = pairConversationOf(h, MENTOR, MENTEE) as string;
  const pairConversation2 = pairConversationOf(h, MENTOR2, MENTEE2) as string;
  const checkinMessage1 = botMessages(h, pairConversation1, 'checkin')[0];
  const checkinMessage2 = botMessages(h, pairConversation2, 'checkin')[0];
  if (!checkinMessage1 || !checkinMessage2) throw new Error('seed: the check-ins were not posted');
  const res = await pressButton(
    h,
    MENTOR,
    checkinMessage1,
    'checkin_answer:met',
    buttonValue(checkinMessage1, 'checkin_answer:met'),
  );
  if (res.status !== 200) throw new Error(`seed: check-in answer got HTTP ${res.status}`);
  await waitUntil(
    async () => (await h.database.db.selectFrom('checkin_answers').selectAll().execute()).length === 1,
    'the seeded check-in answer',
  );
  await settle(h, 50);

  // Half the window (nudges), then its end: an alert for each person who did not answer.
  await tick(h, '2027-01-12T17:00:00Z');
  await tick(h, '2027-01-13T17:30:00Z');

  // Friday standups at 10:00 in each mentor's zone (Berlin, then London).
  await tick(h, '2027-01-15T09:00:00Z');
  await tick(h, '2027-01-15T10:00:00Z');
  const standups = await h.database.db.selectFrom('standups').select(['id', 'mentor_id']).execute();
  const standup1 = standups.find((x) => x.mentor_id === MENTOR)?.id;
  const standup2 = standups.find((x) => x.mentor_id === MENTOR2)?.id;
  if (!standup1 || !standup2) throw new Error('seed: standups were not planned');
  h.setNow('2027-01-15T11:00:00Z');
  const saved = await s.standups.savePage(
    MENTOR,
    standup1,
    [{ pairingId: p1.pairing.id, status: 'at_risk', met: 'yes', hours: '1', concerns: 'seeded concern' }],
    { generalNote: 'seeded note' },
  );
  if (!saved.ok) throw new Error('seed: standup not saved');

  const log = await s.records.saveLog(MENTOR, {
    pairingId: String(p1.pairing.id),
    sessionDate: '2027-01-14',
    minutes: '60',
    done: 'Reviewed the lab',
    privateNotes: 'seeded private',
  });
  if (!log.ok) throw new Error('seed: session log not saved');
  const note = await s.records.addNote(MENTOR, MENTEE, 'seeded note about the mentee');
  if (!note.ok) throw new Error(note.message);
  const dtr = await s.dtr.submit(MENTOR, {
    milestone: 'kickoff',
    pairingId: p1.pairing.id,
    ref: { source: 'builtin', version: 1 },
    values: mentorKickoff,
  });
  if (!dtr.ok) throw new Error('seed: kick-off not saved');
  const match = await s.matching.request(ADMIN, { mentorId: MENTOR2, menteeId: NEWBIE, note: 'seeded background' });
  if (!match.ok) throw new Error(match.message);

  h.setNow(PRESENT);
  await settle(h, 50);

  const db = h.database.db;
  const checkins = await db.selectFrom('checkins').select(['id', 'pairing_id']).execute();
  const alerts = await db.selectFrom('alerts').select('id').orderBy('id').execute();
  // One message per pair and week, listing that pair's reasons.
  const pairAlerts = await db.selectFrom('pair_alerts').select('id').orderBy('id').execute();
  const alertMessages = botMessages(h, ALERTS, 'alert');
  if (pairAlerts.length < 2 || alertMessages.length !== pairAlerts.length)
    throw new Error(`seed: expected posted alerts, got ${pairAlerts.length} pair alerts and ${alertMessages.length} messages`);
  const unsent = await db.selectFrom('deliveries').select(['kind', 'status', 'error']).where('status', '<>', 'sent').execute();
  if (unsent.length > 0) throw new Error(`seed: deliveries not sent: ${JSON.stringify(unsent)}`);
  return {
    programId: program.program.id,
    pairing1: p1.pairing.id,
    pairing2: p2.pairing.id,
    checkin1: checkins.find((c) => c.pairing_id === p1.pairing.id)?.id as number,
    checkin2: checkins.find((c) => c.pairing_id === p2.pairing.id)?.id as number,
    checkinMessage1,
    checkinMessage2,
    standup1,
    standup2,
    /** Pair-week alerts (their buttons carry `p<id>`) and the reasons on them (bare ids, as on messages posted before). */
    alertIds: pairAlerts.map((a) => a.id),
    alertReasonIds: alerts.map((a) => a.id),
    alertMessages,
    sessionLog: log.log.id,
    matchRequest: match.request.id,
    pairConversation1,
    pairConversation2,
  };
}
