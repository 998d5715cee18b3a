import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresLog } from './embedded-postgres.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
/** Where the database lives: a PostgreSQL server Tandem was given, or the one it runs itself in DATA_DIR. */
export type Engine = 'postgres' | 'embedded-postgres';

export type OpenedDatabase = {
  db: Db;
  engine: Engine;
  close: () => Promise<void>;
};

const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_DATE = 1082;

/**
 * Counts (int8) come back as numbers and calendar dates as 'YYYY-MM-DD' strings (never a Date at
 * some server-local midnight).
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

export type OpenDatabaseOptions = {
  /** A PostgreSQL server to use; unset: start the embedded one in dataDir. */
  databaseUrl?: string | undefined;
  dataDir?: string;
  poolSize?: number;
  onConnectionError?: (err: Error) => void;
  /** Where the embedded server reports what it does (start-up, the user it runs as). */
  log?: EmbeddedPostgresLog;
  /** The embedded server, already being started (by `tandem start`, before the rest of Tandem loads). */
  embedded?: Promise<EmbeddedPostgres> | undefined;
};

/** One trivial statement: resolves when the database answers (the health check). */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if (options.databaseUrl) return connect(options.databaseUrl, options, 'postgres', async () => undefined);
  const server = await (options.embedded ??
    startEmbeddedPostgres({ dataDir: options.dataDir ?? './data', ...(options.log ? { log: options.log } : {}) }));
  return connect(server.url, options, 'embedded-postgres', server.stop);
}

function connect(url: string, options: OpenDatabaseOptions, engine: Engine, after: () => Promise<void>): OpenedDatabase {
  const pool = new pg.Pool({
    connectionString: url,
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
  return {
    db,
    engine,
    close: async () => {
      await db.destroy();
      await after();
    },
  };
}
