import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/config.js';

type Listener = (payload: string) => void;

/**
 * Cross-instance fan-out over PostgreSQL `LISTEN/NOTIFY`: one dedicated
 * connection per instance listens on the channels subscribed to and hands
 * each notification's payload to the channel's listeners. Notifications are
 * sent by SQL (`pg_notify`) and delivered when the sending transaction
 * commits. The connection is re-opened after a loss (a database restart);
 * what was notified meanwhile is lost, so users must not depend on every
 * notification arriving (see docs/game-servers.md). LISTEN needs a direct
 * connection: a transaction-pooling proxy does not deliver notifications.
 */
@Injectable()
export class Notifier implements OnApplicationShutdown {
  private readonly logger = new Logger(Notifier.name);
  private readonly listeners = new Map<string, Set<Listener>>();
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly config: AppConfig) {}

  /** Calls `listener` with every payload notified on `channel` (from any instance). */
  async subscribe(channel: string, listener: Listener): Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    await this.connect();
    await this.client?.query(`LISTEN ${channel}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.client || this.stopped) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.database.url, application_name: 'joinery-listen' });
    client.on('notification', (message) => {
      for (const listener of this.listeners.get(message.channel) ?? []) {
        try {
          listener(message.payload ?? '');
        } catch (error) {
          this.logger.warn(`listener on ${message.channel} failed: ${String(error)}`);
        }
      }
    });
    client.on('error', (error) => {
      this.logger.warn(`listen connection: ${error.message}`);
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
      this.client = client;
    } catch (error) {
      this.logger.warn(`listen connection failed: ${String(error)}; retrying`);
      await client.end().catch(() => undefined);
      this.retry();
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.retry();
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, 1_000);
    this.retryTimer.unref();
  }
}
