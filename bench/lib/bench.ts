import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ledgerViolations } from './invariants.js';
import { HttpTarget, type LoadBounds, type LoadResult, Recorder, runLoad } from './load.js';
import { createDatabase, dropDatabase, findPostgres } from './postgres.js';
import { type ServiceProcess, startService } from './service.js';
import { BENCH_ACCESS_KEY, GameLiftTarget } from './sigv4.js';

export const SCENARIOS = ['hot', 'spread', 'mixed', 'gamelift'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  /** Repository root, holding the compiled service in `dist/`. */
  root: string;
  /** Service workers (`WEB_CONCURRENCY`). */
  workers: number;
  /** `DATABASE_POOL_SIZE` of each worker; the baseline pool has `workers × poolSize` connections. */
  poolSize: number;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** Players logged in before the scenarios; each scenario seats each player at most once. */
  players: number;
  scenarios: readonly ScenarioName[];
  /** Use this (migrated or empty) database as it is instead of creating one. */
  databaseUrl?: string;
  /** Keep the database the run created. */
  keepDatabase?: boolean;
  /** Keep the temporary folder with the service log. */
  keepWork?: boolean;
  /** Folder for the service's V8 CPU profiles (`--cpu-prof`), if wanted. */
  cpuProfileDir?: string;
  /** Extra environment for the service. */
  serviceEnv?: Record<string, string>;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
}

export interface ScenarioRun {
  scenario: ScenarioName;
  /** `service`: HTTP through Joinery; `baseline`: the same SQL function straight from a `pg` pool. */
  target: 'service' | 'baseline';
  description: string;
  concurrency: number;
  load: LoadResult;
  /** The request kind the ratio and the summary table use. */
  primaryKind: string;
  checks: {
    invariantsHold: boolean;
    violations: Record<string, Record<string, unknown>[]>;
    /** 200 answers whose seat is not in the session they named (must be 0). */
    answersWithoutSeat: number;
    answersChecked: number;
    sessions: number;
    /** Sessions with free seats left (at most one per type and region when packing is perfect). */
    sessionsNotFull: number;
  };
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
    postgresSource: string;
    maintenance: string;
  };
  runs: ScenarioRun[];
  /** service req/s ÷ baseline req/s of the same scenario. */
  ratios: Partial<Record<ScenarioName, number>>;
  ok: boolean;
}

const SEATS = 8;
const BASELINE_MAX_TASKS = 500_000;
const SPREAD_TYPES = 10;
const SPREAD_REGIONS = 5;
const CLIENT = { clientId: 'bench-game-client', secret: randomBytes(18).toString('base64url') };
const JOIN_BODY = {
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
};
/** What the service passes for sessions it creates (GAMELIFT_FLEET_ID and GAMELIFT_REGION defaults). */
const FLEET = 'fleet-joinery';
const LOCATION = 'us-east-1';

function template(): Record<string, unknown> {
  return {
    engine_session_type: 'Game',
    can_be_created_by_players_directly: true,
    attempt_auto_join: true,
    default_public: true,
    keep_alive_on_empty: false,
    num_teams: 1,
    players_per_team: SEATS,
  };
}

/** Session types of the run: each scenario, service and baseline, has types of its own. */
function benchTemplates(): Record<string, unknown> {
  const types: Record<string, unknown> = {};
  for (const target of ['svc', 'base']) {
    types[`bench-hot-${target}`] = template();
    types[`bench-mixed-${target}`] = template();
    for (let t = 0; t < SPREAD_TYPES; t++) types[`bench-spread-${target}-${t}`] = template();
  }
  return { templates: types };
}

/** The (type, region) a task joins, for a scenario and target. */
function placement(scenario: ScenarioName, target: 'svc' | 'base', index: number): { type: string; region?: string } {
  if (scenario !== 'spread') return { type: `bench-${scenario}-${target}` };
  const combo = index % (SPREAD_TYPES * SPREAD_REGIONS);
  return {
    type: `bench-spread-${target}-${combo % SPREAD_TYPES}`,
    region: `region-${Math.floor(combo / SPREAD_TYPES)}`,
  };
}

