import {
  CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { Db } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';

export type StatementStat = { label: string; count: number; totalMs: number; maxMs: number };
/** The first statement of a shape as it was really sent (SQL and parameters), for EXPLAIN. */
export type SampledStatement = { label: string; query: CompiledQuery };

function tableOf(node: unknown): string {
  // TableNode, or AliasNode wrapping one; anything else is reported by kind.
  const n = node as { kind?: string; node?: unknown; table?: { identifier?: { name?: string } } } | undefined;
  if (n?.kind === 'AliasNode') return tableOf(n.node);
  return n?.table?.identifier?.name ?? '?';
}

/**
 * Counts and times every statement a Kysely instance runs, grouped by statement shape (verb and
 * table; raw SQL by its first words). Costs a Map lookup and two performance.now() per statement.
 */
export function createStatementStats(db: Db) {
  const stats = new Map<string, StatementStat>();
  const samples = new Map<string, CompiledQuery>();
  const started = new WeakMap<object, { label: string; at: number }>();
  const executor = db.getExecutor();

  function label(args: PluginTransformQueryArgs): string {
    const node = args.node as unknown as { kind: string; from?: { froms?: unknown[] }; into?: unknown; table?: unknown };
    switch (node.kind) {
      case 'SelectQueryNode':
        return `select ${tableOf(node.from?.froms?.[0])}`;
      case 'InsertQueryNode':
        return `insert ${tableOf(node.into)}`;
      case 'UpdateQueryNode':
        return `update ${tableOf(node.table)}`;
      case 'DeleteQueryNode':
        return `delete ${tableOf((node.from?.froms ?? [])[0])}`;
      default: {
        const text = executor.compileQuery(args.node, args.queryId).sql.replace(/\s+/g, ' ').trim();
        return `raw: ${text.slice(0, 60)}…`;
      }
    }
  }

  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      const l = label(args);
      if (!samples.has(l)) samples.set(l, executor.compileQuery(args.node, args.queryId));
      started.set(args.queryId, { label: l, at: performance.now() });
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const s = started.get(args.queryId);
      if (s) {
        const ms = performance.now() - s.at;
        const st = stats.get(s.label) ?? { label: s.label, count: 0, totalMs: 0, maxMs: 0 };
        st.count++;
        st.totalMs += ms;
        st.maxMs = Math.max(st.maxMs, ms);
        stats.set(s.label, st);
      }
      return args.result;
    },
  };

  return {
    db: db.withPlugin(plugin),
    reset: () => {
      stats.clear();
      samples.clear();
    },
    /** The first statement of each shape run since the last reset, exactly as compiled and sent. */
    sampled: (): SampledStatement[] => [...samples].map(([l, query]) => ({ label: l, query })),
    snapshot: (): StatementStat[] => [...stats.values()].map((st) => ({ ...st })).sort((a, b) => b.totalMs - a.totalMs),
  };
}

class Captured extends Error {
  constructor(readonly query: CompiledQuery) {
    super('captured');
  }
}

/**
 * A driver whose connection hands back the compiled statement instead of running it; the statements
 * before it get the canned results given (so a method can be followed to its second statement).
 */
class CapturingDriver extends DummyDriver {
  constructor(private readonly before: UnknownRow[][]) {
    super();
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const before = this.before;
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const rows = before.shift();
        if (rows) return { rows: rows as R[] };
        throw new Captured(query);
      },
      // eslint-disable-next-line require-yield
      streamQuery: async function* <R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
        throw new Captured(query);
      },
    };
  }
}

/**
 * The exact SQL (and parameters) of a statement `run` sends to the database — the first, or the one
 * after as many statements as `before` holds canned results for — compiled by Kysely's PostgreSQL
 * compiler as the real dialects do, without executing anything.
 */
export async function captureStatement(run: (db: Db) => Promise<unknown>, before: UnknownRow[][] = []): Promise<CompiledQuery> {
  const capturing = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new CapturingDriver([...before]),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  try {
    await run(capturing);
  } catch (err) {
    if (err instanceof Captured) return err.query;
    throw err;
  } finally {
    await capturing.destroy();
  }
  throw new Error('captureStatement: no statement was issued');
}

class Rollback extends Error {}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement inside a transaction that is rolled back: nothing sticks. */
export async function explainAnalyze(db: Db, query: CompiledQuery): Promise<string[]> {
  let lines: string[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      const r = await trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]),
      );
      // Long literal lists (e.g. 500 ids) are cut; the plan's shape is what matters.
      lines = r.rows.map((row) => (row['QUERY PLAN'].length > 300 ? `${row['QUERY PLAN'].slice(0, 300)}…` : row['QUERY PLAN']));
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return lines;
}
