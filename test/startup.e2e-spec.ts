import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server.js';
import { http } from './utils/http.js';

/**
 * The service as `npm start` runs it with no DATABASE_URL: on the embedded
 * PostgreSQL from npm, in a data folder of its own, on a free port.
 */
describe('Start-up on the embedded PostgreSQL (e2e)', () => {
  let dir: string;
  const env = () => ({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', EMBEDDED_PG_DIR: join(dir, 'pg') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'joinery-startup-'));
    // As root, PostgreSQL runs as the `postgres` user, which must reach the folder.
    await chmod(dir, 0o755);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('boots, migrates, serves, stops, and boots again on the same data folder', async () => {
    const first = await startServer(env());
    try {
      expect(first.embedded).toBeDefined();
      expect(first.embedded!.port).not.toBe(5432);
      const ready = await http(first.url, 'GET', '/health/ready');
      expect(ready.status).toBe(200);
      const docs = await http(first.url, 'GET', '/docs');
      expect(docs.status).toBe(200);
      expect(String(docs.body)).toContain('swagger');
    } finally {
      await first.stop();
    }

    const second = await startServer(env());
    try {
      const templates = await http(second.url, 'GET', '/health/ready');
      expect(templates.status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('recovers from a previous run that was killed (stale postmaster.pid)', async () => {
    const pidFile = join(dir, 'pg', 'cluster', 'postmaster.pid');
    // A pid that is not running, as left by a server killed with SIGKILL.
    const original = await readFile(join(dir, 'pg', 'cluster', 'PG_VERSION'), 'utf8');
    expect(original).toMatch(/^\d+/);
    await writeFile(pidFile, `999999\n${join(dir, 'pg', 'cluster')}\n0\n5999\n\n127.0.0.1\n0 0\nready\n`);
    const server = await startServer(env());
    try {
      expect((await http(server.url, 'GET', '/health/ready')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
