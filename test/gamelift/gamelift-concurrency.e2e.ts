import { CreatePlayerSessionCommand, CreatePlayerSessionsCommand, type GameLiftClient } from '@aws-sdk/client-gamelift';
import { gameLiftClient } from '../clients/gamelift.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { TestApp, TestDatabase } from '../utils/test-app.js';
import { newGameSession, outcome, uuidOf } from './gamelift-helpers.js';

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

describe('GameLift seats under concurrency (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let client: GameLiftClient;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db, { DATABASE_POOL_SIZE: '40' });
    client = gameLiftClient(service.baseUrl, undefined, 300);
  });

  afterAll(async () => {
    client?.destroy();
    await service?.close();
    await db?.drop();
  });

  it('gives 300 simultaneous CreatePlayerSession calls on 200 seats exactly 200 seats and 100 GameSessionFullException', async () => {
    const id = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 200 });
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: `racer-${i}` }))),
      ),
    );
    const elapsed = Date.now() - started;
    expect(tally(outcomes)).toEqual({ ok: 200, GameSessionFullException: 100 });
    const seats = await db.query(`SELECT status, count(*)::int AS n FROM seat WHERE session_id = $1 GROUP BY status`, [
      uuidOf(id),
    ]);
    expect(seats).toEqual([{ status: 'RESERVED', n: 200 }]);
    const [session] = await db.query(`SELECT player_count, max_players FROM game_session WHERE id = $1`, [uuidOf(id)]);
    expect(session).toEqual({ player_count: 200, max_players: 200 });
    await expectLedgerInvariants(db);
    console.log(`CreatePlayerSession: 300 concurrent calls on 200 seats in ${elapsed} ms`);
  });

  it('never half-fills a CreatePlayerSessions batch racing for the last seats', async () => {
    const id = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 20 });
    await client.send(
      new CreatePlayerSessionsCommand({
        GameSessionId: id,
        PlayerIds: Array.from({ length: 12 }, (_, i) => `early-${i}`),
      }),
    );
    // 8 seats left; 12 batches of 3 race for them: two fit, no batch may be split.
    const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 3 }, (_, i) => `batch-${b}-${i}`));
    const outcomes = await Promise.all(
      batches.map((PlayerIds) =>
        outcome(client.send(new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds }))),
      ),
    );
    expect(tally(outcomes)).toEqual({ ok: 2, GameSessionFullException: 10 });
    const seated = new Set(
      (
        await db.query(`SELECT player_id FROM seat WHERE session_id = $1 AND status IN ('RESERVED', 'ACTIVE')`, [
          uuidOf(id),
        ])
      ).map((r) => r.player_id as string),
    );
    batches.forEach((players, b) => {
      const held = players.filter((p) => seated.has(p)).length;
      expect([b, held]).toEqual([b, outcomes[b] === 'ok' ? 3 : 0]);
    });
    expect(seated.size).toBe(18);
    await expectLedgerInvariants(db);
  });

  it('fills a session exactly when single reservations and batches race together', async () => {
    const id = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 50 });
    const singles = Array.from({ length: 60 }, (_, i) =>
      outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: `single-${i}` }))),
    );
    const batches = Array.from({ length: 10 }, (_, b) =>
      outcome(
        client.send(
          new CreatePlayerSessionsCommand({
            GameSessionId: id,
            PlayerIds: Array.from({ length: 5 }, (_, i) => `mixed-${b}-${i}`),
          }),
        ),
      ),
    );
    const outcomes = await Promise.all([...singles, ...batches]);
    expect(outcomes.every((o) => o === 'ok' || o === 'GameSessionFullException')).toBe(true);
    const singleSeats = outcomes.slice(0, 60).filter((o) => o === 'ok').length;
    const batchSeats = outcomes.slice(60).filter((o) => o === 'ok').length * 5;
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM seat WHERE session_id = $1 AND status IN ('RESERVED', 'ACTIVE')`,
      [uuidOf(id)],
    );
    expect(n).toBe(singleSeats + batchSeats);
    expect(n).toBeLessThanOrEqual(50);
    expect(n).toBeGreaterThan(45);
    await expectLedgerInvariants(db);
  });
});
