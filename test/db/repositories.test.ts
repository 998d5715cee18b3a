import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createDeliveryRepository, type NewDelivery } from '../../src/db/repositories/delivery-repository.js';
import { createPairingRepository } from '../../src/db/repositories/pairing-repository.js';
import { createProgramRepository } from '../../src/db/repositories/program-repository.js';
import type { NewProgram } from '../../src/db/schema.js';
import { createTestDatabase, testServer, type TestDatabase } from '../support/db.js';

let t: TestDatabase;
let programs: ReturnType<typeof createProgramRepository>;
let pairings: ReturnType<typeof createPairingRepository>;
let deliveries: ReturnType<typeof createDeliveryRepository>;

beforeAll(async () => {
  t = await createTestDatabase();
  programs = createProgramRepository(t.db);
  pairings = createPairingRepository(t.db);
  deliveries = createDeliveryRepository(t.db);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.reset();
});

const T0 = new Date('2027-01-13T15:00:00.000Z');
const plus = (ms: number) => new Date(T0.getTime() + ms);

function programInput(name: string, extra: Partial<NewProgram> = {}): NewProgram {
  return { name, time_zone: 'America/Denver', start_date: '2027-01-11', created_by: 'UADMIN', ...extra };
}

async function newProgram(name = 'Backend Module 3') {
  const p = await programs.create(programInput(name), []);
  if (!p) throw new Error(`could not create ${name}`);
  return p;
}

function delivery(key: string, extra: Partial<NewDelivery> = {}): NewDelivery {
  return { dedupeKey: key, kind: 'test', channel: 'C0PAIR', payload: { text: `message ${key}` }, notBefore: T0, ...extra };
}

