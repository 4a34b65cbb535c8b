import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { fillLargeDatabase, probeJoins } from './large-database.js';
import { HttpTarget, type LoadBounds, runLoad, runOpenLoop } from './load.js';
import { CpuMeter } from './meter.js';
import { createDatabase, dropDatabase, findPostgres } from './postgres.js';
import { type BenchResult, type RunMode, SCENARIOS, type ScenarioName, type ScenarioRun } from './results.js';
import { BARE_READY, type ServiceProcess, startService } from './service.js';
import { BENCH_ACCESS_KEY, GameLiftTarget } from './sigv4.js';
import { errorCount, evaluateTargets } from './targets.js';
import {
  bareLogins,
  baselineJoins,
  baselineReservations,
  benchTemplates,
  createGameSessions,
  FLEET,
  GAMELIFT_SEATS,
  JOIN_BODY,
  LOCATION,
  type JoinScenario,
  type Player,
  playerColumns,
  PROBE_TYPE,
  type Query,
  serviceJoins,
  serviceLogins,
  serviceReservations,
  type SqlPlayerColumns,
  spreadTypes,
  TYPE_SETS,
  type Workload,
} from './workloads.js';

export { SCENARIOS, type BenchResult, type ScenarioName } from './results.js';

export interface BenchOptions {
  /** Repository root, holding the compiled service in `dist/`. */
  root: string;
  /** The compiled bare server, relative to the root (default `dist/bench/bare-server.js`). */
  bareServerScript?: string;
  /** Service workers (`WEB_CONCURRENCY`), and the bare server's. */
  workers: number;
  /** `DATABASE_POOL_SIZE` of each worker; the SQL baseline's pool has `workers × poolSize` connections. */
  poolSize: number;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** Players logged in before the scenarios; each scenario seats each player at most once per run. */
  players: number;
  scenarios: readonly ScenarioName[];
  /** The large database's history: ended sessions and their completed seats (default 200 000 and 1 000 000). */
  largeSessions?: number;
  largeSeats?: number;
  /** The open loop's offered rate, as a fraction of the closed loop's throughput (default 0.5). */
  openLoopFraction?: number;
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

/** A bound on a baseline's tasks (its players are new ids): it only guards against a runaway run. */
const BASELINE_MAX_TASKS = 500_000;
/** The tables the scenarios write, which autovacuum would keep vacuumed and analyzed. */
const WRITTEN_TABLES = 'game_session, session_team, seat, session_event, player';
/** Joins the large database's probe measures before the fill and after it (the first ones warm its connection). */
const PROBES = 6;
const PROBE_REGION = 'region-0';
const CLIENT = { clientId: 'bench-game-client', secret: randomBytes(18).toString('base64url') };
const BENCH_PLAYER_ROLE = 'bench-player';

/**
 * The whole benchmark: a database of its own, the compiled service and the
 * bare server as clusters of real processes, players logged in, then each
 * scenario through the service (closed loop, then open loop at half its
 * throughput), through the bare server and straight at SQL, each run followed
 * by the invariant check. The large database comes last: it first writes its
 * history, which every later run would carry.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  const scenarios = [...options.scenarios].sort((a, b) => SCENARIOS.indexOf(a) - SCENARIOS.indexOf(b));
  const openLoopFraction = options.openLoopFraction ?? 0.5;
  const work = await mkdtemp(join(tmpdir(), 'joinery-bench-'));
  const templatesFile = join(work, 'templates.json');
  await writeFile(templatesFile, JSON.stringify(benchTemplates()));

  const postgres = options.databaseUrl ? undefined : await findPostgres(options.env);
  const dbName = `joinery_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = options.databaseUrl ?? (await createDatabase(postgres!.adminUrl, dbName));
  log(options.databaseUrl ? 'database: as given' : `database: ${dbName} on the ${postgres!.source}`);

  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const query: Query = async (sql, params = []) => (await db.query(sql, params)).rows;
  const sqlPoolSize = options.workers * options.poolSize;
  let service: ServiceProcess | undefined;
  let bare: ServiceProcess | undefined;
  let http: HttpTarget | undefined;
  let bareHttp: HttpTarget | undefined;
  let sqlPool: pg.Pool | undefined;
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
    // The bare server only calls the functions the service's start applies: both start side by side.
    const bareLog = join(work, 'bare-server.log');
    const started = await Promise.allSettled([
      startService({ root: options.root, env, logFile, nodeArgs }),
      startService({
        root: options.root,
        script: options.bareServerScript ?? 'dist/bench/bare-server.js',
        ready: BARE_READY,
        env: {
          DATABASE_URL: databaseUrl,
          DATABASE_POOL_SIZE: String(options.poolSize),
          WEB_CONCURRENCY: String(options.workers),
        },
        logFile: bareLog,
      }),
    ]);
    if (started[0].status === 'fulfilled') service = started[0].value;
    if (started[1].status === 'fulfilled') bare = started[1].value;
    for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
    const [serviceUrl, servicePid] = [service!.url, service!.pid];
    const [bareUrl, barePid] = [bare!.url, bare!.pid];
    log(`service: ${options.workers} workers at ${serviceUrl} (log ${logFile})`);
    log(`bare server: ${options.workers} workers at ${bareUrl} (log ${bareLog})`);

    // The benchmark principal: players whose role holds ratelimit:exempt.
    await query(
      `INSERT INTO role (name, permissions, description, builtin)
       SELECT $1, permissions || ARRAY['ratelimit:exempt'], 'Benchmark players (not rate limited)', false
         FROM role WHERE name = 'player'
       ON CONFLICT (name) DO UPDATE SET permissions = EXCLUDED.permissions`,
      [BENCH_PLAYER_ROLE],
    );
    await query(`UPDATE auth_client SET player_role = $2 WHERE client_id = $1`, [CLIENT.clientId, BENCH_PLAYER_ROLE]);
    // And the game server's access key, for the GameLift scenario.
    await query(
      `INSERT INTO role (name, permissions, description, builtin)
       SELECT 'bench-server', permissions || ARRAY['ratelimit:exempt'], 'Benchmark game server (not rate limited)', false
         FROM role WHERE name = 'game-server'
       ON CONFLICT (name) DO UPDATE SET permissions = EXCLUDED.permissions`,
    );
    await query(`UPDATE access_key SET role = 'bench-server' WHERE id = $1`, [BENCH_ACCESS_KEY.accessKeyId]);

    http = new HttpTarget(serviceUrl, options.concurrency);
    bareHttp = new HttpTarget(bareUrl, options.concurrency);
    const basic = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.secret}`).toString('base64')}`;
    const players = await login(http, basic, options.players, 32, log);
    sqlPool = new pg.Pool({ connectionString: databaseUrl, max: sqlPoolSize });
    // Open the baseline's connections before measuring, as the service's pools are.
    const clients = await Promise.all(Array.from({ length: sqlPoolSize }, () => sqlPool!.connect()));
    clients.forEach((c) => c.release());

    // A server with autovacuum off never cleans or analyzes the benchmark's tables; what autovacuum would have
    // done is done here, outside the measured windows: VACUUM ANALYZE between scenarios and ANALYZE as each
    // warm-up ends (autovacuum analyzes a table once a tenth of it changed, so the plans see the run's own rows,
    // not the previous scenario's mix of occupied and ended seats).
    const [{ setting: autovacuum }] = await query(`SELECT setting FROM pg_settings WHERE name = 'autovacuum'`);
    const maintain = autovacuum === 'off';
    if (maintain)
      log(
        `autovacuum is off on this server: VACUUM ANALYZE ${WRITTEN_TABLES} before each scenario, ANALYZE after each warm-up`,
      );
    // (No warm-up, as in the smoke test: no ANALYZE at its end either.)
    const analyze =
      maintain && options.warmupMs > 0
        ? async () => {
            await query(`ANALYZE ${WRITTEN_TABLES}`);
          }
        : undefined;

    const runs: ScenarioRun[] = [];
    const closed: LoadBounds = {
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      warmupMs: options.warmupMs,
      maxTasks: options.players,
    };
    /** One run of a workload: closed loop, or open loop at `rate`; CPU over the measured window; the checks. */
    const measure = async (workload: Workload, mode: RunMode, rootPid: number | undefined, rate?: number) => {
      const meter = new CpuMeter(query, rootPid);
      const maxTasks = Math.min(workload.maxTasks, BASELINE_MAX_TASKS);
      const load =
        mode === 'closed'
          ? await runLoad({ ...closed, maxTasks }, (i, r) => workload.task(i, r), { meter, afterWarmup: analyze })
          : await runOpenLoop(
              { ratePerS: rate!, durationMs: options.durationMs, warmupMs: options.warmupMs, maxTasks },
              (i, r, due) => workload.task(i, r, due),
              { meter, afterWarmup: analyze },
            );
      const run: ScenarioRun = {
        scenario: workload.scenario,
        target: workload.target,
        mode,
        description: workload.description,
        concurrency: options.concurrency,
        ...(rate === undefined ? {} : { offeredRps: rate }),
        load,
        primaryKind: workload.primaryKind,
        cpu: meter.reading(load.windowRequests),
        checks: await workload.check(),
      };
      runs.push(run);
      log(line(run));
      return run;
    };
    /** The service's closed loop, then its open loop at a fraction of the closed loop's throughput. */
    const serviceRuns = async (closedLoop: Workload, openLoop: Workload) => {
      const saturated = await measure(closedLoop, 'closed', servicePid);
      const rps = saturated.load.kinds[saturated.primaryKind]?.rps ?? 0;
      await measure(openLoop, 'open', servicePid, Math.max(1, Math.round(rps * openLoopFraction * 10) / 10));
    };

