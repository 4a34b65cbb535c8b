import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { createApp } from './app.factory.js';
import { AppConfig, loadConfig } from './config/config.js';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from './database/embedded-postgres.js';
import { Drain } from './lifecycle/drain.js';

export interface RunningServer {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  /** Set when no DATABASE_URL was given and the embedded server is used. */
  embedded?: EmbeddedPostgresHandle;
  /**
   * Graceful stop: closes the listener, refuses requests still arriving on
   * open connections (503, `Connection: close`), lets in-flight requests
   * finish (at most `drainTimeoutMs`, default `SHUTDOWN_TIMEOUT_MS` less a
   * margin for the rest), closes the database pool, then stops the embedded server.
   */
  stop(drainTimeoutMs?: number): Promise<void>;
}

/**
 * Starts the embedded PostgreSQL of a configuration without `DATABASE_URL`.
 * Its own output is kept quiet unless starting it fails.
 */
export async function startEmbeddedFor(config: AppConfig, logger: Logger): Promise<EmbeddedPostgresHandle> {
  const output: string[] = [];
  const embedded = await startEmbeddedPostgres({
    dir: config.database.embeddedDir,
    port: config.database.embeddedPort,
    log: (message) => output.push(message),
  }).catch((error: unknown) => {
    logger.error(output.slice(-40).join('\n'));
    throw error;
  });
  logger.log(
    `DATABASE_URL is not set: using embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${config.database.embeddedDir})`,
  );
  return embedded;
}

/**
 * Starts the service from an environment: validates it, starts the embedded
 * PostgreSQL when `DATABASE_URL` is unset, builds the application (which
 * migrates the database) and listens.
 */
export async function startServer(env: Record<string, string | undefined>): Promise<RunningServer> {
  let config = loadConfig(env);
  const logger = new Logger('Bootstrap');
  const started = Date.now();

  let embedded: EmbeddedPostgresHandle | undefined;
  if (!config.database.url) {
    embedded = await startEmbeddedFor(config, logger);
    config = new AppConfig({ ...config, database: { ...config.database, url: embedded.url } });
  }

  let app: NestExpressApplication;
  try {
    app = await createApp(config);
    await app.listen(config.http.port, config.http.host);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.log(`Joinery listening on ${url} (explorer at ${url}/docs) after ${Date.now() - started} ms`);

  return {
    app,
    url,
    config,
    embedded,
    stop: async (drainTimeoutMs = Math.max(0, config.http.shutdownTimeoutMs - 1_000)) => {
      await stopApp(app, drainTimeoutMs);
      await embedded?.stop();
    },
  };
}

/**
 * The application's graceful stop (also the tests'): drains requests (at most `drainTimeoutMs`), drops every
 * connection still open, then closes the application (event streams, game-server sockets, the database pools).
 * A bare `app.close()` would instead wait for each client to close its own keep-alive connections.
 */
export async function stopApp(app: NestExpressApplication, drainTimeoutMs: number): Promise<void> {
  await drainRequests(app, drainTimeoutMs);
  await app.close();
}

/** Stops accepting connections and waits for in-flight requests (bounded); then drops every connection. */
async function drainRequests(app: NestExpressApplication, timeoutMs: number): Promise<void> {
  const drain = app.get(Drain);
  drain.start();
  const server = app.getHttpServer() as Server;
  // Stops listening; on Node >= 19 this also closes idle keep-alive connections.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const idle = await drain.whenIdle(timeoutMs);
  if (!idle) {
    new Logger('Shutdown').warn(`${drain.inFlightCount} request(s) still in flight after ${timeoutMs} ms; closing`);
  }
  server.closeAllConnections();
  await closed;
}
