import type { BenchResult } from './bench.js';

/** The result as a plain-text table, one row per scenario, target and request kind. */
export function formatTable(result: BenchResult): string {
  const header = [
    'scenario',
    'target',
    'request',
    'conc',
    'ok',
    'req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'errors',
    'invariants',
    'svc/base',
  ];
  const rows: string[][] = [];
  for (const run of result.runs) {
    for (const [kind, k] of Object.entries(run.load.kinds)) {
      const errors = Object.entries(k.errors)
        .map(([key, n]) => `${n}× ${key}`)
        .join(', ');
      const ratio = run.target === 'service' && kind === run.primaryKind ? result.ratios[run.scenario] : undefined;
      rows.push([
        run.scenario,
        run.target,
        kind,
        String(run.concurrency),
        String(k.ok),
        k.rps.toFixed(0),
        k.latencyMs.p50.toFixed(1),
        k.latencyMs.p95.toFixed(1),
        k.latencyMs.p99.toFixed(1),
        errors || '0',
        run.checks.invariantsHold && run.checks.answersWithoutSeat === 0
          ? `ok (${run.checks.answersChecked} seats)`
          : 'BROKEN',
        ratio === undefined ? '' : ratio.toFixed(2),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const m = result.machine;
  return [
    `Joinery benchmark, ${result.date}`,
    `machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}; ` +
      'the load generator, the service and PostgreSQL share these cores',
    `service: ${result.config.workers} workers × pool ${result.config.poolSizePerWorker}; baseline: pg pool of ${result.config.baselinePoolSize}; ` +
      `${result.config.concurrency} concurrent, ${result.config.durationMs / 1000} s measured after ${result.config.warmupMs / 1000} s warm-up`,
    `table maintenance: ${result.config.maintenance}`,
    '',
    format(header),
    format(widths.map((w) => '-'.repeat(w))),
    ...rows.map(format),
    '',
    `invariants after every scenario: ${result.ok ? 'hold' : 'BROKEN'}`,
  ].join('\n');
}
