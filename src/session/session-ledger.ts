import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { hashSecret, verifySecret } from '../auth/secrets.js';
import { Conflict, InvalidRequest, PermissionDenied } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { AppConfig } from '../config/config.js';
import { Sql } from '../database/sql.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { GroupCommit, type ItemResult } from './group-commit.js';
import type { ResolvedSettings } from '../crossplay/crossplay.service.js';
import { type CreationPolicy, GameSessionEntity, type ProtectionPolicy } from './entities/game-session.entity.js';
import type { SeatRole, SeatStatus } from './entities/seat.entity.js';
import {
  CrossplayMismatch,
  IncorrectSessionPassword,
  InvalidSessionStatus,
  InvalidTeam,
  NoSessionAvailable,
  PlayerNotInSession,
  SeatNotFound,
  SessionCreationNotAllowed,
  SessionFull,
  SessionNotFound,
  SessionNotJoinable,
  SessionPasswordLocked,
  UnknownPlayer,
  UnknownSessionType,
} from './session.errors.js';

/** A player asking for a seat (RallyHere, or a player token on the REST facade). */
export interface JoiningPlayer {
  /** The player's UUID. */
  playerId: string;
  clientVersion?: string;
  settings?: ResolvedSettings;
  customData?: Record<string, string>;
  teamId?: number;
  password?: string;
  /** GameLift's free-form player data (the REST facade). */
  playerData?: string;
}

export interface SeatAssignment {
  /** `created`: a new session; `joined`: a seat in an existing one; `existing`: the seat the player already held. */
  outcome: 'created' | 'joined' | 'existing';
  sessionId: string;
  teamId: number;
  seatId: string;
  role: SeatRole;
}

/** Who acts on a session: a player (or none, for a client), and whether they hold an `...:any` permission. */
export interface Actor {
  playerId?: string;
  privileged: boolean;
}

export interface SessionChanges {
  customData?: Record<string, string>;
  open?: boolean;
  friends?: boolean;
  platform?: boolean;
  regionId?: string;
  password?: string;
  /** New team sizes: the list's length is the number of teams (RallyHere `SessionUpdate.teams`). */
  teams?: { maxSize?: number; customData?: Record<string, string> }[];
}

export interface ReservedSeat {
  seatId: string;
  playerId: string;
  /** `reserved`: new; `existing`: the player already held a seat in the session. */
  outcome: 'reserved' | 'existing';
}

export interface NewGameSession {
  type: string;
  fleetId: string;
  location: string;
  maxPlayers: number;
  name?: string;
  creatorId?: string;
  gameProperties?: { Key: string; Value: string }[];
  gameSessionData?: string;
  idempotencyToken?: string;
  status: 'ACTIVATING' | 'ACTIVE';
}

/** Changes to a live game session; unset members stay as they are. */
export interface GameSessionChanges {
  /** New capacity: single-team sessions only, never below the occupied seats. */
  maxPlayers?: number;
  name?: string;
  creationPolicy?: CreationPolicy;
  /** Merged into the session's properties: new keys added, existing keys updated. */
  gameProperties?: { Key: string; Value: string }[];
  protectionPolicy?: ProtectionPolicy;
}

interface FunctionRow {
  outcome: string;
  session_id: string | null;
  team_id: number | null;
  seat_id: string | null;
  seat_role: SeatRole | null;
}

/** A row of joinery_create_or_join_batch: one player's outcome, `ord` their index in the batch. */
interface BatchJoinRow extends FunctionRow {
  ord: number;
  detail: string | null;
}

/** A row of joinery_reserve_seats_batch: `request` is the request's index in the batch. */
interface BatchReserveRow {
  request: number;
  outcome: string;
  seat_id: string;
  player_id: string;
  detail: string | null;
}

/** A create-or-join waiting for its batch (type and region are the batch's key). */
interface QueuedJoin {
  type: string;
  region: string | null;
  player: Record<string, unknown>;
}

