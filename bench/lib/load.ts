import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { type LatencySummary, summarize } from './stats.js';

/** Bounds of one load phase: it stops at whichever comes first, and never runs unbounded. */
export interface LoadBounds {
  /** Requests (or tasks) in flight at once. */
  concurrency: number;
  /** Measured duration, after the warm-up. */
  durationMs: number;
  /** Tasks started during the first `warmupMs` are run but not measured. */
  warmupMs: number;
  /** Tasks at most (warm-up included). */
  maxTasks: number;
}

export interface KindResult {
  requests: number;
  ok: number;
  rps: number;
  latencyMs: LatencySummary;
  errors: Record<string, number>;
}

export interface LoadResult {
  tasks: number;
  measuredTasks: number;
  durationS: number;
  /** Why the phase ended: `time` or `tasks` (the bound reached). */
  endedBy: 'time' | 'tasks';
  kinds: Record<string, KindResult>;
}

/** Collects what each request took and how it ended; ignores requests started during the warm-up. */
export class Recorder {
  private readonly samples = new Map<string, number[]>();
  private readonly errors = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  firstMeasured = Infinity;
  lastEnd = 0;

  constructor(private readonly warmupEnd: number) {}

  /** Starts timing a request; call the returned function when it ended (with an error key when it failed). */
  start(kind: string): (error?: string) => void {
    const started = performance.now();
    return (error?: string) => {
      const ended = performance.now();
      if (started < this.warmupEnd) return;
      this.firstMeasured = Math.min(this.firstMeasured, started);
      this.lastEnd = Math.max(this.lastEnd, ended);
      this.totals.set(kind, (this.totals.get(kind) ?? 0) + 1);
      if (error === undefined) {
        let list = this.samples.get(kind);
        if (!list) this.samples.set(kind, (list = []));
        list.push(ended - started);
      } else {
        let byType = this.errors.get(kind);
        if (!byType) this.errors.set(kind, (byType = new Map()));
        byType.set(error, (byType.get(error) ?? 0) + 1);
      }
    };
  }

  results(durationS: number): Record<string, KindResult> {
    const out: Record<string, KindResult> = {};
    for (const [kind, total] of this.totals) {
      const samples = this.samples.get(kind) ?? [];
      out[kind] = {
        requests: total,
        ok: samples.length,
        rps: Math.round((samples.length / durationS) * 10) / 10,
        latencyMs: summarize(samples),
        errors: Object.fromEntries(this.errors.get(kind) ?? []),
      };
    }
    return out;
  }
}

/**
 * A closed-loop load: `concurrency` loops each run the next task until the
 * duration or the task count is reached. Each task may issue several requests.
 */
export async function runLoad(
  bounds: LoadBounds,
  task: (index: number, recorder: Recorder) => Promise<void>,
): Promise<LoadResult> {
  const begin = performance.now();
  const warmupEnd = begin + bounds.warmupMs;
  const deadline = warmupEnd + bounds.durationMs;
  const recorder = new Recorder(warmupEnd);
  let next = 0;
  let measuredTasks = 0;
  let endedBy: 'time' | 'tasks' = 'time';
  const loop = async () => {
    for (;;) {
      const now = performance.now();
      if (now >= deadline) return;
      if (next >= bounds.maxTasks) {
        endedBy = 'tasks';
        return;
      }
      const index = next++;
      if (now >= warmupEnd) measuredTasks++;
      await task(index, recorder);
    }
  };
  await Promise.all(Array.from({ length: bounds.concurrency }, loop));
  const window = recorder.lastEnd > recorder.firstMeasured ? recorder.lastEnd - recorder.firstMeasured : 1;
  const durationS = window / 1000;
  return {
    tasks: next,
    measuredTasks,
    durationS: Math.round(durationS * 1000) / 1000,
    endedBy,
    kinds: recorder.results(durationS),
  };
}

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

/** A keep-alive HTTP/1.1 client to one origin (undici `Pool`, one connection per concurrent request). */
export class HttpTarget {
  private readonly pool: Pool;

  constructor(origin: string, connections: number) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  async request<T = any>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.pool.request({ method, path, headers, body });
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, body: parsed as T, headers: response.headers };
  }

  /**
   * A timed request: recorded as ok for the expected status, else as an error
   * keyed by status and error code (or by network error code). Returns the response, or undefined on a network error.
   */
  async timed<T = any>(
    recorder: Recorder,
    kind: string,
    expected: number,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse<T> | undefined> {
    const done = recorder.start(kind);
    try {
      const response = await this.request<T>(method, path, options);
      done(response.status === expected ? undefined : errorKey(response));
      return response;
    } catch (error) {
      done(`network ${(error as { code?: string }).code ?? (error as Error).name}`);
      return undefined;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** `503 service_unavailable`, `400 session_full`, `400 GameSessionFullException`... */
export function errorKey(response: JsonResponse): string {
  const body = response.body as { error_code?: string; __type?: string; detail?: unknown } | undefined;
  const code = body?.error_code ?? body?.__type ?? (body?.detail ? 'validation_error' : '');
  return `${response.status}${code ? ` ${code}` : ''}`;
}
