import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { AppConfig } from '../config/config.js';
import { GameServers } from './game-servers.js';
import { SessionInstances } from './session-instances.js';

/**
 * The game servers' sweeper, every GAMELIFT_PROCESS_SWEEP_INTERVAL_MS: ends server processes that went quiet or
 * unhealthy (GAMELIFT_PROCESS_UNHEALTHY_SECONDS), whose socket stayed gone past the grace period
 * (GAMELIFT_PROCESS_GRACE_SECONDS), or whose session was not activated in time (GAMELIFT_ACTIVATION_TIMEOUT_SECONDS)
 * (their sessions end and their seats are released); then records the health changes of session instances that
 * no health check made (a host that stopped sending them becomes unhealthy, then unknown: INSTANCE_HEALTH_*), each
 * a session event. The SQL functions take try-locks: with several instances one sweeps a tick. Errors are logged,
 * never thrown.
 */
@Injectable()
export class ProcessSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ProcessSweeper.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly gameServers: GameServers,
    private readonly instances: SessionInstances,
    private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask(this.config.gameServers.sweepIntervalMs, () => this.tick());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  private async tick(): Promise<void> {
    try {
      const ended = await this.gameServers.sweep();
      if (ended > 0) this.logger.log(`ended ${ended} lost, unhealthy or unactivated server process(es)`);
      if (this.task.stopped) return;
      const changed = await this.instances.sweep();
      if (changed > 0) this.logger.log(`${changed} session instance(s) changed health without a health check`);
    } catch (error) {
      this.logger.warn({ err: error }, 'game-server sweep failed; retrying next tick');
    }
  }
}
