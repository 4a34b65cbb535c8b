import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { eventually } from './eventually.js';
import { freePort } from './service-process.js';

/**
 * The `pgbouncer` program: `PGBOUNCER` when set, else the first on PATH, else Debian's /usr/sbin/pgbouncer
 * (not on a non-root user's PATH). Missing, the test fails saying what to install: `.ci/run` installs it.
 */
export function pgbouncerBinary(): string {
  const candidates = process.env.PGBOUNCER
    ? [process.env.PGBOUNCER]
    : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin'].map((dir) => join(dir, 'pgbouncer'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(
    "pgbouncer not found (PATH, /usr/sbin): install Debian's package (apt-get install pgbouncer; .ci/run does) " +
      'or set PGBOUNCER to the program',
  );
}

/** A libpq connection-string value, quoted. */
const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * A PgBouncer of the test's own: its configuration in a temporary folder, its own loopback port, in front of one
 * database of the test server, in transaction pooling mode with a small pool. Clients connect without a password
 * (`auth_type = any`, loopback only); PgBouncer logs in to PostgreSQL as the test URL's user. Stopped by its pid.
 */
export class PgBouncer {
  private readonly output: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    readonly database: string,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    }
  }

  /** Starts one for the database of `databaseUrl` (which must reach PostgreSQL directly). */
  static async start(databaseUrl: string, settings: { poolSize: number }): Promise<PgBouncer> {
    const binary = pgbouncerBinary();
    const target = new URL(databaseUrl);
    const database = decodeURIComponent(target.pathname.slice(1));
    const dir = await mkdtemp(join(tmpdir(), 'joinery-pgbouncer-'));
    const port = await freePort();
    const server = [
      `host=${quoted(target.hostname)}`,
      `port=${target.port || '5432'}`,
      `dbname=${quoted(database)}`,
      `user=${quoted(decodeURIComponent(target.username || 'postgres'))}`,
      ...(target.password ? [`password=${quoted(decodeURIComponent(target.password))}`] : []),
    ].join(' ');
    const config = [
      '[databases]',
      `${database} = ${server}`,
      '',
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      `default_pool_size = ${settings.poolSize}`,
      `max_db_connections = ${settings.poolSize}`,
      'max_client_conn = 500',
      // PgBouncer refuses to run as root; as root (CI) it drops to an unprivileged user after reading this file.
      ...(process.getuid?.() === 0 ? ['user = nobody'] : []),
      '',
    ].join('\n');
    const file = join(dir, 'pgbouncer.ini');
    await writeFile(file, config, { mode: 0o600 });
    await chmod(dir, 0o700);
    const child = spawn(binary, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const bouncer = new PgBouncer(child, dir, port, database);
    try {
      await eventually(async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`pgbouncer exited at start:\n${bouncer.log()}`);
        }
        const client = new pg.Client({ connectionString: bouncer.url, connectionTimeoutMillis: 1_000 });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } catch {
          return false;
        } finally {
          await client.end().catch(() => undefined);
        }
      }, 10_000);
    } catch (error) {
      await bouncer.stop();
      throw error;
    }
    return bouncer;
  }

  /** The database through PgBouncer. */
  get url(): string {
    return `postgres://pgbouncer-client@127.0.0.1:${this.port}/${encodeURIComponent(this.database)}`;
  }

  /** A statement on PgBouncer's admin console (`SHOW POOLS`, `SHOW STATS`...). */
  async admin<T = Record<string, unknown>>(command: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: `postgres://pgbouncer@127.0.0.1:${this.port}/pgbouncer` });
    await client.connect();
    try {
      return (await client.query(command)).rows as T[];
    } finally {
      await client.end();
    }
  }

  log(): string {
    return this.output.join('').split('\n').slice(-40).join('\n');
  }

  /** Stops it by its pid (SIGKILL after 5 s) and removes its folder. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      process.kill(this.child.pid!, 'SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
