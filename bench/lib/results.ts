import type { LoadResult } from './load.js';

export const SCENARIOS = ['hot', 'spread', 'mixed', 'gamelift', 'logins', 'large'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/**
 * What a run measures: `service`, HTTP through Joinery; `bare`, HTTP through bench/bare-server.ts (Node's http
 * and a pg pool, the same SQL per request); `sql`, the same SQL function straight from a pg pool in the load
 * generator.
 */
export type RunTarget = 'service' | 'bare' | 'sql';
/** `closed`: a fixed number of connections, each sending its next request on an answer; `open`: a fixed rate. */
export type RunMode = 'closed' | 'open';

/** CPU over a run's measured window, read from /proc before and after it. */
export interface CpuReading {
  /** Requests (any kind) that ended in the window. */
  requests: number;
  windowMs: number;
  /** The service's (or bare server's) processes, primary and workers; null for the SQL baseline. */
  processMs: number | null;
  processMsPerRequest: number | null;
  /** Processes read at the start and at the end of the window (a worker restarted in between shows here). */
  processes: [number, number] | null;
  /**
   * The PostgreSQL backends connected to the benchmark's database (the service's pools or the baseline's, and
   * the benchmark's own idle ones); null when PostgreSQL is not on this machine.
   */
  postgresMs: number | null;
  postgresMsPerRequest: number | null;
  postgresBackends: number;
}

export interface RunChecks {
  invariantsHold: boolean;
  violations: Record<string, Record<string, unknown>[]>;
  /** Successful answers whose seat (logins: player) is not in the database as answered (must be 0). */
  answersMissing: number;
  answersChecked: number;
  sessions: number;
  /** Sessions with free seats left (at most one per type and region when packing is perfect). */
  sessionsNotFull: number;
}

export interface ScenarioRun {
  scenario: ScenarioName;
  target: RunTarget;
  mode: RunMode;
  description: string;
  /** Connections (closed loop). */
  concurrency: number;
  /** Tasks started per second (open loop): half the same scenario's closed-loop throughput through the service. */
  offeredRps?: number;
  load: LoadResult;
  /** The request kind the ratios and the summary table use. */
  primaryKind: string;
  cpu: CpuReading;
  checks: RunChecks;
}

/** One of issue 12's targets, as measured in this run. */
export interface TargetCheck {
  target: string;
  scenario: ScenarioName | 'all';
  /** The measured value (a ratio, a rate, milliseconds or a count); null when a run it needs is missing. */
  measured: number | null;
  unit: 'x' | 'req/s' | 'ms' | 'runs';
  comparison: '<=' | '>=';
  goal: number;
  met: boolean | null;
  /** How the measured value is made. */
  basis: string;
}

export interface BenchResult {
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    postgres: string;
    postgresSettings: Record<string, string>;
    loadGeneratorSharesCpus: true;
  };
  config: {
    workers: number;
    poolSizePerWorker: number;
    baselinePoolSize: number;
    concurrency: number;
    durationMs: number;
    warmupMs: number;
    players: number;
    openLoopFraction: number;
    postgresSource: string;
    maintenance: string;
    largeDatabase?: {
      endedSessions: number;
      endedSeats: number;
      fillMs: number;
      /** Table sizes after the fill, indexes included, in MiB. */
      sizesMiB: Record<string, number>;
      /** Whether the fill ended with a CHECKPOINT (superuser or pg_checkpoint only). */
      checkpoint: boolean;
      /**
       * Shared buffers each probe create-or-join touched (EXPLAIN ANALYZE BUFFERS, one connection, players of
       * a type of its own), before the fill and after it (players who then have a history): the first ones
       * include the connection's planning, the last ones are the steady cost.
       */
      joinBuffers: { before: number[]; after: number[] };
    };
  };
  runs: ScenarioRun[];
  targets: TargetCheck[];
  /** Invariants held and every answer was backed by its row, after every run. */
  ok: boolean;
}
