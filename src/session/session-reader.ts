import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Sql } from '../database/sql.js';
import { isUuid } from '../common/ids.js';
import { AppConfig } from '../config/config.js';
import { GameLiftIds } from './gamelift-ids.js';
import type { HostType, InstanceHealth, JoinStatus } from './session-instances.js';
import { GameSessionEntity, type GameSessionStatus } from './entities/game-session.entity.js';
import { SeatEntity, type SeatStatus } from './entities/seat.entity.js';
import { SessionTeamEntity } from './entities/session-team.entity.js';

/** A session with its teams and its occupied seats, read in one statement. */
export interface SessionSnapshot {
  session: GameSessionEntity;
  teams: SessionTeamEntity[];
  /** Occupied seats (RESERVED or ACTIVE), oldest first. */
  seats: SeatEntity[];
  /** The session's instance (its game server), closed ones included. */
  instance?: SnapshotInstance;
}

/** A session's instance (src/session/sql/instances.sql) as reads show it. */
export interface SnapshotInstance {
  instanceId: string;
  /** A game-server process's instance: its game session's GameSessionId (RallyHere's allocation id). */
  allocationId?: string;
  hostType: HostType;
  hostPlayerId: string | null;
  hostClientId: string | null;
  /** The Server SDK process hosting it, with its pID and compute name. */
  processId: string | null;
  hostProcessPid: string | null;
  hostServerId: string | null;
  joinStatus: JoinStatus;
  publicConnStr: string | null;
  privateConnStr: string | null;
  joinCustomData: Record<string, string>;
  startupParams: Record<string, unknown> | null;
  version: string | null;
  customData: Record<string, string>;
  matchId: string | null;
  /** As every read computes it (joinery_instance_health), whether or not the sweeper has run. */
  health: InstanceHealth;
  createdAt: Date;
}

/** Builds parameterized SQL: values go to `values`, the text only holds `$n` placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A piece of SQL over `game_session g` whose values are added to the given parameters. */
export type SqlFragment = (params: SqlParams) => string;

/**
 * An overdue reservation (src/session/sql/predicates.sql): shown as TIMEDOUT
 * and not counted, whether or not the sweeper has run.
 */
const OVERDUE = `joinery_seat_overdue(s.status, s.reserved_until)`;

/** Seats held in session `g` as every read counts them (overdue reservations left out). */
const LIVE_PLAYER_COUNT = `joinery_held_seats(g.id)`;

/** Whether session `g` has a free seat, the one answer every read gives. */
const HAS_FREE_SEAT = `(joinery_free_seats(g.id, g.max_players) > 0)`;

/** A session row as reads show it: no password digest or attempt counters. */
const SESSION_JSON = `(to_jsonb(g) - 'password_digest' - 'password_failures' - 'password_failed_at')`;

/**
 * Session attributes as SQL expressions over `game_session g`, for searches
 * built by the protocol adapters. Values never go into these strings.
 */
export const SESSION_FIELDS = {
  id: 'g.id::text',
  name: 'g.name',
  // Whole milliseconds, as GameLift's CreationTime is reported: `creationTimeMillis = <own value>` must match.
  createdAtMillis: 'floor(extract(epoch FROM g.created_at) * 1000)',
  playerCount: LIVE_PLAYER_COUNT,
  maxPlayers: 'g.max_players',
  acceptsPlayers: `(g.creation_policy = 'ACCEPT_ALL' AND ${HAS_FREE_SEAT})`,
  /** The value of a game property, by key (a placeholder). */
  property: (keyPlaceholder: string) =>
    `(SELECT p->>'Value' FROM jsonb_array_elements(g.game_properties) p WHERE p->>'Key' = ${keyPlaceholder} LIMIT 1)`,
} as const;

