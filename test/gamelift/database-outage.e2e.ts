import { CreatePlayerSessionCommand, type GameLiftClient } from '@aws-sdk/client-gamelift';
import net from 'node:net';
import { gameLiftClient, signedCall } from '../clients/gamelift.js';
import { http, loginAdmin, TestApp, TestDatabase } from '../utils/test-app.js';
import { newGameSession, outcome, uuidOf } from './gamelift-helpers.js';

/** A TCP relay in front of PostgreSQL that the test can cut, as a database outage would. */
class Relay {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Refuses new connections and resets the open ones. */
  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe('GameLift answers while the database is unreachable (e2e)', () => {
  let db: TestDatabase;
  let relay: Relay;
  let service: TestApp;
  let client: GameLiftClient;
  let admin: string;

  beforeAll(async () => {
    db = await TestDatabase.create();
    const url = new URL(db.url);
    relay = new Relay(url.hostname, Number(url.port || 5432));
    await relay.open();
    url.hostname = '127.0.0.1';
    url.port = String(relay.port);
    service = await TestApp.start(db, { DATABASE_URL: url.toString(), RESERVATION_SWEEP_INTERVAL_MS: '60000' });
    client = gameLiftClient(service.baseUrl);
    admin = (await loginAdmin(service.baseUrl)).access_token;
  });

  afterAll(async () => {
    client?.destroy();
    await relay?.cut();
    await service?.close();
    await db?.drop();
  });

  it('answers a retryable 503 ServiceUnavailableException, never a 500, and recovers', async () => {
    const id = await newGameSession(client, service.baseUrl, { MaximumPlayerSessionCount: 4 });
    await expect(
      outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'before' }))),
    ).resolves.toBe('ok');

    await relay.cut();
    await expect(
      client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'during' })),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableException',
      $metadata: { httpStatusCode: 503 },
    });
    const raw = await signedCall(service.baseUrl, 'DescribePlayerSessions', { GameSessionId: id });
    expect(raw.status).toBe(503);
    expect(raw.body.__type).toBe('ServiceUnavailableException');
    expect(raw.headers.get('retry-after')).toBe('1');

    // The RallyHere surface answers 503 in its own shape; readiness reports the outage, liveness does not.
    const player = await http(service.baseUrl, 'GET', `/session/v1/session/${uuidOf(id)}`, { token: admin });
    expect(player).toMatchObject({ status: 503, body: { auth_success: true, error_code: 'service_unavailable' } });
    expect((await http(service.baseUrl, 'GET', '/health/ready')).status).toBe(503);
    expect((await http(service.baseUrl, 'GET', '/health')).status).toBe(200);

    await relay.open();
    expect((await http(service.baseUrl, 'GET', '/health/ready')).status).toBe(200);
    await expect(
      outcome(client.send(new CreatePlayerSessionCommand({ GameSessionId: id, PlayerId: 'after' }))),
    ).resolves.toBe('ok');
    const seats = await db.query(`SELECT player_id FROM seat ORDER BY player_id`);
    expect(seats.map((s) => s.player_id)).toEqual(['after', 'before']);
  });
});
