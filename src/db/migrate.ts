import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { openDatabase, type Db, type OpenedDatabase } from './database.js';

/**
 * Loads migrations/*.ts (dev, tsx) or dist/migrations/*.js (built). The folder sits two levels above
 * this file in both layouts: src/db -> migrations, dist/src/db -> dist/migrations.
 */
export const migrationsFolder = fileURLToPath(new URL('../../migrations/', import.meta.url));

class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
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
export async function migrateToLatest(db: Db, folder = migrationsFolder): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: new FolderMigrationProvider(folder) });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}

/** Opens the configured database (starting the embedded server if there is no DATABASE_URL) and migrates it. */
export async function openMigratedDatabase(config: DatabaseConfig, logger: Logger): Promise<OpenedDatabase> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (err) => logger.warn({ error: err.message }, 'lost a database connection; the pool will open a new one'),
    log: logger.child({ component: 'embedded-postgres' }),
  });
  let result;
  try {
    result = await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
  logger.info({ engine: database.engine, applied }, applied.length ? 'database migrated' : 'database schema up to date');
  return database;
}