export interface SessionListQuery {
  ids?: string[];
  type?: string;
  regionId?: string;
  fleetId?: string;
  location?: string;
  statuses?: GameSessionStatus[];
  /** Only sessions with (true) or without (false) a free seat, counting live seats. */
  hasFreeSeats?: boolean;
  /** Only sessions where this player holds a live seat. */
  playerId?: string;
  /** Extra condition (searches). */
  where?: SqlFragment;
  /** Sort expression (searches); sessions are otherwise listed oldest first. */
  orderBy?: SqlFragment;
  /** Newest first instead of oldest first (listings without `orderBy`). */
  newestFirst?: boolean;
  /** Id of the last session of the previous page (listings without `orderBy`). */
  after?: string;
  offset?: number;
  limit: number;
}

/** A session of the browser, with its instance's health when it has one. */
export interface BrowserListing {
  session: GameSessionEntity;
  instanceHealth?: InstanceHealth;
}

/** A seat with what a listing shows of its session. */
export interface SeatListing {
  seat: SeatEntity;
  session: Pick<GameSessionEntity, 'id' | 'type' | 'status' | 'fleetId' | 'ipAddress' | 'dnsName' | 'port'>;
}

export interface SeatQuery {
  ids?: string[];
  sessionId?: string;
  playerId?: string;
  /** Filters on the status as shown (an overdue reservation is TIMEDOUT). */
  status?: SeatStatus;
  /** Only seats that hold a place (RESERVED before its deadline, or ACTIVE) in an ACTIVE session. */
  live?: boolean;
  /** Id of the last seat of the previous page. */
  after?: string;
  limit: number;
}

/**
 * Reads of sessions and seats. Overdue reservations are shown as they will be
 * once the sweeper runs: TIMEDOUT, not counted.
 */
