/**
 * `npm run bench`: builds the service, then measures it against PostgreSQL's
 * own limit in the same run (see bench/README.md). Loopback only; every phase
 * is bounded in time and count.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, SCENARIOS, type ScenarioName } from './lib/bench.js';
import { formatTable } from './lib/report.js';

function int(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max} (got ${raw})`);
  }
  return value;
}

function fraction(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0 && value <= 1)) throw new Error(`${name} must be a number in (0, 1] (got ${raw})`);
  return value;
}

async function main(): Promise<void> {
  // dist/bench/run.js → the repository root.
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const scenarios = (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as ScenarioName[];
  const unknown = scenarios.filter((s) => !SCENARIOS.includes(s));
  if (unknown.length)
    throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  const profileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });

  const result = await runBench({
    root,
    workers: int('BENCH_WORKERS', availableParallelism(), 1, 64),
    poolSize: int('BENCH_POOL_SIZE', 8, 1, 200),
    concurrency: int('BENCH_CONCURRENCY', 64, 1, 1024),
    durationMs: int('BENCH_DURATION_S', 10, 1, 120) * 1000,
    warmupMs: int('BENCH_WARMUP_S', 2, 0, 60) * 1000,
    players: int('BENCH_PLAYERS', 30_000, 10, 200_000),
    scenarios,
    largeSessions: int('BENCH_LARGE_SESSIONS', 200_000, 1, 10_000_000),
    largeSeats: int('BENCH_LARGE_SEATS', 1_000_000, 1, 50_000_000),
    openLoopFraction: fraction('BENCH_OPEN_LOOP_FRACTION', 0.5),
    keepDatabase: process.env.BENCH_KEEP_DATABASE === 'true',
    keepWork: process.env.BENCH_KEEP_LOG === 'true',
    // BENCH_SERVICE_<NAME>=value sets the service's <NAME> (e.g. BENCH_SERVICE_LOG_REQUESTS=errors).
    serviceEnv: Object.fromEntries(
      Object.entries(process.env)
        .filter(([name, value]) => name.startsWith('BENCH_SERVICE_') && value !== undefined)
        .map(([name, value]) => [name.slice('BENCH_SERVICE_'.length), value!]),
    ),
    cpuProfileDir: profileDir,
    env: process.env,
    log: (line) => console.log(`[bench] ${line}`),
  });

  console.log(`\n${formatTable(result)}\n`);
  const dir = join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${result.date.slice(0, 19).replace(/:/g, '-')}`);
  await writeFile(`${file}.json`, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(`${file}.md`, `${formatTable(result)}\n`);
  console.log(`written to ${file}.json and ${file}.md`);
  if (profileDir) console.log(`CPU profiles in ${profileDir}`);
  if (!result.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
