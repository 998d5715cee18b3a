import { readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, inject, test } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest, migrationsFolder } from '../../src/db/migrate.js';
import { createRepositories } from '../../src/db/repositories/index.js';
import { createTestDatabase, testServer } from '../support/db.js';
import { withDatabase } from '../support/pg-admin.js';

async function migrationNames(): Promise<string[]> {
  return (await readdir(migrationsFolder))
    .filter((f) => /^\d{4}_[\w-]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.(ts|js)$/, ''))
    .sort();
}

async function recorded(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return r.rows.map((x) => x.name);
}

async function tables(db: Db): Promise<string[]> {
  const r = await sql<{
    tablename: string;
  }>`select tablename from pg_tables where schemaname = current_schema() order by tablename`.execute(db);
  return r.rows.map((x) => x.tablename);
}

const appTables = ['audit_log', 'deliveries', 'pairings', 'people', 'program_holidays', 'programs', 'staff'];

describe(`migrations on ${testServer}`, () => {
  test('three processes migrating one fresh database at once all succeed, and each migration is applied once', async () => {
    const base = inject('postgresUrl');
    const name = `tandem_m_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = withDatabase(base, name);
    const instances = await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: url, poolSize: 3 })));
    try {
      const first = instances[0] as (typeof instances)[number];
      expect(await tables(first.db)).toEqual([]);

      const results = await Promise.all(instances.map((i) => migrateToLatest(i.db)));

      const expected = await migrationNames();
      expect(expected.length).toBeGreaterThan(0);
      // Between them the three runs applied each migration exactly once.
      const applied = results.flatMap((r) => (r.results ?? []).filter((x) => x.status === 'Success').map((x) => x.migrationName));
      expect(applied.sort()).toEqual(expected);
      for (const r of results) expect((r.results ?? []).filter((x) => x.status !== 'Success')).toEqual([]);

      for (const i of instances) expect(await recorded(i.db)).toEqual(expected);
      expect(await tables(first.db)).toEqual(expect.arrayContaining(appTables));

      // The schema works: a program can be stored and read back.
      await first.db
        .insertInto('programs')
        .values({ name: 'P', time_zone: 'UTC', start_date: '2027-01-11', created_by: 'UADMIN' })
        .execute();
      const count = await first.db
        .selectFrom('programs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(count.n).toBe(1);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
      const drop = new pg.Client({ connectionString: base });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    }
  }, 60_000);
});

describe(`migrating an already migrated database (${testServer})`, () => {
  test('is a no-op: nothing applied, nothing recorded twice, the data kept', async () => {
    const t = await createTestDatabase();
    try {
      const expected = await migrationNames();
      expect(await recorded(t.db)).toEqual(expected);
      await t.db.insertInto('staff').values({ slack_id: 'UADMIN', added_by: 'cli' }).execute();
      const schemaBefore = await tables(t.db);

      const again = await migrateToLatest(t.db);
      expect(again.error).toBeUndefined();
      expect(again.results).toEqual([]);
      const third = await migrateToLatest(t.db);
      expect(third.results).toEqual([]);

      expect(await recorded(t.db)).toEqual(expected);
      expect(await tables(t.db)).toEqual(schemaBefore);
      expect(await t.db.selectFrom('staff').select('slack_id').execute()).toEqual([{ slack_id: 'UADMIN' }]);
    } finally {
      await t.close();
    }
  });
});

describe('0010: the link from a check-in to its message', () => {
  test('check-ins planned before it get their delivery from the key they were queued under; others are left alone', async () => {
    const t = await createTestDatabase();
    try {
      const repos = createRepositories(t.db);
      const program = await repos.programs.create(
        { name: 'Backend', time_zone: 'UTC', start_date: '2027-01-04', created_by: 'UADMIN', alerts_channel_id: 'GALERTS' },
        [],
      );
      const pairing = await repos.pairings.create(
        { programId: program?.id ?? 0, mentorId: 'UA', menteeId: 'UB', createdBy: 'UADMIN' },
        new Date(),
      );
      const at = new Date('2027-01-04T10:00:00Z');
      const [old, unsent] = await t.db
        .insertInto('checkins')
        .values(
          ['2027-W01', '2027-W02'].map((week) => ({
            pairing_id: pairing?.id ?? 0,
            week_key: week,
            prompt_at: at,
            closes_at: at,
          })),
        )
        .returningAll()
        .execute();
      const { id } = await repos.deliveries.enqueue({
        dedupeKey: `checkin:${pairing?.id}:2027-W01`,
        kind: 'checkin',
        channel: 'CPAIR',
        payload: { text: 'x' },
        notBefore: at,
      });
      const migration = (await import('../../migrations/0010_checkin_delivery_link.js')) as { up: (db: Db) => Promise<void> };
      await migration.up(t.db);
      const rows = await t.db.selectFrom('checkins').select(['id', 'delivery_id']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: old?.id, delivery_id: id },
        { id: unsent?.id, delivery_id: null },
      ]);
    } finally {
      await t.close();
    }
  });
});
