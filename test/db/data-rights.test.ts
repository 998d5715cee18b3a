import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Db } from '../../src/db/database.js';
import type { DeliveryPayload } from '../../src/db/schema.js';
import { createDataRightsRepository } from '../../src/db/repositories/data-rights-repository.js';
import { createPairingRepository } from '../../src/db/repositories/pairing-repository.js';
import { createPeopleRepository } from '../../src/db/repositories/people-repository.js';
import { createProgramRepository } from '../../src/db/repositories/program-repository.js';
import { createSessionLogRepository } from '../../src/db/repositories/session-log-repository.js';
import { createStaffRepository } from '../../src/db/repositories/staff-repository.js';
import { createLogger } from '../../src/logger.js';
import { createDataRightsService, pseudonymFor, type PersonExport } from '../../src/services/people/data-rights-service.js';
import { hoursRows } from '../../src/services/records/hours-csv.js';
import { cliEnv, jsonLines, killRunningClis, runCli } from '../support/cli.js';
import { createTestDatabase, testServer, type TestDatabase } from '../support/db.js';

// The person who asks; nobody else's id contains theirs (the scan below looks for it with LIKE).
const TARGET = 'UTARGET1';
const MENTEE1 = 'UMENTEE1';
const MENTEE2 = 'UMENTEE2';
const THEIR_MENTOR = 'UMENTOR9';
const OTHER_MENTOR = 'UOTHERM1';
const OTHER_MENTEE = 'UOTHERE1';
const ADMIN = 'UADMIN';
const NOBODY = 'UNOBODY1';

const T0 = new Date('2027-01-13T15:00:00.000Z');
const at = (days: number, hours = 0) => new Date(T0.getTime() + days * 86_400_000 + hours * 3_600_000);
const randomHex = () => randomBytes(32).toString('hex');

