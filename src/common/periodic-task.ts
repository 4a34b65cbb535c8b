/**
 * Runs `run` every `intervalMs`, one run at a time (the next is scheduled when
 * the previous ends), until stopped; `stop()` waits for a run in flight. For
 * the background sweeps of the core (reservations, server processes). `run`
 * handles its own errors.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private halted = false;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => Promise<void>,
  ) {}

  /** Whether stop() was called (a long run checks it between steps). */
  get stopped(): boolean {
    return this.halted;
  }

  start(): void {
    this.halted = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.halted = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (this.halted) return;
    this.timer = setTimeout(() => {
      this.running = this.run().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
  }
}
