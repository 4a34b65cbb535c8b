/*
 * Group commit of CreatePlayerSession(s) (src/session/group-commit.ts, joinery_reserve_seats_batch): concurrent
 * requests on one game session are decided by one SQL call each batch, each request still all or none.
 */
import { CreatePlayerSessionCommand, CreatePlayerSessionsCommand, type GameLiftClient } from '@aws-sdk/client-gamelift';
import { gameLiftClient } from '../clients/gamelift.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { joinBatches } from '../utils/join-batches.js';
import { TestApp, TestDatabase } from '../utils/test-app.js';
import { newGameSession, outcome, uuidOf } from './gamelift-helpers.js';

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

describe('GameLift CreatePlayerSession(s) group commit (e2e)', () => {
  let db: TestDatabase;
  let first: TestApp;
  let second: TestApp;
  let clients: GameLiftClient[];

  beforeAll(async () => {
    db = await TestDatabase.create();
    [first, second] = await Promise.all([1, 2].map(() => TestApp.start(db, { DATABASE_POOL_SIZE: '12' })));
    clients = [first, second].map((s) => gameLiftClient(s.baseUrl, undefined, 100));
  });

  afterAll(async () => {
    clients?.forEach((c) => c.destroy());
    await Promise.all([first?.close(), second?.close()]);
    await db?.drop();
  });

  const seated = async (gameSessionId: string) =>
    new Set(
      (
        await db.query(`SELECT player_id FROM seat WHERE session_id = $1 AND status IN ('RESERVED', 'ACTIVE')`, [
          uuidOf(gameSessionId),
        ])
      ).map((r) => r.player_id as string),
    );

  it('fails one failing CreatePlayerSessions request alone and whole among racing ones, in batches', async () => {
    const id = await newGameSession(clients[0], first.baseUrl, { MaximumPlayerSessionCount: 100 });
    const before = await Promise.all([first, second].map((s) => joinBatches(s.baseUrl, 'reserve')));
    // A fault injected in the database: one player's seat never goes in, so the request holding them fails whole.
    await db.query(`CREATE FUNCTION gc_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.player_id = 'poison' THEN
          RAISE EXCEPTION 'injected fault' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER gc_fault BEFORE INSERT ON seat FOR EACH ROW EXECUTE FUNCTION gc_fault()`);
    // 25 requests of 4 players on 100 seats (room for all, so that every request reaches its seats), over two
    // instances; request 7 holds the poisoned player.
    const requests = Array.from({ length: 25 }, (_, b) =>
      Array.from({ length: 4 }, (_, i) => (b === 7 && i === 2 ? 'poison' : `racer-${b}-${i}`)),
    );
    let outcomes: string[];
    try {
      outcomes = await Promise.all(
        requests.map((PlayerIds, b) =>
          outcome(clients[b % 2].send(new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds }))),
        ),
      );
    } finally {
      await db.query(`DROP TRIGGER gc_fault ON seat`);
      await db.query(`DROP FUNCTION gc_fault()`);
    }
    expect(outcomes[7]).toBe('InternalServiceException');
    expect(tally(outcomes.filter((_, b) => b !== 7))).toEqual({ ok: 24 });
    const players = await seated(id);
    expect(players.size).toBe(96);
    requests.forEach((request, b) => {
      const held = request.filter((p) => players.has(p)).length;
      expect([b, held]).toEqual([b, outcomes[b] === 'ok' ? 4 : 0]);
    });
    await expectLedgerInvariants(db);

    const after = await Promise.all([first, second].map((s) => joinBatches(s.baseUrl, 'reserve')));
    const ran = after.reduce((n, a, i) => n + a.count - before[i].count, 0);
    const single = after.reduce((n, a, i) => n + a.single - before[i].single, 0);
    expect(ran).toBeGreaterThan(0);
    expect(single).toBeLessThan(ran);
  });

  it('gives a player reserved 10 times at once on each instance, among others, one player session', async () => {
    const id = await newGameSession(clients[0], first.baseUrl, { MaximumPlayerSessionCount: 20 });
    const calls = [
      ...Array.from({ length: 20 }, (_, i) => ({ player: 'eager', client: clients[i % 2] })),
      ...Array.from({ length: 15 }, (_, i) => ({ player: `other-${i}`, client: clients[i % 2] })),
    ];
    const answers = await Promise.all(
      calls.map(({ player, client }) =>
        client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: player })),
      ),
    );
    const eager = new Set(answers.slice(0, 20).map((a) => a.PlayerSession!.PlayerSessionId));
    expect(eager.size).toBe(1);
    const rows = await db.query(
      `SELECT player_id, count(*)::int AS n FROM seat WHERE session_id = $1 AND status = 'RESERVED'
        GROUP BY player_id`,
      [uuidOf(id)],
    );
    expect(rows).toHaveLength(16);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    await expectLedgerInvariants(db);
  });
});
