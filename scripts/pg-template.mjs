// The root postinstall (`npm ci`, `npm install`): makes the embedded PostgreSQL's template cluster once
// per install, in node_modules/.cache/tandem/, so that a first `npm start` copies it instead of running
// initdb. The work is `tandem db-template` (src/db/embedded-postgres.ts, the same code and the same
// unprivileged user as a start); this file only runs it and never fails the install: whatever goes
// wrong, it prints one line and exits 0, and the first start then runs initdb as before.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tandem = fileURLToPath(new URL('../bin/tandem.js', import.meta.url));
const fallback = 'the first start will create its PostgreSQL cluster with initdb';

function main() {
  if (!existsSync(tandem)) return `tandem: no bin/tandem.js here, so no embedded PostgreSQL template; ${fallback}.`;
  const env = { ...process.env };
  delete env.TANDEM_RUN;
  const run = spawnSync(process.execPath, [tandem, 'db-template'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last = (text) => (text ?? '').trim().split('\n').filter(Boolean).pop()?.trim() ?? '';
  if (run.status === 0) return last(run.stdout) || 'tandem: made the embedded PostgreSQL template.';
  const why = run.error?.message ?? (last(run.stderr) || last(run.stdout) || `exit ${run.status ?? run.signal}`);
  return `tandem: could not make the embedded PostgreSQL template (${why}); ${fallback}.`;
}

let line;
try {
  line = main();
} catch (err) {
  line = `tandem: could not make the embedded PostgreSQL template (${err instanceof Error ? err.message : String(err)}); ${fallback}.`;
}
process.stdout.write(`${line}\n`);
process.exitCode = 0;
