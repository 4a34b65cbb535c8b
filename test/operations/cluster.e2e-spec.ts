import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../utils/service-process.js';
import { http } from '../utils/http.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm run start:cluster` without DATABASE_URL: the primary starts the
 * embedded PostgreSQL once, two workers share one port, `/metrics` answers
 * for the whole cluster, and SIGTERM stops the workers and then PostgreSQL.
 */
describe('npm run start:cluster (e2e)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'joinery-cluster-'));
    // As root, PostgreSQL runs as the `postgres` user, which must reach the folder.
    await chmod(dir, 0o755);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs workers on one port over one embedded PostgreSQL, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/cluster.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        WEB_CONCURRENCY: '2',
        EMBEDDED_PG_DIR: join(dir, 'pg'),
        SWAGGER_ENABLED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!/Joinery cluster: 2 workers listening on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the cluster did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const url = `http://127.0.0.1:${port}`;
      expect((await http(url, 'GET', '/health/ready')).status).toBe(200);
      // New connections are spread over the workers; the metrics of both are summed.
      for (let i = 0; i < 10; i++) expect((await http(url, 'GET', '/health')).status).toBe(200);
      const metrics = await http<string>(url, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toMatch(
        /^http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} 10$/m,
      );
      expect(metrics.body).toMatch(/^joinery_db_pool_connections\{pool="main",state="max"\} 40$/m);

      child.kill('SIGTERM');
      await expect(exited).resolves.toBe(0);
      // The primary stopped the embedded server after the workers.
      expect(existsSync(join(dir, 'pg', 'cluster', 'postmaster.pid'))).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
