import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { AppConfig } from '../config/config.js';
import { SessionLedger } from './session-ledger.js';

/** Sessions swept per call; a full batch means there may be more right away. */
const BATCH = 200;
/** Session events are kept a day: a stream resumes with Last-Event-ID within that (docs/sessions.md). */
const EVENT_RETENTION_SECONDS = 86_400;

/**
 * Times out reservations the game server did not accept in time
 * (RESERVATION_TIMEOUT_SECONDS), every RESERVATION_SWEEP_INTERVAL_MS. The
 * SQL function takes a try-lock, so with several instances one sweeps a tick
 * and the others skip it; joins also time out overdue seats themselves, so a
 * late sweep never over-fills a session. Errors are logged, never thrown.
 */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReservationSweeper.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly ledger: SessionLedger,
    private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask(this.config.gamelift.sweepIntervalMs, () => this.tick());
  }

  /** Sessions of templates with min_session_count exist before the first request is served. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.ledger.keepMinSessions();
    } catch (error) {
      this.logger.warn({ err: error }, 'creating min_session_count sessions failed; retrying next tick');
    }
    this.task.start();
  }

  /** Stops before the database connection closes (module destroy precedes application shutdown). */
  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }

  /**
   * One sweep: overdue reservations, then players not seen past their session's player_culling_timeout, each in
   * batches of BATCH sessions until one frees nothing (at most 50); then the sessions templates with
   * min_session_count lack are created, and session events older than a day deleted. Returns the seats freed.
   */
  async sweep(): Promise<number> {
    let total = 0;
    for (const pass of [(n: number) => this.ledger.sweepReservations(n), (n: number) => this.ledger.cullPlayers(n)]) {
      for (let batches = 0; batches < 50 && !this.task.stopped; batches++) {
        const freed = await pass(BATCH);
        total += freed;
        if (freed === 0) break;
      }
    }
    if (!this.task.stopped) await this.ledger.keepMinSessions();
    if (!this.task.stopped) await this.ledger.pruneEvents(EVENT_RETENTION_SECONDS);
    return total;
  }

  private async tick(): Promise<void> {
    try {
      const expired = await this.sweep();
      if (expired > 0) this.logger.log(`freed ${expired} seat(s): unaccepted reservations, unseen players`);
    } catch (error) {
      this.logger.warn({ err: error }, 'reservation sweep failed; retrying next tick');
    }
  }
}