/** Every table Tandem owns (not Kysely's migration bookkeeping). */
async function tables(db: Db): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely\\_%'
    order by table_name`.execute(db);
  return r.rows.map((t) => t.table_name);
}

async function rowCounts(
  db: Db,
): Promise<
  Record<string, number> & { private_notes: number; dtr_answers: number; people: number; staff: number; audit_log: number }
> {
  const out: Record<string, number> = {};
  for (const table of await tables(db)) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    out[table] = r.rows[0]?.n ?? -1;
  }
  return out as Awaited<ReturnType<typeof rowCounts>>;
}

/** Every table's rows as sorted JSON strings: equal dumps mean nothing changed. */
async function dump(db: Db, except: string[] = []): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tables(db)) {
    if (except.includes(table)) continue;
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    out[table] = r.rows.map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

/** Every column of every table (cast to text) that still contains the string, as "table.column: n". */
async function occurrences(db: Db, needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE' and c.table_name not like 'kysely\\_%'
    order by c.table_name, c.ordinal_position`.execute(db);
  const found: string[] = [];
  for (const c of columns.rows) {
    const r = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(c.table_name)} where ${sql.ref(c.column_name)}::text like ${`%${needle}%`}`.execute(
      db,
    );
    const n = r.rows[0]?.n ?? 0;
    if (n > 0) found.push(`${c.table_name}.${c.column_name}: ${n}`);
  }
  return found;
}

/** What staff reports are built on: counts and minutes, whoever the people are. */
async function aggregates(db: Db) {
  const one = async <T>(q: Promise<T[]>) => (await q)[0];
  const hours = (await hoursRows({ sessionLogs: createSessionLogRepository(db) }, '2027-01')) ?? [];
  return {
    pairings: await one(
      db
        .selectFrom('pairings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .execute(),
    ),
    pairingsPerProgram: await db
      .selectFrom('pairings')
      .select(['program_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('program_id')
      .orderBy('program_id')
      .execute(),
    checkins: await one(
      db
        .selectFrom('checkins')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .execute(),
    ),
    checkinAnswers: await db
      .selectFrom('checkin_answers')
      .select(['answer', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('answer')
      .orderBy('answer')
      .execute(),
    standups: await one(
      db
        .selectFrom('standups')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .execute(),
    ),
    standupMinutes: await one(
      db
        .selectFrom('standup_entries')
        .select((eb) => eb.fn.sum<number>('minutes').as('n'))
        .execute(),
    ),
    sessionMinutes: await one(
      db
        .selectFrom('session_logs')
        .select((eb) => eb.fn.sum<number>('minutes').as('n'))
        .execute(),
    ),
    hoursMinutes: hours.reduce((sum, r) => sum + r.minutes, 0),
    hoursRows: hours.length,
    hoursSessions: hours.reduce((sum, r) => sum + r.sessions, 0),
    alerts: await one(
      db
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .execute(),
    ),
    deliveries: await db
      .selectFrom('deliveries')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('kind')
      .orderBy('kind')
      .execute(),
  };
}

type Seeded = { pairingA: number; pairingB: number; pairingC: number; pairingD: number };

/**
 * A realistic slice of a program: TARGET mentors MENTEE1 (active) and MENTEE2 (paused) in one
 * program, is a mentee of THEIR_MENTOR in another, is staff and created that second program; an
 * unrelated pair (OTHER_MENTOR -> OTHER_MENTEE) runs alongside. Every table gets rows.
 */
async function seed(db: Db): Promise<Seeded> {
  const people = createPeopleRepository(db);
  for (const [id, name, tz] of [
    [TARGET, 'ada', 'Europe/Berlin'],
    [MENTEE1, 'bo', 'America/New_York'],
    [MENTEE2, 'cy', 'UTC'],
    [THEIR_MENTOR, 'di', 'Asia/Tokyo'],
    [OTHER_MENTOR, 'ed', 'UTC'],
    [OTHER_MENTEE, 'fa', 'UTC'],
    [ADMIN, 'sam', 'America/Denver'],
  ] as const) {
    await people.upsert(
      { slackId: id, teamId: 'T0TEAM', name, realName: `${name} real`, timeZone: tz, isBot: false, deleted: false },
      at(-10),
    );
  }
  const staff = createStaffRepository(db);
  await staff.add(ADMIN, 'TANDEM_ADMINS');
  await staff.add(TARGET, ADMIN);
  await staff.add(OTHER_MENTOR, TARGET);

  const programs = createProgramRepository(db);
  const p1 = await programs.create(
    {
      name: 'Backend Module 3',
      time_zone: 'America/Denver',
      start_date: '2027-01-04',
      created_by: ADMIN,
      alerts_channel_id: 'GALERTS',
    },
    ['2027-01-18'],
  );
  const p2 = await programs.create({ name: 'Leadership', time_zone: 'UTC', start_date: '2027-01-04', created_by: TARGET }, []);
  if (!p1 || !p2) throw new Error('programs not created');
  await db
    .insertInto('program_question_sets')
    .values({
      program_id: p2.id,
      milestone: 'kickoff',
      version: 1,
      definition: JSON.stringify({ questions: [{ id: 'q1', label: 'Goals?' }], author: TARGET }),
      created_by: TARGET,
    })
    .execute();

  const pairings = createPairingRepository(db);
  const mk = async (programId: number, mentorId: string, menteeId: string, conversation: string) => {
    const p = await pairings.create({ programId, mentorId, menteeId, createdBy: ADMIN }, at(-9));
    if (!p) throw new Error('pairing not created');
    await pairings.update(p.id, {
      conversation_id: conversation,
      goals: JSON.stringify([{ text: `Ship a service with <@${mentorId}>`, measure: 'deployed' }]),
    });
    return p.id;
  };
  const pairingA = await mk(p1.id, TARGET, MENTEE1, 'GPAIRA');
  const pairingB = await mk(p1.id, TARGET, MENTEE2, 'GPAIRB');
  await pairings.update(pairingB, { status: 'paused', paused_until: '2027-02-01', pause_reason: `${TARGET} is on leave` });
  const pairingC = await mk(p2.id, THEIR_MENTOR, TARGET, 'GPAIRC');
  const pairingD = await mk(p1.id, OTHER_MENTOR, OTHER_MENTEE, 'GPAIRD');

  const delivery = async (
    key: string,
    kind: string,
    channel: string,
    text: string,
    extra: { pairing_id?: number; status?: 'pending' | 'sent' } = {},
  ) => {
    const status = extra.status ?? 'sent';
    const r = await db
      .insertInto('deliveries')
      .values({
        dedupe_key: key,
        kind,
        channel,
        pairing_id: extra.pairing_id ?? null,
        payload: JSON.stringify({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }),
        status,
        attempts: status === 'sent' ? 1 : 0,
        not_before: at(-8),
        sent_channel: status === 'sent' ? (channel.startsWith('U') ? 'D0DM' : channel) : null,
        sent_ts: status === 'sent' ? '1799999999.000100' : null,
        sent_at: status === 'sent' ? at(-8) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  };
  await delivery(`intro:${pairingA}`, 'pair_intro', 'GPAIRA', `Meet <@${TARGET}> and <@${MENTEE1}>`, { pairing_id: pairingA });
  await delivery(`intro:${pairingC}`, 'pair_intro', 'GPAIRC', `Meet <@${THEIR_MENTOR}> and <@${TARGET}>`, {
    pairing_id: pairingC,
  });
  await delivery(`intro:${pairingD}`, 'pair_intro', 'GPAIRD', `Meet <@${OTHER_MENTOR}> and <@${OTHER_MENTEE}>`, {
    pairing_id: pairingD,
  });
  await delivery('standup-reminder:1', 'standup_reminder', TARGET, 'Your standup is waiting');
  await delivery(`match-notice:${TARGET}:${p1.id}`, 'match_notice', TARGET, 'You have a new mentee', { status: 'pending' });
  await delivery(`dm:${MENTEE1}:1`, 'match_notice', MENTEE1, `<@${TARGET}> is your mentor now`);
  await delivery('digest:2027-W02', 'digest', 'GALERTS', `Week 2: <@${TARGET}> on track, <@${OTHER_MENTOR}> on track`);
  await delivery(
    `standup-report:${p1.id}:2027-W02`,
    'standup_report',
    'GALERTS',
    `Standups: <@${TARGET}> wrote “${MENTEE2} seems stuck”`,
  );
  await delivery(
    `standup-report:${p1.id}:2027-W01`,
    'standup_report',
    'GALERTS',
    `Standups: <@${OTHER_MENTOR}> wrote “other concern”`,
  );

  const checkin = async (pairingId: number, week: string, days: number) =>
    (
      await db
        .insertInto('checkins')
        .values({ pairing_id: pairingId, week_key: week, prompt_at: at(days), closes_at: at(days + 2) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const answer = (checkinId: number, personId: string, a: 'met' | 'not_yet', note: string | null) =>
    db
      .insertInto('checkin_answers')
      .values({
        checkin_id: checkinId,
        person_id: personId,
        answer: a,
        rating: note ? 4 : null,
        topics: note,
        blockers: note ? `blocked on ${note}` : null,
        answered_at: at(-1),
        updated_at: at(-1),
      })
      .execute();
  const cA = await checkin(pairingA, '2027-W02', -2);
  await answer(cA, TARGET, 'met', 'We paired on Rust lifetimes');
  await answer(cA, MENTEE1, 'met', `great session with <@${TARGET}>`);
  const cC = await checkin(pairingC, '2027-W02', -2);
  await answer(cC, TARGET, 'not_yet', 'my mentor was away');
  await answer(cC, THEIR_MENTOR, 'not_yet', null);
  const cD = await checkin(pairingD, '2027-W02', -2);
  await answer(cD, OTHER_MENTOR, 'met', 'other pair talk');
  await answer(cD, OTHER_MENTEE, 'met', 'other mentee notes');

  const expectation = (pairingId: number, kind: 'checkin' | 'reply', subject: string, ref: string, status: 'open' | 'met') =>
    db
      .insertInto('expectations')
      .values({
        pairing_id: pairingId,
        kind,
        subject,
        source_ref: ref,
        started_at: at(-2),
        remind_at: at(-1),
        due_at: at(1),
        status,
        met_at: status === 'met' ? at(-1) : null,
      })
      .execute();
  await expectation(pairingA, 'reply', TARGET, '1799999999.000200', 'open');
  await expectation(pairingA, 'checkin', MENTEE1, `checkin:${cA}`, 'met');
  await expectation(pairingC, 'checkin', TARGET, `checkin:${cC}`, 'open');
  await expectation(pairingD, 'reply', OTHER_MENTEE, '1799999999.000300', 'open');

  const alertDelivery = await delivery(`alert:1`, 'alert', 'GALERTS', `<@${TARGET}> has not answered`, { pairing_id: pairingC });
  const [groupC, groupD] = await db
    .insertInto('pair_alerts')
    .values([
      { pairing_id: pairingC, program_id: p2.id, week_start: '2027-01-11', delivery_id: alertDelivery },
      { pairing_id: pairingD, program_id: p1.id, week_start: '2027-01-11', status: 'acknowledged', owner_id: ADMIN },
    ])
    .returning('id')
    .execute();
  await db
    .insertInto('alerts')
    .values({
      pairing_id: pairingC,
      program_id: p2.id,
      reason: 'checkin_unanswered',
      episode_key: `checkin:${cC}:${TARGET}`,
      subject: TARGET,
      since: at(-1),
      details: JSON.stringify({ staffNote: `ask ${TARGET} how it goes`, dueAt: at(1).toISOString() }),
      delivery_id: alertDelivery,
      pair_alert_id: groupC!.id,
    })
    .execute();
  await db
    .insertInto('alerts')
    .values({
      pairing_id: pairingD,
      program_id: p1.id,
      reason: 'reply_overdue',
      episode_key: 'reply:1',
      subject: OTHER_MENTEE,
      since: at(-1),
      details: JSON.stringify({ overdue: '1 day' }),
      status: 'acknowledged',
      owner_id: ADMIN,
      pair_alert_id: groupD!.id,
    })
    .execute();
  await db
    .insertInto('alerts')
    .values({
      pairing_id: pairingD,
      program_id: p1.id,
      reason: 'mentor_concern',
      episode_key: 'concern:1',
      subject: OTHER_MENTEE,
      since: at(-3),
      details: '{}',
      status: 'resolved',
      owner_id: TARGET,
      resolved_by: TARGET,
      resolved_at: at(-2),
      pair_alert_id: groupD!.id,
    })
    .execute();

  await db
    .insertInto('milestones')
    .values([
      { pairing_id: pairingA, milestone: 'kickoff', completed_at: at(-5) },
      { pairing_id: pairingD, milestone: 'kickoff', completed_at: at(-5) },
    ])
    .execute();
  await db
    .insertInto('scheduler_runs')
    .values({ key: 'tick:2027-01-13T15:00', owner: 'host-1', expires_at: at(0, 1) })
    .execute();

  const dtr = (pairingId: number, personId: string, role: 'mentor' | 'mentee', answers: Record<string, string>) =>
    db
      .insertInto('dtr_answers')
      .values({
        pairing_id: pairingId,
        milestone: 'kickoff',
        person_id: personId,
        role,
        set_source: 'builtin',
        set_version: 1,
        answers: JSON.stringify(answers),
        submitted_at: at(-5),
        updated_at: at(-5),
      })
      .execute();
  await dtr(pairingA, TARGET, 'mentor', { expectations: 'weekly 1:1', private: 'I worry about time' });
  await dtr(pairingA, MENTEE1, 'mentee', { expectations: `learn from ${TARGET}` });
  await dtr(pairingD, OTHER_MENTOR, 'mentor', { expectations: 'other pair answers' });

  const standup = async (programId: number, mentorId: string, days: number, note: string) =>
    (
      await db
        .insertInto('standups')
        .values({
          program_id: programId,
          mentor_id: mentorId,
          week_key: '2027-W02',
          prompt_at: at(days),
          remind_at: at(days, 4),
          closes_at: at(days + 3),
          submitted_at: at(days, 1),
          general_note: note,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  // Friday 2027-01-15: hours from the standup count where that week has no session log.
  const sT = await standup(p1.id, TARGET, 2, 'Good week');
  const sO = await standup(p1.id, OTHER_MENTOR, 2, 'Other week');
  await db
    .insertInto('standup_entries')
    .values([
      { standup_id: sT, pairing_id: pairingA, status: 'on_track', met: 'yes', minutes: 60, concerns: null, updated_at: at(2, 1) },
      {
        standup_id: sT,
        pairing_id: pairingB,
        status: 'needs_attention',
        met: 'no',
        minutes: 30,
        concerns: `${MENTEE2} seems stuck`,
        updated_at: at(2, 1),
      },
      {
        standup_id: sO,
        pairing_id: pairingD,
        status: 'on_track',
        met: 'yes',
        minutes: 45,
        concerns: 'other concern',
        updated_at: at(2, 1),
      },
    ])
    .execute();

  const logs = createSessionLogRepository(db);
  await logs.create({
    pairingId: pairingA,
    authorId: TARGET,
    sessionDate: '2027-01-12',
    minutes: 50,
    done: 'Reviewed a PR',
    privateNotes: `${MENTEE1} is shy`,
    at: at(-1),
  });
  await logs.create({
    pairingId: pairingA,
    authorId: TARGET,
    sessionDate: '2027-01-20',
    minutes: 40,
    done: null,
    privateNotes: null,
    at: at(7),
  });
  await logs.create({
    pairingId: pairingC,
    authorId: THEIR_MENTOR,
    sessionDate: '2027-01-12',
    minutes: 30,
    done: `Coached <@${TARGET}>`,
    privateNotes: null,
    at: at(-1),
  });
  await logs.create({
    pairingId: pairingD,
    authorId: OTHER_MENTOR,
    sessionDate: '2027-01-12',
    minutes: 55,
    done: 'other done',
    privateNotes: 'other private',
    at: at(-1),
  });

  await db
    .insertInto('private_notes')
    .values([
      { author_id: TARGET, subject_id: MENTEE1, body: 'Bo wants to move to infra', created_at: at(-3) },
      { author_id: THEIR_MENTOR, subject_id: TARGET, body: 'Ada is overcommitted', created_at: at(-3) },
      { author_id: OTHER_MENTOR, subject_id: OTHER_MENTEE, body: 'other private note', created_at: at(-3) },
    ])
    .execute();

  const request = (
    programId: number,
    mentorId: string,
    menteeId: string,
    requestedBy: string,
    status: 'pending' | 'accepted' | 'declined',
    note: string | null,
    pairingId: number | null,
  ) =>
    db
      .insertInto('match_requests')
      .values({
        program_id: programId,
        mentor_id: mentorId,
        mentee_id: menteeId,
        requested_by: requestedBy,
        note,
        status,
        decline_reason: status === 'declined' ? 'no time' : null,
        pairing_id: pairingId,
        created_at: at(-10),
        remind_at: at(-9),
        due_at: at(-8),
        decided_at: status === 'pending' ? null : at(-9),
      })
      .execute();
  await request(p1.id, TARGET, MENTEE1, ADMIN, 'accepted', 'Bo likes Rust', pairingA);
  await request(p2.id, OTHER_MENTOR, TARGET, ADMIN, 'declined', `${TARGET} wants leadership coaching`, null);
  await request(p2.id, MENTEE1, MENTEE2, TARGET, 'pending', 'a second opinion', null);
  await request(p1.id, OTHER_MENTOR, OTHER_MENTEE, ADMIN, 'accepted', 'other request', pairingD);

  const reschedule = (pairingId: number, by: string, reason: string | null) =>
    db
      .insertInto('reschedules')
      .values({
        pairing_id: pairingId,
        requested_by: by,
        original_at: at(1),
        new_at: at(2),
        reason,
        late_notice: true,
        notice_hours: 20,
        created_at: at(0),
      })
      .execute();
  await reschedule(pairingA, TARGET, 'conference');
  await reschedule(pairingC, THEIR_MENTOR, 'travel');
  await reschedule(pairingD, OTHER_MENTOR, 'other reason');

  const audit = (actor: string, action: string, subject: string | null, details: Record<string, unknown>) =>
    db
      .insertInto('audit_log')
      .values({ at: at(-9), actor, action, subject, details: JSON.stringify(details) })
      .execute();
  await audit(ADMIN, 'staff.add', TARGET, {});
  await audit(TARGET, 'pairing.create', MENTEE1, { program: 'Backend Module 3', mentor: TARGET });
  await audit(ADMIN, 'pairing.create', OTHER_MENTEE, { mentor: OTHER_MENTOR, staffPresent: [ADMIN, TARGET] });
  await audit(ADMIN, 'pairing.create', OTHER_MENTEE, { mentor: OTHER_MENTOR });

  return { pairingA, pairingB, pairingC, pairingD };
}

/** What belongs to the unrelated pair and must come through a forget untouched. */
async function otherPairData(db: Db, s: Seeded) {
  return {
    people: await db
      .selectFrom('people')
      .selectAll()
      .where('slack_id', 'in', [OTHER_MENTOR, OTHER_MENTEE])
      .orderBy('slack_id')
      .execute(),
    pairing: await db.selectFrom('pairings').selectAll().where('id', '=', s.pairingD).execute(),
    checkinAnswers: await db
      .selectFrom('checkin_answers')
      .selectAll()
      .where('person_id', 'in', [OTHER_MENTOR, OTHER_MENTEE])
      .orderBy('person_id')
      .execute(),
    dtr: await db.selectFrom('dtr_answers').selectAll().where('pairing_id', '=', s.pairingD).execute(),
    notes: await db.selectFrom('private_notes').selectAll().where('author_id', '=', OTHER_MENTOR).execute(),
    logs: await db.selectFrom('session_logs').selectAll().where('author_id', '=', OTHER_MENTOR).execute(),
    standups: await db.selectFrom('standups').selectAll().where('mentor_id', '=', OTHER_MENTOR).execute(),
    entries: await db.selectFrom('standup_entries').selectAll().where('pairing_id', '=', s.pairingD).execute(),
    expectations: await db.selectFrom('expectations').selectAll().where('pairing_id', '=', s.pairingD).execute(),
    deliveries: await db.selectFrom('deliveries').selectAll().where('pairing_id', '=', s.pairingD).execute(),
    reschedules: await db.selectFrom('reschedules').selectAll().where('pairing_id', '=', s.pairingD).execute(),
    matchRequests: await db.selectFrom('match_requests').selectAll().where('pairing_id', '=', s.pairingD).execute(),
    alert: await db
      .selectFrom('alerts')
      .selectAll()
      .where('pairing_id', '=', s.pairingD)
      .where('reason', '=', 'reply_overdue')
      .execute(),
  };
}

function logSink() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(line) }) };
}

describe(`export and forget a person (${testServer})`, () => {
  let t: TestDatabase;
  let seeded: Seeded;
  const NOW = new Date('2027-02-01T12:00:00.000Z');

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await t.reset();
    seeded = await seed(t.db);
  });

  const service = (logger = logSink().logger) =>
    createDataRightsService({ dataRights: createDataRightsRepository(t.db), clock: () => NOW, logger });
  const pseudonymOf = async (id: string) =>
    pseudonymFor(await createDataRightsRepository(t.db).pseudonymKey(() => randomHex()), id);

  test('the pseudonym is “forgotten:” and 16 hex digits of an HMAC-SHA256 under the installation’s random key', async () => {
    expect(await t.db.selectFrom('installation_secrets').selectAll().execute()).toEqual([]);
    const r = await service().forgetPerson(TARGET);
    const secrets = await t.db.selectFrom('installation_secrets').select(['name', 'value']).execute();
    expect(secrets).toHaveLength(1);
    const key = secrets[0]!.value;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const expected = `forgotten:${createHmac('sha256', Buffer.from(key, 'hex')).update(TARGET).digest('hex').slice(0, 16)}`;
    expect(r).toMatchObject({ ok: true, found: true, pseudonym: expected });
    // Not the unkeyed hash anyone with the member list could compute.
    expect(expected).not.toContain(createHmac('sha256', '').update(TARGET).digest('hex').slice(0, 16));
    // The same key from then on: the same person gets the same pseudonym.
    expect(await service().forgetPerson(TARGET)).toMatchObject({ pseudonym: expected });
    expect(await pseudonymOf(TARGET)).toBe(expected);
  });

  test('replicas making the key at once all end up with one key', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => createDataRightsRepository(t.db).pseudonymKey(() => randomHex())),
    );
    expect(new Set(keys).size).toBe(1);
    expect(await t.db.selectFrom('installation_secrets').select('value').execute()).toEqual([{ value: keys[0] }]);
  });

  test('another installation gets another key, so other pseudonyms', async () => {
    const a = await pseudonymOf(TARGET);
    await t.db.deleteFrom('installation_secrets').execute();
    expect(await pseudonymOf(TARGET)).not.toBe(a);
  });

  test('an id that is not a Slack user id is refused', async () => {
    for (const bad of [undefined, '', 'bob', 'u123', 'C0CHANNEL', 'U1', "U1'; drop table people; --"]) {
      expect(await service().exportPerson(bad)).toMatchObject({ ok: false, reason: 'invalid' });
      expect(await service().forgetPerson(bad)).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });

  test('export holds their rows, with ISO dates and program names, and nothing of another pair', async () => {
    const sink = logSink();
    const r = await service(sink.logger).exportPerson(TARGET);
    if (!r.ok) throw new Error(r.message);
    const e: PersonExport = r.data;
    expect(r.found).toBe(true);
    expect(Object.keys(e)).toEqual([
      'slack_id',
      'exported_at',
      'person',
      'staff',
      'pairings',
      'checkin_answers',
      'dtr_answers',
      'expectations',
      'alerts',
      'standups',
      'session_logs',
      'private_notes',
      'notes_about_you_count',
      'match_requests',
      'reschedules',
      'deliveries',
      'audit_log',
    ]);
    expect(e).toMatchObject({
      slack_id: TARGET,
      exported_at: NOW.toISOString(),
      person: { slack_id: TARGET, name: 'ada', real_name: 'ada real', refreshed_at: at(-10).toISOString() },
      staff: { slack_id: TARGET, added_by: ADMIN },
    });
    expect(e.pairings.map((p) => [p.id, p.program_name, p.mentor_id, p.mentee_id, p.status])).toEqual([
      [seeded.pairingA, 'Backend Module 3', TARGET, MENTEE1, 'active'],
      [seeded.pairingB, 'Backend Module 3', TARGET, MENTEE2, 'paused'],
      [seeded.pairingC, 'Leadership', THEIR_MENTOR, TARGET, 'active'],
    ]);
    expect(e.checkin_answers).toEqual([
      expect.objectContaining({
        pairing_id: seeded.pairingA,
        week_key: '2027-W02',
        answer: 'met',
        rating: 4,
        topics: 'We paired on Rust lifetimes',
        blockers: 'blocked on We paired on Rust lifetimes',
        answered_at: at(-1).toISOString(),
      }),
      expect.objectContaining({ pairing_id: seeded.pairingC, answer: 'not_yet', topics: 'my mentor was away' }),
    ]);
    expect(e.dtr_answers).toEqual([
      expect.objectContaining({
        pairing_id: seeded.pairingA,
        milestone: 'kickoff',
        role: 'mentor',
        answers: { expectations: 'weekly 1:1', private: 'I worry about time' },
      }),
    ]);
    expect(e.expectations.map((x) => [x.pairing_id, x.kind, x.status])).toEqual([
      [seeded.pairingA, 'reply', 'open'],
      [seeded.pairingC, 'checkin', 'open'],
    ]);
    expect(e.expectations[0]).not.toHaveProperty('subject');
    expect(e.alerts).toEqual([
      expect.objectContaining({
        pairing_id: seeded.pairingC,
        reason: 'checkin_unanswered',
        since: at(-1).toISOString(),
        details: { dueAt: at(1).toISOString(), staffNote: `ask ${TARGET} how it goes` },
      }),
    ]);
    expect(e.standups).toEqual([
      expect.objectContaining({
        program_name: 'Backend Module 3',
        week_key: '2027-W02',
        general_note: 'Good week',
        entries: [
          expect.objectContaining({ pairing_id: seeded.pairingA, minutes: 60 }),
          expect.objectContaining({ pairing_id: seeded.pairingB, minutes: 30, concerns: `${MENTEE2} seems stuck` }),
        ],
      }),
    ]);
    expect(e.session_logs.map((l) => [l.session_date, l.minutes, l.done, l.private_notes])).toEqual([
      ['2027-01-12', 50, 'Reviewed a PR', `${MENTEE1} is shy`],
      ['2027-01-20', 40, null, null],
    ]);
    expect(e.private_notes).toEqual([expect.objectContaining({ subject_id: MENTEE1, body: 'Bo wants to move to infra' })]);
    // Notes others wrote about them are counted, never shown.
    expect(e.notes_about_you_count).toBe(1);
    expect(JSON.stringify(e)).not.toContain('Ada is overcommitted');
    expect(e.match_requests.map((m) => [m.mentor_id, m.mentee_id, m.requested_by, m.status, m.program_name])).toEqual([
      [TARGET, MENTEE1, ADMIN, 'accepted', 'Backend Module 3'],
      [OTHER_MENTOR, TARGET, ADMIN, 'declined', 'Leadership'],
      [MENTEE1, MENTEE2, TARGET, 'pending', 'Leadership'],
    ]);
    expect(e.reschedules.map((x) => [x.pairing_id, x.requested_by, x.reason])).toEqual([
      [seeded.pairingA, TARGET, 'conference'],
      [seeded.pairingC, THEIR_MENTOR, 'travel'],
    ]);
    // Messages to them: what and when, not the text.
    expect(e.deliveries).toEqual([
      {
        id: expect.any(Number),
        kind: 'standup_reminder',
        status: 'sent',
        created_at: expect.any(String),
        sent_at: at(-8).toISOString(),
      },
      { id: expect.any(Number), kind: 'match_notice', status: 'pending', created_at: expect.any(String), sent_at: null },
    ]);
    expect(e.audit_log.map((a) => [a.actor, a.action, a.subject])).toEqual([
      [ADMIN, 'staff.add', TARGET],
      [TARGET, 'pairing.create', MENTEE1],
    ]);
    // Nothing of the unrelated pair.
    const text = JSON.stringify(e);
    for (const other of [
      'other pair',
      'other mentee notes',
      'other private',
      'other concern',
      'other reason',
      'other request',
      OTHER_MENTEE,
    ])
      expect(text).not.toContain(other);
    expect(e.pairings.some((p) => p.id === seeded.pairingD)).toBe(false);
    // Every instant is an ISO string, at any depth.
    expect(text).not.toMatch(/"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?!\.\d{3}Z)/);
    expect(e.pairings[0]?.created_at).toBe(at(-9).toISOString());

    // The export is recorded: a JSON log line and an audit row, after the read.
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'data.export').execute();
    expect(audit).toEqual([expect.objectContaining({ actor: 'cli', subject: TARGET, at: NOW })]);
    expect(sink.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({
        level: 'info',
        action: 'data.export',
        actor: 'cli',
        subject: await pseudonymOf(TARGET),
        found: true,
      }),
    );
    expect(sink.lines.join('\n')).not.toContain(TARGET);

    // The same data prints the same way: same keys in the same order.
    const again = await service().exportPerson(TARGET);
    if (!again.ok) throw new Error(again.message);
    expect(JSON.stringify(again.data.pairings)).toBe(JSON.stringify(e.pairings));
    expect(JSON.stringify(again.data.standups)).toBe(JSON.stringify(e.standups));
    expect(again.data.audit_log.map((a) => a.action)).toEqual(['staff.add', 'pairing.create', 'data.export']);
  });

  test('export of someone Tandem never stored is the same shape with empty collections', async () => {
    const r = await service().exportPerson(NOBODY);
    if (!r.ok) throw new Error(r.message);
    expect(r.found).toBe(false);
    expect(r.data).toEqual({
      slack_id: NOBODY,
      exported_at: NOW.toISOString(),
      person: null,
      staff: null,
      pairings: [],
      checkin_answers: [],
      dtr_answers: [],
      expectations: [],
      alerts: [],
      standups: [],
      session_logs: [],
      private_notes: [],
      notes_about_you_count: 0,
      match_requests: [],
      reschedules: [],
      deliveries: [],
      audit_log: [],
    });
    // The request is audited without storing the stranger's id, so a forget still finds nothing.
    expect(await occurrences(t.db, NOBODY)).toEqual([]);
    expect(await service().forgetPerson(NOBODY)).toMatchObject({ ok: true, found: false });
  });

  test('forget removes the id from every column of every table, keeps counts and hours, and ends their pairings', async () => {
    const pseudonym = await pseudonymOf(TARGET);
    expect((await occurrences(t.db, TARGET)).length).toBeGreaterThan(20);
    const countsBefore = await rowCounts(t.db);
    const aggregatesBefore = await aggregates(t.db);
    const othersBefore = await otherPairData(t.db, seeded);
    expect(aggregatesBefore.hoursMinutes).toBeGreaterThan(0);

    const sink = logSink();
    const r = await service(sink.logger).forgetPerson(TARGET);
    if (!r.ok) throw new Error(r.message);
    expect(r.found).toBe(true);
    expect(r.pseudonym).toBe(pseudonym);
    expect(r.changes.deleted).toEqual({ private_notes: 2, dtr_answers: 1, staff: 1, people: 1 });

    // Not one occurrence left, in any column of any table.
    expect(await occurrences(t.db, TARGET)).toEqual([]);
    // Row counts stay, but for what was deleted (and the audit row the forget adds).
    const countsAfter = await rowCounts(t.db);
    expect(countsAfter).toEqual({
      ...countsBefore,
      private_notes: countsBefore.private_notes - 2,
      dtr_answers: countsBefore.dtr_answers - 1,
      people: countsBefore.people - 1,
      staff: countsBefore.staff - 1,
      audit_log: countsBefore.audit_log + 1,
    });
    expect(await aggregates(t.db)).toEqual(aggregatesBefore);
    expect(await otherPairData(t.db, seeded)).toEqual(othersBefore);

    // Their rows are still there under the pseudonym, without their free text.
    const pairings = await t.db
      .selectFrom('pairings')
      .select(['id', 'mentor_id', 'mentee_id', 'status', 'ended_at', 'goals', 'pause_reason', 'conversation_id'])
      .orderBy('id')
      .execute();
    expect(pairings).toEqual([
      {
        id: seeded.pairingA,
        mentor_id: pseudonym,
        mentee_id: MENTEE1,
        status: 'ended',
        ended_at: NOW,
        goals: [],
        pause_reason: null,
        conversation_id: null,
      },
      {
        id: seeded.pairingB,
        mentor_id: pseudonym,
        mentee_id: MENTEE2,
        status: 'ended',
        ended_at: NOW,
        goals: [],
        pause_reason: null,
        conversation_id: null,
      },
      {
        id: seeded.pairingC,
        mentor_id: THEIR_MENTOR,
        mentee_id: pseudonym,
        status: 'ended',
        ended_at: NOW,
        goals: [],
        pause_reason: null,
        conversation_id: null,
      },
      expect.objectContaining({ id: seeded.pairingD, status: 'active', ended_at: null, conversation_id: 'GPAIRD' }),
    ]);
    const answers = await t.db
      .selectFrom('checkin_answers')
      .selectAll()
      .where('person_id', '=', pseudonym)
      .orderBy('checkin_id')
      .execute();
    expect(answers.map((a) => [a.answer, a.rating, a.topics, a.blockers])).toEqual([
      ['met', null, null, null],
      ['not_yet', null, null, null],
    ]);
    // The partner's answer stays, with the mention of them replaced.
    expect(await t.db.selectFrom('checkin_answers').select('topics').where('person_id', '=', MENTEE1).executeTakeFirst()).toEqual(
      { topics: `great session with <@${pseudonym}>` },
    );
    expect(
      await t.db
        .selectFrom('session_logs')
        .select(['minutes', 'done', 'private_notes'])
        .where('author_id', '=', pseudonym)
        .orderBy('id')
        .execute(),
    ).toEqual([
      { minutes: 50, done: null, private_notes: null },
      { minutes: 40, done: null, private_notes: null },
    ]);
    expect(
      await t.db.selectFrom('standups').select(['mentor_id', 'general_note']).where('mentor_id', '=', pseudonym).execute(),
    ).toEqual([{ mentor_id: pseudonym, general_note: null }]);
    expect(
      await t.db
        .selectFrom('standup_entries')
        .select(['minutes', 'concerns'])
        .where('pairing_id', 'in', [seeded.pairingA, seeded.pairingB])
        .orderBy('minutes')
        .execute(),
    ).toEqual([
      { minutes: 30, concerns: null },
      { minutes: 60, concerns: null },
    ]);
    expect(await t.db.selectFrom('private_notes').select('body').execute()).toEqual([{ body: 'other private note' }]);
    expect(
      await t.db
        .selectFrom('expectations')
        .select(['subject', 'status'])
        .where('pairing_id', 'in', [seeded.pairingA, seeded.pairingC])
        .orderBy('id')
        .execute(),
    ).toEqual([
      { subject: pseudonym, status: 'cancelled' },
      { subject: MENTEE1, status: 'met' },
      { subject: pseudonym, status: 'cancelled' },
    ]);
    expect(
      await t.db
        .selectFrom('alerts')
        .select(['subject', 'status', 'resolved_by', 'details'])
        .where('pairing_id', '=', seeded.pairingC)
        .execute(),
    ).toEqual([
      {
        subject: pseudonym,
        status: 'resolved',
        resolved_by: 'cli',
        details: { staffNote: `ask ${pseudonym} how it goes`, dueAt: at(1).toISOString() },
      },
    ]);
    expect(
      await t.db
        .selectFrom('match_requests')
        .select(['mentor_id', 'mentee_id', 'requested_by', 'status', 'note', 'decline_reason'])
        .orderBy('id')
        .execute(),
    ).toEqual([
      { mentor_id: pseudonym, mentee_id: MENTEE1, requested_by: ADMIN, status: 'accepted', note: null, decline_reason: null },
      {
        mentor_id: OTHER_MENTOR,
        mentee_id: pseudonym,
        requested_by: ADMIN,
        status: 'declined',
        note: null,
        decline_reason: null,
      },
      { mentor_id: MENTEE1, mentee_id: MENTEE2, requested_by: pseudonym, status: 'cancelled', note: null, decline_reason: null },
      expect.objectContaining({ mentor_id: OTHER_MENTOR, note: 'other request' }),
    ]);
    expect(
      await t.db.selectFrom('reschedules').select(['requested_by', 'reason']).where('pairing_id', '=', seeded.pairingA).execute(),
    ).toEqual([{ requested_by: pseudonym, reason: null }]);
    // Messages to them keep kind, status and times; their text is gone, and nothing more is sent.
    const dms = await t.db
      .selectFrom('deliveries')
      .select(['kind', 'status', 'payload', 'sent_at', 'dedupe_key'])
      .where('channel', '=', pseudonym)
      .orderBy('id')
      .execute();
    expect(dms).toEqual([
      {
        kind: 'standup_reminder',
        status: 'sent',
        payload: { text: '[forgotten]' },
        sent_at: at(-8),
        dedupe_key: 'standup-reminder:1',
      },
      {
        kind: 'match_notice',
        status: 'skipped',
        payload: { text: '[forgotten]' },
        sent_at: null,
        dedupe_key: expect.stringMatching(new RegExp(`^match-notice:${pseudonym}:\\d+#\\d+$`)),
      },
    ]);
    // A standup report that quotes what they wrote keeps its kind and times, not its text; the others are untouched.
    expect(
      (await t.db.selectFrom('deliveries').select('payload').where('kind', '=', 'standup_report').orderBy('id').execute()).map(
        (d) => (d.payload as DeliveryPayload).text,
      ),
    ).toEqual(['[forgotten]', `Standups: <@${OTHER_MENTOR}> wrote “other concern”`]);
    const digest = await t.db.selectFrom('deliveries').select('payload').where('kind', '=', 'digest').executeTakeFirstOrThrow();
    expect((digest.payload as DeliveryPayload).text).toBe(`Week 2: <@${pseudonym}> on track, <@${OTHER_MENTOR}> on track`);
    expect(await t.db.selectFrom('staff').select(['slack_id', 'added_by']).orderBy('slack_id').execute()).toEqual([
      { slack_id: ADMIN, added_by: 'TANDEM_ADMINS' },
      { slack_id: OTHER_MENTOR, added_by: pseudonym },
    ]);
    expect(await t.db.selectFrom('programs').select('created_by').where('name', '=', 'Leadership').executeTakeFirst()).toEqual({
      created_by: pseudonym,
    });

    // Logged, naming the pseudonym only.
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'data.forget').execute();
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'cli',
        subject: pseudonym,
        at: NOW,
        details: expect.objectContaining({ found: true, deleted: r.changes.deleted }),
      }),
    ]);
    expect(sink.lines).toHaveLength(1);
    expect(JSON.parse(sink.lines[0] ?? '{}')).toMatchObject({
      level: 'info',
      app: 'tandem',
      action: 'data.forget',
      actor: 'cli',
      subject: pseudonym,
      found: true,
      msg: 'forgot a person',
    });
    expect(sink.lines.join('\n')).not.toContain(TARGET);

    // And the export now finds nothing under the id.
    const e = await service().exportPerson(TARGET);
    if (!e.ok) throw new Error(e.message);
    expect(e.found).toBe(false);
  });

  test('forgetting twice is a no-op: the second run changes nothing but the audit trail', async () => {
    const first = await service().forgetPerson(TARGET);
    expect(first).toMatchObject({ ok: true, found: true });
    const before = await dump(t.db, ['audit_log']);
    const auditBefore = await rowCounts(t.db);

    const sink = logSink();
    const second = await service(sink.logger).forgetPerson(TARGET);
    expect(second).toEqual({
      ok: true,
      found: false,
      pseudonym: await pseudonymOf(TARGET),
      changes: { deleted: {}, anonymised: {} },
    });
    expect(await dump(t.db, ['audit_log'])).toEqual(before);
    expect((await rowCounts(t.db)).audit_log).toBe(auditBefore.audit_log + 1);
    expect(JSON.parse(sink.lines[0] ?? '{}')).toMatchObject({
      action: 'data.forget',
      found: false,
      msg: 'nothing stored about that person',
    });
  });

  test('forget of someone never stored changes nothing', async () => {
    // Only the installation's pseudonym key may appear (made on first use); nothing about anyone.
    const before = await dump(t.db, ['audit_log', 'installation_secrets']);
    expect(await service().forgetPerson(NOBODY)).toMatchObject({ ok: true, found: false });
    expect(await dump(t.db, ['audit_log', 'installation_secrets'])).toEqual(before);
  });

  test('a longer id that starts with theirs is another person, and is left alone', async () => {
    const longer = `${OTHER_MENTEE}2`;
    await t.db
      .insertInto('people')
      .values({ slack_id: longer, name: 'gu', time_zone: 'UTC', is_bot: false, deleted: false, refreshed_at: at(0) })
      .execute();
    await t.db
      .insertInto('audit_log')
      .values({
        at: at(0),
        actor: longer,
        action: 'note',
        subject: OTHER_MENTEE,
        details: JSON.stringify({ both: `<@${OTHER_MENTEE}> and <@${longer}>`, list: [longer, OTHER_MENTEE] }),
      })
      .execute();
    const r = await service().forgetPerson(OTHER_MENTEE);
    expect(r).toMatchObject({ ok: true, found: true });
    const p = await pseudonymOf(OTHER_MENTEE);
    expect(
      await t.db.selectFrom('people').select('slack_id').where('slack_id', 'like', 'UOTHER%').orderBy('slack_id').execute(),
    ).toEqual([{ slack_id: longer }, { slack_id: OTHER_MENTOR }]);
    expect(
      await t.db.selectFrom('audit_log').select(['actor', 'subject', 'details']).where('action', '=', 'note').execute(),
    ).toEqual([{ actor: longer, subject: p, details: { both: `<@${p}> and <@${longer}>`, list: [longer, p] } }]);
    // The forgotten mentee's pair ended; TARGET's data is untouched.
    expect(await t.db.selectFrom('pairings').select('status').where('id', '=', seeded.pairingD).executeTakeFirst()).toEqual({
      status: 'ended',
    });
    expect(await t.db.selectFrom('people').select('slack_id').where('slack_id', '=', TARGET).executeTakeFirst()).toEqual({
      slack_id: TARGET,
    });
  });
});

