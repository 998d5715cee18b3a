import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { openDatabase, type Db, type Engine } from '../../src/db/database.js';
import { adminQuery, withDatabase } from './pg-admin.js';

export type TestDatabase = {
  db: Db;
  engine: Engine;
  /** A connection string other processes (a CLI, a second replica) can use. */
  url: string;
  /** Empties every table, keeping the schema: a clean slate between tests of one suite. */
  reset: () => Promise<void>;
  close: () => Promise<void>;
};

/** Which server the suite runs on, for test names: the one TEST_DATABASE_URL names, or the embedded one. */
export const testServer = process.env.TEST_DATABASE_URL ? 'PostgreSQL (TEST_DATABASE_URL)' : 'embedded PostgreSQL';

/** A database of its own for one test file, copied from the migrated template. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const base = inject('postgresUrl');
  const name = `tandem_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `create database ${name} template ${inject('postgresTemplate')}`);
  const url = withDatabase(base, name);
  const opened = await openDatabase({ databaseUrl: url, poolSize: options.poolSize ?? 8 });
  return {
    db: opened.db,
    engine: opened.engine,
    url,
    reset: () => truncateAll(opened.db),
    close: async () => {
      await opened.close();
      await dropDatabase(base, name);
    },
  };
}

/**
 * A database for the file that calls it (at its top level), emptied before each of its tests. Its fields
 * are read when a test runs, after the file's `beforeAll` made the database.
 */
export function useTestDatabase(options: { poolSize?: number } = {}): TestDatabase {
  let opened: TestDatabase | undefined;
  const current = () => {
    if (!opened) throw new Error('the test database is made in beforeAll; read it inside a hook or a test');
    return opened;
  };
  beforeAll(async () => {
    opened = await createTestDatabase(options);
  });
  afterAll(async () => {
    await opened?.close();
  });
  beforeEach(async () => {
    await current().reset();
  });
  return {
    get db() {
      return current().db;
    },
    get engine() {
      return current().engine;
    },
    get url() {
      return current().url;
    },
    reset: () => current().reset(),
    close: () => current().close(),
  };
}

async function truncateAll(db: Db): Promise<void> {
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%'`.execute(db);
  if (tables.rows.length === 0) return;
  const list = tables.rows.map((t) => `"${t.tablename}"`).join(', ');
  await sql.raw(`truncate ${list} restart identity cascade`).execute(db);
}

/**
 * Drops a test database. WITH (FORCE) ends our own connections to it, but a role that is not superuser
 * may not end an autovacuum worker that happens to be in it (PostgreSQL 15: "must be a member of the role
 * whose process is being terminated"): the worker is gone in a moment, so try again.
 */
async function dropDatabase(base: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(base, `drop database if exists ${name} with (force)`);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 50 || (code !== '42501' && code !== '55006')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
