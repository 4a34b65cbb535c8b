import type { BenchResult, ScenarioRun, TargetCheck } from './results.js';

const RUN_NAMES: Record<ScenarioRun['target'], string> = {
  service: 'service',
  bare: 'bare http+pg',
  sql: 'SQL only',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
}

/** CPU ms per request of the service's closed run of a scenario, its processes and PostgreSQL's backends together. */
function joinCpu(result: BenchResult, scenario: 'spread' | 'large'): number | null {
  const run = result.runs.find((r) => r.scenario === scenario && r.target === 'service' && r.mode === 'closed');
  const { processMsPerRequest: a, postgresMsPerRequest: b } = run?.cpu ?? {};
  return a === null || a === undefined || b === null || b === undefined ? null : a + b;
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

function errorsOf(run: ScenarioRun, kind: string): string {
  const errors = run.load.kinds[kind]?.errors ?? {};
  return Object.entries(errors)
    .map(([key, n]) => `${n}× ${key}`)
    .join(', ');
}

function checksOf(run: ScenarioRun): string {
  const c = run.checks;
  return c.invariantsHold && c.answersMissing === 0 ? `ok (${c.answersChecked})` : 'BROKEN';
}

/** Rows as a Markdown table, padded so that it also reads as plain text. */
function markdownTable(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** One row per scenario, run (service, bare server, SQL only) and request kind; the open loop beside its closed one. */
function runsTable(result: BenchResult): string {
  const header = [
    'scenario',
    'run',
    'request',
    'req/s',
    'p50 ms',
    'p99 ms',
    'open loop req/s',
    'open p99 ms',
    'CPU ms/req',
    'PG CPU ms/req',
    'errors',
    'checks',
  ];
  const right = [false, false, false, true, true, true, true, true, true, true, false, false];
  const rows: string[][] = [];
  for (const run of result.runs) {
    if (run.mode !== 'closed') continue;
    const open = result.runs.find((r) => r.scenario === run.scenario && r.target === run.target && r.mode === 'open');
    // The primary request first, then the others in the order they were first measured.
    const kinds = Object.entries(run.load.kinds).sort(
      ([a], [b]) => Number(b === run.primaryKind) - Number(a === run.primaryKind),
    );
    for (const [kind, k] of kinds) {
      const primary = kind === run.primaryKind;
      const o = open?.load.kinds[kind];
      const errors = [errorsOf(run, kind), open && errorsOf(open, kind) ? `open: ${errorsOf(open, kind)}` : '']
        .filter(Boolean)
        .join('; ');
      rows.push([
        run.scenario,
        RUN_NAMES[run.target],
        kind,
        fixed(k.rps, 0),
        fixed(k.latencyMs.p50, 1),
        fixed(k.latencyMs.p99, 1),
        o ? `${fixed(o.rps, 0)} of ${fixed(open?.offeredRps, 0)}` : '',
        o ? fixed(o.latencyMs.p99, 1) : '',
        primary ? fixed(run.cpu.processMsPerRequest, 3) : '',
        primary ? fixed(run.cpu.postgresMsPerRequest, 3) : '',
        errors || '0',
        primary ? checksOf(run) + (open ? `, open ${checksOf(open)}` : '') : '',
      ]);
    }
  }
  return markdownTable(header, rows, right);
}

function measuredOf(t: TargetCheck): string {
  if (t.measured === null) return '–';
  switch (t.unit) {
    case 'x':
      return `${t.measured.toFixed(2)}x`;
    case 'ms':
      return `${t.measured.toFixed(1)} ms`;
    case 'req/s':
      return `${t.measured.toFixed(0)}/s`;
    default:
      return String(t.measured);
  }
}

function goalOf(t: TargetCheck): string {
  const value =
    t.unit === 'x'
      ? `${t.goal}x`
      : t.unit === 'ms'
        ? `${t.goal} ms`
        : t.unit === 'req/s'
          ? `${t.goal}/s`
          : String(t.goal);
  return `${t.comparison === '<=' ? '≤' : '≥'} ${value}`;
}

function targetsTable(targets: TargetCheck[]): string {
  const rows = targets.map((t) => [
    t.target,
    t.scenario,
    measuredOf(t),
    goalOf(t),
    t.met === null ? 'n/a' : t.met ? 'met' : 'NOT MET',
  ]);
  return markdownTable(['target (issue 12)', 'scenario', 'measured', 'goal', ''], rows, [
    false,
    false,
    true,
    true,
    false,
  ]);
}

/** The whole report as Markdown (printed at the end of `npm run bench` and written next to its JSON). */
export function formatTable(result: BenchResult): string {
  const m = result.machine;
  const c = result.config;
  const large = c.largeDatabase;
  return [
    `# Joinery benchmark, ${result.date}`,
    '',
    `- machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}; ` +
      'the load generator, the service, the bare server and PostgreSQL share these cores',
    `- service: ${c.workers} workers × pool ${c.poolSizePerWorker}; bare server: ${c.workers} workers × pool ${c.poolSizePerWorker}; ` +
      `SQL only: a pg pool of ${c.baselinePoolSize}`,
    `- closed loops: ${c.concurrency} connections, ${c.durationMs / 1000} s measured after ${c.warmupMs / 1000} s warm-up; ` +
      `open loops (service): ${c.openLoopFraction} × the closed loop's req/s, as long`,
    `- CPU ms/req: the service's (or bare server's) processes, from /proc, over the measured window ÷ the requests ` +
      'that ended in it; PG CPU: the backends of the benchmark database likewise',
    `- table maintenance: ${c.maintenance}`,
    ...(large
      ? [
          `- large database: ${large.endedSessions} ended sessions and ${large.endedSeats} seats written in ${(large.fillMs / 1000).toFixed(1)} s` +
            `${large.checkpoint ? ', checkpointed' : ' (no CHECKPOINT: not permitted)'} ` +
            `(${Object.entries(large.sizesMiB)
              .map(([t, mb]) => `${t} ${mb} MiB`)
              .join(', ')}); shared buffers one create-or-join touches (probe, median of the last 4): ` +
            `${median(large.joinBuffers.before.slice(-4))} before the fill, ${median(large.joinBuffers.after.slice(-4))} after; ` +
            `CPU ms per create-or-join through the service (its processes + PostgreSQL's), closed loops: ` +
            `${fixed(joinCpu(result, 'spread'), 2)} in spread, ${fixed(joinCpu(result, 'large'), 2)} in large`,
        ]
      : []),
    '',
    runsTable(result),
    '',
    targetsTable(result.targets),
    '',
    `invariants after every run: ${result.ok ? 'hold' : 'BROKEN'}`,
  ].join('\n');
}
