import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Sql } from '../database/sql.js';

/** How long the seat gauges' query result is reused (a scrape must stay cheap). */
const SEAT_GAUGE_TTL_MS = 5_000;
const CLUSTER_REQUEST = 'joinery:metrics-request';
let workerAggregator: unknown;
const CLUSTER_REPLY = 'joinery:metrics-reply';

export type JoinOperation = 'create_or_join' | 'join' | 'reserve';

/**
 * The service's Prometheus metrics (prom-client), in a registry of its own
 * per application:
 *  - `http_request_duration_seconds{method,route,status_code}`: latency per
 *    route pattern (`/session/v1/session/:session_id`, never the raw URL);
 *  - `joinery_join_outcomes_total{operation,outcome}`: what the ledger
 *    answered (created, joined, existing, reserved, or the refusal's code);
 *  - `joinery_join_batch_size{operation}`: how many create-or-joins
 *    (`create_or_join`) or CreatePlayerSession(s) requests (`reserve`) one
 *    SQL call decided (group commit, src/session/group-commit.ts);
 *  - `joinery_seats_reserved_total`, `joinery_seats_timed_out_total`:
 *    GameLift reservations made, and freed by the sweeper;
 *  - `joinery_seats{status}`: occupied seats now (RESERVED, ACTIVE), read from
 *    the database at most every 5 s;
 *  - `joinery_client_secret_hashes_total`: scrypt checks of client secrets
 *    on login (unknown client ids are hashed too: no timing oracle);
 *  - `joinery_auth_throttled_total`: requests refused before authentication
 *    by the failed-authentication limit;
 *  - `joinery_db_pool_connections{pool,state}`: this instance's pg pools
 *    (`main`, `read`; total, idle, waiting, max);
 *  - game servers: `joinery_server_processes{status,healthy}` (live processes,
 *    from the database, cached 5 s), `joinery_placements_total{outcome}`
 *    (placed, existing, no_capacity...), `joinery_process_events_total{event}`
 *    (ready, process_ending, unhealthy, lost, activation_timeout, swept...),
 *    `joinery_game_session_activation_seconds` (placement to ActivateGameSession);
 *  - Node's process metrics (`process_*`, `nodejs_*`).
 * Under `npm run start:cluster`, `/metrics` answers for the whole cluster:
 * the worker asks the primary, which sums every worker's metrics.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsService.name);
  private readonly http: Histogram<'method' | 'route' | 'status_code'>;
  private readonly joins: Counter<'operation' | 'outcome'>;
  private readonly batches: Histogram<'operation'>;
  private readonly reserved: Counter;
  private readonly timedOut: Counter;
  private readonly placements: Counter<'outcome'>;
  private readonly processEvents: Counter<'event'>;
  private readonly activations: Histogram;
  private readonly secretHashes: Counter;
  private readonly authThrottled: Counter;
  private seatCounts?: { at: number; counts: Promise<Map<string, number>> };
  private processCounts?: { at: number; rows: Promise<{ status: string; healthy: boolean; n: number }[]> };

  constructor(private readonly sql: Sql) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.http = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route pattern',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.joins = new Counter({
      name: 'joinery_join_outcomes_total',
      help: 'Seat requests by operation and outcome (created, joined, existing, reserved, or the refusal code)',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.batches = new Histogram({
      name: 'joinery_join_batch_size',
      help: 'Create-or-joins (create_or_join) or CreatePlayerSession(s) requests (reserve) decided by one SQL call',
      labelNames: ['operation'],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    this.reserved = new Counter({
      name: 'joinery_seats_reserved_total',
      help: 'Seats reserved (GameLift CreatePlayerSession(s)), awaiting the game server',
      registers,
    });
    this.timedOut = new Counter({
      name: 'joinery_seats_timed_out_total',
      help: 'Reservations timed out by the sweeper of this instance',
      registers,
    });
    this.secretHashes = new Counter({
      name: 'joinery_client_secret_hashes_total',
      help: 'Client secrets checked with scrypt on login (wrong secrets and unknown client ids alike; a secret verified in the last 30 s is not hashed again)',
      registers,
    });
    this.authThrottled = new Counter({
      name: 'joinery_auth_throttled_total',
      help: 'Requests refused (429) before authentication because their IP failed to authenticate too often (AUTH_FAILURE_LIMIT); not in the audit log',
      registers,
    });
    // Before the seat gauge, whose query would otherwise be counted as waiting for a connection.
    new Gauge({
      name: 'joinery_db_pool_connections',
      help: "This instance's PostgreSQL pools (main: the ledger; read: session reads): total, idle, waiting (requests queued for a connection), max",
      labelNames: ['pool', 'state'],
      registers,
      collect() {
        const pools = sql.poolUse();
        for (const [pool, use] of Object.entries(pools)) {
          if (!use) continue;
          this.set({ pool, state: 'total' }, use.total);
          this.set({ pool, state: 'idle' }, use.idle);
          this.set({ pool, state: 'waiting' }, use.waiting);
          this.set({ pool, state: 'max' }, use.max);
        }
      },
    });
    const seats = () => this.seats();
    new Gauge({
      name: 'joinery_seats',
      help: 'Occupied seats by status (read from the database, cached 5 s)',
      labelNames: ['status'],
      registers,
      async collect() {
        const counts = await seats();
        for (const status of ['RESERVED', 'ACTIVE']) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    this.placements = new Counter({
      name: 'joinery_placements_total',
      help: 'Game sessions placed on server processes, by outcome (placed, existing, no_capacity)',
      labelNames: ['outcome'],
      registers,
    });
    this.processEvents = new Counter({
      name: 'joinery_process_events_total',
      help: 'Server process events on this instance (ready, process_ending, unhealthy, lost, activation_timeout, swept)',
      labelNames: ['event'],
      registers,
    });
    this.activations = new Histogram({
      name: 'joinery_game_session_activation_seconds',
      help: 'Time from placing a game session on a process to its ActivateGameSession',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    const processes = () => this.processes();
    new Gauge({
      name: 'joinery_server_processes',
      help: 'Live server processes by status (CONNECTED, ACTIVE) and health (read from the database, cached 5 s)',
      labelNames: ['status', 'healthy'],
      registers,
      async collect() {
        this.reset();
        for (const row of await processes()) this.set({ status: row.status, healthy: String(row.healthy) }, row.n);
      },
    });
    if (cluster.isWorker) {
      // prom-client answers the primary's requests for this worker's metrics once an AggregatorRegistry exists.
      workerAggregator ??= new AggregatorRegistry();
      AggregatorRegistry.setRegistries([this.registry]);
    }
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }

  /** Express middleware timing every request, labelled with the matched route pattern. */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      this.http.observe({ method: request.method, route, status_code: response.statusCode }, seconds);
    });
    next();
  };

  joinOutcome(operation: JoinOperation, outcome: string, count = 1): void {
    this.joins.inc({ operation, outcome }, count);
  }

  joinBatch(operation: 'create_or_join' | 'reserve', size: number): void {
    this.batches.observe({ operation }, size);
  }

  seatsReserved(count: number): void {
    if (count > 0) this.reserved.inc(count);
  }

  clientSecretHashed(): void {
    this.secretHashes.inc();
  }

  authenticationThrottled(): void {
    this.authThrottled.inc();
  }

  seatsTimedOut(count: number): void {
    if (count > 0) this.timedOut.inc(count);
  }

  placement(outcome: string): void {
    this.placements.inc({ outcome });
  }

  processEvent(event: string, count = 1): void {
    this.processEvents.inc({ event }, count);
  }

  activation(seconds: number): void {
    this.activations.observe(seconds);
  }

  /** The exposition: this process's metrics, or the whole cluster's when run as a cluster worker. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const contentType = this.registry.contentType;
    if (!cluster.isWorker || !process.send) return { contentType, body: await this.registry.metrics() };
    try {
      return { contentType, body: await askPrimary() };
    } catch (error) {
      this.logger.warn(`cluster metrics unavailable (${String(error)}); answering this worker's`);
      return { contentType, body: await this.registry.metrics() };
    }
  }

  private seats(): Promise<Map<string, number>> {
    const now = Date.now();
    if (!this.seatCounts || now - this.seatCounts.at > SEAT_GAUGE_TTL_MS) {
      const counts = this.sql
        .read<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM seat WHERE joinery_seat_occupies(status) GROUP BY status`,
        )
        .then((rows) => new Map(rows.map((r) => [r.status, r.n])));
      this.seatCounts = { at: now, counts };
      counts.catch(() => (this.seatCounts = undefined));
    }
    return this.seatCounts.counts;
  }

  private processes(): Promise<{ status: string; healthy: boolean; n: number }[]> {
    const now = Date.now();
    if (!this.processCounts || now - this.processCounts.at > SEAT_GAUGE_TTL_MS) {
      const rows = this.sql.read<{ status: string; healthy: boolean; n: number }>(
        `SELECT status, healthy, count(*)::int AS n FROM server_process WHERE status <> 'TERMINATED' GROUP BY 1, 2`,
      );
      this.processCounts = { at: now, rows };
      rows.catch(() => (this.processCounts = undefined));
    }
    return this.processCounts.rows;
  }
}

/** Asks the cluster primary for every worker's metrics, summed (see cluster.ts). */
function askPrimary(timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = randomUUID();
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the cluster primary did not answer'));
    }, timeoutMs);
    const onMessage = (message: { type?: string; id?: string; body?: string; error?: string }) => {
      if (message?.type !== CLUSTER_REPLY || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.body ?? '');
    };
    process.on('message', onMessage);
    process.send!({ type: CLUSTER_REQUEST, id });
  });
}

/** In the cluster primary: answers workers' requests for the cluster's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== CLUSTER_REQUEST) return;
    aggregator.clusterMetrics().then(
      (body) => worker.send({ type: CLUSTER_REPLY, id: message.id, body }),
      (error: unknown) => worker.send({ type: CLUSTER_REPLY, id: message.id, error: String(error) }),
    );
  });
}
