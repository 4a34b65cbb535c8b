import { CreatePlayerSessionCommand, type GameLiftClient } from '@aws-sdk/client-gamelift';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { MIGRATION_LOCK_KEY, migrateWithLock } from '../../src/database/migrate.js';
import { checksumOf, sqlFunctionFiles } from '../../src/database/sql-functions.js';
import { gameLiftClient } from '../clients/gamelift.js';
import { newGameSession, outcome, uuidOf } from '../gamelift/gamelift-helpers.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { PgBouncer } from '../utils/pgbouncer.js';
import { createOrJoin } from '../utils/sessions.js';
import { SseClient } from '../utils/sse.js';
import { loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';

/** PgBouncer's server connections to PostgreSQL: what all three instances' pools (3 × 10) share. */
const SERVER_CONNECTIONS = 4;
const PLAYERS = 60; // hub players, each asking twice at once through two instances: 8 sessions, one part-full
const HUB_SEATS = 8;
const WATCHED_SEATS = 8; // a team-4v4 session: the watcher and seven players who join it
const GAMELIFT_SEATS = 40;
const GAMELIFT_CALLS = 60;

/** The settings docs/scaling.md gives for DATABASE_URL through PgBouncer 1.18 (Debian 12) in transaction mode. */
const behindPgBouncer = (bouncer: PgBouncer, db: TestDatabase) => ({
  DATABASE_URL: bouncer.url,
  DATABASE_DIRECT_URL: db.url,
  DATABASE_PREPARED_STATEMENTS: 'false',
  DATABASE_STATEMENT_TIMEOUT_MS: '0',
  DATABASE_POOL_SIZE: '8',
  DATABASE_READ_POOL_SIZE: '2',
});

/**
 * Issue 12 item 5: the service behind PgBouncer in transaction pooling mode (Debian's package, started here
 * from a configuration this test writes). Migrations take their lock through it; three instances serve
 * concurrent create-or-joins and GameLift CreatePlayerSession calls through a pool of four server connections;
 * session events still reach a player streaming from another instance (LISTEN goes over DATABASE_DIRECT_URL).
 */
describe('Behind PgBouncer, transaction pooling (e2e)', () => {
  let db: TestDatabase;
  let bouncer: PgBouncer;

  beforeAll(async () => {
    db = await TestDatabase.create();
    bouncer = await PgBouncer.start(db.url, { poolSize: SERVER_CONNECTIONS });
  });

  afterAll(async () => {
    await bouncer?.stop();
    await db?.drop();
  });

  it('migrates through it: instances starting together apply a change once, and no lock is left behind', async () => {
    const sources = await Promise.all(
      [1, 2, 3].map(() =>
        new DataSource({
          ...dataSourceOptions({ url: bouncer.url, poolSize: 2, statementTimeoutMs: 0 }),
          logging: false,
        }).initialize(),
      ),
    );
    try {
      // The function files "changed" since the last start: each instance finds work to do.
      await db.query(`UPDATE sql_functions_applied SET checksum = 'stale' WHERE id = 1`);
      const results = await Promise.all(sources.map((source) => migrateWithLock(source)));
      expect(results.map((r) => r.migrations)).toEqual([[], [], []]);
      expect(results.filter((r) => r.functions)).toHaveLength(1);
      const [{ checksum }] = await db.query(`SELECT checksum FROM sql_functions_applied WHERE id = 1`);
      expect(checksum).toBe(checksumOf(await sqlFunctionFiles()));
      // A session lock taken through the pooler would still be held by one of its server connections. Only this
      // database's: the files running beside this one migrate their own databases under the same key.
      const locks = await db.query(
        `SELECT pid FROM pg_locks
          WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND objsubid = 1
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [MIGRATION_LOCK_KEY],
      );
      expect(locks).toEqual([]);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });

  describe('three instances', () => {
    let apps: TestApp[];
    let gamelift: GameLiftClient[];

    beforeAll(async () => {
      apps = await Promise.all([1, 2, 3].map(() => TestApp.startOn(bouncer.url, behindPgBouncer(bouncer, db))));
      gamelift = apps.map((app) => gameLiftClient(app.baseUrl, undefined, 100));
    });

    afterAll(async () => {
      for (const client of gamelift ?? []) client.destroy();
      await Promise.all((apps ?? []).map((app) => app.close()));
    });

    it('seat everyone once under concurrent create-or-joins and CreatePlayerSession calls, and stream events across instances', async () => {
      const at = (i: number) => apps[i % apps.length];
      const players = await Promise.all(
        Array.from({ length: PLAYERS }, (_, i) => loginPlayer(at(i).baseUrl, `bouncer-${i}`)),
      );
      // A watcher in a team-4v4 session, streaming from another instance than the ones its mates join through.
      const [watcher, ...mates] = await Promise.all(
        Array.from({ length: WATCHED_SEATS }, (_, i) => loginPlayer(at(i).baseUrl, `watch-${i}`)),
      );
      const [{ id: start }] = await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM session_event`);
      const watched = await createOrJoin(apps[0].baseUrl, watcher.access_token, 'team-4v4');
      expect(watched.status).toBe(200);
      // One stream of the watcher's on each instance: each instance LISTENs, and each stream gets every event.
      const streams = await Promise.all(
        apps.map((app) =>
          SseClient.open(`${app.baseUrl}/session/v1/player/me/session/events`, watcher.access_token, start),
        ),
      );
      expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
      const gameSession = await newGameSession(gamelift[0], apps[0].baseUrl, {
        MaximumPlayerSessionCount: GAMELIFT_SEATS,
      });

      // Everything at once: each hub player twice (two instances), the watcher's mates, the GameLift calls.
      const [hub, watch, reservations] = await Promise.all([
        Promise.all(
          players.flatMap((p, i) => [
            createOrJoin(at(i).baseUrl, p.access_token, 'hub'),
            createOrJoin(at(i + 1).baseUrl, p.access_token, 'hub'),
          ]),
        ),
        Promise.all(mates.map((p, i) => createOrJoin(at(i + 2).baseUrl, p.access_token, 'team-4v4'))),
        Promise.all(
          Array.from({ length: GAMELIFT_CALLS }, (_, i) =>
            outcome(
              gamelift[i % gamelift.length].send(
                new CreatePlayerSessionCommand({ GameSessionId: gameSession, PlayerId: `bouncer-gl-${i}` }),
              ),
            ),
          ),
        ),
      ]);

      // Create-or-join: every answer 200, a player's two answers the same session, sessions packed.
      expect(hub.filter((r) => r.status !== 200).map((r) => [r.status, r.body])).toEqual([]);
      expect(watch.map((r) => r.status)).toEqual(mates.map(() => 200));
      players.forEach((_, i) => expect(hub[2 * i + 1].body.session_id).toBe(hub[2 * i].body.session_id));
      expect(new Set(watch.map((r) => r.body.session_id))).toEqual(new Set([watched.body.session_id]));
      const seats = await db.query<{ player_id: string; session_id: string }>(
        `SELECT s.player_id, s.session_id FROM seat s JOIN game_session g ON g.id = s.session_id
          WHERE g.type = 'hub' AND s.status IN ('RESERVED', 'ACTIVE')`,
      );
      expect(seats).toHaveLength(PLAYERS);
      expect(new Set(seats.map((s) => s.player_id))).toEqual(new Set(players.map((p) => p.active_player_uuid)));
      const sitting = new Map(seats.map((s) => [s.player_id, s.session_id]));
      players.forEach((p, i) => expect(hub[2 * i].body.session_id).toBe(sitting.get(p.active_player_uuid)));
      const sessions = await db.query<{ player_count: number }>(
        `SELECT player_count FROM game_session WHERE type = 'hub' AND status = 'ACTIVE'`,
      );
      expect(sessions).toHaveLength(Math.ceil(PLAYERS / HUB_SEATS));
      expect(sessions.filter((s) => s.player_count < HUB_SEATS).length).toBeLessThanOrEqual(1);

      // CreatePlayerSession: exactly the seats there are, the rest refused as GameLift does.
      const tally: Record<string, number> = {};
      for (const o of reservations) tally[o] = (tally[o] ?? 0) + 1;
      expect(tally).toEqual({ ok: GAMELIFT_SEATS, GameSessionFullException: GAMELIFT_CALLS - GAMELIFT_SEATS });
      const [reserved] = await db.query(
        `SELECT count(*)::int AS n FROM seat WHERE session_id = $1 AND status = 'RESERVED'`,
        [uuidOf(gameSession)],
      );
      expect(reserved.n).toBe(GAMELIFT_SEATS);
      await expectLedgerInvariants(db);

      // Each of the watcher's streams got exactly their events, in commit order (NOTIFY woke them).
      const expected = (
        await db.query<{ id: string }>(
          `SELECT id::text AS id FROM session_event WHERE $1 = ANY (recipients) AND id > $2::bigint ORDER BY id`,
          [watcher.active_player_uuid, start],
        )
      ).map((r) => r.id);
      expect(expected.length).toBeGreaterThanOrEqual(WATCHED_SEATS);
      for (const stream of streams) {
        await stream.waitFor(expected.length);
        expect(stream.events.map((e) => e.id)).toEqual(expected);
        expect(stream.events.filter((e) => e.data.kind === 'joined')).toHaveLength(WATCHED_SEATS);
      }
      for (const stream of streams) stream.close();
      // LISTEN is on PostgreSQL itself, one connection per instance; the pools go through PgBouncer.
      const notifiers = await db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'joinery-notifier'`,
      );
      expect(notifiers).toEqual([{ n: apps.length }]);

      // The traffic went through PgBouncer, on its few server connections.
      const [stats] = (await bouncer.admin<{ database: string; total_xact_count: string }>('SHOW STATS')).filter(
        (row) => row.database === bouncer.database,
      );
      expect(Number(stats.total_xact_count)).toBeGreaterThan(hub.length + watch.length + reservations.length);
      const [{ n: backends }] = await db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'joinery-notifier'`,
      );
      expect(backends).toBeLessThanOrEqual(SERVER_CONNECTIONS);
      console.log(
        `behind PgBouncer: ${hub.length + watch.length} create-or-joins and ${reservations.length} CreatePlayerSession ` +
          `over 3 instances, ${stats.total_xact_count} transactions on ${SERVER_CONNECTIONS} server connections`,
      );
    });
  });
});
