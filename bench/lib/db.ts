import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Db, type Engine } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/** The server to benchmark against, if any: PostgreSQL when one of these is set, PGlite otherwise. */
export const benchDatabaseUrl: string | undefined = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || undefined;
export const benchEngine: Engine = benchDatabaseUrl ? 'postgres' : 'pglite';

export type BenchDatabase = {
  db: Db;
  engine: Engine;
  /** Where it lives, for the results (never the password). */
  where: string;
  /** Connection string of the benchmark database (PostgreSQL only), for other processes. */
  url?: string;
  close: () => Promise<void>;
};

async function adminQuery(url: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * Drops a benchmark database. An autovacuum worker busy in it (likely after a bulk load) makes
 * DROP ... WITH (FORCE) fail for a non-superuser, so wait a little and retry; never fail the run over it.
 */
async function dropDatabase(url: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(url, `drop database if exists ${name} with (force)`);
      return;
    } catch (err) {
      if (attempt >= 10) {
        console.error(`could not drop benchmark database ${name}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      await new Promise<void>((r) => setTimeout(r, 1_000));
    }
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh, migrated database for one benchmark: a new database on the server (dropped afterwards),
 * or a PGlite data directory in the temp folder (removed afterwards).
 */
export async function createBenchDatabase(poolSize = 10): Promise<BenchDatabase> {
  if (benchDatabaseUrl) {
    const name = `tandem_bench_${randomBytes(5).toString('hex')}`;
    await adminQuery(benchDatabaseUrl, `create database ${name}`);
    const opened = await openDatabase({ databaseUrl: withDatabase(benchDatabaseUrl, name), poolSize });
    await migrateToLatest(opened.db);
    return {
      db: opened.db,
      engine: 'postgres',
      where: `database ${name} on ${new URL(benchDatabaseUrl).host}`,
      url: withDatabase(benchDatabaseUrl, name),
      close: async () => {
        await opened.close();
        await dropDatabase(benchDatabaseUrl, name);
      },
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-pglite-'));
  const opened = await openDatabase({ dataDir: dir });
  await migrateToLatest(opened.db);
  return {
    db: opened.db,
    engine: 'pglite',
    where: `PGlite in ${dir}`,
    close: async () => {
      await opened.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The engine's version string (PGlite reports the PostgreSQL it embeds). */
export async function serverVersion(db: Db): Promise<string> {
  const r = await sql<{ version: string }>`select version() as version`.execute(db);
  return r.rows[0]?.version ?? 'unknown';
}

/** Mean round trip of a trivial statement: the floor under every per-row query. */
export async function roundTripMs(db: Db, n = 500): Promise<number> {
  for (let i = 0; i < 20; i++) await sql`select 1`.execute(db);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await sql`select 1`.execute(db);
  return (performance.now() - t0) / n;
}

/** Version string and statement round trip of the engine under test, measured on a throwaway connection. */
export async function describeEngine(): Promise<{ version: string; roundTripMs: number }> {
  const opened = benchDatabaseUrl ? await openDatabase({ databaseUrl: benchDatabaseUrl, poolSize: 1 }) : await openDatabase({ memory: true });
  try {
    return { version: await serverVersion(opened.db), roundTripMs: await roundTripMs(opened.db) };
  } finally {
    await opened.close();
  }
}
