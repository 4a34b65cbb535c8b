import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';
import { runBench, SCENARIOS } from '../../bench/lib/bench.js';
import { formatTable } from '../../bench/lib/report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The bare server runs as a process of its own, from JavaScript: `npm run bench` compiles it with
 * tsconfig.bench.json; here swc (Jest's transformer) transpiles it alone (one file, no type check; `npm run lint`
 * and the bench's build check its types) to the same place.
 */
async function compileBareServer(): Promise<string> {
  const script = 'dist/bench/bare-server.js';
  const source = await readFile(join(root, 'bench/bare-server.ts'), 'utf8');
  const { code: outputText } = await transform(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'es6' },
  });
  await mkdir(dirname(join(root, script)), { recursive: true });
  await writeFile(join(root, script), outputText);
  return script;
}

/**
 * The benchmark's own code, end to end, on a tiny load (so that it cannot
 * rot): the compiled service and the bare server as real processes, players
 * logged in, every scenario through the service (closed and open loop), the
 * bare server and the SQL baseline, the large database's fill, the CPU
 * readings, the invariant checks, the targets and the report. It asserts that
 * requests succeeded, invariants held and every figure was produced, never
 * what the figures are. Like `npm run bench`, it creates an empty database on
 * the test server, so its two workers also migrate it side by side (under the
 * migration lock).
 */
describe('npm run bench, tiny (e2e)', () => {
  it('runs every scenario, its open loop and its baselines, checks the invariants and reports', async () => {
    const lines: string[] = [];
    const result = await runBench({
      root,
      bareServerScript: await compileBareServer(),
      workers: 2,
      poolSize: 4,
      concurrency: 4,
      durationMs: 200,
      warmupMs: 0,
      players: 48,
      scenarios: SCENARIOS,
      largeSessions: 400,
      largeSeats: 2_000,
      env: { BENCH_DATABASE_URL: process.env.JOINERY_TEST_ADMIN_URL },
      log: (line) => lines.push(line),
    });

    expect(result.ok).toBe(true);
    expect(result.runs.map((r) => `${r.scenario}/${r.target}/${r.mode}`)).toEqual([
      'hot/service/closed',
      'hot/service/open',
      'hot/bare/closed',
      'hot/sql/closed',
      'spread/service/closed',
      'spread/service/open',
      'spread/bare/closed',
      'spread/sql/closed',
      'mixed/service/closed',
      'mixed/service/open',
      'gamelift/service/closed',
      'gamelift/service/open',
      'gamelift/bare/closed',
      'gamelift/sql/closed',
      'logins/service/closed',
      'logins/service/open',
      'logins/bare/closed',
      'large/service/closed',
      'large/service/open',
      'large/bare/closed',
      'large/sql/closed',
    ]);
    for (const run of result.runs) {
      const primary = run.load.kinds[run.primaryKind];
      expect(primary.ok).toBeGreaterThan(0);
      for (const kind of Object.values(run.load.kinds)) expect(kind.errors).toEqual({});
      expect(run.checks).toMatchObject({ invariantsHold: true, violations: {}, answersMissing: 0 });
      // Every successful answer was checked: the measured ones and those of the warm-up (here, the ANALYZE at
      // its end on a server without autovacuum).
      expect(run.checks.answersChecked).toBe(primary.okAll);
      expect(primary.okAll).toBeGreaterThanOrEqual(primary.ok);
      // CPU was read from /proc for the service's and the bare server's three processes (primary, two workers).
      expect(run.cpu.requests).toBeGreaterThan(0);
      if (run.target === 'sql') expect(run.cpu.processMs).toBeNull();
      else {
        expect(run.cpu.processes).toEqual([3, 3]);
        expect(typeof run.cpu.processMsPerRequest).toBe('number');
      }
      if (run.mode === 'open') expect(run.offeredRps).toBeGreaterThan(0);
    }
    expect(result.runs.find((r) => r.scenario === 'mixed')!.load.kinds).toHaveProperty('get session');

    expect(result.config.largeDatabase).toMatchObject({ endedSessions: 400, endedSeats: 2_000 });
    const { before, after } = result.config.largeDatabase!.joinBuffers;
    expect(before).toHaveLength(6);
    expect(after).toHaveLength(6);
    for (const blocks of [...before, ...after]) expect(blocks).toBeGreaterThan(0);

    expect(result.targets.map((t) => `${t.scenario}: ${t.target}`)).toEqual([
      'hot: create-or-join: service CPU per request ÷ the bare server’s',
      'spread: create-or-join: service CPU per request ÷ the bare server’s',
      'spread: spread throughput ÷ the bare server’s',
      'hot: hot type throughput ÷ the one-at-a-time SQL baseline',
      'gamelift: CreatePlayerSession throughput ÷ its SQL baseline',
      'logins: logins per second (3 × 493/s)',
      'hot: open-loop p99 at half the saturation rate (create-or-join)',
      'spread: open-loop p99 at half the saturation rate (create-or-join)',
      'mixed: open-loop p99 at half the saturation rate (create-or-join)',
      'gamelift: open-loop p99 at half the saturation rate (CreatePlayerSession)',
      'large: open-loop p99 at half the saturation rate (create-or-join)',
      'large: large-database spread throughput ÷ the empty database’s',
      'all: runs with broken invariants, unbacked answers or errors',
    ]);
    expect(result.targets.at(-1)).toMatchObject({ measured: 0, met: true });

    const table = formatTable(result);
    expect(table).toMatch(/\| scenario +\| run +\| request +\| req\/s/);
    expect(table).toMatch(/invariants after every run: hold/);
    expect(lines.some((l) => /service stopped \(exit 0\)/.test(l))).toBe(true);
  });
});
