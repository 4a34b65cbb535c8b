import { CreateGameSessionCommand, type GameLiftClient } from '@aws-sdk/client-gamelift';
import { FLEET_ID, gameLiftClient } from '../clients/gamelift.js';
import type { TestGameServer } from '../clients/game-server-sdk.js';
import { TestDatabase } from '../utils/database.js';
import { eventually, readyServer, registerHost, type SdkInstance, startSdkInstances } from './game-servers-helpers.js';

/**
 * Auth tokens expire (here after 5 s): before a socket's token does, Joinery
 * pushes RefreshConnection with a new token and its own endpoint; the game
 * server opens a new socket with it (as the SDKs do) and carries on there.
 */
describe('Game server token refresh (e2e)', () => {
  let db: TestDatabase;
  let instance: SdkInstance;
  let client: GameLiftClient;
  let server: TestGameServer | undefined;

  beforeAll(async () => {
    db = await TestDatabase.create();
    [instance] = await startSdkInstances(db.url, 1, {
      GAMELIFT_COMPUTE_TOKEN_TTL_SECONDS: '5',
      GAMELIFT_PROCESS_UNHEALTHY_SECONDS: '30',
      GAMELIFT_ACTIVATION_TIMEOUT_SECONDS: '30',
    });
    client = gameLiftClient(instance.service.url);
  });

  afterAll(async () => {
    server?.destroy();
    client?.destroy();
    await instance?.service.stop();
    await db?.drop();
  });

  it('moves a process to a new token and socket before its token expires', async () => {
    const host = await registerHost(client, 'refresh-host');
    server = await readyServer([instance.sdkUrl], 'refresh-host', host.token, 7500);
    const first = (await db.query(`SELECT connection_id FROM server_process WHERE pid = $1`, [server.pid]))[0];

    const push = await server.waitForPush('RefreshConnection', 8_000);
    expect(push).toEqual({
      Action: 'RefreshConnection',
      StatusCode: 200,
      RefreshConnectionEndpoint: instance.sdkUrl,
      AuthToken: expect.stringMatching(/^[a-zA-Z0-9-]{1,64}$/),
    });
    expect(push.AuthToken).not.toBe(host.token);
    // The new socket is the process's current one, and the process goes on: a session is placed on it there.
    await eventually(async () => server!.connections === 2 && server!.isOpen, 5_000);
    await expect(server.heartbeat(true)).resolves.toMatchObject({ StatusCode: 200 });
    const [row] = await db.query(`SELECT connection_id, status FROM server_process WHERE pid = $1`, [server.pid]);
    expect(row.status).toBe('ACTIVE');
    expect(row.connection_id).not.toBe(first.connection_id);
    const created = await client.send(
      new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 2 }),
    );
    await expect(server.waitForPush('CreateGameSession')).resolves.toMatchObject({
      GameSessionId: created.GameSession!.GameSessionId,
    });
  });
});
