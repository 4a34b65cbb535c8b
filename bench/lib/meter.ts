import { performance } from 'node:perf_hooks';
import { cpuSpent, cpuTimes, processTree } from './cpu.js';
import type { WindowMeter } from './load.js';
import type { CpuReading } from './results.js';

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** The client backends connected to the benchmark's database. */
async function backends(query: Query): Promise<number[]> {
  const rows = await query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  return rows.map((r) => Number(r.pid));
}

/**
 * Reads the CPU time of a process tree (the service's or the bare server's cluster: primary and workers; none
 * for the SQL baseline) and of the database's PostgreSQL backends when the window opens and when it closes.
 * Backends are read only when their pid is a `postgres` process of this machine.
 */
export class CpuMeter implements WindowMeter {
  private startedAt = 0;
  private stoppedAt = 0;
  private processesBefore = new Map<number, number>();
  private processesAfter = new Map<number, number>();
  private postgresBefore = new Map<number, number>();
  private postgresAfter = new Map<number, number>();
  private postgresPids = 0;
  private postgresSeen = false;

  constructor(
    private readonly query: Query,
    private readonly rootPid: number | undefined,
  ) {}

  async start(): Promise<void> {
    const pids = await backends(this.query);
    this.postgresBefore = cpuTimes(pids, 'postgres');
    this.postgresSeen = this.postgresBefore.size > 0;
    if (this.rootPid !== undefined) this.processesBefore = cpuTimes(processTree(this.rootPid));
    this.startedAt = performance.now();
  }

  async stop(): Promise<void> {
    if (this.rootPid !== undefined) this.processesAfter = cpuTimes(processTree(this.rootPid));
    this.stoppedAt = performance.now();
    const pids = await backends(this.query);
    this.postgresAfter = cpuTimes(pids, 'postgres');
    this.postgresPids = new Set([...this.postgresBefore.keys(), ...this.postgresAfter.keys()]).size;
  }

  reading(requests: number): CpuReading {
    const per = (ms: number | null) =>
      ms === null || requests === 0 ? null : Math.round((ms / requests) * 1000) / 1000;
    const processMs = this.rootPid === undefined ? null : cpuSpent(this.processesBefore, this.processesAfter);
    const postgresMs = this.postgresSeen ? cpuSpent(this.postgresBefore, this.postgresAfter) : null;
    return {
      requests,
      windowMs: Math.round(this.stoppedAt - this.startedAt),
      processMs,
      processMsPerRequest: per(processMs),
      processes: this.rootPid === undefined ? null : [this.processesBefore.size, this.processesAfter.size],
      postgresMs,
      postgresMsPerRequest: per(postgresMs),
      postgresBackends: this.postgresPids,
    };
  }
}