interface Player {
  token: string;
  uuid: string;
}

/**
 * The whole benchmark: a database of its own, the compiled service as a
 * cluster of real processes, players logged in, then each scenario against
 * the service and against the baseline, each followed by the invariant check.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  const work = await mkdtemp(join(tmpdir(), 'joinery-bench-'));
  const templatesFile = join(work, 'templates.json');
  await writeFile(templatesFile, JSON.stringify(benchTemplates()));

  const postgres = options.databaseUrl ? undefined : await findPostgres(options.env);
  const dbName = `joinery_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = options.databaseUrl ?? (await createDatabase(postgres!.adminUrl, dbName));
  log(options.databaseUrl ? 'database: as given' : `database: ${dbName} on the ${postgres!.source}`);

  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const query = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;
  let service: ServiceProcess | undefined;
  let http: HttpTarget | undefined;
  try {
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(options.poolSize),
      WEB_CONCURRENCY: String(options.workers),
      HOST: '127.0.0.1',
      PORT: '0',
      SESSION_TEMPLATES_FILE: templatesFile,
      BOOTSTRAP_GAME_CLIENT_ID: CLIENT.clientId,
      BOOTSTRAP_GAME_CLIENT_SECRET: CLIENT.secret,
      BOOTSTRAP_ACCESS_KEY_ID: BENCH_ACCESS_KEY.accessKeyId,
      BOOTSTRAP_ACCESS_KEY_SECRET: BENCH_ACCESS_KEY.secretAccessKey,
      SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The set-up logs every player in from 127.0.0.1: lift the per-IP budget of public routes.
      // The measured requests come from players whose role holds `ratelimit:exempt`.
      RATE_LIMIT_ANONYMOUS_LIMIT: '1000000000',
      // ... and its quota of new anonymous players (every bench player is new).
      ANON_IDENTITY_LIMIT: '0',
      ...options.serviceEnv,
    };
    const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const logFile = join(work, 'service.log');
    service = await startService({ root: options.root, env, logFile, nodeArgs });
    log(`service: ${options.workers} workers at ${service.url} (log ${logFile})`);

    // The benchmark principal: players whose role holds ratelimit:exempt.
    await query(
      `INSERT INTO role (name, permissions, description, builtin)
       SELECT 'bench-player', permissions || ARRAY['ratelimit:exempt'], 'Benchmark players (not rate limited)', false
         FROM role WHERE name = 'player'
       ON CONFLICT (name) DO UPDATE SET permissions = EXCLUDED.permissions`,
    );
    await query(`UPDATE auth_client SET player_role = 'bench-player' WHERE client_id = $1`, [CLIENT.clientId]);
    // And the game server's access key, for the GameLift scenario.
    await query(
      `INSERT INTO role (name, permissions, description, builtin)
       SELECT 'bench-server', permissions || ARRAY['ratelimit:exempt'], 'Benchmark game server (not rate limited)', false
         FROM role WHERE name = 'game-server'
       ON CONFLICT (name) DO UPDATE SET permissions = EXCLUDED.permissions`,
    );
    await query(`UPDATE access_key SET role = 'bench-server' WHERE id = $1`, [BENCH_ACCESS_KEY.accessKeyId]);

    http = new HttpTarget(service.url, options.concurrency);
    const players = await login(http, options.players, Math.min(options.concurrency, 32), log);

    const runs: ScenarioRun[] = [];
    const bounds: LoadBounds = {
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      maxTasks: options.players,
    };
    let sqlArgs: SqlPlayerColumns | undefined;
    // A server with autovacuum off never cleans or analyzes the benchmark's tables; what autovacuum would
    // have done is done here between scenarios (outside the measured windows), and the report says so.
    const [{ setting: autovacuum }] = await query(`SELECT setting FROM pg_settings WHERE name = 'autovacuum'`);
    const maintain = autovacuum === 'off';
    if (maintain) log('autovacuum is off on this server: VACUUM ANALYZE before each scenario');
    for (const scenario of options.scenarios) {
      if (maintain) await query('VACUUM ANALYZE');
      if (scenario === 'gamelift') {
        const gamelift = new GameLiftTarget(http, service.url);
        const [serviceRun, baselineRun] = await gameLiftScenarios(gamelift, databaseUrl, options, bounds, query, log);
        runs.push(serviceRun, baselineRun);
        log(line(serviceRun));
        log(line(baselineRun));
        continue;
      }
      const serviceRun = await serviceScenario(scenario, http, players, bounds, query);
      runs.push(serviceRun);
      log(line(serviceRun));
      if (scenario === 'mixed') continue;
      sqlArgs ??= await playerColumns(query);
      // The baseline needs no players; its bound on count only guards against a runaway run.
      const baselineRun = await baselineScenario(
        scenario,
        databaseUrl,
        options.workers * options.poolSize,
        sqlArgs,
        { ...bounds, maxTasks: BASELINE_MAX_TASKS },
        query,
      );
      runs.push(baselineRun);
      log(line(baselineRun));
    }

    const ratios: BenchResult['ratios'] = {};
    for (const scenario of options.scenarios) {
      const s = runs.find((r) => r.scenario === scenario && r.target === 'service');
      const b = runs.find((r) => r.scenario === scenario && r.target === 'baseline');
      if (s && b) {
        const ratio = s.load.kinds[s.primaryKind]?.rps / b.load.kinds[b.primaryKind]?.rps;
        if (Number.isFinite(ratio)) ratios[scenario] = Math.round(ratio * 1000) / 1000;
      }
    }

    const [{ version }] = await query(`SELECT current_setting('server_version') AS version`);
    const settings = await query(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('max_connections', 'shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'autovacuum')`,
    );
    return {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: String(version),
        postgresSettings: Object.fromEntries(
          settings.map((s) => [String(s.name), `${String(s.setting)}${s.unit ? ` (${String(s.unit)})` : ''}`]),
        ),
        loadGeneratorSharesCpus: true,
      },
      config: {
        workers: options.workers,
        poolSizePerWorker: options.poolSize,
        baselinePoolSize: options.workers * options.poolSize,
        concurrency: options.concurrency,
        durationMs: options.durationMs,
        warmupMs: options.warmupMs,
        players: options.players,
        postgresSource: options.databaseUrl ? 'given' : postgres!.source,
        maintenance: maintain ? 'VACUUM ANALYZE before each scenario (autovacuum is off on this server)' : 'autovacuum',
      },
      runs,
      ratios,
      ok: runs.every((r) => r.checks.invariantsHold && r.checks.answersWithoutSeat === 0),
    };
  } finally {
    await http?.close();
    const code = await service?.stop();
    if (service) log(`service stopped (exit ${String(code)})`);
    await db.end();
    if (!options.databaseUrl && !options.keepDatabase) await dropDatabase(postgres!.adminUrl, dbName);
    await postgres?.stop();
    if (options.keepWork) log(`kept ${work} (service log, templates)`);
    else await rm(work, { recursive: true, force: true });
  }
}

async function login(http: HttpTarget, count: number, concurrency: number, log: (l: string) => void) {
  const started = Date.now();
  const players: Player[] = new Array<Player>(count);
  const basic = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.secret}`).toString('base64')}`;
  const run = randomBytes(4).toString('hex');
  const result = await runLoad(
    { concurrency, durationMs: 600_000, warmupMs: 0, maxTasks: count },
    async (index, recorder) => {
      const done = recorder.start('login');
      const response = await http.request<{ access_token: string; active_player_uuid: string }>(
        'POST',
        '/users/v1/login',
        {
          body: { grant_type: 'anon', portal_access_token: `bench-${run}-${index}` },
          headers: { authorization: basic },
        },
      );
      if (response.status !== 200) {
        done(`${response.status}`);
        throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
      }
      done();
      players[index] = { token: response.body.access_token, uuid: response.body.active_player_uuid };
    },
  );
  log(`logged ${count} players in (${Date.now() - started} ms, ${result.kinds.login?.rps ?? 0} logins/s)`);
  return players;
}

async function serviceScenario(
  scenario: ScenarioName,
  http: HttpTarget,
  players: Player[],
  bounds: LoadBounds,
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<ScenarioRun> {
  const answered = new Map<string, string>();
  const types = new Set<string>();
  const load = await runLoad(bounds, async (index, recorder: Recorder) => {
    const player = players[index];
    const { type, region } = placement(scenario, 'svc', index);
    types.add(type);
    const joined = await http.timed<{ session_id: string }>(
      recorder,
      'create-or-join',
      200,
      'POST',
      '/session/v1/session',
      { token: player.token, body: { ...JOIN_BODY, session_type: type, ...(region ? { region_id: region } : {}) } },
    );
    if (joined?.status !== 200) return;
    answered.set(player.uuid, joined.body.session_id);
    if (scenario !== 'mixed') return;
    await http.timed(recorder, 'get session', 200, 'GET', `/session/v1/session/${joined.body.session_id}`, {
      token: player.token,
    });
    await http.timed(recorder, 'get player sessions', 200, 'GET', '/session/v1/player/me/session', {
      token: player.token,
    });
  });
  const description = {
    hot: `create-or-join, one auto-join type, ${SEATS}-seat sessions`,
    spread: `create-or-join over ${SPREAD_TYPES} types × ${SPREAD_REGIONS} regions, ${SEATS}-seat sessions`,
    mixed: 'create-or-join + GET session + GET player sessions per player',
    gamelift: '',
  }[scenario];
  return {
    scenario,
    target: 'service',
    description,
    concurrency: bounds.concurrency,
    load,
    primaryKind: 'create-or-join',
    checks: await check(query, [...types], answered),
  };
}

const GAMELIFT_SEATS = 200;

/**
 * GameLift CreatePlayerSession (signed AWS JSON 1.1) into 200-seat game
 * sessions, player i into session i mod N: N game servers filling at once,
 * with N = max(concurrency, players / 200) (each takes at most 200). The
 * baseline calls the same ledger function, `joinery_reserve_seats`, on game
 * sessions of its own created the same way.
 */
