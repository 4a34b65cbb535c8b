import { fileURLToPath } from 'node:url';
import { runBench, SCENARIOS } from '../../bench/lib/bench.js';
import { formatTable } from '../../bench/lib/report.js';

/**
 * The benchmark's own code, end to end, on a tiny load (so that it cannot
 * rot): the compiled service as a real process, players logged in, every
 * scenario against the service and the baseline, the invariant checks and
 * the report. It asserts that requests succeeded and invariants held, never timings.
 * Like `npm run bench`, it creates an empty database on the test server, so
 * its two workers also migrate it side by side (under the migration lock).
 */
describe('npm run bench, tiny (e2e)', () => {
  it('runs every scenario and its baseline, checks the invariants and reports', async () => {
    const lines: string[] = [];
    const result = await runBench({
      root: fileURLToPath(new URL('../..', import.meta.url)),
      workers: 2,
      poolSize: 4,
      concurrency: 4,
      durationMs: 1_000,
      warmupMs: 0,
      players: 48,
      scenarios: SCENARIOS,
      env: { BENCH_DATABASE_URL: process.env.JOINERY_TEST_ADMIN_URL },
      log: (line) => lines.push(line),
    });

    expect(result.ok).toBe(true);
    expect(result.runs.map((r) => `${r.scenario}/${r.target}`)).toEqual([
      'hot/service',
      'hot/baseline',
      'spread/service',
      'spread/baseline',
      'mixed/service',
      'gamelift/service',
      'gamelift/baseline',
    ]);
    for (const run of result.runs) {
      const primary = run.load.kinds[run.primaryKind];
      expect(primary.ok).toBeGreaterThan(0);
      for (const kind of Object.values(run.load.kinds)) expect(kind.errors).toEqual({});
      expect(run.checks).toMatchObject({ invariantsHold: true, violations: {}, answersWithoutSeat: 0 });
      expect(run.checks.answersChecked).toBe(primary.ok);
    }
    expect(result.runs.find((r) => r.scenario === 'mixed')!.load.kinds).toHaveProperty('get session');
    expect(Object.keys(result.ratios).sort()).toEqual(['gamelift', 'hot', 'spread']);
    expect(formatTable(result)).toMatch(/invariants after every scenario: hold/);
    expect(lines.some((l) => /service stopped \(exit 0\)/.test(l))).toBe(true);
  });
});
