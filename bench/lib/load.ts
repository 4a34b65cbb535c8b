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
  /** Successful requests, the warm-up's included (what the run's answer checks count). */
  okAll: number;
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
  /** Requests (any kind) that ended in the CPU meter's window; 0 without a meter. */
  windowRequests: number;
}

/** Collects what each request took and how it ended; ignores requests started during the warm-up. */
export class Recorder {
  private readonly samples = new Map<string, number[]>();
  private readonly errors = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  private readonly okAll = new Map<string, number>();
  firstMeasured = Infinity;
  lastEnd = 0;
  /** Requests (of any kind, warm-up included) that ended while `counting` was on: the CPU window's requests. */
  ended = 0;
  counting = false;

  /** While a hook runs at the warm-up's end, the window's end is not known yet (the load goes on). */
  opening = false;

  /** When the measured window opens (`performance.now()` time): requests started earlier are not measured. */
  constructor(public warmupEnd: number) {}

  /** When the load stops: `durationMs` after the window opened. */
  deadline(durationMs: number): number {
    return this.opening ? Infinity : this.warmupEnd + durationMs;
  }

  /**
   * Starts timing a request; call the returned function when it ended (with an error key when it failed).
   * `startedAt` (a `performance.now()` time) is when the request was due: an open loop passes its scheduled
   * time, so that a request the client sent late still counts its wait.
   */
  start(kind: string, startedAt?: number): (error?: string) => void {
    const started = startedAt ?? performance.now();
    return (error?: string) => {
      const ended = performance.now();
      if (this.counting) this.ended++;
      if (error === undefined) this.okAll.set(kind, (this.okAll.get(kind) ?? 0) + 1);
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
        okAll: this.okAll.get(kind) ?? 0,
        rps: Math.round((samples.length / durationS) * 10) / 10,
        latencyMs: summarize(samples),
        errors: Object.fromEntries(this.errors.get(kind) ?? []),
      };
    }
    return out;
  }
}

/**
 * What a load phase tells its meter: `start` when the measured window opens (after the warm-up), `stop` when
 * every task has ended. The meter reads the CPU counters; the recorder counts the requests that ended between.
 */