async function count(table: 'programs' | 'program_holidays' | 'pairings' | 'deliveries'): Promise<number> {
  const row = await t.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

describe(`programs (${testServer})`, () => {
  test('a program and its holidays round-trip; dates are YYYY-MM-DD strings, not Dates', async () => {
    const created = await programs.create(programInput('Backend Module 3'), ['2027-02-15', '2027-01-18', '2027-02-15']);
    expect(created).toMatchObject({
      name: 'Backend Module 3',
      start_date: '2027-01-11',
      holidays: ['2027-01-18', '2027-02-15'],
      status: 'active',
    });
    expect(typeof created?.id).toBe('number');

    const loaded = await programs.get(created?.id ?? -1);
    expect(loaded?.start_date).toBe('2027-01-11');
    expect(loaded?.holidays).toEqual(['2027-01-18', '2027-02-15']);
    expect(loaded?.created_at).toBeInstanceOf(Date);
    // Defaults from the schema come back as numbers and strings.
    expect(loaded).toMatchObject({
      length_weeks: 6,
      checkin_weekday: 4,
      checkin_time: '16:00',
      standup_weekday: 5,
      response_window_days: 2,
      cadence: 'weekly',
      session_target: null,
      checkin_after_hours: 3,
      meeting_reminders: true,
    });
    expect(await count('program_holidays')).toBe(2);
  });

  test('a date far from UTC midnight does not shift by a day, whatever the session time zone', async () => {
    await sql`set time zone 'Pacific/Kiritimati'`.execute(t.db);
    try {
      const created = await programs.create(programInput('Edge', { start_date: '2027-12-31' }), ['2028-01-01', '2027-03-14']);
      const loaded = await programs.findByName('edge');
      expect(loaded?.start_date).toBe('2027-12-31');
      expect(loaded?.holidays).toEqual(['2027-03-14', '2028-01-01']);
      expect(created?.holidays).toEqual(['2027-03-14', '2028-01-01']);
    } finally {
      await sql`set time zone 'UTC'`.execute(t.db);
    }
  });

  test('names are unique regardless of case: a duplicate returns undefined and stores nothing', async () => {
    const first = await programs.create(programInput('Backend Module 3'), ['2027-01-18']);
    expect(first).toBeDefined();
    expect(await programs.create(programInput('BACKEND module 3'), ['2027-03-01', '2027-03-02'])).toBeUndefined();
    expect(await count('programs')).toBe(1);
    // The losing create's holidays were not stored either.
    expect(await count('program_holidays')).toBe(1);
    expect((await programs.findByName('  backend MODULE 3 '))?.id).toBe(first?.id);
    expect(await programs.findByName('Frontend')).toBeUndefined();
  });

  test('listActive lists active programs by start date with their own holidays', async () => {
    const late = await programs.create(programInput('Late', { start_date: '2027-03-01' }), ['2027-03-08']);
    const early = await programs.create(programInput('Early', { start_date: '2027-01-04' }), ['2027-01-18']);
    await programs.create(programInput('Old', { start_date: '2026-01-05', status: 'archived' }), []);
    const active = await programs.listActive();
    expect(active.map((p) => [p.id, p.holidays])).toEqual([
      [early?.id, ['2027-01-18']],
      [late?.id, ['2027-03-08']],
    ]);
  });
});

describe(`pairings (${testServer})`, () => {
  test('one live pairing per mentee per program: a second create returns undefined', async () => {
    const program = await newProgram();
    const first = await pairings.create(
      { programId: program.id, mentorId: 'UMENTOR', menteeId: 'UMENTEE', createdBy: 'UADMIN' },
      T0,
    );
    expect(first).toMatchObject({
      program_id: program.id,
      mentor_id: 'UMENTOR',
      mentee_id: 'UMENTEE',
      status: 'active',
      conversation_id: null,
      goals: [],
    });
    expect(first?.created_at.toISOString()).toBe(T0.toISOString());

    expect(
      await pairings.create({ programId: program.id, mentorId: 'UOTHER', menteeId: 'UMENTEE', createdBy: 'UADMIN' }, T0),
    ).toBeUndefined();
    expect(
      await pairings.create({ programId: program.id, mentorId: 'UMENTOR', menteeId: 'UMENTEE', createdBy: 'UADMIN' }, T0),
    ).toBeUndefined();
    expect(await count('pairings')).toBe(1);

    // A mentor may have several mentees, and the same mentee may be paired in another program.
    expect(
      await pairings.create({ programId: program.id, mentorId: 'UMENTOR', menteeId: 'USECOND', createdBy: 'UADMIN' }, T0),
    ).toBeDefined();
    const other = await newProgram('Frontend');
    expect(
      await pairings.create({ programId: other.id, mentorId: 'UOTHER', menteeId: 'UMENTEE', createdBy: 'UADMIN' }, T0),
    ).toBeDefined();
    expect(await count('pairings')).toBe(3);
  });

  test('a paused pairing still blocks a new one; after ending it, the mentee can be paired again', async () => {
    const program = await newProgram();
    const first = await pairings.create(
      { programId: program.id, mentorId: 'UMENTOR', menteeId: 'UMENTEE', createdBy: 'UADMIN' },
      T0,
    );
    if (!first) throw new Error('no pairing');
    const paused = await pairings.transition(first.id, ['active'], { status: 'paused', paused_until: '2027-02-01' });
    expect(paused).toMatchObject({ status: 'paused', paused_until: '2027-02-01' });
    expect(
      await pairings.create({ programId: program.id, mentorId: 'UOTHER', menteeId: 'UMENTEE', createdBy: 'UADMIN' }, T0),
    ).toBeUndefined();

    const ended = await pairings.transition(first.id, ['active', 'paused'], { status: 'ended', ended_at: plus(1000) });
    expect(ended?.status).toBe('ended');
    // Ending twice changes nothing the second time.
    expect(await pairings.transition(first.id, ['active', 'paused'], { status: 'ended', ended_at: plus(2000) })).toBeUndefined();

    const second = await pairings.create(
      { programId: program.id, mentorId: 'UOTHER', menteeId: 'UMENTEE', createdBy: 'UADMIN' },
      plus(3000),
    );
    expect(second).toMatchObject({ mentor_id: 'UOTHER', status: 'active' });
    expect(second?.id).not.toBe(first.id);
    expect((await pairings.findLiveByMentee(program.id, 'UMENTEE'))?.id).toBe(second?.id);
    expect((await pairings.listByProgram(program.id)).map((p) => p.id)).toEqual([second?.id]);
    expect((await pairings.listByProgram(program.id, ['ended'])).map((p) => p.id)).toEqual([first.id]);
  });

  test('concurrent creates for one mentee store exactly one live pairing', async () => {
    const program = await newProgram();
    const results = await Promise.all(
      ['UM1', 'UM2', 'UM3', 'UM4', 'UM5', 'UM6'].map((mentorId) =>
        pairings.create({ programId: program.id, mentorId, menteeId: 'UMENTEE', createdBy: 'UADMIN' }, T0),
      ),
    );
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(await count('pairings')).toBe(1);
  });

  test('a mentor cannot be their own mentee, even past the service', async () => {
    const program = await newProgram();
    await expect(
      pairings.create({ programId: program.id, mentorId: 'USAME', menteeId: 'USAME', createdBy: 'UADMIN' }, T0),
    ).rejects.toThrow(/pairings_distinct_people/);
    expect(await count('pairings')).toBe(0);
  });

  test('findLiveBetween finds the pair in either order, with the program name', async () => {
    const program = await newProgram();
    const p = await pairings.create({ programId: program.id, mentorId: 'UMENTOR', menteeId: 'UMENTEE', createdBy: 'UADMIN' }, T0);
    expect((await pairings.findLiveBetween('UMENTEE', 'UMENTOR')).map((r) => [r.id, r.program_name])).toEqual([
      [p?.id, 'Backend Module 3'],
    ]);
    expect(await pairings.findLiveBetween('UMENTOR', 'UOTHER')).toEqual([]);
  });
});

describe(`deliveries (${testServer})`, () => {
  test('enqueue is idempotent by dedupe key', async () => {
    const a = await deliveries.enqueue(delivery('intro:1'));
    const b = await deliveries.enqueue(delivery('intro:1', { payload: { text: 'a different text' }, channel: 'C0ELSE' }));
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    expect(await count('deliveries')).toBe(1);
    // The first intent wins; the replay did not overwrite it.
    expect(await deliveries.get(a.id)).toMatchObject({
      channel: 'C0PAIR',
      payload: { text: 'message intro:1' },
      status: 'pending',
      attempts: 0,
    });
  });

  test('concurrent enqueues of one key store it once and all get the same id', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => deliveries.enqueue(delivery('checkin:7:2027-W03'))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await count('deliveries')).toBe(1);
  });

  test('claimDue takes only due, pending rows, oldest first, and marks them sending', async () => {
    await deliveries.enqueue(delivery('later', { notBefore: plus(60_000) }));
    const second = await deliveries.enqueue(delivery('second', { notBefore: plus(-1_000) }));
    const first = await deliveries.enqueue(delivery('first', { notBefore: plus(-5_000) }));
    const claimed = await deliveries.claimDue(T0, 'owner-a', 10, 30_000);
    expect(claimed.map((d) => d.id)).toEqual([first.id, second.id]);
    for (const d of claimed) {
      expect(d).toMatchObject({ status: 'sending', claimed_by: 'owner-a', attempts: 1 });
      expect(d.claimed_until?.toISOString()).toBe(plus(30_000).toISOString());
    }
    expect(await deliveries.claimDue(T0, 'owner-b', 10, 30_000)).toEqual([]);
  });

  test('two owners claiming concurrently never get the same row', async () => {
    const total = 40;
    for (let i = 0; i < total; i++) await deliveries.enqueue(delivery(`d${i}`, { notBefore: plus(-i) }));
    const owners = ['owner-a', 'owner-b'];
    const batches = await Promise.all(
      Array.from({ length: 12 }, (_, i) => deliveries.claimDue(T0, owners[i % 2] as string, 5, 60_000)),
    );
    const ids = batches.flat().map((d) => d.id);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(5);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(0);

    // What each owner holds in the database is exactly what each got back.
    const rows = await t.db.selectFrom('deliveries').select(['id', 'claimed_by', 'attempts', 'status']).execute();
    const got = new Map(batches.flatMap((b, i) => b.map((d) => [d.id, owners[i % 2]] as const)));
    for (const r of rows) {
      if (got.has(r.id)) expect(r).toMatchObject({ claimed_by: got.get(r.id), attempts: 1, status: 'sending' });
      else expect(r).toMatchObject({ claimed_by: null, attempts: 0, status: 'pending' });
    }

    // Claiming on until nothing is left hands out every row exactly once.
    for (
      let more = await deliveries.claimDue(T0, 'owner-c', 7, 60_000);
      more.length > 0;
      more = await deliveries.claimDue(T0, 'owner-c', 7, 60_000)
    ) {
      ids.push(...more.map((d) => d.id));
    }
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });

  test('an expired claim becomes claimable again, with attempts counted; the old owner can no longer finish it', async () => {
    const { id } = await deliveries.enqueue(delivery('intro:9'));
    const [claimedByA] = await deliveries.claimDue(T0, 'owner-a', 10, 1_000);
    expect(claimedByA).toMatchObject({ id, attempts: 1, claimed_by: 'owner-a' });

    // Still within the lease: nobody else gets it.
    expect(await deliveries.claimDue(plus(500), 'owner-b', 10, 1_000)).toEqual([]);
    // The lease ran out (owner-a died): owner-b takes it over.
    const [claimedByB] = await deliveries.claimDue(plus(2_000), 'owner-b', 10, 1_000);
    expect(claimedByB).toMatchObject({ id, attempts: 2, claimed_by: 'owner-b', status: 'sending' });

    expect(await deliveries.markSent(id, 'owner-a', { channel: 'C0PAIR', ts: '1.000001' }, plus(2_100))).toBe(false);
    expect(await deliveries.get(id)).toMatchObject({ status: 'sending', claimed_by: 'owner-b', sent_ts: null, sent_at: null });

    expect(await deliveries.markSent(id, 'owner-b', { channel: 'C0PAIR', ts: '2.000002' }, plus(2_200))).toBe(true);
    const sent = await deliveries.get(id);
    expect(sent).toMatchObject({
      status: 'sent',
      claimed_by: null,
      claimed_until: null,
      sent_channel: 'C0PAIR',
      sent_ts: '2.000002',
      attempts: 2,
    });
    expect(sent?.sent_at?.toISOString()).toBe(plus(2_200).toISOString());
    // A sent delivery is never claimed again, however late it is.
    expect(await deliveries.claimDue(plus(86_400_000), 'owner-c', 10, 1_000)).toEqual([]);
  });

  test('markSent, retryLater and markFailed by a non-owner change nothing', async () => {
    const { id } = await deliveries.enqueue(delivery('dm:1'));
    await deliveries.claimDue(T0, 'owner-a', 10, 60_000);
    const before = await deliveries.get(id);
    expect(await deliveries.markSent(id, 'intruder', { channel: 'C0PAIR', ts: '9.9' }, T0)).toBe(false);
    await deliveries.retryLater(id, 'intruder', plus(1_000), 'ratelimited');
    await deliveries.markFailed(id, 'intruder', 'channel_not_found');
    expect(await deliveries.get(id)).toEqual(before);

    // The owner's retryLater puts it back to pending for later, and frees the claim.
    await deliveries.retryLater(id, 'owner-a', plus(5_000), 'ratelimited');
    expect(await deliveries.get(id)).toMatchObject({ status: 'pending', claimed_by: null, error: 'ratelimited' });
    expect(await deliveries.claimDue(plus(4_999), 'owner-b', 10, 60_000)).toEqual([]);
    expect((await deliveries.claimDue(plus(5_000), 'owner-b', 10, 60_000)).map((d) => [d.id, d.attempts])).toEqual([[id, 2]]);
    await deliveries.markFailed(id, 'owner-b', 'channel_not_found');
    expect(await deliveries.get(id)).toMatchObject({ status: 'failed', error: 'channel_not_found', claimed_by: null });
  });
});

