import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

/** The local server of a development machine or CI (trust auth); used when it answers. */
export const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchPostgres {
  /** A URL with the right to create databases. */
  adminUrl: string;
  source: 'BENCH_DATABASE_URL' | 'local server' | 'embedded';
  stop(): Promise<void>;
}

export async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `BENCH_DATABASE_URL`, else the server on 127.0.0.1:5432 when it answers, else an embedded one in a temp
 * folder (`BENCH_DATABASE=embedded` forces it).
 */
export async function findPostgres(env: Record<string, string | undefined>): Promise<BenchPostgres> {
  const forceEmbedded = env.BENCH_DATABASE === 'embedded';
  if (env.BENCH_DATABASE_URL && !forceEmbedded) {
    return { adminUrl: env.BENCH_DATABASE_URL, source: 'BENCH_DATABASE_URL', stop: async () => undefined };
  }
  if (!forceEmbedded && (await answers(LOCAL_SERVER)))
    return { adminUrl: LOCAL_SERVER, source: 'local server', stop: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'joinery-bench-pg-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach the folder.
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres({ dir, port: 0, database: 'postgres' });
  return {
    adminUrl: embedded.url,
    source: 'embedded',
    stop: async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database (the service migrates it when it starts) and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
