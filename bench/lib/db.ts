import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Db, type Engine } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { adminQuery, withDatabase } from '../../test/support/pg-admin.js';

/** The server to benchmark against: the one these name, or else an embedded PostgreSQL started for the run. */
export const benchDatabaseUrl: string | undefined = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || undefined;
export const benchEngine: Engine = benchDatabaseUrl ? 'postgres' : 'embedded-postgres';

let embedded: Promise<{ url: string; stop: () => Promise<void> }> | undefined;

/** A superuser connection string to the server under test, starting the embedded one on first use. */
export async function benchServerUrl(): Promise<string> {
  if (benchDatabaseUrl) return benchDatabaseUrl;
  embedded ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-bench-pg-'));
    const server = await startEmbeddedPostgres({ dataDir: dir, maxConnections: 200 });
    return {
      url: server.urlFor('postgres'),
      stop: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  })();
  return (await embedded).url;
}

/** Stops the embedded server, if the run started one. */
export async function stopBenchServer(): Promise<void> {
  if (embedded) await (await embedded).stop();
  embedded = undefined;
}

export type BenchDatabase = {
  db: Db;
  engine: Engine;
  /** Where it lives, for the results (never the password). */
  where: string;
  /** Connection string of the benchmark database, for other processes. */
  url: string;
  close: () => Promise<void>;
};

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

/** A fresh, migrated database for one benchmark on the server under test (dropped afterwards). */
export async function createBenchDatabase(poolSize = 10): Promise<BenchDatabase> {
  const server = await benchServerUrl();
  const name = `tandem_bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(server, `create database ${name}`);
  const opened = await openDatabase({ databaseUrl: withDatabase(server, name), poolSize });
  await migrateToLatest(opened.db);
  return {
    db: opened.db,
    engine: benchEngine,
    where: benchDatabaseUrl ? `database ${name} on ${new URL(server).host}` : `database ${name} on an embedded PostgreSQL`,
    url: withDatabase(server, name),
    close: async () => {
      await opened.close();
      await dropDatabase(server, name);
    },
  };
}

/** The server's version string. */
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
  const opened = await openDatabase({ databaseUrl: await benchServerUrl(), poolSize: 1 });
  try {
    return { version: await serverVersion(opened.db), roundTripMs: await roundTripMs(opened.db) };
  } finally {
    await opened.close();
  }
}