export interface WindowMeter {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What runs at the warm-up's end: a hook (the measured window opens once it is done), then the meter's start. */
export interface WindowHooks {
  meter?: WindowMeter;
  /** Runs while the load goes on, before the window opens (the benchmark's ANALYZE on a server without autovacuum). */
  afterWarmup?: () => Promise<void>;
}

/** At `at`, runs the hook, opens the window (moving the recorder's warm-up end), starts the meter. */
function openWindow(recorder: Recorder, hooks: WindowHooks, at: number): Promise<void> {
  if (!hooks.meter && !hooks.afterWarmup) return Promise.resolve();
  recorder.opening = hooks.afterWarmup !== undefined;
  return new Promise<void>((resolve, reject) => {
    setTimeout(
      () => {
        (async () => {
          await hooks.afterWarmup?.();
          recorder.warmupEnd = Math.max(at, performance.now());
          recorder.opening = false;
          await hooks.meter?.start();
          recorder.counting = true;
        })().then(resolve, reject);
      },
      Math.max(0, at - performance.now()),
    );
  });
}

async function closeWindow(recorder: Recorder, hooks: WindowHooks, opened: Promise<void>): Promise<void> {
  await opened;
  await hooks.meter?.stop();
  recorder.counting = false;
}

function loadResult(recorder: Recorder, next: number, measuredTasks: number, endedBy: 'time' | 'tasks'): LoadResult {
  const window = recorder.lastEnd > recorder.firstMeasured ? recorder.lastEnd - recorder.firstMeasured : 1;
  const durationS = window / 1000;
  return {
    tasks: next,
    measuredTasks,
    durationS: Math.round(durationS * 1000) / 1000,
    endedBy,
    kinds: recorder.results(durationS),
    windowRequests: recorder.ended,
  };
}

/** Tasks a measured window holds at least, however short it is (a short window, a slow task, a low rate). */
const MIN_MEASURED = 5;

/**
 * A closed-loop load: `concurrency` loops each run the next task until the
 * duration (and at least MIN_MEASURED tasks in the measured window) or the task
 * count is reached. Each task may issue several requests.
 */
export async function runLoad(
  bounds: LoadBounds,
  task: (index: number, recorder: Recorder) => Promise<void>,
  hooks: WindowHooks = {},
): Promise<LoadResult> {
  const begin = performance.now();
  const recorder = new Recorder(begin + bounds.warmupMs);
  const opened = openWindow(recorder, hooks, recorder.warmupEnd);
  let next = 0;
  let measuredTasks = 0;
  let endedBy: 'time' | 'tasks' = 'time';
  const loop = async () => {
    for (;;) {
      const now = performance.now();
      if (now >= recorder.deadline(bounds.durationMs) && measuredTasks >= MIN_MEASURED) return;
      if (next >= bounds.maxTasks) {
        endedBy = 'tasks';
        return;
      }
      const index = next++;
      if (!recorder.opening && now >= recorder.warmupEnd) measuredTasks++;
      await task(index, recorder);
    }
  };
  await Promise.all(Array.from({ length: bounds.concurrency }, loop));
  await closeWindow(recorder, hooks, opened);
  return loadResult(recorder, next, measuredTasks, endedBy);
}

/** Bounds of an open-loop phase: tasks start on a fixed schedule, whether or not earlier ones have answered. */
export interface OpenLoopBounds {
  /** Tasks started per second (the offered rate). */
  ratePerS: number;
  durationMs: number;
  warmupMs: number;
  maxTasks: number;
}

/**
 * An open-loop load: task i is due at `i / ratePerS` seconds and starts then (or as soon after as the load
 * generator can), however many tasks are still in flight. Each task gets its due time, and its first request is
 * timed from it: a slow answer cannot hold the next requests back and hide the wait they would have had
 * (coordinated omission).
 */
export async function runOpenLoop(
  bounds: OpenLoopBounds,
  task: (index: number, recorder: Recorder, dueAt: number) => Promise<void>,
  hooks: WindowHooks = {},
): Promise<LoadResult> {
  const begin = performance.now();
  const interval = 1000 / bounds.ratePerS;
  const recorder = new Recorder(begin + bounds.warmupMs);
  const opened = openWindow(recorder, hooks, recorder.warmupEnd);
  // The window lasts durationMs, and holds at least MIN_MEASURED due times (a low rate in a short window).
  const deadline = () => {
    const end = recorder.deadline(bounds.durationMs);
    const first = Math.ceil((recorder.warmupEnd - begin) / interval);
    return Math.max(end, begin + (first + MIN_MEASURED) * interval);
  };
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let measuredTasks = 0;
  let endedBy: 'time' | 'tasks' = 'time';
  for (;;) {
    const now = performance.now();
    for (let due = begin + next * interval; due <= now && due < deadline() && next < bounds.maxTasks;) {
      if (!recorder.opening && due >= recorder.warmupEnd) measuredTasks++;
      const running: Promise<void> = task(next, recorder, due).finally(() => inFlight.delete(running));
      inFlight.add(running);
      next++;
      due = begin + next * interval;
    }
    const due = begin + next * interval;
    if (next >= bounds.maxTasks) {
      endedBy = 'tasks';
      break;
    }
    if (due >= deadline()) break;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
  await Promise.all(inFlight);
  await closeWindow(recorder, hooks, opened);
  return loadResult(recorder, next, measuredTasks, endedBy);
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
    options: { token?: string; body?: unknown; headers?: Record<string, string>; dueAt?: number } = {},
  ): Promise<JsonResponse<T> | undefined> {
    const done = recorder.start(kind, options.dueAt);
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
