import { DescribePlayerSessionsCommand, type GameLiftClient, UpdateGameSessionCommand } from '@aws-sdk/client-gamelift';
import { gameLiftClient } from '../clients/gamelift.js';
import { expectLedgerInvariants } from '../utils/invariants.js';
import { http, loginAdmin, loginPlayer, TestApp, TestDatabase } from '../utils/test-app.js';
import { newGameSession, uuidOf } from '../gamelift/gamelift-helpers.js';

const PATH = '/player-session/v1/player-sessions';

describe('REST facade: POST /player-session/v1/player-sessions (e2e)', () => {
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

  const post = (body: unknown, token?: string) => http(service.baseUrl, 'POST', PATH, { body, token });

  it('reserves a seat for the calling player in the seed envelope, and gives it back when asked again', async () => {
    const arn = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 2 });
    const player = await loginPlayer(service.baseUrl, 'rest-player');
    const body = { game_session_id: arn, player_id: player.active_player_uuid, player_data: 'loadout=3' };
    const created = await post(body, player.access_token);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      success: true,
      data: {
        id: expect.stringMatching(/^psess-[0-9a-f-]{36}$/),
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        game_session_id: arn,
        fleet_id: 'fleet-joinery',
        player_id: player.active_player_uuid,
        status: 'RESERVED',
        reserved_until: expect.any(String),
        player_data: 'loadout=3',
      },
    });
    const again = await post({ ...body, game_session_id: uuidOf(arn) }, player.access_token);
    expect(again.status).toBe(201);
    expect(again.body.data.id).toBe(created.body.data.id);

    // The same seat, seen through GameLift.
    const described = await client.send(new DescribePlayerSessionsCommand({ PlayerSessionId: created.body.data.id }));
    expect(described.PlayerSessions![0]).toMatchObject({
      PlayerId: player.active_player_uuid,
      PlayerData: 'loadout=3',
    });
    await expectLedgerInvariants(db);
  });

  it('answers each failure with its code and status', async () => {
    const arn = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 1 });
    const admin = (await loginAdmin(service.baseUrl)).access_token;
    const player = await loginPlayer(service.baseUrl, 'rest-other');

    const invalid = await post({ game_session_id: 'bad id!', player_id: '', extra: 1 }, admin);
    expect(invalid.status).toBe(400);
    expect(invalid.body.success).toBe(false);
    expect(invalid.body.error).toMatchObject({ code: 'VALIDATION_ERROR', message: 'Invalid request parameters' });
    expect(invalid.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'extra',
      'game_session_id',
      'player_id',
    ]);
    const notJson = await http(service.baseUrl, 'POST', PATH, {
      rawBody: '{"game_session_id":',
      token: admin,
      headers: { 'content-type': 'application/json' },
    });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);

    const anonymous = await post({ game_session_id: arn, player_id: 'x' });
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    const someoneElse = await post({ game_session_id: arn, player_id: 'not-me' }, player.access_token);
    expect([someoneElse.status, someoneElse.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const missing = await post({ game_session_id: '0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a', player_id: 'x' }, admin);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);

    // An admin (or a game backend's client token) may reserve for any player.
    expect((await post({ game_session_id: arn, player_id: 'first' }, admin)).status).toBe(201);
    const full = await post({ game_session_id: arn, player_id: 'second' }, admin);
    expect([full.status, full.body.error.code]).toEqual([409, 'GAME_SESSION_FULL']);

    await client.send(new UpdateGameSessionCommand({ GameSessionId: arn, PlayerSessionCreationPolicy: 'DENY_ALL' }));
    const denied = await post({ game_session_id: arn, player_id: 'third' }, admin);
    expect([denied.status, denied.body.error.code]).toEqual([409, 'INVALID_GAME_SESSION_STATUS']);
    await expectLedgerInvariants(db);
  });

  it('is documented in the explorer', async () => {
    const docs = await http(service.baseUrl, 'GET', '/docs-json');
    expect(docs.status).toBe(200);
    const operation = docs.body.paths[PATH]?.post;
    expect(operation).toMatchObject({ operationId: 'create_player_session' });
    expect(Object.keys(operation.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '409']),
    );
    expect(docs.body.paths['/admin/v1/access-keys']).toBeDefined();
  });
});
