import type { RunMode, RunTarget, ScenarioName, ScenarioRun, TargetCheck } from './results.js';

/** Logins per second issue 12 measured before its work (its "logins ≥ 3x today's rate"). */
export const LOGINS_BEFORE_PER_S = 493;
/** Open-loop p99 goal for create-or-join and CreatePlayerSession, in milliseconds. */
export const OPEN_LOOP_P99_GOAL_MS = 20;

function find(runs: ScenarioRun[], scenario: ScenarioName, target: RunTarget, mode: RunMode = 'closed') {
  return runs.find((r) => r.scenario === scenario && r.target === target && r.mode === mode);
}

function rps(run: ScenarioRun | undefined): number | null {
  const value = run?.load.kinds[run.primaryKind]?.rps;
  return value === undefined || value === 0 ? null : value;
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return Math.round((a / b) * 1000) / 1000;
}

function target(
  targetName: string,
  scenario: ScenarioName | 'all',
  measured: number | null,
  unit: TargetCheck['unit'],
  comparison: TargetCheck['comparison'],
  goal: number,
  basis: string,
): TargetCheck {
  const met = measured === null ? null : comparison === '<=' ? measured <= goal : measured >= goal;
  return { target: targetName, scenario, measured, unit, comparison, goal, met, basis };
}

/** Errors of a run, every request kind together. */
export function errorCount(run: ScenarioRun): number {
  return Object.values(run.load.kinds).reduce(
    (n, kind) => n + Object.values(kind.errors).reduce((a, b) => a + b, 0),
    0,
  );
}

/** Issue 12's targets, each measured from this run's figures (ratios within the run, never across runs). */
export function evaluateTargets(runs: ScenarioRun[]): TargetCheck[] {
  const targets: TargetCheck[] = [];
  const present = (scenario: ScenarioName) => runs.some((r) => r.scenario === scenario);

  for (const scenario of ['hot', 'spread'] as const) {
    if (!present(scenario)) continue;
    const service = find(runs, scenario, 'service');
    const bare = find(runs, scenario, 'bare');
    targets.push(
      target(
        'create-or-join: service CPU per request ÷ the bare server’s',
        scenario,
        ratio(service?.cpu.processMsPerRequest, bare?.cpu.processMsPerRequest),
        'x',
        '<=',
        2,
        'CPU ms per request of the service’s processes ÷ the bare server’s, closed loops',
      ),
    );
  }
  if (present('spread')) {
    targets.push(
      target(
        'spread throughput ÷ the bare server’s',
        'spread',
        ratio(rps(find(runs, 'spread', 'service')), rps(find(runs, 'spread', 'bare'))),
        'x',
        '>=',
        0.8,
        'create-or-join req/s, closed loops of the same concurrency',
      ),
    );
  }
  if (present('hot')) {
    targets.push(
      target(
        'hot type throughput ÷ the one-at-a-time SQL baseline',
        'hot',
        ratio(rps(find(runs, 'hot', 'service')), rps(find(runs, 'hot', 'sql'))),
        'x',
        '>=',
        1.5,
        'create-or-join req/s ÷ joinery_create_or_join calls/s from a pg pool',
      ),
    );
  }
  if (present('gamelift')) {
    targets.push(
      target(
        'CreatePlayerSession throughput ÷ its SQL baseline',
        'gamelift',
        ratio(rps(find(runs, 'gamelift', 'service')), rps(find(runs, 'gamelift', 'sql'))),
        'x',
        '>=',
        0.6,
        'CreatePlayerSession req/s ÷ joinery_reserve_seats calls/s from a pg pool',
      ),
    );
  }
  if (present('logins')) {
    targets.push(
      target(
        `logins per second (3 × ${LOGINS_BEFORE_PER_S}/s)`,
        'logins',
        rps(find(runs, 'logins', 'service')),
        'req/s',
        '>=',
        3 * LOGINS_BEFORE_PER_S,
        'anon logins/s, closed loop',
      ),
    );
  }
  for (const scenario of ['hot', 'spread', 'mixed', 'gamelift', 'large'] as const) {
    if (!present(scenario)) continue;
    const open = find(runs, scenario, 'service', 'open');
    const p99 = open?.load.kinds[open.primaryKind]?.latencyMs.p99;
    targets.push(
      target(
        `open-loop p99 at half the saturation rate (${open?.primaryKind ?? 'primary request'})`,
        scenario,
        p99 === undefined || Number.isNaN(p99) ? null : p99,
        'ms',
        '<=',
        OPEN_LOOP_P99_GOAL_MS,
        'p99 from each request’s scheduled send time, at half the closed loop’s req/s',
      ),
    );
  }
  if (present('large')) {
    targets.push(
      target(
        'large-database spread throughput ÷ the empty database’s',
        'large',
        ratio(rps(find(runs, 'large', 'service')), rps(find(runs, 'spread', 'service'))),
        'x',
        '>=',
        0.9,
        'create-or-join req/s through the service, closed loops, after ÷ before the fill',
      ),
    );
  }
  const broken = runs.filter((r) => !r.checks.invariantsHold || r.checks.answersMissing > 0 || errorCount(r) > 0);
  targets.push(
    target(
      'runs with broken invariants, unbacked answers or errors',
      'all',
      broken.length,
      'runs',
      '<=',
      0,
      `every run checked: ${broken.map((r) => `${r.scenario}/${r.target}/${r.mode}`).join(', ') || 'none failed'}`,
    ),
  );
  return targets;
}
