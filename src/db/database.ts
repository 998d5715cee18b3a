import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Engine = 'postgres' | 'pglite';

export type OpenedDatabase = {
  db: Db;
  engine: Engine;
  close: () => Promise<void>;
};

const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_DATE = 1082;

/**
 * Both engines must hand the same JS values to the rest of the code: counts (int8) as numbers,
 * calendar dates as 'YYYY-MM-DD' strings (never a Date at some server-local midnight).
 */
const toNumber = (value: string) => Number(value);
const asIs = (value: string) => value;

function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === OID_INT8 || oid === OID_NUMERIC) return toNumber;
      if (oid === OID_DATE) return asIs;
      return pg.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir?: string; memory?: boolean; poolSize?: number; onConnectionError?: (err: Error) => void }): Promise<OpenedDatabase> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes(),
      // A dead server must surface as an error quickly, not as a request that hangs past Slack's 3 s.
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
    });
    // A client losing its server emits 'error' — on the pool while idle, on the client itself while
    // checked out (between two statements of a transaction, say). Unheard, either crashes the process;
    // the query in flight fails on its own and the pool throws the broken client away.
    const lost = (err: Error) => options.onConnectionError?.(err);
    pool.on('error', lost);
    pool.on('connect', (client) => client.on('error', lost));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  let dataDir: string | undefined;
  if (!options.memory) {
    dataDir = path.resolve(options.dataDir ?? './data');
    await mkdir(dataDir, { recursive: true });
  }
  const pglite = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    parsers: { [OID_INT8]: toNumber, [OID_NUMERIC]: toNumber, [OID_DATE]: asIs },
  });
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, engine: 'pglite', close: () => db.destroy() };
}
