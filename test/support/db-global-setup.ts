import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { adminQuery, withDatabase } from './pg-admin.js';

/**
 * One PostgreSQL server for a run: the one TEST_DATABASE_URL names, or else an embedded one started in a
 * temporary folder (fsync off: it is thrown away). Migrating is the slow part of a database test, so it
 * is done once, into a template that each test file copies with CREATE DATABASE ... TEMPLATE
 * (milliseconds). Provides `postgresUrl` and `postgresTemplate` for test/support/db.ts; returns the
 * teardown.
 */
export async function provideTestDatabase(
  project: TestProject,
  options: { maxConnections: number; folderPrefix: string },
): Promise<() => Promise<void>> {
  let url = process.env.TEST_DATABASE_URL;
  let stopServer = async () => undefined as void;
  if (!url) {
    const dir = await mkdtemp(path.join(tmpdir(), options.folderPrefix));
    const server = await startEmbeddedPostgres({ dataDir: dir, durability: 'fast', maxConnections: options.maxConnections });
    url = server.urlFor('postgres');
    stopServer = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const template = `tandem_template_${process.pid}`;
  await adminQuery(url, `drop database if exists ${template}`);
  await adminQuery(url, `create database ${template}`);
  const migrated = await openDatabase({ databaseUrl: withDatabase(url, template), poolSize: 2 });
  await migrateToLatest(migrated.db);
  await migrated.close();
  project.provide('postgresUrl', url);
  project.provide('postgresTemplate', template);

  return async () => {
    await adminQuery(url, `drop database if exists ${template} with (force)`).catch(() => undefined);
    await stopServer();
  };
}

/**
 * The database alone, without compiling the CLI: for the mutation runs (vitest.mutation.config.ts),
 * where Stryker starts a Vitest per worker, and again after a mutant timed out, so start-up time is
 * paid many times. `cliDir` is not provided (no test in that run starts the CLI).
 */
export default async function setup(project: TestProject) {
  return provideTestDatabase(project, { maxConnections: 100, folderPrefix: 'tandem-mutation-pg-' });
}
