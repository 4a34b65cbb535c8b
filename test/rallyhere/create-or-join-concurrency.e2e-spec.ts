import { createOrJoin } from '../utils/sessions.js';
import { loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';
import { expectLedgerInvariants } from '../utils/invariants.js';

const PLAYERS = 200;
const SEATS = 8; // the shipped `hub` template: one team of eight, auto-join

/** Create-or-join of the shipped `hub` type. */
const joinHub = (baseUrl: string, token: string, extra: Record<string, unknown> = {}) =>
  createOrJoin(baseUrl, token, 'hub', extra);

async function loginMany(baseUrl: string, prefix: string, count: number) {
  return Promise.all(Array.from({ length: count }, (_, i) => loginPlayer(baseUrl, `${prefix}-${i}`)));
}

/** Fires all requests at once and checks the outcome: packed sessions, one seat each, counts right. */
async function expectPacked(
  db: TestDatabase,
  responses: { status: number; body: { session_id: string } }[],
  players: string[],
) {
  expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
  const sessions = await db.query(`SELECT id, player_count FROM game_session WHERE type = 'hub' AND status = 'ACTIVE'`);
  expect(sessions).toHaveLength(Math.ceil(players.length / SEATS));
  expect(sessions.filter((s) => s.player_count < SEATS).length).toBeLessThanOrEqual(1);
  const seats = await db.query(`SELECT player_id, session_id FROM seat WHERE status = 'ACTIVE'`);
  expect(seats).toHaveLength(players.length);
  expect(new Set(seats.map((s) => s.player_id))).toEqual(new Set(players));
  // Every player was told the session they actually sit in.
  const sitting = new Map(seats.map((s) => [s.player_id, s.session_id]));
  responses.forEach((r, i) => expect(r.body.session_id).toBe(sitting.get(players[i])));
  await expectLedgerInvariants(db);
}

describe('Create-or-join under concurrency (e2e)', () => {
  describe('one instance', () => {
    let db: TestDatabase;
    let service: TestApp;

    beforeAll(async () => {
      db = await TestDatabase.create();
      service = await TestApp.start(db, { DATABASE_POOL_SIZE: '40' });
    });

    afterAll(async () => {
      await service?.close();
      await db?.drop();
    });

    it(`packs ${PLAYERS} simultaneous players into ceil(${PLAYERS}/${SEATS}) sessions`, async () => {
      const players = await loginMany(service.baseUrl, 'one', PLAYERS);
      const started = Date.now();
      const responses = await Promise.all(players.map((p) => joinHub(service.baseUrl, p.access_token)));
      const elapsed = Date.now() - started;
      await expectPacked(
        db,
        responses,
        players.map((p) => p.active_player_uuid),
      );
      console.log(
        `create-or-join: ${PLAYERS} concurrent requests, ${Math.ceil(PLAYERS / SEATS)} sessions, ${elapsed} ms`,
      );
    });

    it('gives a player who asks many times at once one seat', async () => {
      const [player] = await loginMany(service.baseUrl, 'eager', 1);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => joinHub(service.baseUrl, player.access_token)),
      );
      expect(new Set(responses.map((r) => r.body.session_id)).size).toBe(1);
      const seats = await db.query(`SELECT count(*)::int AS n FROM seat WHERE player_id = $1 AND status = 'ACTIVE'`, [
        player.active_player_uuid,
      ]);
      expect(seats[0].n).toBe(1);
      await expectLedgerInvariants(db);
    });
  });

  describe('two instances sharing the database', () => {
    let db: TestDatabase;
    let first: TestApp;
    let second: TestApp;

    beforeAll(async () => {
      db = await TestDatabase.create();
      [first, second] = await Promise.all([TestApp.start(db), TestApp.start(db)]);
    });

    afterAll(async () => {
      await Promise.all([first?.close(), second?.close()]);
      await db?.drop();
    });

    it(`packs ${PLAYERS} players split across both instances`, async () => {
      const players = await loginMany(first.baseUrl, 'two', PLAYERS);
      const started = Date.now();
      const responses = await Promise.all(
        players.map((p, i) => joinHub(i % 2 === 0 ? first.baseUrl : second.baseUrl, p.access_token)),
      );
      const elapsed = Date.now() - started;
      await expectPacked(
        db,
        responses,
        players.map((p) => p.active_player_uuid),
      );
      console.log(
        `create-or-join: ${PLAYERS} concurrent requests over 2 instances, ${Math.ceil(PLAYERS / SEATS)} sessions, ${elapsed} ms`,
      );
    });
  });
});
