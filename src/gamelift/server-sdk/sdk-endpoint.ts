import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { AppConfig } from '../../config/config.js';
import { Notifier } from '../../database/notifier.js';
import { GameServers, type PlacedSession } from '../../session/game-servers.js';
import { GameLiftIds } from '../../session/gamelift-ids.js';
import { type SdkCaller, SdkRequests, statusOf } from './sdk-requests.js';
import { loadTls, type TlsPair } from './sdk-tls.js';

/** Largest frame accepted; a bigger one closes the socket with 1009 (the SDKs' requests are small). */
const MAX_FRAME_BYTES = 64 * 1024;
/** Requests per socket: a burst of 100, refilled at 50 a second; a flood beyond closes with 1008. */
const BURST = 100;
const REFILL_PER_SECOND = 50;
/** Answers kept per process for resent RequestIds (the C++ SDK resends up to 5 times). */
const REPLAY_TTL_MS = 5 * 60_000;
const REPLAY_MAX = 256;
/** Upgrade checks must answer fast: the C# SDK gives the whole handshake 2 s. */
const UPGRADE_CHECK_TIMEOUT_MS = 1_500;
const PING_INTERVAL_MS = 20_000;
const PUSH_CHANNEL = 'joinery_sdk_push';
/** Close codes: never 1000/1001 for a live process (the SDKs would not reconnect). */
const CLOSE_POLICY = 1008;
const CLOSE_RESTART = 1012;

interface Connection {
  ws: WebSocket;
  caller: SdkCaller;
  /** Resolves once the process row knows this socket; requests wait for it. */
  opened: Promise<boolean>;
  /** The process's identity on this socket: fleet/compute/pID (the replay cache's key). */
  key: string;
  /** The Authorization token this socket came with (RefreshConnection replaces it before it expires). */
  token: string;
  scheme: 'ws' | 'wss';
  tokens: number;
  refilledAt: number;
  alive: boolean;
  refreshTimer?: NodeJS.Timeout;
}

interface Listener {
  scheme: 'ws' | 'wss';
  server: Server;
  wss: WebSocketServer;
  port: number;
}

/**
 * The GameLift Server SDK 5 endpoint (spec gamelift-server-sdk5.md): a
 * WebSocket server on its own port, `wss://` (TLS 1.2 and up) and, where
 * configured, plain `ws://`. Unchanged game servers connect with the URL
 * and query their SDK builds; this class authenticates the upgrade (the
 * compute's auth token, 403 otherwise), keeps one current socket per
 * process on this instance, answers requests by `RequestId` (a resent id
 * gets the same answer), and delivers pushes: the core notifies them on
 * PostgreSQL (`joinery_sdk_push`), every instance hears them, and the one
 * holding the process's current socket sends them. It holds no rules:
 * requests go to {@link SdkRequests} and the core.
 */