/** A CreatePlayerSession(s) request waiting for its batch (the game session is the batch's key). */
interface QueuedReservation {
  sessionId: string;
  players: { player_id: string; player_data: string | null }[];
}

/**
 * One player's (or one reservation request's) part of a batch failed in SQL and was rolled back alone; the
 * others' stand. `code` is the SQLSTATE, as on a driver error, so the error renderers map it as they map those
 * (a deadlock is a 503, a unique violation a conflict, anything else a 500).
 */
export class BatchItemFailed extends Error {
  readonly code: string;

  constructor(detail: string | null) {
    super(`batch item failed: ${detail ?? 'unknown error'}`);
    this.name = 'BatchItemFailed';
    this.code = detail?.slice(0, 5) ?? 'XX000';
  }
}

/** SQLSTATEs of a batch item rolled back for a transient reason (deadlock, serialization): asked again. */
const RETRYABLE_ITEM = new Set(['40P01', '40001']);
const ITEM_ATTEMPTS = 3;

/** Runs `ask` again while it fails as a batch item rolled back for a transient reason (3 attempts). */
async function retryingItem<R>(ask: () => Promise<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ask();
    } catch (error) {
      if (attempt >= ITEM_ATTEMPTS || !(error instanceof BatchItemFailed) || !RETRYABLE_ITEM.has(error.code)) {
        throw error;
      }
    }
  }
}

/** A joining player as the SQL functions take it (`p_player`, see src/session/sql/seats.sql). */
function playerJson(player: JoiningPlayer): string {
  return JSON.stringify(playerObject(player));
}

function playerObject(player: JoiningPlayer): Record<string, unknown> {
  const s = player.settings;
  return {
    player_id: player.playerId,
    client_version: player.clientVersion,
    platform: s?.platform,
    input: s?.input,
    permitted_platform: s?.permittedPlatform,
    permitted_input: s?.permittedInput,
    cp_family: s?.profile.family,
    cp_input: s?.profile.input,
    cp_required: s?.profile.requiredFamilies,
    cp_allowed: s?.profile.allowedInputs,
    custom_data: player.customData,
    player_data: player.playerData,
  };
}

/**
 * The seat ledger: every change of seats and capacity goes through here, and
 * from here through one SQL function each (src/session/sql/*.sql), so
 * each decision is one statement that locks what it decides on.
 * RallyHere and GameLift adapters both call these methods; neither touches
 * seats directly.
 */
