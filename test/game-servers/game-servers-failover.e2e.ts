import {
  CreateGameSessionCommand,
  CreatePlayerSessionCommand,
  DescribeGameSessionsCommand,
  type GameLiftClient,
  TerminateGameSessionCommand,
} from '@aws-sdk/client-gamelift';
import { FLEET_ID, gameLiftClient } from '../clients/gamelift.js';
import type { TestGameServer } from '../clients/game-server-sdk.js';
import { TestDatabase } from '../utils/database.js';
import { eventually, readyServer, registerHost, type SdkInstance, startSdkInstances } from './game-servers-helpers.js';

/**
 * A Joinery instance holding game servers' sockets is killed (SIGKILL). The
 * servers reconnect at once, as the SDKs do after a drop (same URL and
 * IdempotencyToken; here the next target of their list, as behind a load
 * balancer), to the surviving instance; their processes and sessions go on,
 * and pushes reach them there.
 */
describe('Game servers when a Joinery instance dies (e2e)', () => {
  let db: TestDatabase;
  let doomed: SdkInstance;
  let survivor: SdkInstance;
  let client: GameLiftClient;
  const servers: TestGameServer[] = [];

  beforeAll(async () => {
    db = await TestDatabase.create();
    // A grace period long enough to show the processes survive the move.
    [doomed, survivor] = await startSdkInstances(db.url, 2, {
      GAMELIFT_PROCESS_GRACE_SECONDS: '30',
      GAMELIFT_PROCESS_UNHEALTHY_SECONDS: '30',
      GAMELIFT_ACTIVATION_TIMEOUT_SECONDS: '30',
    });
    client = gameLiftClient(survivor.service.url);
  });

  afterAll(async () => {
    for (const server of servers) server.destroy();
    client?.destroy();
    await Promise.all([doomed?.service.stop(), survivor?.service.stop()]);
    await db?.drop();
  });

  it('moves the processes to the other instance with their sessions', async () => {
    const host = await registerHost(client, 'failover-host');
    for (let i = 0; i < 3; i++) {
      servers.push(await readyServer([doomed.sdkUrl, survivor.sdkUrl], 'failover-host', host.token, 9000 + i));
    }
    const sessions: string[] = [];
    for (let i = 0; i < servers.length; i++) {
      const id = (await client.send(new CreateGameSessionCommand({ FleetId: FLEET_ID, MaximumPlayerSessionCount: 2 })))
        .GameSession!.GameSessionId!;
      sessions.push(id);
      const push = await Promise.race(
        servers.map((s) => s.waitForPush('CreateGameSession', 5_000, (p) => p.GameSessionId === id).then(() => s)),
      );
      await expect(push.activateGameSession(id)).resolves.toMatchObject({ StatusCode: 200 });
    }
    const instanceOf = async () =>
      (
        await db.query<{ instance_id: string }>(
          `SELECT DISTINCT instance_id FROM server_process WHERE status = 'ACTIVE'`,
        )
      ).map((r) => r.instance_id);
    const [before] = await instanceOf();

    doomed.service.child.kill('SIGKILL');
    await expect(doomed.service.exited).resolves.toMatchObject({ signal: 'SIGKILL' });
    await eventually(async () => servers.every((s) => s.connections >= 2 && s.isOpen), 10_000);
    await eventually(async () => {
      const now = await instanceOf();
      return now.length === 1 && now[0] !== before;
    }, 5_000);

    // Sessions kept; the survivor answers the processes and pushes to them.
    for (const id of sessions) {
      const session = (await client.send(new DescribeGameSessionsCommand({ GameSessionId: id }))).GameSessions![0];
      expect(session.Status).toBe('ACTIVE');
    }
    const owner = (id: string) =>
      servers.find((s) => s.pushes.some((p) => p.Action === 'CreateGameSession' && p.GameSessionId === id))!;
    const player = (await client.send(new CreatePlayerSessionCommand({ GameSessionId: sessions[0], PlayerId: 'f-1' })))
      .PlayerSession!;
    await expect(owner(sessions[0]).acceptPlayerSession(sessions[0], player.PlayerSessionId!)).resolves.toMatchObject({
      StatusCode: 200,
    });
    await client.send(
      new TerminateGameSessionCommand({ GameSessionId: sessions[1], TerminationMode: 'TRIGGER_ON_PROCESS_TERMINATE' }),
    );
    await expect(owner(sessions[1]).waitForPush('TerminateProcess')).resolves.toMatchObject({ StatusCode: 200 });
    await expect(
      db.query(`SELECT count(*)::int AS n FROM server_process WHERE status = 'ACTIVE' AND connected`),
    ).resolves.toEqual([{ n: 3 }]);
  });
});
