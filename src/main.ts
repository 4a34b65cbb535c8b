import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { ConfigError } from './config/config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const server = await startServer(process.env);
  const logger = new Logger('Bootstrap');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight requests, then stopping`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${server.config.http.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, server.config.http.shutdownTimeoutMs).unref();
    await server.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('Joinery failed to start:', error);
  process.exit(1);
});
