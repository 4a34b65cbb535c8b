import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/**
 * A game server's side of the GameLift Server SDK 5 protocol, written for
 * the tests from the spec (gamelift-server-sdk5.md, sections 1-3 and the
 * captures of section 7), the way the real Go 5.6.0 SDK speaks it:
 *  - the URL: the base URL with the query `Authorization, ComputeId, FleetId,
 *    IdempotencyToken, pID, sdkLanguage, sdkVersion` in that (sorted) order,
 *    values URL-encoded; no header, no subprotocol;
 *  - requests `{Action, RequestId (UUID v4), ...fields}` in text frames,
 *    answered by RequestId; `resend` sends the same frame again, as the C++
 *    SDK does after a timeout;
 *  - pushes (messages without RequestId) recorded and handed to `onPush`;
 *  - a close other than 1000/1001, or a dropped connection, reconnects at
 *    once with the same URL and IdempotencyToken; with several base URLs (a
 *    load balancer's targets) the next one is tried;
 *  - RefreshConnection: a new socket to the pushed endpoint with the new
 *    token and a new IdempotencyToken; the old one is closed after it.
 */
export interface SdkAnswer {
  Action?: string;
  RequestId?: string;
  StatusCode?: number;
  ErrorMessage?: string;
  [field: string]: unknown;
}

export interface SdkPush {
  Action: string;
  [field: string]: unknown;
}

export interface GameServerOptions {
  /** Base URLs (`ws://host:port`); the first is used, the others after a drop. */
  urls: string[];
  fleetId: string;
  computeId: string;
  pid?: string;
  authToken: string;
  sdkLanguage?: 'Go' | 'Cpp';
  sdkVersion?: string;
  /** Answer timeout per request (the Go SDK's is 20 s). */
  timeoutMs?: number;
}

export class TestGameServer {
  readonly pid: string;
  readonly pushes: SdkPush[] = [];
  /** Every socket opened (1 + reconnects + refreshes). */
  connections = 0;
  private urlIndex = 0;
  private token: string;
  private idempotencyToken = randomUUID();
  private ws?: WebSocket;
  private readonly pending = new Map<string, { resolve: (a: SdkAnswer) => void; reject: (e: Error) => void }>();
  private stopped = false;
  private heartbeatTimer?: NodeJS.Timeout;
  private openWaiters: (() => void)[] = [];
  private pushWaiters: { test: (p: SdkPush) => boolean; resolve: (p: SdkPush) => void }[] = [];
  onPush?: (push: SdkPush) => void;

  constructor(private readonly options: GameServerOptions) {
    this.pid = options.pid ?? `pid-${randomUUID()}`;
    this.token = options.authToken;
  }

  /** The URL the Go SDK builds (`gamelift_manager.go:62-83`): sorted keys, encoded values. */
  url(base = this.options.urls[this.urlIndex], token = this.token): string {
    const query = new URLSearchParams();
    const params: [string, string][] = [
      ['Authorization', token],
      ['ComputeId', this.options.computeId],
      ['FleetId', this.options.fleetId],
      ['IdempotencyToken', this.idempotencyToken],
      ['pID', this.pid],
      ['sdkLanguage', this.options.sdkLanguage ?? 'Go'],
      ['sdkVersion', this.options.sdkVersion ?? '5.6.0'],
    ];
    for (const [key, value] of params) query.append(key, value);
    const root = this.options.sdkLanguage === 'Cpp' && !base.endsWith('/') ? `${base}/` : base;
    return `${root}?${query.toString()}`;
  }

  /** InitSDK: opens the socket; rejects with the HTTP status when the upgrade is refused. */
  async connect(): Promise<void> {
    this.stopped = false;
    await this.open(this.url());
  }

