import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ledgerViolations } from './invariants.js';
import type { HttpTarget, Recorder } from './load.js';
import type { RunChecks, RunTarget, ScenarioName } from './results.js';
import type { GameLiftTarget } from './sigv4.js';

export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** One kind of request, against one target: what a run repeats, and how its answers are checked afterwards. */
export interface Workload {
  scenario: ScenarioName;
  target: RunTarget;
  description: string;
  primaryKind: string;
  /** Tasks at most (each player joins a scenario's types at most once, game sessions have so many seats). */
  maxTasks: number;
  /** One task; `dueAt` is its scheduled start in an open loop (its first request is timed from it). */
  task(index: number, recorder: Recorder, dueAt?: number): Promise<void>;
  check(): Promise<RunChecks>;
}

export interface Player {
  token: string;
  uuid: string;
}

export const SEATS = 8;
export const SPREAD_TYPES = 10;
export const SPREAD_REGIONS = 5;
export const GAMELIFT_SEATS = 200;
/** What the service passes for sessions it creates (GAMELIFT_FLEET_ID and GAMELIFT_REGION defaults). */
export const FLEET = 'fleet-joinery';
export const LOCATION = 'us-east-1';
export const JOIN_BODY = {
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
};

/**
 * Each run has session types of its own, named by what it measures: `svc` (the service's closed loop), `open`
 * (its open loop), `bare` (the bare server), `base` (the SQL baseline). A player joins each type at most once.
 */
export type TypeSet = 'svc' | 'open' | 'bare' | 'base';
export const TYPE_SETS: TypeSet[] = ['svc', 'open', 'bare', 'base'];
/** The scenarios of create-or-join, and how their types are spread. */
export type JoinScenario = 'hot' | 'spread' | 'mixed' | 'large';

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

/** Every session type of the run (the service's templates file). */
export function benchTemplates(): Record<string, unknown> {
  const types: Record<string, unknown> = {};
  for (const set of TYPE_SETS) {
    types[`bench-hot-${set}`] = template();
    types[`bench-mixed-${set}`] = template();
    for (let t = 0; t < SPREAD_TYPES; t++) {
      types[`bench-spread-${set}-${t}`] = template();
      types[`bench-large-${set}-${t}`] = template();
    }
  }
  // The large database's probe (bench/lib/large-database.ts): one session takes every probe's player.
  types[PROBE_TYPE] = { ...template(), players_per_team: 100 };
  return { templates: types };
}

/** The session type of the large database's join probe. */
export const PROBE_TYPE = 'bench-large-probe';

/** The (type, region) a task joins: one type (hot, mixed), or 10 types × 5 regions in turn (spread, large). */
export function placement(scenario: JoinScenario, set: TypeSet, index: number): { type: string; region?: string } {
  if (scenario === 'hot' || scenario === 'mixed') return { type: `bench-${scenario}-${set}` };
  const combo = index % (SPREAD_TYPES * SPREAD_REGIONS);
  return {
    type: `bench-${scenario}-${set}-${combo % SPREAD_TYPES}`,
    region: `region-${Math.floor(combo / SPREAD_TYPES)}`,
  };
}

/** The types and regions of a spread scenario's type set (the large database's history is written to them). */
export function spreadTypes(scenario: 'spread' | 'large', sets: TypeSet[]): { types: string[]; regions: string[] } {
  return {
    types: sets.flatMap((set) => Array.from({ length: SPREAD_TYPES }, (_, t) => `bench-${scenario}-${set}-${t}`)),
    regions: Array.from({ length: SPREAD_REGIONS }, (_, r) => `region-${r}`),
  };
}

export function joinDescription(scenario: JoinScenario): string {
  return {
    hot: `create-or-join, one auto-join type, ${SEATS}-seat sessions`,
    spread: `create-or-join over ${SPREAD_TYPES} types × ${SPREAD_REGIONS} regions, ${SEATS}-seat sessions`,
    mixed: 'create-or-join + GET session + GET player sessions per player',
    large: `the spread scenario on a database holding a history of ended sessions and seats`,
  }[scenario];
}

