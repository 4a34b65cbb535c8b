import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import cluster, { type Worker } from 'node:cluster';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadConfig } from './config/config.js';
import type { EmbeddedPostgresHandle } from './database/embedded-postgres.js';
import { ignoreBrokenStdio } from './lifecycle/deadline.js';
import { startEmbeddedFor } from './server.js';
import { serveClusterMetrics } from './metrics/metrics.service.js';
import { failedToStart } from './lifecycle/failed-to-start.js';
import { runService } from './process.js';

/** A worker that dies sooner than this after starting counts as a failed start. */
const QUICK_DEATH_MS = 5_000;
const MAX_QUICK_DEATHS = 5;

/**
 * `npm run start:cluster`: N workers (`WEB_CONCURRENCY`, else one per core)
 * share one port through Node's cluster module. The service is stateless, so
 * workers are plain instances: every seat decision is made inside PostgreSQL,
 * migrations and the reservation sweeper take advisory locks. Without
 * `DATABASE_URL` the primary starts the embedded PostgreSQL once and hands its
 * URL to the workers. SIGTERM/SIGINT stop every worker gracefully, then the
 * embedded server. A worker that dies is replaced.
 */
async function primary(): Promise<void> {
  ignoreBrokenStdio();
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const logger = new Logger('Cluster');
  const count = config.http.workers ?? availableParallelism();

  let embedded: EmbeddedPostgresHandle | undefined;
  const workerEnv: Record<string, string> = {};
  if (!config.database.url) {
    embedded = await startEmbeddedFor(config, logger);
    workerEnv.DATABASE_URL = embedded.url;
  }

  let stopping = false;
  let quickDeaths = 0;
  let listening = 0;
  const started = new Map<Worker, number>();
  const fork = () => started.set(cluster.fork(workerEnv), Date.now());

  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (listening === count) {
      const host = address.address && address.address !== '::' ? address.address : '127.0.0.1';
      // One line the benchmark and operators can wait for.
      console.log(`Joinery cluster: ${count} workers listening on http://${host}:${address.port}`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker) ?? 0);
    started.delete(worker);
    if (stopping) return;
    logger.warn(`worker ${worker.process.pid} exited (${signal ?? code}) after ${lived} ms; starting another`);
    quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    if (quickDeaths >= MAX_QUICK_DEATHS) {
      logger.error(`${quickDeaths} workers in a row died right after starting; stopping the cluster`);
      void stop('worker failures', 1);
      return;
    }
    fork();
  });

  const stop = async (reason: string, status = 0) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${reason}: stopping ${started.size} workers`);
    const workers = [...started.keys()];
    const exited = Promise.all(
      workers.map((w) => (w.isDead() ? Promise.resolve() : new Promise<void>((r) => w.once('exit', () => r())))),
    );
    for (const worker of workers) worker.process.kill('SIGTERM');
    // Each worker bounds its own stop by SHUTDOWN_TIMEOUT_MS; this is the backstop.
    const backstop = setTimeout(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, config.http.shutdownTimeoutMs + 2_000);
    await exited;
    clearTimeout(backstop);
    await embedded?.stop();
    process.exit(status);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  // `/metrics` on any worker answers for the whole cluster.
  serveClusterMetrics();
  logger.log(`starting ${count} workers`);
  for (let i = 0; i < count; i++) fork();
}

if (cluster.isPrimary) {
  primary().catch(failedToStart);
} else {
  runService(process.env).catch(failedToStart);
}