@Injectable()
export class SdkEndpoint implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SdkEndpoint.name);
  /** This instance, as the process rows name the holder of a socket. */
  readonly instanceId = randomUUID();
  private readonly listeners: Listener[] = [];
  /** Current local socket per process id. */
  private readonly byProcess = new Map<string, Connection>();
  private readonly connections = new Set<Connection>();
  private readonly replays = new Map<string, Map<string, { at: number; answer: Promise<string> }>>();
  private tls?: TlsPair;
  private pingTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly gameServers: GameServers,
    private readonly requests: SdkRequests,
    private readonly notifier: Notifier,
    private readonly ids: GameLiftIds,
  ) {}

  /** The URL RegisterCompute hands out (GAMELIFT_SDK_PUBLIC_URL, else this instance's wss:// or ws:// listener). */
  publicUrl(): string {
    const { publicUrl } = this.config.gameServers;
    if (publicUrl) return publicUrl;
    return this.listeners.length ? this.urlFor('wss') : '';
  }

  /** This instance's own URL for a scheme (RefreshConnection sends a socket back to where it is). */
  private urlFor(scheme: 'ws' | 'wss'): string {
    const listener = this.listeners.find((l) => l.scheme === scheme) ?? this.listeners[0];
    const host = this.config.gameServers.host;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `${listener.scheme}://${shown.includes(':') ? `[${shown}]` : shown}:${listener.port}`;
  }

  /** The listening ports (tests and logs). */
  ports(): { wss?: number; ws?: number } {
    return Object.fromEntries(this.listeners.map((l) => [l.scheme, l.port]));
  }

  /** Where the TLS certificate is (development: the generated one). */
  certificatePath(): string | undefined {
    return this.tls?.certPath;
  }

  async onApplicationBootstrap(): Promise<void> {
    const settings = this.config.gameServers;
    if (!settings.enabled) return;
    this.tls = await loadTls(this.config);
    await this.listen('wss', settings.wssPort);
    if (settings.wsPort !== undefined) await this.listen('ws', settings.wsPort);
    // A push is a wake-up carrying its own data; one lost while the listening connection is down is not re-read.
    this.notifier.listen(PUSH_CHANNEL, (payload) => {
      if (payload !== undefined) this.onPush(payload);
    });
    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pingTimer.unref();
    this.logger.log(
      `GameLift Server SDK endpoint: ${this.listeners.map((l) => `${l.scheme}://${settings.host}:${l.port}`).join(', ')} ` +
        `(RegisterCompute answers ${this.publicUrl()}; TLS certificate ${this.tls.certPath})`,
    );
  }

  /** Sockets close with 1012 (service restart): the SDKs reconnect at once, to another instance. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.pingTimer);
    for (const connection of this.connections) {
      clearTimeout(connection.refreshTimer);
      connection.ws.close(CLOSE_RESTART, 'Joinery instance stopping');
    }
    await Promise.all(
      this.listeners.map(
        (l) =>
          new Promise<void>((resolve) => {
            l.wss.close(() => undefined);
            l.server.close(() => resolve());
            l.server.closeAllConnections();
          }),
      ),
    );
  }

  onApplicationShutdown(): void {
    for (const connection of this.connections) connection.ws.terminate();
  }

  private async listen(scheme: 'ws' | 'wss', port: number): Promise<void> {
    const server =
      scheme === 'wss'
        ? createHttpsServer({ cert: this.tls!.cert, key: this.tls!.key, minVersion: 'TLSv1.2' })
        : createHttpServer();
    server.on('request', (_request, response) => {
      response.writeHead(426, { 'Content-Type': 'application/json', Upgrade: 'websocket' });
      response.end(JSON.stringify({ message: 'This is the GameLift Server SDK WebSocket endpoint' }));
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      void this.upgrade(scheme, wss, request, socket, head);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.gameServers.host, () => resolve());
    });
    this.listeners.push({ scheme, server, wss, port: (server.address() as AddressInfo).port });
  }

  /** Authenticates the upgrade from its query string, then hands the socket over. */
  private async upgrade(
    scheme: 'ws' | 'wss',
    wss: WebSocketServer,
    request: IncomingMessage,
    socket: Socket,
    head: Buffer,
  ): Promise<void> {
    const refuse = (status: number, message: string): void => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const body = JSON.stringify({ message });
      socket.end(
        `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Service Unavailable'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    let query: URLSearchParams;
    try {
      query = new URL(request.url ?? '/', 'http://sdk').searchParams;
    } catch {
      return refuse(400, 'Bad request');
    }
    const pid = query.get('pID') ?? '';
    const fleet = this.ids.parseFleetId(query.get('FleetId') ?? '');
    const computeName = query.get('ComputeId') ?? '';
    const token = query.get('Authorization') ?? '';
    if (!pid || pid.length > 128 || !/^[\x21-\x7e]+$/.test(pid)) return refuse(400, 'Bad request: pID');
    if (!computeName || computeName.length > 128 || !/^[a-zA-Z0-9-]+(\/[a-zA-Z0-9-]+)?$/.test(computeName)) {
      return refuse(403, 'Forbidden');
    }
    if (fleet !== this.ids.defaultFleetId) return refuse(403, 'Forbidden');
    // SigV4 query signing (Authorization=SigV4) is not accepted: computes connect with their auth tokens.
    if (!/^[a-zA-Z0-9-]{1,64}$/.test(token)) return refuse(403, 'Forbidden');
    let verdict: 'ok' | 'bad_token' | 'pid_ended';
    try {
      verdict = await withTimeout(
        this.gameServers.checkConnect(fleet, computeName, token, pid),
        UPGRADE_CHECK_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.warn(`SDK upgrade check failed: ${String(error)}`);
      return refuse(503, 'Service unavailable');
    }
    if (verdict !== 'ok') return refuse(403, 'Forbidden');
    if (socket.destroyed) return;
    wss.handleUpgrade(request, socket, head, (ws) =>
      this.open(ws, scheme, {
        fleetId: fleet,
        computeName,
        pid,
        token,
        sdkLanguage: query.get('sdkLanguage') ?? undefined,
        sdkVersion: query.get('sdkVersion') ?? undefined,
      }),
    );
  }

  private open(
    ws: WebSocket,
    scheme: 'ws' | 'wss',
    who: {
      fleetId: string;
      computeName: string;
      pid: string;
      token: string;
      sdkLanguage?: string;
      sdkVersion?: string;
    },
  ): void {
    const caller: SdkCaller = {
      processId: '',
      connectionId: randomUUID(),
      fleetId: who.fleetId,
      computeName: who.computeName,
      sdkLanguage: who.sdkLanguage?.slice(0, 32),
      sdkVersion: who.sdkVersion?.slice(0, 32),
      ended: false,
    };
    const connection: Connection = {
      ws,
      caller,
      key: `${who.fleetId}/${who.computeName}/${who.pid}`,
      token: who.token,
      scheme,
      tokens: BURST,
      refilledAt: Date.now(),
      alive: true,
      opened: Promise.resolve(false),
    };
    this.connections.add(connection);
    ws.on('pong', () => (connection.alive = true));
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    ws.on('close', () => void this.onClose(connection));
    connection.opened = this.gameServers
      .connect(who.fleetId, who.computeName, who.pid, caller.connectionId, this.instanceId, {
        language: caller.sdkLanguage,
        version: caller.sdkVersion,
      })
      .then(async (result) => {
        if (result.outcome !== 'connected' && result.outcome !== 'reconnected') {
          ws.close(CLOSE_POLICY, result.outcome === 'terminated' ? 'Process has ended' : 'Unknown compute');
          return false;
        }
        caller.processId = result.processId;
        const previous = this.byProcess.get(result.processId);
        if (previous && previous !== connection) clearTimeout(previous.refreshTimer);
        this.byProcess.set(result.processId, connection);
        void this.scheduleRefresh(connection);
        // A session placed while the process was between instances may have been pushed to a dead one.
        if (
          result.outcome === 'reconnected' &&
          result.gameSessionId &&
          result.joinStatus === 'pending' &&
          result.previousInstance !== this.instanceId
        ) {
          await this.pushCreateGameSession(connection, result.gameSessionId);
        }
        return true;
      })
      .catch((error: unknown) => {
        this.logger.warn(`SDK connect failed: ${String(error)}`);
        ws.close(1011, 'Service unavailable');
        return false;
      });
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (!this.take(connection)) {
      connection.ws.close(CLOSE_POLICY, 'Too many requests');
      return;
    }
    const text = isBinary ? '' : rawText(data);
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.send(connection, { StatusCode: 400, ErrorMessage: 'A request must be one JSON object in a text frame' });
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.send(connection, { StatusCode: 400, ErrorMessage: 'A request must be one JSON object' });
      return;
    }
    const body = message as Record<string, unknown>;
    const action = typeof body.Action === 'string' && body.Action.length <= 64 ? body.Action : undefined;
    const requestId =
      typeof body.RequestId === 'string' && body.RequestId.length > 0 && body.RequestId.length <= 128
        ? body.RequestId
        : undefined;
    if (!action || !requestId) {
      // No Action without a RequestId: an SDK would take `{Action}` without RequestId for a push.
      this.send(connection, {
        ...(requestId ? { Action: action ?? '', RequestId: requestId } : {}),
        StatusCode: 400,
        ErrorMessage: 'A request needs a string Action and a string RequestId (1-128 characters)',
      });
      return;
    }
    void this.answer(connection, action, requestId, body).then((answer) => {
      if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(answer);
    });
  }

  /** The answer to a request, or the one already given to the same RequestId of this process. */
  private answer(connection: Connection, action: string, requestId: string, body: Record<string, unknown>) {
    let cache = this.replays.get(connection.key);
    if (!cache) {
      cache = new Map();
      this.replays.set(connection.key, cache);
    }
    const now = Date.now();
    const cached = cache.get(requestId);
    if (cached && now - cached.at < REPLAY_TTL_MS) return cached.answer;
    const answer = this.run(connection, action, requestId, body);
    cache.set(requestId, { at: now, answer });
    for (const [id, entry] of cache) {
      if (cache.size <= REPLAY_MAX && now - entry.at < REPLAY_TTL_MS) break;
      cache.delete(id);
    }
    return answer;
  }

  private async run(connection: Connection, action: string, requestId: string, body: Record<string, unknown>) {
    try {
      if (!(await connection.opened)) throw new Error('connection not open');
      const result = await this.requests.run(connection.caller, body);
      return JSON.stringify({ ...result, Action: action, RequestId: requestId, StatusCode: 200 });
    } catch (error) {
      const status = statusOf(error);
      if (status >= 500) this.logger.warn(`SDK ${action} failed: ${String(error)}`);
      return JSON.stringify({
        Action: action,
        RequestId: requestId,
        StatusCode: status,
        ErrorMessage: status >= 500 ? 'Internal service error; retry' : (error as Error).message,
      });
    }
  }

  private async onClose(connection: Connection): Promise<void> {
    this.connections.delete(connection);
    clearTimeout(connection.refreshTimer);
    if (!(await connection.opened)) return;
    const { processId, connectionId } = connection.caller;
    if (this.byProcess.get(processId) === connection) this.byProcess.delete(processId);
    if (connection.caller.ended) return;
    await this.gameServers.disconnect(processId, connectionId).catch(() => undefined);
  }

  /** A push notified by any instance; sent when this instance holds the process's current socket. */
  private onPush(payload: string): void {
    let push: { p?: unknown; a?: unknown; s?: unknown; t?: unknown; c?: unknown };
    try {
      push = JSON.parse(payload) as typeof push;
    } catch {
      return;
    }
    const connection = typeof push.p === 'string' ? this.byProcess.get(push.p) : undefined;
    if (!connection) return;
    switch (push.a) {
      case 'Replaced':
        // Another socket of the process (on any instance) became current.
        if (push.c !== connection.caller.connectionId) {
          this.byProcess.delete(push.p as string);
          clearTimeout(connection.refreshTimer);
        }
        return;
      case 'CreateGameSession':
        if (typeof push.s === 'string') void this.pushCreateGameSession(connection, push.s);
        return;
      case 'UpdateGameSession':
        if (typeof push.s === 'string') void this.pushUpdateGameSession(connection, push.s);
        return;
      case 'TerminateProcess':
        this.send(connection, {
          Action: 'TerminateProcess',
          StatusCode: 200,
          TerminationTime: typeof push.t === 'number' ? Math.trunc(push.t) : Date.now(),
        });
        return;
    }
  }

  private async pushCreateGameSession(connection: Connection, sessionId: string): Promise<void> {
    const session = await this.gameServers.placedSession(sessionId).catch(() => undefined);
    if (!session || session.status === 'TERMINATED') return;
    this.send(connection, {
      Action: 'CreateGameSession',
      StatusCode: 200,
      ...this.sessionFields(session, 'GameSessionName'),
    });
  }

  private async pushUpdateGameSession(connection: Connection, sessionId: string): Promise<void> {
    const session = await this.gameServers.placedSession(sessionId).catch(() => undefined);
    if (!session || session.status === 'TERMINATED') return;
    this.send(connection, {
      Action: 'UpdateGameSession',
      StatusCode: 200,
      UpdateReason: 'UNKNOWN',
      GameSession: this.sessionFields(session, 'Name'),
    });
  }

  /** A session as the pushes carry it (CreateGameSession names it `GameSessionName`, UpdateGameSession `Name`). */
  private sessionFields(session: PlacedSession, nameKey: 'GameSessionName' | 'Name'): Record<string, unknown> {
    const strings = (value: string | null) => (value === null ? undefined : value);
    return Object.fromEntries(
      Object.entries({
        GameSessionId: this.ids.gameSessionArn(session.fleetId, session.sessionId),
        [nameKey]: strings(session.name),
        FleetId: session.fleetId,
        GameSessionData: strings(session.gameSessionData),
        MatchmakerData: strings(session.matchmakerData),
        MaximumPlayerSessionCount: session.maxPlayers,
        IpAddress: strings(session.ipAddress),
        DnsName: strings(session.dnsName),
        Port: session.port ?? undefined,
        GameProperties: Object.fromEntries((session.gameProperties ?? []).map((p) => [p.Key, p.Value])),
      }).filter(([, v]) => v !== undefined),
    );
  }

  /** Before this socket's token expires: a new token, pushed with RefreshConnection (the SDK reconnects with it). */
  private async scheduleRefresh(connection: Connection): Promise<void> {
    const expiry = await this.gameServers.tokenExpiry(connection.token).catch(() => undefined);
    if (!expiry || connection.ws.readyState !== WebSocket.OPEN) return;
    const ttlMs = this.config.gameServers.tokenTtlSeconds * 1000;
    const margin = Math.min(ttlMs / 3, 5 * 60_000);
    const delay = Math.max(1_000, expiry.getTime() - Date.now() - margin);
    clearTimeout(connection.refreshTimer);
    connection.refreshTimer = setTimeout(() => void this.refresh(connection), Math.min(delay, 2 ** 31 - 1));
    connection.refreshTimer.unref();
  }

  private async refresh(connection: Connection): Promise<void> {
    if (this.byProcess.get(connection.caller.processId) !== connection) return;
    try {
      const { token } = await this.gameServers.issueToken(connection.caller.fleetId, connection.caller.computeName);
      const endpoint = this.config.gameServers.publicUrl ?? this.urlFor(connection.scheme);
      this.send(connection, {
        Action: 'RefreshConnection',
        StatusCode: 200,
        RefreshConnectionEndpoint: endpoint,
        AuthToken: token,
      });
    } catch (error) {
      this.logger.warn(`RefreshConnection failed: ${String(error)}`);
    }
  }

  private send(connection: Connection, message: object): void {
    if (connection.ws.readyState === WebSocket.OPEN) connection.ws.send(JSON.stringify(message));
  }

  /** Token bucket per socket. */
  private take(connection: Connection): boolean {
    const now = Date.now();
    connection.tokens = Math.min(BURST, connection.tokens + ((now - connection.refilledAt) / 1000) * REFILL_PER_SECOND);
    connection.refilledAt = now;
    if (connection.tokens < 1) return false;
    connection.tokens -= 1;
    return true;
  }

  /**
   * Every 20 s: expired replay answers are dropped, and WebSocket pings go out (the SDKs answer them); a
   * socket silent for a whole round is dropped (not closed with 1000).
   */
  private ping(): void {
    // Answers kept for resends outlive a socket (the C++ SDK resends after reconnecting), not their TTL.
    const now = Date.now();
    for (const [key, cache] of this.replays) {
      for (const [id, entry] of cache) if (now - entry.at >= REPLAY_TTL_MS) cache.delete(id);
      if (cache.size === 0) this.replays.delete(key);
    }
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.ws.terminate();
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
