import type { TestProject } from 'vitest/node';
import { buildCliOnce } from './built-cli.js';
import { provideTestDatabase } from './db-global-setup.js';

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

/** The test database (db-global-setup.ts) and one compiled copy of the CLI for the tests that run `tandem`. */
export default async function setup(project: TestProject) {
  const cli = await buildCliOnce();
  project.provide('cliDir', cli.dir);
  const stopDatabase = await provideTestDatabase(project, { maxConnections: 400, folderPrefix: 'tandem-test-pg-' });
  return async () => {
    await stopDatabase();
    await cli.remove();
  };
}
