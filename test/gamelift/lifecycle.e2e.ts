import {
  CreatePlayerSessionCommand,
  CreatePlayerSessionsCommand,
  DescribeGameSessionsCommand,
  DescribePlayerSessionsCommand,
  type GameLiftClient,
} from '@aws-sdk/client-gamelift';
import { gameLiftClient, signedCall } from '../clients/gamelift.js';
import { eventually } from '../utils/eventually.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { TestApp, TestDatabase } from '../utils/test-app.js';
import { newGameSession, outcome, uuidOf } from './gamelift-helpers.js';

/** Moves a session's clock past its reservations' deadlines (instead of waiting for them). */
async function passDeadlines(db: TestDatabase, sessionId: string): Promise<void> {
  await db.query(
    `UPDATE seat SET reserved_until = now() - interval '1 millisecond'
      WHERE session_id = $1 AND status = 'RESERVED' AND reserved_until IS NOT NULL`,
    [sessionId],
  );
}

describe('Player-session lifecycle (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let client: GameLiftClient;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db, { RESERVATION_SWEEP_INTERVAL_MS: '100' });
    client = gameLiftClient(service.baseUrl);
  });

  afterAll(async () => {
    client?.destroy();
    await service?.close();
    await db?.drop();
  });

  afterEach(async () => {
    await expectLedgerInvariants(db);
  });

  const reserve = (GameSessionId: string, PlayerId: string) =>
    client.send(new CreatePlayerSessionCommand({ GameSessionId, PlayerId }));
  const call = (target: string, input: object) => signedCall(service.baseUrl, target, input);
  const statusOf = async (playerSessionId: string) =>
    (await client.send(new DescribePlayerSessionsCommand({ PlayerSessionId: playerSessionId }))).PlayerSessions![0]
      .Status;

  it('times out unaccepted seats (the sweeper frees them), keeps accepted ones, and lets new players in', async () => {
    const id = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 2 });
    const kept = (await reserve(id, 'kept')).PlayerSession!;
    const late = (await reserve(id, 'late')).PlayerSession!;
    await expect(outcome(reserve(id, 'waiting'))).resolves.toBe('GameSessionFullException');
    const accepted = await call('AcceptPlayerSession', { GameSessionId: id, PlayerSessionId: kept.PlayerSessionId });
    expect(accepted.body.PlayerSession.Status).toBe('ACTIVE');

    // Past the deadline, the sweeper itself (not a read) turns the row TIMEDOUT and gives the seat back.
    await passDeadlines(db, uuidOf(id));
    await eventually(async () => {
      const [row] = await db.query(`SELECT status FROM seat WHERE id = $1`, [late.PlayerSessionId!.slice(6)]);
      return row.status === 'TIMEDOUT';
    });
    const [session] = await db.query(`SELECT player_count FROM game_session WHERE id = $1`, [uuidOf(id)]);
    expect(session.player_count).toBe(1);
    await expect(statusOf(late.PlayerSessionId!)).resolves.toBe('TIMEDOUT');
    await expect(statusOf(kept.PlayerSessionId!)).resolves.toBe('ACTIVE');

    const timedOut = (await client.send(new DescribePlayerSessionsCommand({ PlayerSessionId: late.PlayerSessionId })))
      .PlayerSessions![0];
    expect(timedOut.TerminationTime).toBeInstanceOf(Date);

    // Accepting a timed-out seat fails; the seat went to someone else.
    const tooLate = await call('AcceptPlayerSession', { GameSessionId: id, PlayerSessionId: late.PlayerSessionId });
    expect(tooLate.body.__type).toBe('InvalidGameSessionStatusException');
    await expect(outcome(reserve(id, 'waiting'))).resolves.toBe('ok');
    await expect(outcome(reserve(id, 'another'))).resolves.toBe('GameSessionFullException');

    const game = await client.send(new DescribeGameSessionsCommand({ GameSessionId: id }));
    expect(game.GameSessions![0].CurrentPlayerSessionCount).toBe(2);
  });

  it('frees a seat when the game server removes the player', async () => {
    const id = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 1 });
    const ps = (await reserve(id, 'leaver')).PlayerSession!;
    await call('AcceptPlayerSession', { GameSessionId: id, PlayerSessionId: ps.PlayerSessionId });
    // Accepted seats have no deadline, so they never time out.
    const [accepted] = await db.query(`SELECT reserved_until FROM seat WHERE id = $1`, [ps.PlayerSessionId!.slice(6)]);
    expect(accepted.reserved_until).toBeNull();
    await db.query(`SELECT joinery_sweep_reservations(100)`);
    await expect(statusOf(ps.PlayerSessionId!)).resolves.toBe('ACTIVE');
    await expect(outcome(reserve(id, 'next'))).resolves.toBe('GameSessionFullException');
    const removed = await call('RemovePlayerSession', { GameSessionId: id, PlayerSessionId: ps.PlayerSessionId });
    expect(removed.body.PlayerSession.Status).toBe('COMPLETED');
    await expect(outcome(reserve(id, 'next'))).resolves.toBe('ok');
    // Removing again changes nothing.
    const again = await call('RemovePlayerSession', { GameSessionId: id, PlayerSessionId: ps.PlayerSessionId });
    expect(again.body.PlayerSession.Status).toBe('COMPLETED');
  });

  it('refuses new seats under DENY_ALL and while ACTIVATING', async () => {
    const id = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 5 }, false);
    await expect(outcome(reserve(id, 'early'))).resolves.toBe('InvalidGameSessionStatusException');
    await call('ActivateGameSession', { GameSessionId: id });
    await expect(outcome(reserve(id, 'early'))).resolves.toBe('ok');
    await call('UpdatePlayerSessionCreationPolicy', { GameSessionId: id, PlayerSessionCreationPolicy: 'DENY_ALL' });
    await expect(outcome(reserve(id, 'denied'))).resolves.toBe('InvalidGameSessionStatusException');
    await expect(
      outcome(client.send(new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds: ['d1', 'd2'] }))),
    ).resolves.toBe('InvalidGameSessionStatusException');
    await call('UpdatePlayerSessionCreationPolicy', { GameSessionId: id, PlayerSessionCreationPolicy: 'ACCEPT_ALL' });
    await expect(outcome(reserve(id, 'welcome'))).resolves.toBe('ok');
  });
});

