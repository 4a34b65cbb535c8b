import {
  CreatePlayerSessionCommand,
  CreatePlayerSessionsCommand,
  DescribeGameSessionsCommand,
  DescribePlayerSessionsCommand,
  type GameLiftClient,
  UpdateGameSessionCommand,
} from '@aws-sdk/client-gamelift';
import { stableUuid } from '../../src/common/ids.js';
import { FLEET_ID, gameLiftClient } from '../clients/gamelift.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';
import { newGameSession, outcome, uuidOf } from './gamelift-helpers.js';

const createOrJoin = (baseUrl: string, token: string, sessionType = 'hub') =>
  http(baseUrl, 'POST', '/session/v1/session', {
    token,
    body: {
      client_version: '1.0.0',
      client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
      session_type: sessionType,
    },
  });

describe('One seat ledger seen through RallyHere and GameLift (e2e)', () => {
  let db: TestDatabase;
  let service: TestApp;
  let client: GameLiftClient;

  beforeAll(async () => {
    db = await TestDatabase.create();
    service = await TestApp.start(db);
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

  it('shows a RallyHere create-or-join session through DescribeGameSessions with its seats, and shares its capacity', async () => {
    const players = await Promise.all([0, 1].map((i) => loginPlayer(service.baseUrl, `cross-rh-${i}`)));
    const joined = await Promise.all(players.map((p) => createOrJoin(service.baseUrl, p.access_token)));
    expect(joined.map((r) => r.status)).toEqual([200, 200]);
    const sessionId = joined[0].body.session_id as string;
    expect(joined[1].body.session_id).toBe(sessionId);

    const { GameSessions } = await client.send(new DescribeGameSessionsCommand({ GameSessionId: sessionId }));
    expect(GameSessions).toHaveLength(1);
    const arn = GameSessions![0].GameSessionId!;
    expect(arn).toBe(`arn:aws:gamelift:us-east-1::gamesession/${FLEET_ID}/${sessionId}`);
    expect(GameSessions![0]).toMatchObject({
      FleetId: FLEET_ID,
      Status: 'ACTIVE',
      CurrentPlayerSessionCount: 2,
      MaximumPlayerSessionCount: 8,
      PlayerSessionCreationPolicy: 'ACCEPT_ALL',
    });
    const fleet = await client.send(new DescribeGameSessionsCommand({ FleetId: FLEET_ID }));
    expect(fleet.GameSessions!.map((g) => g.GameSessionId)).toContain(arn);

    const { PlayerSessions } = await client.send(new DescribePlayerSessionsCommand({ GameSessionId: arn }));
    expect(PlayerSessions!.map((p) => [p.PlayerId, p.Status]).sort()).toEqual(
      players.map((p) => [p.active_player_uuid, 'ACTIVE']).sort(),
    );
    expect(PlayerSessions!.every((p) => /^psess-/.test(p.PlayerSessionId!))).toBe(true);

    // GameLift seats fill the same eight places RallyHere players use.
    await client.send(
      new CreatePlayerSessionsCommand({
        GameSessionId: arn,
        PlayerIds: ['gl-1', 'gl-2', 'gl-3', 'gl-4', 'gl-5', 'gl-6'],
      }),
    );
    await expect(
      outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: arn, PlayerId: 'gl-7' }))),
    ).resolves.toBe('GameSessionFullException');
    const third = await loginPlayer(service.baseUrl, 'cross-rh-2');
    const rejoin = await createOrJoin(service.baseUrl, third.access_token);
    expect(rejoin.status).toBe(200);
    expect(rejoin.body.session_id).not.toBe(sessionId);

    // A session of several teams keeps its capacity per team.
    const teamPlayer = await loginPlayer(service.baseUrl, 'cross-team');
    const teams = await createOrJoin(service.baseUrl, teamPlayer.access_token, 'team-4v4');
    await expect(
      outcome(
        client.send(
          new UpdateGameSessionCommand({ GameSessionId: teams.body.session_id, MaximumPlayerSessionCount: 10 }),
        ),
      ),
    ).resolves.toBe('InvalidRequestException');
    const seated = await client.send(
      new CreatePlayerSessionsCommand({ GameSessionId: teams.body.session_id, PlayerIds: ['t-a', 't-b', 't-c'] }),
    );
    expect(seated.PlayerSessions).toHaveLength(3);
    const perTeam = await db.query(
      `SELECT team_id, player_count FROM session_team WHERE session_id = $1 ORDER BY team_id`,
      [teams.body.session_id],
    );
    expect(perTeam).toEqual([
      { team_id: 0, player_count: 2 },
      { team_id: 1, player_count: 2 },
    ]);
  });

  it('shows a GameLift game session with reserved seats through the RallyHere session API', async () => {
    const arn = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 6, Name: 'from-gamelift' });
    const id = uuidOf(arn);
    const player = await loginPlayer(service.baseUrl, 'cross-gl-member');
    await client.send(
      new CreatePlayerSessionsCommand({ GameSessionId: arn, PlayerIds: ['steam-123', player.active_player_uuid] }),
    );

    const asMember = await http(service.baseUrl, 'GET', `/session/v1/session/${id}`, { token: player.access_token });
    expect(asMember.status).toBe(200);
    expect(asMember.body).toMatchObject({ session_id: id, type: FLEET_ID });
    expect(asMember.body.teams).toHaveLength(1);
    expect(asMember.body.teams[0].max_size).toBe(6);
    expect(asMember.body.teams[0].players.map((p: { player_uuid: string }) => p.player_uuid).sort()).toEqual(
      [stableUuid('gamelift-player:steam-123'), player.active_player_uuid].sort(),
    );

    const admin = await loginAdmin(service.baseUrl);
    const asAdmin = await http(service.baseUrl, 'GET', `/session/v1/session/${id}`, { token: admin.access_token });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.teams[0].players).toHaveLength(2);

    // Not yet activated: RallyHere does not show it.
    const activating = uuidOf(await newGameSession(client, service.baseUrl, {}, false));
    const hidden = await http(service.baseUrl, 'GET', `/session/v1/session/${activating}`, {
      token: admin.access_token,
    });
    expect(hidden.status).toBe(404);
  });
});
