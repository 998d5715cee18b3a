import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { buildCliOnce } from './built-cli.js';
import { adminQuery, withDatabase } from './pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser connection string to the server under test (any database name; use withDatabase). */
    postgresUrl: string;
    /** A migrated database that each test database is created from. */
    postgresTemplate: string;
    /** A compiled copy of the CLI (bin/ and dist/) for tests that run `tandem` as a process. */
    cliDir: string;
  }
}

/**
 * One PostgreSQL server for the whole run: the one TEST_DATABASE_URL names, or else an embedded one
 * started here in a temporary folder (fsync off: it is thrown away). Migrating is the slow part of
 * a database test, so it is done once, into a template that each test file copies with
 * CREATE DATABASE ... TEMPLATE (milliseconds).
 */
export default async function setup(project: TestProject) {
  const cli = await buildCliOnce();
  project.provide('cliDir', cli.dir);
  let url = process.env.TEST_DATABASE_URL;
  let stopServer = async () => undefined as void;
  if (!url) {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir: dir, durability: 'fast', maxConnections: 400 });
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
    await cli.remove();
  };
}
