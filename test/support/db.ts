import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Db, type Engine } from '../../src/db/database.js';
import { withDatabase } from './global-setup.js';

export type TestDatabase = {
  db: Db;
  engine: Engine;
  /** A connection string other processes can use (PostgreSQL only). */
  url: string | undefined;
  /** Empties every table, keeping the schema: a clean slate between tests of one suite. */
  reset: () => Promise<void>;
  close: () => Promise<void>;
};

/** The engine under test: PostgreSQL when TEST_DATABASE_URL is set, embedded PGlite otherwise. */
export const testEngine: Engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export async function createTestDatabase(engine: Engine = testEngine): Promise<TestDatabase> {
  if (engine === 'postgres') {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) throw new Error('TEST_DATABASE_URL is not set');
    const name = `tandem_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
    await admin.end();
    const url = withDatabase(base, name);
    const opened = await openDatabase({ databaseUrl: url, poolSize: 8 });
    return {
      db: opened.db,
      engine,
      url,
      reset: () => truncateAll(opened.db),
      close: async () => {
        await opened.close();
        const drop = new pg.Client({ connectionString: base });
        await drop.connect();
        await drop.query(`drop database if exists ${name} with (force)`);
        await drop.end();
      },
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'tandem-pglite-'));
  await cp(inject('pgliteTemplateDir'), dir, { recursive: true });
  const opened = await openDatabase({ dataDir: dir });
  return {
    db: opened.db,
    engine,
    url: undefined,
    reset: () => truncateAll(opened.db),
    close: async () => {
      await opened.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function truncateAll(db: Db): Promise<void> {
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%'`.execute(db);
  if (tables.rows.length === 0) return;
  const list = tables.rows.map((t) => `"${t.tablename}"`).join(', ');
  await sql.raw(`truncate ${list} restart identity cascade`).execute(db);
}
