import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../utils/service-process.js';
import { TestDatabase } from '../utils/database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/**
 * The parent of issue 13, item 24: starts the service with its standard
 * output and error piped to itself, waits until it answers, drops its
 * database (`DROP DATABASE ... WITH (FORCE)`), sends SIGTERM to the service's
 * process group and exits at once, closing the pipes. It prints the pid.
 */
const PARENT = `
import { spawn } from 'node:child_process';
import pg from 'pg';
const { MAIN, PORT, DATABASE_URL, ADMIN_URL, DATABASE } = process.env;
const child = spawn(process.execPath, [MAIN], {
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'info', LOG_REQUESTS: 'all', HOST: '127.0.0.1',
    PORT, DATABASE_URL, SHUTDOWN_TIMEOUT_MS: '3000', SWAGGER_ENABLED: 'false', RATE_LIMIT_ENABLED: 'false',
  },
});
child.stdout.on('data', () => {});
child.stderr.on('data', () => {});
child.once('exit', (code) => { console.error('the service exited early: ' + code); process.exit(2); });
for (let i = 0; ; i++) {
  try { if ((await fetch('http://127.0.0.1:' + PORT + '/health')).status === 200) break; } catch {}
  if (i > 300) { console.error('the service did not start'); process.exit(3); }
  await new Promise((r) => setTimeout(r, 100));
}
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query('DROP DATABASE "' + DATABASE + '" WITH (FORCE)');
await admin.end();
process.kill(-child.pid, 'SIGTERM');
console.log(child.pid);
process.exit(0);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('SIGTERM stops the process whatever its state (issue 13, item 24)', () => {
  it('exits when its database was dropped and its log pipes closed', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does it first)`);
    const db = await TestDatabase.create();
    const adminUrl = process.env.JOINERY_TEST_ADMIN_URL!;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', PARENT], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        MAIN,
        PORT: String(await freePort()),
        DATABASE_URL: db.url,
        ADMIN_URL: adminUrl,
        DATABASE: db.name,
      },
    });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    parent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => parent.once('exit', resolve));
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/^\d+\n$/) });
    const pid = Number(output.trim());

    // SHUTDOWN_TIMEOUT_MS is 3 s; the poll gives up far later, so that a loaded machine cannot fail it.
    for (let waited = 0; alive(pid) && waited < 30_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stillRunning = alive(pid);
    if (stillRunning) process.kill(pid, 'SIGKILL');
    expect(stillRunning).toBe(false);
    await db.drop();
  });
});