    let columns: SqlPlayerColumns | undefined;
    let largeDatabase: BenchResult['config']['largeDatabase'];
    for (const scenario of scenarios) {
      if (maintain) await query(`VACUUM ANALYZE ${WRITTEN_TABLES}`);
      if (scenario === 'gamelift') {
        const gamelift = new GameLiftTarget(http, serviceUrl);
        const count = Math.max(options.concurrency, Math.ceil(options.players / GAMELIFT_SEATS));
        const started = performance.now();
        const sessions = await createGameSessions(gamelift, count);
        log(
          `created and activated ${TYPE_SETS.length * count} game sessions of ${GAMELIFT_SEATS} seats ` +
            `(${Math.round(performance.now() - started)} ms)`,
        );
        await serviceRuns(
          serviceReservations(gamelift, sessions.svc, query),
          serviceReservations(gamelift, sessions.open, query),
        );
        await measure(
          baselineReservations({ target: 'bare', http: bareHttp }, sessions.bare, query),
          'closed',
          barePid,
        );
        await measure(
          baselineReservations({ target: 'sql', pool: sqlPool, poolSize: sqlPoolSize }, sessions.base, query),
          'closed',
          undefined,
        );
        continue;
      }
      if (scenario === 'logins') {
        await serviceRuns(
          serviceLogins(http, basic, options.players, query),
          serviceLogins(http, basic, options.players, query),
        );
        await measure(bareLogins(bareHttp, BENCH_PLAYER_ROLE, options.players, query), 'closed', barePid);
        continue;
      }
      const joins: JoinScenario = scenario;
      if (joins === 'large') {
        // The probe's session, opened through the service (whose seat also gives the SQL player columns).
        const opener = players[players.length - 1];
        const opened = await http.request('POST', '/session/v1/session', {
          token: opener.token,
          body: { ...JOIN_BODY, session_type: PROBE_TYPE, region_id: PROBE_REGION },
        });
        if (opened.status !== 200) throw new Error(`probe session: ${opened.status} ${JSON.stringify(opened.body)}`);
        columns ??= await playerColumns(query);
        const probe = (from: number) =>
          probeJoins(
            db,
            PROBE_TYPE,
            PROBE_REGION,
            columns!,
            players.slice(-from - PROBES, -from).map((p) => p.uuid),
            FLEET,
            LOCATION,
          );
        const before = await probe(1);
        const started = performance.now();
        const sessions = options.largeSessions ?? 200_000;
        const seats = options.largeSeats ?? 1_000_000;
        log(`large database: writing ${sessions} ended sessions and ${seats} completed seats`);
        const { types, regions } = spreadTypes('large', TYPE_SETS);
        const { sizesMiB, checkpoint } = await fillLargeDatabase(db, {
          sessions,
          seats,
          types: [...types, PROBE_TYPE],
          regions,
          players: players.map((p) => p.uuid),
          fleetId: FLEET,
        });
        const fillMs = Math.round(performance.now() - started);
        const after = await probe(1 + PROBES);
        largeDatabase = {
          endedSessions: sessions,
          endedSeats: seats,
          fillMs,
          sizesMiB,
          checkpoint,
          joinBuffers: { before, after },
        };
        log(
          `large database: written in ${fillMs} ms (${JSON.stringify(sizesMiB)} MiB)` +
            (checkpoint ? ', checkpointed' : '; CHECKPOINT not permitted'),
        );
        log(`large database: buffers per create-or-join before ${before.join(' ')}, after ${after.join(' ')}`);
      }
      await serviceRuns(
        serviceJoins(joins, 'svc', http, players, query),
        serviceJoins(joins, 'open', http, players, query),
      );
      // Reads have no single-function twin: the mixed scenario has no baselines.
      if (joins === 'mixed') continue;
      columns ??= await playerColumns(query);
      // In the large database the baselines seat the service's players too, who come with the same history.
      const history = joins === 'large' ? players : undefined;
      await measure(
        baselineJoins(joins, { target: 'bare', http: bareHttp }, columns, query, history),
        'closed',
        barePid,
      );
      await measure(
        baselineJoins(joins, { target: 'sql', pool: sqlPool, poolSize: sqlPoolSize }, columns, query, history),
        'closed',
        undefined,
      );
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
        baselinePoolSize: sqlPoolSize,
        concurrency: options.concurrency,
        durationMs: options.durationMs,
        warmupMs: options.warmupMs,
        players: options.players,
        openLoopFraction,
        postgresSource: options.databaseUrl ? 'given' : postgres!.source,
        maintenance: maintain
          ? `VACUUM ANALYZE ${WRITTEN_TABLES} before each scenario, ANALYZE at each warm-up's end (autovacuum is off on this server)`
          : 'autovacuum',
        ...(largeDatabase ? { largeDatabase } : {}),
      },
      runs,
      targets: evaluateTargets(runs),
      ok: runs.every((r) => r.checks.invariantsHold && r.checks.answersMissing === 0),
    };
  } finally {
    await http?.close();
    await bareHttp?.close();
    await sqlPool?.end();
    const code = await service?.stop();
    if (service) log(`service stopped (exit ${String(code)})`);
    await bare?.stop();
    await db.end();
    if (!options.databaseUrl && !options.keepDatabase) await dropDatabase(postgres!.adminUrl, dbName);
    await postgres?.stop();
    if (options.keepWork) log(`kept ${work} (service log, templates)`);
    else await rm(work, { recursive: true, force: true });
  }
}

async function login(http: HttpTarget, basic: string, count: number, concurrency: number, log: (l: string) => void) {
  const started = Date.now();
  const players: Player[] = new Array<Player>(count);
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

function line(run: ScenarioRun): string {
  const k = run.load.kinds[run.primaryKind];
  const cpu = run.cpu.processMsPerRequest ?? run.cpu.postgresMsPerRequest;
  return (
    `${run.scenario} (${run.target}, ${run.mode}${run.offeredRps ? ` at ${run.offeredRps}/s` : ''}): ` +
    `${k?.rps ?? 0} req/s, p50 ${k?.latencyMs.p50 ?? '-'} ms, p99 ${k?.latencyMs.p99 ?? '-'} ms, ` +
    `CPU ${cpu ?? '-'} ms/req${run.cpu.processMsPerRequest === null ? ' (PostgreSQL)' : ''}, ` +
    `${errorCount(run)} errors, invariants ${run.checks.invariantsHold ? 'hold' : 'BROKEN'}`
  );
}
