import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/config.js';

/**
 * Called with a notification's payload, or with `undefined` after the connection was (re)established, when
 * notifications may have been missed: a listener then re-reads whatever it follows.
 */
export type NotificationListener = (payload: string | undefined) => void;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_RETRY_MS = 5_000;

/**
 * PostgreSQL LISTEN/NOTIFY for every feature of this instance: one dedicated connection (never a pooled one: a
 * LISTEN lives on its session), channels with callbacks, and reconnection with back-off. NOTIFY is only a
 * wake-up: what a listener follows lives in tables, so a notification lost while reconnecting costs nothing
 * (listeners are called with `undefined` once the connection is back, and re-read).
 *
 * The connection goes to `DATABASE_DIRECT_URL` (default `DATABASE_URL`), which must reach PostgreSQL directly
 * (or through a session-mode pooler): through a transaction-mode pooler a LISTEN lands on whichever server
 * connection ran that one statement, and its notifications never reach this client (docs/scaling.md).
 */
@Injectable()
export class Notifier implements OnApplicationShutdown {
  private readonly logger = new Logger(Notifier.name);
  private readonly listeners = new Map<string, Set<NotificationListener>>();
  private client?: pg.Client;
  private listening = new Set<string>();
  private connecting?: Promise<void>;
  private retryMs = 100;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly config: AppConfig) {}

  /** Calls `listener` on each NOTIFY on `channel` (and after reconnects). Returns the unsubscribe function. */
  listen(channel: string, listener: NotificationListener): () => void {
    if (!CHANNEL.test(channel)) throw new Error(`Invalid channel name ${channel}`);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    if (this.client) void this.sync(this.client);
    else void this.ensureConnected();
    return () => {
      set.delete(listener);
    };
  }

  /** Whether the LISTEN connection is up (health, tests). */
  get connected(): boolean {
    return this.client !== undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await this.connecting?.catch(() => undefined);
    await (client ?? this.client)?.end().catch(() => undefined);
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const url = this.config.database.directUrl ?? this.config.database.url;
    if (!url) return;
    const client = new pg.Client({ connectionString: url, application_name: 'joinery-notifier', keepAlive: true });
    client.on('notification', (message) => this.dispatch(message.channel, message.payload));
    client.on('error', (error) => {
      this.logger.warn(`LISTEN connection: ${error.message}`);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.listening = new Set();
      await this.sync(client);
      this.retryMs = 100;
      for (const channel of this.listeners.keys()) this.dispatch(channel, undefined);
    } catch (error) {
      this.logger.warn(`LISTEN connection failed: ${(error as Error).message}; retrying in ${this.retryMs} ms`);
      await client.end().catch(() => undefined);
      this.lost(client);
      this.retry();
    }
  }

  /** LISTENs to every channel with listeners that this connection does not listen to yet. */
  private async sync(client: pg.Client): Promise<void> {
    for (const channel of this.listeners.keys()) {
      if (this.listening.has(channel)) continue;
      this.listening.add(channel);
      try {
        await client.query(`LISTEN ${channel}`);
      } catch (error) {
        this.listening.delete(channel);
        this.logger.warn(`LISTEN ${channel} failed: ${(error as Error).message}`);
      }
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.ensureConnected();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private dispatch(channel: string, payload: string | undefined): void {
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        this.logger.warn(`listener of ${channel} failed: ${(error as Error).message}`);
      }
    }
  }
}