async function gameLiftScenarios(
  gamelift: GameLiftTarget,
  databaseUrl: string,
  options: BenchOptions,
  bounds: LoadBounds,
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
  log: (line: string) => void,
): Promise<[ScenarioRun, ScenarioRun]> {
  const count = Math.max(bounds.concurrency, Math.ceil(bounds.maxTasks / GAMELIFT_SEATS));
  const started = Date.now();
  const create = async (name: string) => {
    const created = await gamelift.call<{ GameSession: { GameSessionId: string } }>('CreateGameSession', {
      FleetId: FLEET,
      MaximumPlayerSessionCount: GAMELIFT_SEATS,
      Name: name,
    });
    if (created.status !== 200) throw new Error(`CreateGameSession: ${created.status} ${JSON.stringify(created.body)}`);
    const arn = created.body.GameSession.GameSessionId;
    const activated = await gamelift.call('ActivateGameSession', { GameSessionId: arn });
    if (activated.status !== 200) {
      throw new Error(`ActivateGameSession: ${activated.status} ${JSON.stringify(activated.body)}`);
    }
    return arn;
  };
  const sessions: string[] = [];
  const baseSessions: string[] = [];
  for (let i = 0; i < count; i += 16) {
    const batch = Array.from({ length: Math.min(16, count - i) }, (_, j) => i + j);
    sessions.push(...(await Promise.all(batch.map((n) => create(`bench-svc-${n}`)))));
    baseSessions.push(...(await Promise.all(batch.map((n) => create(`bench-base-${n}`)))));
  }
  log(`created and activated ${2 * count} game sessions of ${GAMELIFT_SEATS} seats (${Date.now() - started} ms)`);
  const uuid = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  const limited = { ...bounds, maxTasks: Math.min(bounds.maxTasks, count * GAMELIFT_SEATS) };
  const run = randomBytes(3).toString('hex');

  const answered = new Map<string, string>();
  const load = await runLoad(limited, async (index, recorder) => {
    const playerId = `bench-${run}-${index}`;
    const response = await gamelift.timed<{ PlayerSession: { GameSessionId: string } }>(
      recorder,
      'CreatePlayerSession',
      'CreatePlayerSession',
      { GameSessionId: sessions[index % count], PlayerId: playerId },
    );
    if (response?.status === 200) answered.set(playerId, uuid(response.body.PlayerSession.GameSessionId));
  });
  const serviceRun: ScenarioRun = {
    scenario: 'gamelift',
    target: 'service',
    description: `GameLift CreatePlayerSession (SigV4) into ${count} game sessions of ${GAMELIFT_SEATS} seats`,
    concurrency: bounds.concurrency,
    load,
    primaryKind: 'CreatePlayerSession',
    checks: await checkSessions(query, sessions.map(uuid), answered),
  };

  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.workers * options.poolSize });
  try {
    const clients = await Promise.all(Array.from({ length: options.workers * options.poolSize }, () => pool.connect()));
    clients.forEach((c) => c.release());
    const baseAnswered = new Map<string, string>();
    const baseLoad = await runLoad(limited, async (index, recorder) => {
      const playerId = `bench-base-${run}-${index}`;
      const session = uuid(baseSessions[index % count]);
      const done = recorder.start('reserve seat (SQL)');
      try {
        const { rows } = await pool.query<{ outcome: string }>(`SELECT * FROM joinery_reserve_seats($1, $2, $3, $4)`, [
          session,
          [playerId],
          [null],
          60,
        ]);
        if (rows[0]?.outcome === 'reserved') {
          done();
          baseAnswered.set(playerId, session);
        } else done(`outcome ${rows[0]?.outcome}`);
      } catch (error) {
        done(`sql ${(error as { code?: string }).code ?? (error as Error).message}`);
      }
    });
    const baselineRun: ScenarioRun = {
      scenario: 'gamelift',
      target: 'baseline',
      description: `joinery_reserve_seats straight from a pg pool of ${options.workers * options.poolSize}`,
      concurrency: bounds.concurrency,
      load: baseLoad,
      primaryKind: 'reserve seat (SQL)',
      checks: await checkSessions(query, baseSessions.map(uuid), baseAnswered),
    };
    return [serviceRun, baselineRun];
  } finally {
    await pool.end();
  }
}

