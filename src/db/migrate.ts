import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { openDatabase, type Db, type OpenedDatabase } from './database.js';
import type { EmbeddedPostgres } from './embedded-postgres.js';

/**
 * Loads migrations/*.ts (dev, tsx) or dist/migrations/*.js (built). The folder sits two levels above
 * this file in both layouts: src/db -> migrations, dist/src/db -> dist/migrations.
 */
export const migrationsFolder = fileURLToPath(new URL('../../migrations/', import.meta.url));

class FolderMigrationProvider implements MigrationProvider {
  private loaded: Promise<Record<string, Migration>> | undefined;

  constructor(private readonly folder: string) {}

  /** Loads the files once; start it early and the modules are ready when the database is. */
  getMigrations(): Promise<Record<string, Migration>> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private async load(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.folder)).filter((f) => /^\d{4}_[\w-]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));
    const migrations: Record<string, Migration> = {};
    for (const file of files.sort()) {
      const mod = (await import(pathToFileURL(path.join(this.folder, file)).href)) as Migration;
      migrations[file.replace(/\.(ts|js)$/, '')] = { up: mod.up, ...(mod.down ? { down: mod.down } : {}) };
    }
    return migrations;
  }
}

/**
 * Kysely's migrator takes a Postgres advisory lock for the run, so replicas starting together
 * apply each migration exactly once and the others wait, then find nothing to do.
 */
export async function migrateToLatest(
  db: Db,
  folder: string | MigrationProvider = migrationsFolder,
): Promise<MigrationResultSet> {
  const provider = typeof folder === 'string' ? new FolderMigrationProvider(folder) : folder;
  const migrator = new Migrator({ db, provider });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}

/**
 * Opens the configured database (starting the embedded server if there is no DATABASE_URL, or using
 * the one `embedded` is already starting) and migrates it. The migration files load while the
 * server starts.
 */
export async function openMigratedDatabase(
  config: DatabaseConfig,
  logger: Logger,
  options: { embedded?: Promise<EmbeddedPostgres> | undefined } = {},
): Promise<OpenedDatabase> {
  const migrations = new FolderMigrationProvider(migrationsFolder);
  // Its failure surfaces from migrateToLatest below; here it must not count as unhandled.
  migrations.getMigrations().catch(() => undefined);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (err) => logger.warn({ error: err.message }, 'lost a database connection; the pool will open a new one'),
    log: logger.child({ component: 'embedded-postgres' }),
    embedded: options.embedded,
  });
  let result;
  try {
    result = await migrateToLatest(database.db, migrations);
  } catch (err) {
    await database.close();
    throw err;
  }
  const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
  logger.info({ engine: database.engine, applied }, applied.length ? 'database migrated' : 'database schema up to date');
  return database;
}