@Injectable()
export class SessionLedger {
  /** Create-or-joins of one type and region, batched (group commit): one SQL call, one commit for many seats. */
  private readonly joins: GroupCommit<QueuedJoin, FunctionRow>;
  /** CreatePlayerSession(s) requests on one game session, batched likewise; each request stays all or none. */
  private readonly reservations: GroupCommit<QueuedReservation, BatchReserveRow[]>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: Sql,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    const max = config.sessions.joinBatchMax;
    this.joins = new GroupCommit(max, (_key, items) => this.runJoins(items));
    this.reservations = new GroupCommit(max, (_key, items) => this.runReservations(items));
  }

  /**
   * RallyHere create-or-join: the player's existing seat of that type, a seat in an open session, or a new session.
   * Concurrent calls of one type and region on this instance are decided together (see runJoins).
   */
  async createOrJoin(
    sessionType: string,
    regionId: string | undefined,
    player: JoiningPlayer,
  ): Promise<SeatAssignment> {
    const queued: QueuedJoin = {
      type: sessionType,
      region: regionId ?? null,
      player: {
        ...playerObject(player),
        team_id: player.teamId,
        password_digest: player.password === undefined ? undefined : await hashSecret(player.password),
      },
    };
    const key = JSON.stringify([queued.type, queued.region]);
    const row = await retryingItem(() => this.joins.submit(key, queued));
    this.metrics.joinOutcome('create_or_join', row.outcome);
    switch (row.outcome) {
      case 'template_not_found':
        throw new UnknownSessionType(sessionType);
      case 'invalid_team':
        throw new InvalidTeam(player.teamId ?? -1);
      case 'no_session_available':
        throw new NoSessionAvailable(sessionType);
      case 'creation_not_allowed':
        throw new SessionCreationNotAllowed(sessionType);
      default:
        return this.assignment(row, '');
    }
  }

  /**
   * One batch of create-or-joins of a type and region: one call of joinery_create_or_join_batch, one transaction
   * (src/session/sql/sessions.sql), one outcome per player. A player whose part failed gets that error alone.
   */
  private async runJoins(items: QueuedJoin[]) {
    const { type, region } = items[0];
    this.metrics.joinBatch('create_or_join', items.length);
    const rows = await this.sql.query<BatchJoinRow>(
      `SELECT * FROM joinery_create_or_join_batch(p_type => $1, p_region => $2, p_players => $3, p_fleet_id => $4,
                                                  p_location => $5)`,
      [
        type,
        region,
        JSON.stringify(items.map((i) => i.player)),
        this.config.gamelift.fleetId,
        this.config.gamelift.region,
      ],
      'joinery_create_or_join_batch',
    );
    const byOrd = new Map(rows.map((r) => [r.ord, r]));
    return items.map((_, i): ItemResult<FunctionRow> => {
      const row = byOrd.get(i);
      if (!row) return { ok: false, error: new BatchItemFailed(null) };
      if (row.outcome === 'error') return { ok: false, error: new BatchItemFailed(row.detail) };
      return { ok: true, value: row };
    });
  }

  /**
   * One batch of CreatePlayerSession(s) requests on a game session: one call of joinery_reserve_seats_batch
   * (src/session/sql/seats.sql), the session locked once; each request all or none, its rows its own.
   */
  private async runReservations(items: QueuedReservation[]) {
    this.metrics.joinBatch('reserve', items.length);
    const rows = await this.sql.query<BatchReserveRow>(
      `SELECT * FROM joinery_reserve_seats_batch(p_session => $1, p_requests => $2, p_timeout_seconds => $3)`,
      [items[0].sessionId, JSON.stringify(items.map((i) => i.players)), this.config.gamelift.reservationTimeoutSeconds],
      'joinery_reserve_seats_batch',
    );
    const byRequest = items.map((): BatchReserveRow[] => []);
    for (const row of rows) byRequest[row.request]?.push(row);
    return byRequest.map((mine): ItemResult<BatchReserveRow[]> => {
      if (mine[0]?.outcome === 'error') return { ok: false, error: new BatchItemFailed(mine[0].detail) };
      return { ok: true, value: mine };
    });
  }

  /**
   * A server (a client token with `session:create`) creates a new, empty session of a type, whether or not
   * players may create that type.
   */
  async createSession(sessionType: string, regionId: string | undefined, password?: string): Promise<string> {
    const [row] = await this.sql.query<{ outcome: string; session_id: string }>(
      `SELECT * FROM joinery_create_session($1, $2, $3, $4, $5)`,
      [
        sessionType,
        regionId ?? null,
        password === undefined ? null : await hashSecret(password),
        this.config.gamelift.fleetId,
        this.config.gamelift.region,
      ],
    );
    if (row.outcome === 'template_not_found') throw new UnknownSessionType(sessionType);
    return row.session_id;
  }

  /** Creates the public sessions templates with min_session_count lack. Returns how many were created. */
  async keepMinSessions(): Promise<number> {
    const [{ created }] = await this.sql.query<{ created: number }>(
      `SELECT joinery_keep_min_sessions($1, $2) AS created`,
      [this.config.gamelift.fleetId, this.config.gamelift.region],
    );
    return created;
  }

  /**
   * A player asks for a seat in a given session (RallyHere join by id, the
   * REST facade): takes up an invitation, or a seat in an open session, by
   * the same rules whichever door the request came through. With
   * `reserveSeconds`, the seat is RESERVED until the game server accepts it.
   */
  async join(sessionId: string, player: JoiningPlayer, reserveSeconds?: number): Promise<SeatAssignment> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const call = (digest: string | null) =>
      this.sql.query<FunctionRow & { detail: string | null }>(
        `SELECT * FROM joinery_join_session(p_session => $1, p_team => $2, p_player => $3, p_password_given => $4,
                                            p_password_digest => $5, p_reserve_seconds => $6)`,
        [
          sessionId,
          player.teamId ?? null,
          playerJson(player),
          player.password !== undefined,
          digest,
          reserveSeconds ?? null,
        ],
        'joinery_join_session',
      );
    let [row] = await call(null);
    if (row.outcome === 'password_check') {
      // The stored scrypt digest, checked here; the second call counts a wrong password or takes the seat.
      const right = await verifySecret(player.password ?? '', row.detail ?? '');
      [row] = await call(right ? row.detail : '');
    }
    this.metrics.joinOutcome('join', row.outcome);
    switch (row.outcome) {
      case 'not_joinable':
        throw new SessionNotJoinable(sessionId);
      case 'bad_password':
        throw new IncorrectSessionPassword();
      case 'password_locked':
        throw new SessionPasswordLocked();
      case 'crossplay_mismatch':
        throw new CrossplayMismatch(sessionId);
      default:
        return this.assignment(row, sessionId, player.teamId);
    }
  }

  /**
   * Invites a known player: a seat held with role `invited` that counts
   * against capacity and expires after the configured time. The actor must be
   * a member, unless privileged.
   */
  async invite(
    sessionId: string,
    playerId: string,
    actor: Actor,
    {
      teamId,
      overflow = false,
      customData,
    }: { teamId?: number; overflow?: boolean; customData?: Record<string, string> },
  ): Promise<SeatAssignment> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [row] = await this.sql.query<FunctionRow>(
      `SELECT * FROM joinery_invite(p_session => $1, p_player_id => $2, p_actor_id => $3, p_privileged => $4,
                                    p_team => $5, p_overflow => $6, p_custom_data => $7, p_expires_in => $8)`,
      [
        sessionId,
        playerId,
        actor.playerId ?? null,
        actor.privileged,
        teamId ?? null,
        overflow,
        customData ? JSON.stringify(customData) : null,
        this.config.sessions.invitationTtlSeconds,
      ],
    );
    if (row.outcome === 'forbidden')
      throw new PermissionDenied('Only members of the session may invite players', 'not_session_member');
    if (row.outcome === 'unknown_player') throw new UnknownPlayer(playerId);
    return this.assignment(row, sessionId, teamId);
  }

  /** Leave (the actor removes themselves), kick, or cancel an invitation (the leader or a privileged actor). */
  async removePlayer(sessionId: string, playerId: string, actor: Actor): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_remove_player($1, $2, $3, $4) AS outcome`,
      [sessionId, playerId, actor.playerId ?? null, actor.privileged],
    );
    this.refuse(outcome, sessionId, playerId, 'Only the session leader may remove other players');
  }

  /**
   * Changes a seated player's team or custom data: the player themselves (their team only when the template lets
   * players change teams), or the leader, or a privileged actor.
   */
  async updatePlayer(
    sessionId: string,
    playerId: string,
    actor: Actor,
    changes: { teamId?: number; customData?: Record<string, string> },
  ): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_update_player($1, $2, $3, $4, $5, $6) AS outcome`,
      [
        sessionId,
        playerId,
        actor.playerId ?? null,
        actor.privileged,
        changes.teamId ?? null,
        changes.customData ? JSON.stringify(changes.customData) : null,
      ],
    );
    if (outcome === 'invalid_team') throw new InvalidTeam(changes.teamId ?? -1);
    if (outcome === 'full') throw new SessionFull(sessionId, changes.teamId);
    this.refuse(outcome, sessionId, playerId, 'Only the session leader may change other players');
  }

  /** Makes a member the leader (the leader or a privileged actor). */
  async promote(sessionId: string, playerId: string, actor: Actor): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_promote($1, $2, $3, $4) AS outcome`,
      [sessionId, playerId, actor.playerId ?? null, actor.privileged],
    );
    if (outcome === 'not_a_member') {
      throw new InvalidRequest(
        'player_not_a_member',
        `Player ${playerId} is invited, not a member, and cannot lead the session`,
      );
    }
    this.refuse(outcome, sessionId, playerId, 'Only the session leader may promote players');
  }

  /** Closes an active session (the leader or a privileged actor); its seats are completed. */
  async close(sessionId: string, actor: Actor): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_close_session($1, $2, $3) AS outcome`,
      [sessionId, actor.playerId ?? null, actor.privileged],
    );
    this.refuse(outcome, sessionId, '', 'Only the session leader may close the session');
  }

  /**
   * Changes a session's own fields (custom data, joinability, region,
   * password). The leader or a privileged actor; checked in the same statement.
   */
  async updateSession(sessionId: string, changes: SessionChanges, actor: Actor): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_update_session(p_session => $1, p_changes => $2, p_actor_id => $3, p_privileged => $4) AS outcome`,
      [
        sessionId,
        JSON.stringify({
          custom_data: changes.customData,
          public: changes.open,
          joinable_friends: changes.friends,
          joinable_platform: changes.platform,
          region_id: changes.regionId,
          password_digest: changes.password === undefined ? undefined : await hashSecret(changes.password),
          teams: changes.teams?.map((t) => ({ max_size: t.maxSize, custom_data: t.customData })),
        }),
        actor.playerId ?? null,
        actor.privileged,
      ],
    );
    if (outcome === 'not_found') throw new SessionNotFound(sessionId);
    if (outcome === 'forbidden')
      throw new PermissionDenied('Only the session leader may update the session', 'not_session_leader');
    if (outcome === 'below_occupied')
      throw new InvalidRequest('team_size_below_occupied', 'A team cannot be made smaller than its occupied seats');
    if (outcome === 'team_not_empty') throw new InvalidRequest('team_not_empty', 'Only empty teams can be removed');
    if (outcome === 'no_teams') throw new InvalidRequest('no_teams', 'A session needs at least one team');
  }

  /**
   * GameLift CreatePlayerSession(s): RESERVED seats for all the players or
   * none; a player already seated in the session gets that seat back.
   * Concurrent requests on one game session on this instance are decided
   * together, each still all or none (see runReservations).
   */
  async reserveSeats(sessionId: string, players: { playerId: string; playerData?: string }[]): Promise<ReservedSeat[]> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const queued: QueuedReservation = {
      sessionId,
      players: players.map((p) => ({ player_id: p.playerId, player_data: p.playerData ?? null })),
    };
    const rows = await retryingItem(() => this.reservations.submit(sessionId.toLowerCase(), queued));
    const first = rows[0]?.outcome;
    if (first === 'reserved' || first === 'existing') {
      const reserved = rows.filter((r) => r.outcome === 'reserved').length;
      this.metrics.joinOutcome('reserve', 'reserved', reserved);
      this.metrics.joinOutcome('reserve', 'existing', rows.length - reserved);
      this.metrics.seatsReserved(reserved);
    } else {
      this.metrics.joinOutcome('reserve', first ?? 'none');
    }
    if (first === 'not_found') throw new SessionNotFound(sessionId);
    if (first === 'invalid_status') {
      throw new InvalidSessionStatus(`Game session ${sessionId} is not ACTIVE or does not accept new players`);
    }
    if (first === 'full') throw new SessionFull(sessionId);
    return rows.map((r) => ({
      seatId: r.seat_id,
      playerId: r.player_id,
      outcome: r.outcome as ReservedSeat['outcome'],
    }));
  }

  /** GameLift AcceptPlayerSession: RESERVED → ACTIVE, only before the deadline. */
  async acceptSeat(seatId: string): Promise<void> {
    if (!isUuid(seatId)) throw new SeatNotFound(seatId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(`SELECT joinery_accept_seat($1) AS outcome`, [
      seatId,
    ]);
    if (outcome === 'not_found') throw new SeatNotFound(seatId);
    if (outcome === 'timed_out')
      throw new InvalidSessionStatus(`Player session ${seatId} timed out`, 'player_session_timed_out');
    if (outcome === 'invalid_status') {
      throw new InvalidSessionStatus(
        `Player session ${seatId} is not RESERVED in an ACTIVE game session`,
        'invalid_player_session_status',
      );
    }
  }

  /** Ends a seat: leave, kick, RemovePlayerSession (COMPLETED). Returns false when the seat held no place. */
  async releaseSeat(
    seatId: string,
    status: Extract<SeatStatus, 'COMPLETED' | 'TIMEDOUT'> = 'COMPLETED',
  ): Promise<boolean> {
    if (!isUuid(seatId)) throw new SeatNotFound(seatId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(`SELECT joinery_release_seat($1, $2) AS outcome`, [
      seatId,
      status,
    ]);
    if (outcome === 'not_found') throw new SeatNotFound(seatId);
    return outcome === 'released';
  }

  /** An operator frees a stuck seat: a reservation ends TIMEDOUT, an active seat COMPLETED. */
  async releaseSeatByOperator(seatId: string): Promise<void> {
    if (!isUuid(seatId)) throw new SeatNotFound(seatId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_release_seat_by_operator($1) AS outcome`,
      [seatId],
    );
    if (outcome === 'not_found') throw new SeatNotFound(seatId);
    if (outcome === 'not_active')
      throw new Conflict('seat_not_active', `Player session ${seatId} holds no seat any more`);
  }

  /** Ends a session and completes its seats. Returns false when it had already ended. */
  async terminate(sessionId: string, reason: string): Promise<boolean> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_terminate_session($1, $2) AS outcome`,
      [sessionId, reason],
    );
    if (outcome === 'not_found') throw new SessionNotFound(sessionId);
    return outcome === 'terminated';
  }

  /** Times out overdue reservations (a batch of sessions per call). Returns how many seats were freed. */
  async sweepReservations(sessionsPerBatch = 200): Promise<number> {
    const [{ expired }] = await this.sql.query<{ expired: number }>(
      `SELECT joinery_sweep_reservations($1) AS expired`,
      [sessionsPerBatch],
    );
    this.metrics.seatsTimedOut(expired);
    return expired;
  }

  /** Culls players not seen past their session's player_culling_timeout (a batch of sessions per call). */
  async cullPlayers(sessionsPerBatch = 200): Promise<number> {
    const [{ culled }] = await this.sql.query<{ culled: number }>(`SELECT joinery_cull_players($1) AS culled`, [
      sessionsPerBatch,
    ]);
    return culled;
  }

  /** Deletes session events older than `keepSeconds` (a stream resumes within that). Returns how many. */
  async pruneEvents(keepSeconds: number): Promise<number> {
    const [{ pruned }] = await this.sql.query<{ pruned: number }>(
      `SELECT joinery_prune_events(make_interval(secs => $1)) AS pruned`,
      [keepSeconds],
    );
    return pruned;
  }

  /** A player's client polled: seen now (in one session, or in all of theirs). */
  async playerSeen(playerId: string, sessionId?: string): Promise<void> {
    if (sessionId !== undefined && !isUuid(sessionId)) return;
    await this.sql.query(`SELECT joinery_player_seen($1, $2)`, [playerId, sessionId ?? null], 'joinery_player_seen');
  }

  /** Lists a session in the browser (with the listing's custom data), or removes it. The leader or privileged. */
  async setBrowser(
    sessionId: string,
    listed: boolean,
    customData: Record<string, string> | undefined,
    actor: Actor,
  ): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_set_browser($1, $2, $3, $4, $5) AS outcome`,
      [sessionId, listed, customData ? JSON.stringify(customData) : null, actor.playerId ?? null, actor.privileged],
    );
    if (outcome === 'forbidden') {
      throw new PermissionDenied(
        'Only the session leader may list the session, and only for types players may add to the browser',
        'not_session_leader',
      );
    }
    this.refuse(outcome, sessionId, '', '');
  }

  /**
   * A session with a single team of `maxPlayers` seats (GameLift
   * CreateGameSession). With an idempotency token already used on the fleet,
   * the session it created is returned instead.
   */
  async createGameSession(input: NewGameSession): Promise<{ session: GameSessionEntity; created: boolean }> {
    const [row] = await this.sql.query<{ session_id: string; created: boolean }>(
      `SELECT * FROM joinery_create_game_session($1)`,
      [
        JSON.stringify({
          type: input.type,
          status: input.status,
          fleet_id: input.fleetId,
          location: input.location,
          max_players: input.maxPlayers,
          name: input.name,
          creator_id: input.creatorId,
          game_properties: input.gameProperties ?? [],
          game_session_data: input.gameSessionData,
          idempotency_token: input.idempotencyToken,
        }),
      ],
    );
    const session = await this.dataSource.manager.findOneByOrFail(GameSessionEntity, { id: row.session_id });
    return { session, created: row.created };
  }

  private refuse(outcome: string, sessionId: string, playerId: string, forbidden: string): void {
    if (outcome === 'not_found') throw new SessionNotFound(sessionId);
    if (outcome === 'not_in_session') throw new PlayerNotInSession(playerId, sessionId);
    if (outcome === 'forbidden') throw new PermissionDenied(forbidden, 'not_session_leader');
  }

  /** Changes a live (ACTIVE or ACTIVATING) session: capacity, name, creation policy, properties. */
  async updateGameSession(sessionId: string, changes: GameSessionChanges): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_update_game_session($1, $2, $3, $4, $5, $6) AS outcome`,
      [
        sessionId,
        changes.maxPlayers ?? null,
        changes.name ?? null,
        changes.creationPolicy ?? null,
        changes.gameProperties ? JSON.stringify(changes.gameProperties) : null,
        changes.protectionPolicy ?? null,
      ],
    );
    switch (outcome) {
      case 'updated':
        return;
      case 'not_found':
        throw new SessionNotFound(sessionId);
      case 'invalid_status':
        throw new InvalidSessionStatus(`Session ${sessionId} has ended and cannot be changed`);
      case 'multi_team':
        throw new InvalidRequest(
          'multi_team_capacity',
          `Session ${sessionId} has several teams; its capacity is set per team and cannot be changed here`,
        );
      case 'below_occupied':
        throw new InvalidRequest(
          'capacity_below_occupied',
          `Session ${sessionId} has more occupied seats than ${changes.maxPlayers}`,
        );
      case 'too_many_properties':
        throw new InvalidRequest('too_many_game_properties', `Session ${sessionId} would have more than 16 properties`);
      default:
        throw new InvalidRequest('unexpected_outcome', `Unexpected outcome ${outcome}`);
    }
  }

  /** The game server is ready: ACTIVATING → ACTIVE. Returns false when it already was ACTIVE. */
  async activateGameSession(sessionId: string): Promise<boolean> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(`SELECT joinery_activate_session($1) AS outcome`, [
      sessionId,
    ]);
    if (outcome === 'not_found') throw new SessionNotFound(sessionId);
    if (outcome === 'invalid_status') {
      throw new InvalidSessionStatus(`Session ${sessionId} is not ACTIVATING and cannot be activated`);
    }
    return outcome === 'activated';
  }

  private assignment(row: FunctionRow, sessionId: string, teamId?: number): SeatAssignment {
    switch (row.outcome) {
      case 'created':
      case 'joined':
      case 'existing':
        return {
          outcome: row.outcome,
          sessionId: row.session_id!,
          teamId: row.team_id!,
          seatId: row.seat_id!,
          role: row.seat_role!,
        };
      case 'not_found':
        throw new SessionNotFound(sessionId);
      case 'invalid_status':
        throw new SessionNotFound(sessionId);
      case 'invalid_team':
        throw new InvalidTeam(teamId ?? -1);
      case 'full':
        throw new SessionFull(sessionId, teamId);
      default:
        throw new InvalidRequest('unexpected_outcome', `Unexpected outcome ${row.outcome}`);
    }
  }
}
