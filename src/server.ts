import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from './app.factory.js';
import { AppConfig, loadConfig } from './config/config.js';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from './database/embedded-postgres.js';

export interface RunningServer {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  /** Set when no DATABASE_URL was given and the embedded server is used. */
  embedded?: EmbeddedPostgresHandle;
  /** Finishes in-flight requests, closes the database pool, then stops the embedded server. */
  stop(): Promise<void>;
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
    // PostgreSQL's own output is kept quiet unless starting it fails.
    const output: string[] = [];
    embedded = await startEmbeddedPostgres({
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
    stop: async () => {
      await app.close();
      await embedded?.stop();
    },
  };
}