describe(`values come back as JS types on ${testServer}`, () => {
  test('counts, sums and numerics are numbers; ids and attempts are numbers', async () => {
    const program = await newProgram();
    await pairings.create({ programId: program.id, mentorId: 'UMENTOR', menteeId: 'UMENTEE', createdBy: 'UADMIN' }, T0);
    await pairings.create({ programId: program.id, mentorId: 'UMENTOR', menteeId: 'USECOND', createdBy: 'UADMIN' }, T0);
    const row = await t.db
      .selectFrom('pairings')
      .select((eb) => [
        eb.fn.countAll().as('n'),
        eb.fn.count('id').as('ids'),
        eb.fn.sum('program_id').as('total'),
        eb.fn.avg('program_id').as('average'),
        sql<number>`count(*)::int8 * 3`.as('tripled'),
        sql<number>`1.5::numeric`.as('decimal'),
      ])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ n: 2, ids: 2, total: program.id * 2, average: program.id, tripled: 6, decimal: 1.5 });
    for (const v of Object.values(row)) expect(typeof v).toBe('number');
    expect(typeof program.id).toBe('number');
    const d = await deliveries.enqueue(delivery('n'));
    expect(typeof d.id).toBe('number');
    expect(typeof (await deliveries.get(d.id))?.attempts).toBe('number');
  });
});