describe('Reservation deadlines without the sweeper (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let client: GameLiftClient;

  beforeAll(async () => {
    db = await TestDatabase.create();
    // The sweeper would only run after a minute: joins must enforce deadlines themselves.
    service = await TestApp.start(db, { RESERVATION_SWEEP_INTERVAL_MS: '60000' });
    client = gameLiftClient(service.baseUrl);
  });

  afterAll(async () => {
    client?.destroy();
    await service?.close();
    await db?.drop();
  });

  it('shows overdue reservations as TIMEDOUT and gives their seats to new players', async () => {
    const id = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 2 });
    await client.send(new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds: ['slow-1', 'slow-2'] }));
    await passDeadlines(db, uuidOf(id));
    const [row] = await db.query(`SELECT player_count FROM game_session WHERE id = $1`, [uuidOf(id)]);
    expect(row.player_count).toBe(2);
    const described = await client.send(new DescribePlayerSessionsCommand({ GameSessionId: id }));
    expect(described.PlayerSessions!.map((p) => p.Status)).toEqual(['TIMEDOUT', 'TIMEDOUT']);
    const game = await client.send(new DescribeGameSessionsCommand({ GameSessionId: id }));
    expect(game.GameSessions![0].CurrentPlayerSessionCount).toBe(0);
    const timedOut = await client.send(
      new DescribePlayerSessionsCommand({ GameSessionId: id, PlayerSessionStatusFilter: 'TIMEDOUT' }),
    );
    expect(timedOut.PlayerSessions).toHaveLength(2);

    await client.send(new CreatePlayerSessionsCommand({ GameSessionId: id, PlayerIds: ['fast-1', 'fast-2'] }));
    const seats = await db.query(`SELECT player_id, status FROM seat WHERE session_id = $1 ORDER BY player_id`, [
      uuidOf(id),
    ]);
    expect(seats).toEqual([
      { player_id: 'fast-1', status: 'RESERVED' },
      { player_id: 'fast-2', status: 'RESERVED' },
      { player_id: 'slow-1', status: 'TIMEDOUT' },
      { player_id: 'slow-2', status: 'TIMEDOUT' },
    ]);
    await expectLedgerInvariants(db);
  });
});
