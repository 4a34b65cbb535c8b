import net from 'node:net';
import pg from 'pg';
import { ServiceProcess } from '../utils/service-process.js';
import { TestDatabase } from '../utils/database.js';
import { loginPlayer } from '../utils/http.js';

const BODY = JSON.stringify({
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  session_type: 'hub',
});

function request(method: string, path: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', `content-length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** An HTTP/1.1 connection driven by hand, to send a request on an open connection at a chosen moment. */
class RawConnection {
  private readonly socket: net.Socket;
  private received = '';

  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.socket = net.connect(Number(port), hostname);
    this.socket.on('data', (chunk) => (this.received += chunk.toString()));
    this.socket.on('error', () => undefined);
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body = ''): void {
    this.write(request(method, path, headers, body));
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** The responses received so far: status, headers and body of each. */
  responses(): { status: number; headers: Record<string, string>; body: string }[] {
    const out: { status: number; headers: Record<string, string>; body: string }[] = [];
    let rest = this.received;
    while (rest.startsWith('HTTP/1.1')) {
      const end = rest.indexOf('\r\n\r\n');
      if (end < 0) break;
      const [statusLine, ...headerLines] = rest.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < end + 4 + length) break;
      out.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
      rest = rest.slice(end + 4 + length);
    }
    return out;
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.responses().length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} responses, got: ${this.received}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  get closed(): boolean {
    return this.socket.destroyed || this.socket.readableEnded;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function connects(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * SIGTERM on a real service process: the listener closes, requests still
 * arriving on open connections get a 503 with `Connection: close`, the
 * request in flight completes, and the process exits; a request that does
 * not finish in time does not hold the process past SHUTDOWN_TIMEOUT_MS.
 */
describe('SIGTERM (e2e)', () => {
  let db: TestDatabase;
  let locks: pg.Client;

  beforeAll(async () => {
    db = await TestDatabase.create();
    locks = new pg.Client({ connectionString: db.url });
    await locks.connect();
  });

  afterAll(async () => {
    await locks?.end();
    await db?.drop();
  });

  /** Makes the player's next create-or-join wait: the ledger takes this advisory lock first. */
  const hold = (playerId: string) =>
    locks.query(`SELECT pg_advisory_lock(hashtextextended('joinery:player:' || $1, 0))`, [playerId]);
  const release = (playerId: string) =>
    locks.query(`SELECT pg_advisory_unlock(hashtextextended('joinery:player:' || $1, 0))`, [playerId]);

  it('finishes the request in flight, refuses the rest cleanly, and exits', async () => {
    const service = await ServiceProcess.start({ DATABASE_URL: db.url, SHUTDOWN_TIMEOUT_MS: '10000' });
    try {
      const player = await loginPlayer(service.url, 'sigterm-1');
      await hold(player.active_player_uuid);
      const connection = new RawConnection(service.url);
      connection.send(
        'POST',
        '/session/v1/session',
        { authorization: `Bearer ${player.access_token}`, 'content-type': 'application/json' },
        BODY,
      );
      // A second connection, opened before the signal, whose request is still arriving when it comes.
      const late = new RawConnection(service.url);
      const lateRequest = request('GET', '/session/v1/player/me/session', {
        authorization: `Bearer ${player.access_token}`,
      });
      late.write(lateRequest.slice(0, 30));
      await new Promise((resolve) => setTimeout(resolve, 300)); // the first request is now waiting in PostgreSQL

      const signalled = Date.now();
      service.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The listener is closed: new connections are refused.
      await expect(connects(service.url)).resolves.toBe(false);
      // The request still arriving on an open connection is refused cleanly, at once.
      late.write(lateRequest.slice(30));
      await late.waitFor(1);
      const [refused] = late.responses();
      expect(refused.status).toBe(503);
      expect(refused.headers.connection).toBe('close');
      expect(JSON.parse(refused.body)).toEqual({
        auth_success: true,
        error_code: 'service_unavailable',
        desc: expect.any(String),
      });
      expect(connection.responses()).toHaveLength(0); // the first one is still in flight

      // It completes once PostgreSQL lets it go, and tells the client to close.
      await release(player.active_player_uuid);
      await connection.waitFor(1);
      const [joined] = connection.responses();
      expect(joined.status).toBe(200);
      expect(JSON.parse(joined.body)).toEqual({ session_id: expect.any(String) });
      expect(joined.headers.connection).toBe('close');
      late.destroy();

      const exit = await service.exited;
      expect(exit.code).toBe(0);
      expect(exit.at - signalled).toBeLessThan(10_000);
      const seats = await db.query(`SELECT count(*)::int AS n FROM seat WHERE player_id = $1 AND status = 'ACTIVE'`, [
        player.active_player_uuid,
      ]);
      expect(seats[0].n).toBe(1);
      connection.destroy();
    } finally {
      await service.stop();
    }
  });

  it('exits within SHUTDOWN_TIMEOUT_MS even when a request never finishes', async () => {
    const service = await ServiceProcess.start({ DATABASE_URL: db.url, SHUTDOWN_TIMEOUT_MS: '1500' });
    const player = await loginPlayer(service.url, 'sigterm-2');
    await hold(player.active_player_uuid);
    const connection = new RawConnection(service.url);
    try {
      connection.send(
        'POST',
        '/session/v1/session',
        { authorization: `Bearer ${player.access_token}`, 'content-type': 'application/json' },
        BODY,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalled = Date.now();
      service.child.kill('SIGTERM');
      const exit = await service.exited;
      expect(exit.at - signalled).toBeLessThan(1500 + 1000);
      expect(exit.at - signalled).toBeGreaterThanOrEqual(400);
    } finally {
      await release(player.active_player_uuid);
      connection.destroy();
      await service.stop();
    }
  });
});
