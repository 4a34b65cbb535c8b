import { Logger } from '@nestjs/common';
import { armShutdownDeadline, ignoreBrokenStdio } from './lifecycle/deadline.js';
import { type RunningServer, startServer } from './server.js';

/**
 * One service process: starts the server from the environment and stops it
 * gracefully on SIGTERM/SIGINT, exiting within `SHUTDOWN_TIMEOUT_MS`
 * (status 0 after a clean stop, 1 when the hard deadline was reached, or
 * SIGKILL by the watchdog thread if the main thread was blocked then; see
 * lifecycle/deadline.ts).
 * Used by main.ts and by each worker of cluster.ts.
 */
export async function runService(env: Record<string, string | undefined>): Promise<RunningServer> {
  ignoreBrokenStdio();
  const server = await startServer(env);
  const logger = new Logger('Shutdown');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = server.config.http.shutdownTimeoutMs;
    logger.log(`${signal}: refusing new requests, finishing in-flight ones (at most ${timeoutMs} ms), then stopping`);
    armShutdownDeadline(timeoutMs, () => logger.error(`shutdown took longer than ${timeoutMs} ms; exiting`));
    try {
      await server.stop();
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${String(error)}`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return server;
}
