import { Worker } from 'node:worker_threads';

/** How long after the deadline the watchdog thread kills the process if the main thread could not exit. */
export const WATCHDOG_GRACE_MS = 1_000;

/**
 * The shutdown deadline, held whatever the state of the process:
 *
 * - at `timeoutMs` a timer (unref'd: it never keeps the process alive) calls
 *   `onDeadline` and `process.exit(1)`;
 * - should the main thread be blocked then (a synchronous write to a pipe
 *   nobody reads, a busy loop), the timer cannot run: a watchdog thread,
 *   which the main thread cannot block, sends the process SIGKILL
 *   {@link WATCHDOG_GRACE_MS} later.
 */
export function armShutdownDeadline(timeoutMs: number, onDeadline: () => void): void {
  setTimeout(() => {
    try {
      onDeadline();
    } finally {
      process.exit(1);
    }
  }, timeoutMs).unref();
  const watchdog = new Worker(
    `const { workerData } = require('node:worker_threads');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
     process.kill(workerData.pid, 'SIGKILL');`,
    { eval: true, workerData: { ms: timeoutMs + WATCHDOG_GRACE_MS, pid: process.pid }, stdout: true, stderr: true },
  );
  watchdog.unref();
}

/**
 * Writes to standard output or error that fail (EPIPE once the reading end
 * is closed) are dropped instead of raising an uncaught exception.
 */
export function ignoreBrokenStdio(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => undefined);
  }
}