/** RallyHere create-or-join through the service (mixed: then the two reads). */
export function serviceJoins(
  scenario: JoinScenario,
  set: 'svc' | 'open',
  http: HttpTarget,
  players: Player[],
  query: Query,
): Workload {
  const answered = new Map<string, string>();
  const types = new Set<string>();
  return {
    scenario,
    target: 'service',
    description: joinDescription(scenario),
    primaryKind: 'create-or-join',
    maxTasks: players.length,
    task: async (index, recorder, dueAt) => {
      const player = players[index];
      const { type, region } = placement(scenario, set, index);
      types.add(type);
      const joined = await http.timed<{ session_id: string }>(
        recorder,
        'create-or-join',
        200,
        'POST',
        '/session/v1/session',
        {
          token: player.token,
          body: { ...JOIN_BODY, session_type: type, ...(region ? { region_id: region } : {}) },
          dueAt,
        },
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
    },
    check: () => checkTypes(query, [...types], answered),
  };
}

/** A joining player's fields as `p_player` (src/session/sql/seats.sql), less the player id. */
export type SqlPlayerColumns = Record<string, unknown>;

/** The player columns the service passed to joinery_create_or_join, read back from a seat it wrote. */
export async function playerColumns(query: Query): Promise<SqlPlayerColumns> {
  const [seat] = await query(
    `SELECT client_version, platform, input, permitted_platform, permitted_input, cp_family, cp_input,
            cp_required_families, cp_allowed_inputs
       FROM seat WHERE status = 'ACTIVE' AND client_version IS NOT NULL ORDER BY created_at LIMIT 1`,
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

/**
 * How a baseline names its joining players: new random ids, or (`players`, the large database) the service's
 * players, who come with the history written for them (each at most once per type, so at most that many tasks).
 */
function baselinePlayer(players: Player[] | undefined): { maxTasks: number; id: (index: number) => string } {
  return players
    ? { maxTasks: players.length, id: (index) => players[index].uuid }
    : { maxTasks: Number.MAX_SAFE_INTEGER, id: () => randomUUID() };
}

/** The same create-or-join, one `joinery_create_or_join` per request: through the bare server or straight. */
export function baselineJoins(
  scenario: JoinScenario,
  via: { target: 'bare'; http: HttpTarget } | { target: 'sql'; pool: pg.Pool; poolSize: number },
  columns: SqlPlayerColumns,
  query: Query,
  players?: Player[],
): Workload {
  const answered = new Map<string, string>();
  const types = new Set<string>();
  const naming = baselinePlayer(players);
  const kind = via.target === 'bare' ? 'create-or-join (bare)' : 'create-or-join (SQL)';
  return {
    scenario,
    target: via.target,
    description:
      via.target === 'bare'
        ? 'joinery_create_or_join per request through bench/bare-server.ts (node:http + pg)'
        : `joinery_create_or_join straight from a pg pool of ${via.poolSize}`,
    primaryKind: kind,
    maxTasks: naming.maxTasks,
    task: async (index, recorder, dueAt) => {
      const { type, region } = placement(scenario, via.target === 'bare' ? 'bare' : 'base', index);
      types.add(type);
      const playerId = naming.id(index);
      const params = [type, region ?? null, { ...columns, player_id: playerId }, FLEET, LOCATION];
      const done = recorder.start(kind, dueAt);
      const rows = await call<{ outcome: string; session_id: string }>(via, '/create-or-join', params, done);
      if (!rows) return;
      const outcome = rows[0]?.outcome;
      if (outcome === 'created' || outcome === 'joined') {
        done();
        answered.set(playerId, rows[0].session_id);
      } else done(`outcome ${outcome}`);
    },
    check: () => checkTypes(query, [...types], answered),
  };
}

const CREATE_OR_JOIN_SQL = `SELECT * FROM joinery_create_or_join(p_type => $1, p_region => $2, p_team => NULL,
  p_player => $3, p_password_digest => NULL, p_fleet_id => $4, p_location => $5)`;
const RESERVE_SEATS_SQL = 'SELECT * FROM joinery_reserve_seats($1, $2, $3, $4)';

/** One statement through the bare server or straight from the pool; undefined (and the error recorded) on failure. */
async function call<T>(
  via: { target: 'bare'; http: HttpTarget } | { target: 'sql'; pool: pg.Pool },
  path: '/create-or-join' | '/reserve-seats',
  params: unknown[],
  done: (error?: string) => void,
): Promise<T[] | undefined> {
  try {
    if (via.target === 'sql') {
      const sql = path === '/create-or-join' ? CREATE_OR_JOIN_SQL : RESERVE_SEATS_SQL;
      return (await via.pool.query(sql, params)).rows as T[];
    }
    const response = await via.http.request<T[]>('POST', path, { body: params });
    if (response.status === 200) return response.body;
    done(`${response.status} ${String(response.body).slice(0, 80)}`);
  } catch (error) {
    done(`${via.target} ${(error as { code?: string }).code ?? (error as Error).message}`);
  }
  return undefined;
}

/**
 * GameLift game sessions of `GAMELIFT_SEATS` seats, created and activated through the service (with the bench's
 * access key): `count` for each type set.
 */
export async function createGameSessions(gamelift: GameLiftTarget, count: number): Promise<Record<TypeSet, string[]>> {
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
  const sessions = { svc: [], open: [], bare: [], base: [] } as Record<TypeSet, string[]>;
  const all = TYPE_SETS.flatMap((set) => Array.from({ length: count }, (_, n) => ({ set, n })));
  for (let i = 0; i < all.length; i += 16) {
    const batch = all.slice(i, i + 16);
    const arns = await Promise.all(batch.map(({ set, n }) => create(`bench-${set}-${n}`)));
    batch.forEach(({ set }, j) => sessions[set].push(arns[j]));
  }
  return sessions;
}

/** The game session's UUID, the last part of its ARN. */
const uuidOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** GameLift CreatePlayerSession (SigV4) through the service: player i into session i mod N. */
export function serviceReservations(gamelift: GameLiftTarget, sessions: string[], query: Query): Workload {
  const answered = new Map<string, string>();
  const run = randomBytes(3).toString('hex');
  return {
    scenario: 'gamelift',
    target: 'service',
    description: `GameLift CreatePlayerSession (SigV4) into ${sessions.length} game sessions of ${GAMELIFT_SEATS} seats`,
    primaryKind: 'CreatePlayerSession',
    maxTasks: sessions.length * GAMELIFT_SEATS,
    task: async (index, recorder, dueAt) => {
      const playerId = `bench-${run}-${index}`;
      const response = await gamelift.timed<{ PlayerSession: { GameSessionId: string } }>(
        recorder,
        'CreatePlayerSession',
        'CreatePlayerSession',
        { GameSessionId: sessions[index % sessions.length], PlayerId: playerId },
        dueAt,
      );
      if (response?.status === 200) answered.set(playerId, uuidOf(response.body.PlayerSession.GameSessionId));
    },
    check: () => checkSessions(query, sessions.map(uuidOf), answered),
  };
}

/** The same ledger function, `joinery_reserve_seats`, one player per call: through the bare server or straight. */
export function baselineReservations(
  via: { target: 'bare'; http: HttpTarget } | { target: 'sql'; pool: pg.Pool; poolSize: number },
  sessions: string[],
  query: Query,
): Workload {
  const answered = new Map<string, string>();
  const run = randomBytes(3).toString('hex');
  const kind = via.target === 'bare' ? 'reserve seat (bare)' : 'reserve seat (SQL)';
  const ids = sessions.map(uuidOf);
  return {
    scenario: 'gamelift',
    target: via.target,
    description:
      via.target === 'bare'
        ? 'joinery_reserve_seats per request through bench/bare-server.ts (node:http + pg)'
        : `joinery_reserve_seats straight from a pg pool of ${via.poolSize}`,
    primaryKind: kind,
    maxTasks: sessions.length * GAMELIFT_SEATS,
    task: async (index, recorder, dueAt) => {
      const playerId = `bench-${via.target}-${run}-${index}`;
      const session = ids[index % ids.length];
      const done = recorder.start(kind, dueAt);
      const rows = await call<{ outcome: string }>(via, '/reserve-seats', [session, [playerId], [null], 60], done);
      if (!rows) return;
      if (rows[0]?.outcome === 'reserved') {
        done();
        answered.set(playerId, session);
      } else done(`outcome ${rows[0]?.outcome}`);
    },
    check: () => checkSessions(query, ids, answered),
  };
}

/**
 * Anonymous logins (`POST /users/v1/login`, grant anon) of new device ids: the login a new player makes, and
 * the one issue 12 measured (493/s). Each answer's player is checked to exist.
 */
export function serviceLogins(http: HttpTarget, basic: string, bound: number, query: Query): Workload {
  const run = randomBytes(4).toString('hex');
  const answered: string[] = [];
  return {
    scenario: 'logins',
    target: 'service',
    description: 'POST /users/v1/login, grant anon, a new device id each (scrypt-checked client, RS256 token)',
    primaryKind: 'login',
    maxTasks: bound,
    task: async (index, recorder, dueAt) => {
      const response = await http.timed<{ active_player_uuid: string }>(
        recorder,
        'login',
        200,
        'POST',
        '/users/v1/login',
        {
          body: { grant_type: 'anon', portal_access_token: `bench-login-${run}-${index}` },
          headers: { authorization: basic },
          dueAt,
        },
      );
      if (response?.status === 200) answered.push(response.body.active_player_uuid);
    },
    check: () => checkPlayers(query, answered),
  };
}

/** The bare equivalent of a login: the service's player upsert and one RS256 signature (bench/bare-server.ts). */
export function bareLogins(http: HttpTarget, role: string, bound: number, query: Query): Workload {
  const run = randomBytes(4).toString('hex');
  const answered: string[] = [];
  return {
    scenario: 'logins',
    target: 'bare',
    description: "the service's player upsert + one RS256 signature per request, through bench/bare-server.ts",
    primaryKind: 'login (bare)',
    maxTasks: bound,
    task: async (index, recorder, dueAt) => {
      const device = `bench-login-bare-${run}-${index}`;
      const response = await http.timed<{ id: string; access_token: string }>(
        recorder,
        'login (bare)',
        200,
        'POST',
        '/login',
        { body: [device, `Player-${device.slice(-8)}`, role], dueAt },
      );
      if (response?.status === 200) answered.push(response.body.id);
    },
    check: () => checkPlayers(query, answered),
  };
}

/** Invariants over the whole database, and every successful answer against the seats of the scenario's types. */
function checkTypes(query: Query, types: string[], answered: Map<string, string>): Promise<RunChecks> {
  return checkWhere(query, 'g.type = ANY($1)', types, answered);
}

/** The same, for the game sessions given by id. */
function checkSessions(query: Query, sessionIds: string[], answered: Map<string, string>): Promise<RunChecks> {
  return checkWhere(query, 'g.id = ANY($1::uuid[])', sessionIds, answered);
}

async function checkWhere(
  query: Query,
  where: string,
  values: string[],
  answered: Map<string, string>,
): Promise<RunChecks> {
  const violations = await ledgerViolations(query);
  const seats = await query(
    `SELECT s.player_id, s.session_id::text AS session_id FROM seat s JOIN game_session g ON g.id = s.session_id
      WHERE ${where} AND s.status IN ('RESERVED', 'ACTIVE')`,
    [values],
  );
  const sitting = new Map(seats.map((s) => [String(s.player_id), String(s.session_id)]));
  let answersMissing = 0;
  for (const [player, session] of answered) if (sitting.get(player) !== session) answersMissing++;
  const [sessions] = await query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE player_count < max_players)::int AS not_full
       FROM game_session g WHERE ${where} AND status = 'ACTIVE'`,
    [values],
  );
  return {
    invariantsHold: Object.keys(violations).length === 0,
    violations,
    answersMissing,
    answersChecked: answered.size,
    sessions: Number(sessions.total),
    sessionsNotFull: Number(sessions.not_full),
  };
}

/** Invariants, and every login's player in the player table. */
async function checkPlayers(query: Query, ids: string[]): Promise<RunChecks> {
  const violations = await ledgerViolations(query);
  const [found] = await query(`SELECT count(DISTINCT id)::int AS n FROM player WHERE id = ANY($1::uuid[])`, [ids]);
  return {
    invariantsHold: Object.keys(violations).length === 0,
    violations,
    answersMissing: new Set(ids).size - Number(found.n),
    answersChecked: ids.length,
    sessions: 0,
    sessionsNotFull: 0,
  };
}
