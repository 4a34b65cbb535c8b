import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/config.js';

/** One instance purges at a time; the others skip the round. */
const PURGE_LOCK = 0x4a4f5055; // "JOPU"
/** Rows deleted per statement, so a first purge of a large backlog never holds long locks. */
const BATCH = 5_000;

export interface PurgeResult {
  refreshTokens: number;
  players: number;
}

/**
 * Retention (docs/permissions.md): every `PURGE_INTERVAL_MS`, one instance
 * deletes refresh tokens past their expiry (used ones are kept until then,
 * so that a reuse is still recognised and revokes its family) and anonymous
 * players who have not logged in for `ANON_PLAYER_RETENTION_DAYS` (0: kept
 * for ever), unless they hold a seat (RESERVED or ACTIVE) or were disabled by
 * an operator (a ban must outlive the idle time). Their refresh tokens go
 * with them; their ended seats stay as history. A purged device id that logs
 * in again is a new player.
 */
@Injectable()
export class RetentionPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionPurge.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.retention.purgeIntervalMs;
    if (every <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.purge()
        .catch((error: unknown) => this.logger.warn(`purge failed: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round; answers zeros when another instance holds the purge lock. */
  async purge(): Promise<PurgeResult> {
    const result = await this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [PURGE_LOCK],
      );
      if (!locked) return { refreshTokens: 0, players: 0 };
      let refreshTokens = 0;
      for (;;) {
        const [, count] = (await manager.query(
          `DELETE FROM refresh_token WHERE id IN (
             SELECT id FROM refresh_token WHERE expires_at < now() LIMIT ${BATCH})`,
        )) as [unknown, number];
        refreshTokens += count;
        if (count < BATCH) break;
      }
      let players = 0;
      const days = this.config.retention.anonPlayerDays;
      while (days > 0) {
        const [, count] = (await manager.query(
          `DELETE FROM player WHERE id IN (
             SELECT p.id FROM player p
              WHERE p.platform = 'Anon' AND NOT p.disabled
                AND p.last_login_at < now() - make_interval(days => $1)
                AND NOT EXISTS (SELECT 1 FROM seat s
                                 WHERE s.player_id = p.id::text AND s.status IN ('RESERVED', 'ACTIVE'))
              LIMIT ${BATCH})`,
          [days],
        )) as [unknown, number];
        players += count;
        if (count < BATCH) break;
      }
      return { refreshTokens, players };
    });
    if (result.refreshTokens || result.players) {
      this.logger.log(
        `purged ${result.refreshTokens} expired refresh token(s) and ${result.players} idle anonymous player(s)`,
      );
    }
    return result;
  }
}