  /** Opens the socket and waits for it (or for its refusal). */
  private open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { rejectUnauthorized: false, handshakeTimeout: 5_000 });
      let opened = false;
      ws.on('unexpected-response', (_request, response) => {
        ws.removeAllListeners('close');
        ws.on('error', () => undefined);
        reject(new UpgradeRefused(response.statusCode ?? 0));
        response.resume();
        ws.terminate();
      });
      ws.on('open', () => {
        opened = true;
        this.connections++;
        const old = this.ws;
        this.ws = ws;
        if (old && old !== ws) setTimeout(() => old.terminate(), 50);
        for (const waiter of this.openWaiters.splice(0)) waiter();
        resolve();
      });
      ws.on('message', (data) => this.onMessage(String(data)));
      ws.on('error', (error) => {
        if (!opened) reject(error);
      });
      ws.on('close', (code) => {
        if (!opened || this.ws !== ws) return;
        this.ws = undefined;
        this.closedWith.push(code);
        // The SDKs treat 1000 and 1001 as final; anything else reconnects at once, same URL and token.
        if (this.stopped || code === 1000 || code === 1001) return;
        void this.reconnect();
      });
    });
  }

  /** Close codes of the sockets the service closed or lost. */
  readonly closedWith: number[] = [];

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.stopped && attempt < 100; attempt++) {
      try {
        await this.open(this.url(this.options.urls[this.urlIndex]));
        return;
      } catch {
        this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Resolves once a socket is open (after a reconnect). */
  whenOpen(): Promise<void> {
    if (this.ws?.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.openWaiters.push(resolve));
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  private onMessage(text: string): void {
    let message: SdkAnswer;
    try {
      message = JSON.parse(text) as SdkAnswer;
    } catch {
      return;
    }
    if (message.RequestId && this.pending.has(message.RequestId)) {
      const waiter = this.pending.get(message.RequestId)!;
      this.pending.delete(message.RequestId);
      waiter.resolve(message);
      return;
    }
    if (!message.RequestId && typeof message.Action === 'string') {
      const push = message as SdkPush;
      this.pushes.push(push);
      if (push.Action === 'RefreshConnection') void this.refresh(push);
      this.onPush?.(push);
      for (const waiter of [...this.pushWaiters]) {
        if (waiter.test(push)) {
          this.pushWaiters.splice(this.pushWaiters.indexOf(waiter), 1);
          waiter.resolve(push);
        }
      }
      return;
    }
    this.unmatched.push(message);
  }

  /** Answers that matched no request (e.g. errors for frames without a RequestId). */
  readonly unmatched: SdkAnswer[] = [];

  private async refresh(push: SdkPush): Promise<void> {
    this.token = String(push.AuthToken);
    this.idempotencyToken = randomUUID();
    const endpoint = String(push.RefreshConnectionEndpoint);
    await this.open(this.url(endpoint, this.token)).catch(() => undefined);
  }

  /** Sends one request and waits for its answer. */
  request(action: string, fields: Record<string, unknown> = {}, requestId: string = randomUUID()): Promise<SdkAnswer> {
    return this.sendFrame(JSON.stringify({ Action: action, RequestId: requestId, ...fields }), requestId);
  }

  /** Sends a raw frame; with a RequestId, waits for the answer to it. */
  sendFrame(frame: string | Buffer, requestId?: string, binary = false): Promise<SdkAnswer> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
    if (!requestId) {
      ws.send(frame, { binary });
      return Promise.resolve({});
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`no answer to ${requestId} within ${this.options.timeoutMs ?? 20_000} ms`));
      }, this.options.timeoutMs ?? 20_000);
      timer.unref();
      this.pending.set(requestId, {
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject,
      });
      ws.send(frame, { binary });
    });
  }

  /** ProcessReady: ActivateServerProcess, then the first heartbeat right after (as the SDKs do). */
  async processReady(port: number, logPaths: string[] | null = ['/local/game/logs']): Promise<SdkAnswer> {
    const answer = await this.request('ActivateServerProcess', {
      SdkVersion: this.options.sdkVersion ?? '5.6.0',
      SdkLanguage: this.options.sdkLanguage ?? 'Go',
      Port: port,
      LogPaths: logPaths,
    });
    if (answer.StatusCode === 200) await this.heartbeat(true);
    return answer;
  }

  heartbeat(healthy = true): Promise<SdkAnswer> {
    return this.request('HeartbeatServerProcess', { HealthStatus: healthy });
  }

  /** Heartbeats on a timer (the SDKs: every 60 s ± 10 s; tests use shorter intervals). */
  startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    this.heartbeatTimer = setInterval(() => {
      if (this.isOpen) void this.heartbeat(true).catch(() => undefined);
    }, intervalMs);
  }

  stopHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /** The next push of an action (or one already received that no earlier wait took). */
  waitForPush(action: string, timeoutMs = 10_000, test: (p: SdkPush) => boolean = () => true): Promise<SdkPush> {
    const match = (p: SdkPush) => p.Action === action && test(p);
    const already = this.pushes.find((p) => match(p) && !this.taken.has(p));
    if (already) {
      this.taken.add(already);
      return Promise.resolve(already);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${action} push within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      this.pushWaiters.push({
        test: match,
        resolve: (p) => {
          clearTimeout(timer);
          this.taken.add(p);
          resolve(p);
        },
      });
    });
  }

  private readonly taken = new Set<SdkPush>();

  activateGameSession(gameSessionId: string): Promise<SdkAnswer> {
    return this.request('ActivateGameSession', { GameSessionId: gameSessionId });
  }

  acceptPlayerSession(gameSessionId: string, playerSessionId: string): Promise<SdkAnswer> {
    return this.request('AcceptPlayerSession', { GameSessionId: gameSessionId, PlayerSessionId: playerSessionId });
  }

  removePlayerSession(gameSessionId: string, playerSessionId: string): Promise<SdkAnswer> {
    return this.request('RemovePlayerSession', { GameSessionId: gameSessionId, PlayerSessionId: playerSessionId });
  }

  /** ProcessEnding: TerminateServerProcess; heartbeats stop. */
  processEnding(): Promise<SdkAnswer> {
    this.stopHeartbeats();
    return this.request('TerminateServerProcess');
  }

  /** Destroy: Go drops the TCP connection with no close frame; C++ closes with 1001. */
  destroy(): void {
    this.stopped = true;
    this.stopHeartbeats();
    const ws = this.ws;
    this.ws = undefined;
    if (!ws) return;
    if (this.options.sdkLanguage === 'Cpp') ws.close(1001, 'Websocket client closing');
    else ws.terminate();
  }

  /** A network drop (no close frame): the client reconnects. */
  drop(): void {
    this.ws?.terminate();
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}