/** A joining player's fields as `p_player` (src/session/sql/seats.sql), less the player id. */
type SqlPlayerColumns = Record<string, unknown>;

/** The player columns the service passed to joinery_create_or_join, read back from a seat it wrote. */
async function playerColumns(
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<SqlPlayerColumns> {
  const [seat] = await query(
    `SELECT client_version, platform, input, permitted_platform, permitted_input, cp_family, cp_input,
            cp_required_families, cp_allowed_inputs
       FROM seat WHERE status = 'ACTIVE' ORDER BY created_at LIMIT 1`,
  );
  if (!seat) throw new Error('no seat written by the service to copy the player columns from');
  return {
    client_version: seat.client_version,
    platform: seat.platform,
    input: seat.input,
    permitted_platform: seat.permitted_platform,
    permitted_input: seat.permitted_input,
    cp_family: seat.cp_family,
    cp_input: seat.cp_input,
    cp_required: seat.cp_required_families,
    cp_allowed: seat.cp_allowed_inputs,
  };
}

/** The same join-or-create transaction, straight at PostgreSQL: one `joinery_create_or_join` call per join. */
async function baselineScenario(
  scenario: ScenarioName,
  databaseUrl: string,
  poolSize: number,
  columns: SqlPlayerColumns,
  bounds: LoadBounds,
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<ScenarioRun> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const answered = new Map<string, string>();
  const types = new Set<string>();
  try {
    // Open the connections before measuring, as the service's pools are.
    const clients = await Promise.all(Array.from({ length: poolSize }, () => pool.connect()));
    clients.forEach((c) => c.release());
    const load = await runLoad(bounds, async (index, recorder) => {
      const { type, region } = placement(scenario, 'base', index);
      types.add(type);
      const playerId = randomUUID();
      const done = recorder.start('create-or-join (SQL)');
      try {
        const { rows } = await pool.query<{ outcome: string; session_id: string }>(
          `SELECT * FROM joinery_create_or_join(p_type => $1, p_region => $2, p_team => NULL, p_player => $3,
                                                p_password_digest => NULL, p_fleet_id => $4, p_location => $5)`,
          [type, region ?? null, JSON.stringify({ ...columns, player_id: playerId }), FLEET, LOCATION],
        );
        const outcome = rows[0]?.outcome;
        if (outcome === 'created' || outcome === 'joined') {
          done();
          answered.set(playerId, rows[0].session_id);
        } else done(`outcome ${outcome}`);
      } catch (error) {
        done(`sql ${(error as { code?: string }).code ?? (error as Error).message}`);
      }
    });
    return {
      scenario,
      target: 'baseline',
      description: `joinery_create_or_join straight from a pg pool of ${poolSize}`,
      concurrency: bounds.concurrency,
      load,
      primaryKind: 'create-or-join (SQL)',
      checks: await check(query, [...types], answered),
    };
  } finally {
    await pool.end();
  }
}

/** Invariants over the whole database, and every successful answer against the seats of the scenario's types. */
function check(
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
  types: string[],
  answered: Map<string, string>,
): Promise<ScenarioRun['checks']> {
  return checkWhere(query, 'g.type = ANY($1)', types, answered);
}

/** The same, for the game sessions given by id. */
function checkSessions(
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
  sessionIds: string[],
  answered: Map<string, string>,
): Promise<ScenarioRun['checks']> {
  return checkWhere(query, 'g.id = ANY($1::uuid[])', sessionIds, answered);
}

async function checkWhere(
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
  where: string,
  values: string[],
  answered: Map<string, string>,
): Promise<ScenarioRun['checks']> {
  const violations = await ledgerViolations(query);
  const seats = await query(
    `SELECT s.player_id, s.session_id::text AS session_id FROM seat s JOIN game_session g ON g.id = s.session_id
      WHERE ${where} AND s.status IN ('RESERVED', 'ACTIVE')`,
    [values],
  );
  const sitting = new Map(seats.map((s) => [String(s.player_id), String(s.session_id)]));
  let answersWithoutSeat = 0;
  for (const [player, session] of answered) if (sitting.get(player) !== session) answersWithoutSeat++;
  const [sessions] = await query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE player_count < max_players)::int AS not_full
       FROM game_session g WHERE ${where} AND status = 'ACTIVE'`,
    [values],
  );
  return {
    invariantsHold: Object.keys(violations).length === 0,
    violations,
    answersWithoutSeat,
    answersChecked: answered.size,
    sessions: Number(sessions.total),
    sessionsNotFull: Number(sessions.not_full),
  };
}

function line(run: ScenarioRun): string {
  const k = run.load.kinds[run.primaryKind];
  const errors = Object.values(run.load.kinds).reduce(
    (n, kind) => n + Object.values(kind.errors).reduce((a, b) => a + b, 0),
    0,
  );
  return (
    `${run.scenario} (${run.target}): ${k?.rps ?? 0} req/s, p50 ${k?.latencyMs.p50 ?? '-'} ms, p99 ${k?.latencyMs.p99 ?? '-'} ms, ` +
    `${errors} errors, invariants ${run.checks.invariantsHold ? 'hold' : 'BROKEN'}`
  );
}
