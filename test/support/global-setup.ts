import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
    postgresTemplate: string;
  }
}

/**
 * Migrating a database is the slow part of a DB test (PGlite's initdb alone takes seconds), so it is
 * done once here: a migrated PGlite folder, or a migrated PostgreSQL template database, that each
 * suite copies.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tandem-pglite-template-'));
  const opened = await openDatabase({ dataDir: dir });
  await migrateToLatest(opened.db);
  await opened.close();
  project.provide('pgliteTemplateDir', dir);

  const url = process.env.TEST_DATABASE_URL;
  let template = '';
  if (url) {
    template = `tandem_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    await admin.end();
    const pgdb = await openDatabase({ databaseUrl: withDatabase(url, template), poolSize: 2 });
    await migrateToLatest(pgdb.db);
    await pgdb.close();
  }
  project.provide('postgresTemplate', template);

  return async () => {
    await rm(dir, { recursive: true, force: true });
    if (url && template) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    }
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
