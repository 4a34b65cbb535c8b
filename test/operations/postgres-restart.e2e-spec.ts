import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import {
  type EmbeddedPostgresHandle,
  freePort,
  processAlive,
  startEmbeddedPostgres,
} from '../../src/database/embedded-postgres.js';
import { ledgerViolations } from '../../bench/lib/invariants.js';
import { http, loginPlayer, TestApp } from '../utils/test-app.js';

const BODY = {
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  session_type: 'hub',
};

interface Answer {
  player: string;
  status: number;
  body: any;
  ms: number;
  at: number;
}

/**
 * PostgreSQL restarted under load, on the same port and data folder: a fast
 * shutdown (sessions terminated, queries cut mid-flight) and then an
 * immediate one (no goodbye; crash recovery at the next start). Requests
 * fail fast with RallyHere's 503 while it is down, the service recovers by
 * itself, and no seat is lost or duplicated.
 */
describe('PostgreSQL restarted under load (e2e)', () => {
  let dir: string;
  let port: number;
  let database: EmbeddedPostgresHandle;
  let service: TestApp;

  const start = () => startEmbeddedPostgres({ dir: join(dir, 'pg'), port });

  /** Stops the embedded server with a signal to its postmaster, as an operator or a crash would. */
  async function stopPostgres(signal: 'SIGINT' | 'SIGQUIT'): Promise<void> {
    const pid = Number((await readFile(join(dir, 'pg', 'cluster', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, signal);
    for (let waited = 0; processAlive(pid) && waited < 10_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'joinery-restart-'));
    // As root, PostgreSQL runs as the `postgres` user, which must reach the folder.
    await chmod(dir, 0o755);
    port = await freePort();
    database = await start();
    service = await TestApp.startOn(database.url, { DATABASE_POOL_SIZE: '8' });
  });

  afterAll(async () => {
    await service?.close();
    await database?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 while it is down, recovers alone, and keeps every seat exactly once', async () => {
    const players = await Promise.all(Array.from({ length: 600 }, (_, i) => loginPlayer(service.baseUrl, `r-${i}`)));
    const answers: Answer[] = [];
    const began = performance.now();
    let next = 0;
    let running = true;
    const loop = async () => {
      while (running && next < players.length) {
        const player = players[next++];
        const started = performance.now();
        const result = await http(service.baseUrl, 'POST', '/session/v1/session', {
          token: player.access_token,
          body: BODY,
        });
        answers.push({
          player: player.active_player_uuid,
          status: result.status,
          body: result.body,
          ms: performance.now() - started,
          at: performance.now() - began,
        });
        // Paced, so that the players last through both outages and the recovery.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, loop));

    const outages: { from: number; to: number }[] = [];
    for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const from = performance.now() - began;
      await stopPostgres(signal);
      await new Promise((resolve) => setTimeout(resolve, 400));
      database = await start();
      outages.push({ from, to: performance.now() - began });
    }
    // Requests go on after the second restart until the players run out (or 4 s).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const recovered = performance.now() - began;
    await Promise.race([load, new Promise((resolve) => setTimeout(resolve, 4_000))]);
    running = false;
    await load;

    // Only successes and fast, retryable refusals in RallyHere's shape: never a 500.
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.body).toEqual({ auth_success: true, error_code: 'service_unavailable', desc: expect.any(String) });
      expect(answer.ms).toBeLessThan(3_000);
    }
    // Every refusal happened around an outage, and the service answers again by itself afterwards.
    for (const answer of refused) {
      expect(outages.some((o) => answer.at - answer.ms >= o.from - 100 && answer.at - answer.ms <= o.to + 1_500)).toBe(
        true,
      );
    }
    const after = answers.filter((a) => a.at - a.ms > recovered);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((a) => a.status === 200)).toBe(true);

    // Players who were refused ask again and get a seat; those who had one get the same one back.
    const answered = new Map<string, string>();
    for (const answer of answers) if (answer.status === 200) answered.set(answer.player, answer.body.session_id);
    const asked = new Set(answers.map((a) => a.player));
    for (const player of players.filter((p) => asked.has(p.active_player_uuid))) {
      const again = await http(service.baseUrl, 'POST', '/session/v1/session', {
        token: player.access_token,
        body: BODY,
      });
      expect(again.status).toBe(200);
      const before = answered.get(player.active_player_uuid);
      if (before) expect(again.body.session_id).toBe(before);
      answered.set(player.active_player_uuid, again.body.session_id);
    }

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const query = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows;
      await expect(ledgerViolations(query)).resolves.toEqual({});
      const seats = await query(
        `SELECT s.player_id, s.session_id::text AS session_id FROM seat s JOIN game_session g ON g.id = s.session_id
          WHERE g.type = 'hub' AND s.status = 'ACTIVE'`,
      );
      // Exactly one seat per player who asked, in the session they were told.
      expect(seats).toHaveLength(answered.size);
      expect(new Map(seats.map((s) => [s.player_id, s.session_id]))).toEqual(answered);
    } finally {
      await client.end();
    }
  });
});
