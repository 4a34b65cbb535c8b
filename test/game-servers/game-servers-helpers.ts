import { GetComputeAuthTokenCommand, type GameLiftClient, RegisterComputeCommand } from '@aws-sdk/client-gamelift';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLEET_ID } from '../clients/gamelift.js';
import { TestGameServer } from '../clients/game-server-sdk.js';
import { freePort, ServiceProcess } from '../utils/service-process.js';

export { eventually } from '../utils/eventually.js';

/** A Joinery instance with its Server SDK endpoint (plain ws:// for the test game servers, and wss://). */
export interface SdkInstance {
  service: ServiceProcess;
  sdkUrl: string;
  wssUrl: string;
}

/**
 * Starts Joinery instances on one database with the SDK endpoint on, and
 * short process timers (seconds, not GameLift's minutes) so that health
 * and activation time-outs are seen within a test. The development TLS pair
 * is made once in the machine's temporary directory.
 */
export async function startSdkInstances(
  databaseUrl: string,
  count: number,
  env: Record<string, string> = {},
): Promise<SdkInstance[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const [ws, wss] = [await freePort(), await freePort()];
      const service = await ServiceProcess.start({
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: '10',
        GAMELIFT_SDK_ENABLED: 'true',
        GAMELIFT_SDK_WS_PORT: String(ws),
        GAMELIFT_SDK_WSS_PORT: String(wss),
        EMBEDDED_PG_DIR: join(tmpdir(), 'joinery-test-sdk', 'postgres'),
        GAMELIFT_PROCESS_UNHEALTHY_SECONDS: '2',
        GAMELIFT_PROCESS_GRACE_SECONDS: '2',
        GAMELIFT_ACTIVATION_TIMEOUT_SECONDS: '3',
        GAMELIFT_PROCESS_SWEEP_INTERVAL_MS: '200',
        RESERVATION_SWEEP_INTERVAL_MS: '200',
        ...env,
      });
      return { service, sdkUrl: `ws://127.0.0.1:${ws}`, wssUrl: `wss://127.0.0.1:${wss}` };
    }),
  );
}

/** RegisterCompute + GetComputeAuthToken with the AWS SDK: what a host's launcher does first. */
export async function registerHost(
  client: GameLiftClient,
  computeName: string,
  address: { IpAddress?: string; DnsName?: string } = { IpAddress: '10.0.0.7' },
): Promise<{ token: string; endpoint: string }> {
  const registered = await client.send(
    new RegisterComputeCommand({ FleetId: FLEET_ID, ComputeName: computeName, ...address }),
  );
  const token = await client.send(new GetComputeAuthTokenCommand({ FleetId: FLEET_ID, ComputeName: computeName }));
  return { token: token.AuthToken!, endpoint: registered.Compute!.GameLiftServiceSdkEndpoint! };
}

/** A test game server connected and ready on `port`, heartbeating every 300 ms. */
export async function readyServer(
  urls: string[],
  computeId: string,
  authToken: string,
  port: number,
  pid?: string,
): Promise<TestGameServer> {
  const server = new TestGameServer({ urls, fleetId: FLEET_ID, computeId, authToken, pid });
  await server.connect();
  const ready = await server.processReady(port);
  if (ready.StatusCode !== 200) throw new Error(`ProcessReady failed: ${JSON.stringify(ready)}`);
  server.startHeartbeats(300);
  return server;
}