@Injectable()
export class SessionReader {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: Sql,
    private readonly config: AppConfig,
    private readonly ids: GameLiftIds,
  ) {}

  /** The health config's values, as joinery_instance_health takes them (after `first` other parameters). */
  private healthParams(first: number): { sql: string; values: number[] } {
    const { cadenceSeconds, unhealthyPercentage, missedChecksBeforeUnknown } = this.config.instanceHealth;
    return {
      sql: `$${first + 1}::int, $${first + 2}::int, $${first + 3}::int`,
      values: [cadenceSeconds, unhealthyPercentage, missedChecksBeforeUnknown],
    };
  }

  async snapshot(sessionId: string): Promise<SessionSnapshot | undefined> {
    if (!isUuid(sessionId)) return undefined;
    const health = this.healthParams(1);
    const rows = await this.sql.read<{
      session: Record<string, unknown>;
      teams: Record<string, unknown>[];
      seats: Record<string, unknown>[] | null;
      instance: Record<string, unknown> | null;
    }>(
      `SELECT ${SESSION_JSON} AS session,
              (SELECT jsonb_agg(to_jsonb(t) ORDER BY t.team_id) FROM session_team t WHERE t.session_id = g.id) AS teams,
              (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.created_at, s.id) FROM seat s
                WHERE s.session_id = g.id AND joinery_seat_holds(s.status, s.reserved_until)) AS seats,
              (SELECT to_jsonb(i) - 'health_checks' - 'reported_health' - 'last_check_at'
                      || jsonb_build_object('health', joinery_instance_health(i, p, ${health.sql}))
                 FROM session_instance i LEFT JOIN server_process p ON p.id = i.process_id
                WHERE i.session_id = g.id) AS instance
         FROM game_session g WHERE g.id = $1`,
      [sessionId, ...health.values],
    );
    if (rows.length === 0) return undefined;
    const seats = (rows[0].seats ?? []).map((s) => fromRow(SeatEntity, s));
    const teams = (rows[0].teams ?? []).map((t) => fromRow(SessionTeamEntity, t));
    const session = fromRow(GameSessionEntity, rows[0].session);
    // Overdue reservations are not shown; the counts follow what is shown.
    const counts = new Map<number, number>();
    for (const seat of seats) counts.set(seat.teamId, (counts.get(seat.teamId) ?? 0) + 1);
    for (const team of teams) team.playerCount = counts.get(team.teamId) ?? 0;
    session.playerCount = seats.length;
    const row = rows[0].instance;
    if (!row) return { session, teams, seats };
    const instance = fromRow(Object, row) as SnapshotInstance;
    if (instance.processId) instance.allocationId = this.ids.gameSessionArn(session.fleetId, session.id);
    return { session, teams, seats, instance };
  }

  async seat(seatId: string): Promise<SeatEntity | undefined> {
    if (!isUuid(seatId)) return undefined;
    return (await this.dataSource.getRepository(SeatEntity).findOne({ where: { id: seatId } })) ?? undefined;
  }

  /**
   * The session browser: active sessions of a type registered to it (the browser routes, or the template's
   * auto_add_to_browser), oldest first, one page after `offset`.
   */
  async openSessions(
    sessionType: string,
    regionId: string | undefined,
    offset: number,
    limit: number,
  ): Promise<{ sessions: BrowserListing[]; more: boolean }> {
    const health = this.healthParams(4);
    const rows = await this.sql.read<{ session: Record<string, unknown>; instance_health: InstanceHealth | null }>(
      `SELECT ${SESSION_JSON} || jsonb_build_object('player_count', ${LIVE_PLAYER_COUNT}) AS session,
              (SELECT joinery_instance_health(i, p, ${health.sql})
                 FROM session_instance i LEFT JOIN server_process p ON p.id = i.process_id
                WHERE i.session_id = g.id) AS instance_health
         FROM game_session g
        WHERE g.type = $1 AND g.browser_listed AND g.status = 'ACTIVE' AND ($2::text IS NULL OR g.region_id = $2)
        ORDER BY g.created_at, g.id
        OFFSET $3 LIMIT $4`,
      [sessionType, regionId ?? null, offset, limit + 1, ...health.values],
    );
    const sessions = rows.slice(0, limit).map((r) => ({
      session: fromRow(GameSessionEntity, r.session),
      instanceHealth: r.instance_health ?? undefined,
    }));
    return { sessions, more: rows.length > limit };
  }

  /** Every seat of a session, history included, oldest first. */
  async allSeats(sessionId: string): Promise<SeatEntity[]> {
    if (!isUuid(sessionId)) return [];
    return this.dataSource
      .getRepository(SeatEntity)
      .find({ where: { sessionId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Whether a session exists (in the fleet, when given): one index probe, for requests that only name it. */
  async sessionExists(sessionId: string, fleetId?: string): Promise<boolean> {
    if (!isUuid(sessionId)) return false;
    const rows = await this.sql.read(
      `SELECT 1 FROM game_session WHERE id = $1 AND ($2::text IS NULL OR fleet_id = $2)`,
      [sessionId, fleetId ?? null],
    );
    return rows.length > 0;
  }

  /**
   * Sessions matching a query, with live player counts (overdue reservations
   * not counted). Oldest first unless the query sorts.
   */
  async listSessions(query: SessionListQuery): Promise<GameSessionEntity[]> {
    const params = new SqlParams();
    const conditions: string[] = [];
    if (query.ids) conditions.push(`g.id = ANY(${params.add(query.ids.filter(isUuid))}::uuid[])`);
    if (query.type) conditions.push(`g.type = ${params.add(query.type)}`);
    if (query.regionId) conditions.push(`g.region_id = ${params.add(query.regionId)}`);
    if (query.fleetId) conditions.push(`g.fleet_id = ${params.add(query.fleetId)}`);
    if (query.location) conditions.push(`g.location = ${params.add(query.location)}`);
    if (query.statuses) conditions.push(`g.status = ANY(${params.add(query.statuses)}::text[])`);
    if (query.hasFreeSeats !== undefined) {
      conditions.push(`${HAS_FREE_SEAT} = ${params.add(query.hasFreeSeats)}`);
    }
    if (query.playerId) {
      conditions.push(`EXISTS (SELECT 1 FROM seat s WHERE s.session_id = g.id AND s.player_id = ${params.add(query.playerId)}
                                 AND joinery_seat_holds(s.status, s.reserved_until))`);
    }
    if (query.where) conditions.push(`(${query.where(params)})`);
    const direction = query.newestFirst ? 'DESC' : 'ASC';
    if (query.after) {
      conditions.push(
        `(g.created_at, g.id) ${query.newestFirst ? '<' : '>'} (SELECT c.created_at, c.id FROM game_session c WHERE c.id = ${params.add(
          isUuid(query.after) ? query.after : '00000000-0000-0000-0000-000000000000',
        )}::uuid)`,
      );
    }
    const order = query.orderBy ? `${query.orderBy(params)}, g.id` : `g.created_at ${direction}, g.id ${direction}`;
    const rows = await this.sql.read<{ session: Record<string, unknown> }>(
      `SELECT ${SESSION_JSON} || jsonb_build_object('player_count', ${LIVE_PLAYER_COUNT}) AS session
         FROM game_session g
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY ${order}
        LIMIT ${params.add(query.limit)} OFFSET ${params.add(query.offset ?? 0)}`,
      params.values,
    );
    return rows.map((r) => fromRow(GameSessionEntity, r.session));
  }

  /**
   * Seats matching a query, oldest first, as they are shown: an overdue
   * reservation is TIMEDOUT, ended at its deadline.
   */
  async listSeats(query: SeatQuery): Promise<SeatListing[]> {
    const params = new SqlParams();
    const conditions: string[] = [];
    if (query.ids) conditions.push(`s.id = ANY(${params.add(query.ids.filter(isUuid))}::uuid[])`);
    if (query.sessionId) conditions.push(`s.session_id = ${params.add(query.sessionId)}::uuid`);
    if (query.playerId) conditions.push(`s.player_id = ${params.add(query.playerId)}`);
    if (query.status) {
      conditions.push(`CASE WHEN ${OVERDUE} THEN 'TIMEDOUT' ELSE s.status END = ${params.add(query.status)}`);
    }
    if (query.live) conditions.push(`joinery_seat_holds(s.status, s.reserved_until) AND g.status = 'ACTIVE'`);
    if (query.after) {
      conditions.push(
        `(s.created_at, s.id) > (SELECT c.created_at, c.id FROM seat c WHERE c.id = ${params.add(
          isUuid(query.after) ? query.after : '00000000-0000-0000-0000-000000000000',
        )}::uuid)`,
      );
    }
    const rows = await this.sql.read<{ seat: Record<string, unknown>; session: Record<string, unknown> }>(
      `SELECT to_jsonb(s) || CASE WHEN ${OVERDUE}
                                  THEN jsonb_build_object('status', 'TIMEDOUT', 'ended_at', s.reserved_until)
                                  ELSE '{}'::jsonb END AS seat,
              jsonb_build_object('id', g.id, 'type', g.type, 'status', g.status, 'fleet_id', g.fleet_id,
                                 'ip_address', g.ip_address, 'dns_name', g.dns_name, 'port', g.port) AS session
         FROM seat s JOIN game_session g ON g.id = s.session_id
        ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY s.created_at, s.id
        LIMIT ${params.add(query.limit)}`,
      params.values,
    );
    return rows.map((r) => ({
      seat: fromRow(SeatEntity, r.seat),
      session: fromRow(GameSessionEntity, r.session) as SeatListing['session'],
    }));
  }
}

const TIMESTAMPS = new Set([
  'createdAt',
  'updatedAt',
  'terminatedAt',
  'reservedUntil',
  'joinedAt',
  'endedAt',
  'lastSeenAt',
  'browserListedAt',
]);

/** Maps a snake_case JSON row onto an entity instance (timestamps as Dates). */
export function fromRow<T extends object>(type: new () => T, row: Record<string, unknown>): T {
  const entity = new type() as Record<string, unknown>;
  for (const [key, value] of Object.entries(row)) {
    const property = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    entity[property] = TIMESTAMPS.has(property) && typeof value === 'string' ? new Date(value) : value;
  }
  return entity as T;
}
