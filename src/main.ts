import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { AppConfig, ConfigError, loadConfig } from './config/config.js';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from './database/embedded-postgres.js';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
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
      console.error(output.slice(-40).join('\n'));
      throw error;
    });
    logger.log(
      `DATABASE_URL is not set: using embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${config.database.embeddedDir})`,
    );
    config = new AppConfig({ ...config, database: { ...config.database, url: embedded.url } });
  }

  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  logger.log(`Joinery listening on ${url} (explorer at ${url}/docs) after ${Date.now() - started} ms`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight requests, then stopping`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${config.http.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.http.shutdownTimeoutMs).unref();
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void bootstrap().catch((error: unknown) => {
  console.error('Joinery failed to start:', error);
  process.exit(1);
});