describe(`tandem export person and tandem forget, as commands (${testServer})`, () => {
  let env: NodeJS.ProcessEnv;
  let use: <T>(fn: (db: Db) => Promise<T>) => Promise<T>;
  let close: () => Promise<void>;
  let password = '';

  beforeEach(async () => {
    const pg = await createTestDatabase();
    env = cliEnv({ DATABASE_URL: pg.url });
    password = new URL(pg.url).password;
    use = (fn) => fn(pg.db);
    close = () => pg.close();
    await use((db) => seed(db));
  });
  afterEach(async () => {
    await killRunningClis();
    await close();
  });

  // The key the CLI made in the database on its first export.
  const pseudonymOf = (id: string) =>
    use(async (db) => pseudonymFor(await createDataRightsRepository(db).pseudonymKey(() => randomHex()), id));

  const noSecrets = (text: string) => {
    if (password) expect(text).not.toContain(`:${password}@`);
    expect(text).not.toMatch(/xox[abpre]-/);
  };

  test('bad ids exit 2 with a message; export prints JSON; forget logs one JSON line; both are audited', async () => {
    // Refused before the database is opened, so these can run side by side.
    const bad = [['export', 'person', 'bob'], ['export', 'person'], ['forget', 'u123'], ['forget'], ['forget', TARGET, 'extra']];
    const refused = await Promise.all(bad.map((args) => runCli(args, env)));
    refused.forEach((r, i) => {
      expect(r.code, `${bad[i]?.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/needs exactly one Slack user id such as U012ABCDEF/);
      expect(r.stdout).toBe('');
    });
    expect(refused[0]?.stderr).toContain('(“bob” is not one)');
    expect(refused[4]?.stderr).not.toContain('is not one');

    const exported = await runCli(['export', 'person', TARGET], env, 90_000);
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(exported.stdout) as PersonExport;
    expect(data).toMatchObject({ slack_id: TARGET, person: { slack_id: TARGET }, notes_about_you_count: 1 });
    expect(data.pairings).toHaveLength(3);
    // The log lines went to stderr, as JSON.
    expect(jsonLines(exported.stderr)).toContainEqual(
      expect.objectContaining({ action: 'data.export', subject: await pseudonymOf(TARGET) }),
    );
    noSecrets(exported.stdout + exported.stderr);

    const unknown = await runCli(['export', 'person', NOBODY], env, 90_000);
    expect(unknown.code).toBe(0);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      slack_id: NOBODY,
      person: null,
      pairings: [],
      audit_log: [],
      notes_about_you_count: 0,
    });

    const forgot = await runCli(['forget', TARGET], env, 90_000);
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(forgot.stderr).toBe('');
    const pseudonym = await pseudonymOf(TARGET);
    expect(forgot.stdout).toContain(`Forgot ${TARGET}: what is left of them is now ${pseudonym}.`);
    const logs = forgot.stdout.split('\n').filter((l) => l.startsWith('{'));
    const line = logs.find((l) => l.includes('"data.forget"'));
    expect(line, forgot.stdout).toBeDefined();
    expect(JSON.parse(line as string)).toMatchObject({
      level: 'info',
      app: 'tandem',
      action: 'data.forget',
      actor: 'cli',
      subject: pseudonym,
      found: true,
    });
    expect(logs.join('\n')).not.toContain(TARGET);
    noSecrets(forgot.stdout + forgot.stderr);

    const again = await runCli(['forget', TARGET], env, 90_000);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Nothing was stored about ${TARGET}: there was nothing to forget.`);

    const audit = await use((db) =>
      db.selectFrom('audit_log').select(['actor', 'action', 'subject']).where('action', 'like', 'data.%').orderBy('id').execute(),
    );
    expect(audit).toEqual([
      // The export row named them; the forget made it the pseudonym too.
      { actor: 'cli', action: 'data.export', subject: pseudonym },
      // Asking about a stranger stored no id.
      { actor: 'cli', action: 'data.export', subject: await pseudonymOf(NOBODY) },
      { actor: 'cli', action: 'data.forget', subject: pseudonym },
      { actor: 'cli', action: 'data.forget', subject: pseudonym },
    ]);
    expect(await use((db) => occurrences(db, TARGET))).toEqual([]);
  }, 300_000);
});
