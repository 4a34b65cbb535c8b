import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { GameServers } from './game-servers.js';

/**
 * Ends server processes that went quiet or unhealthy (GAMELIFT_PROCESS_UNHEALTHY_SECONDS),
 * whose socket stayed gone past the grace period (GAMELIFT_PROCESS_GRACE_SECONDS), or whose
 * session was not activated in time (GAMELIFT_ACTIVATION_TIMEOUT_SECONDS), every
 * GAMELIFT_PROCESS_SWEEP_INTERVAL_MS; their sessions end and their seats are released. The SQL
 * function takes a try-lock: with several instances one sweeps a tick. Errors are logged, never thrown.
 */
@Injectable()
export class ProcessSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ProcessSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly gameServers: GameServers,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.config.gameServers.sweepIntervalMs);
  }

  private async tick(): Promise<void> {
    try {
      const ended = await this.gameServers.sweep();
      if (ended > 0) this.logger.log(`ended ${ended} lost, unhealthy or unactivated server process(es)`);
    } catch (error) {
      this.logger.warn({ err: error }, 'process sweep failed; retrying next tick');
    }
  }
}
