import { Injectable } from '@nestjs/common';
import { InvalidRequest, PermissionDenied } from '../common/errors.js';
import { isUuid } from '../common/ids.js';
import { AppConfig } from '../config/config.js';
import { Sql } from '../database/sql.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { GameLiftIds } from './gamelift-ids.js';
import {
  AllocationMismatch,
  InstanceAlreadyRegistered,
  InstanceNotFound,
  NoInstanceAvailable,
  NotInstanceHost,
  SessionNotFound,
} from './session.errors.js';

export const HOST_TYPES = ['dedicated', 'player', 'standalone', 'preallocated'] as const;
export type HostType = (typeof HOST_TYPES)[number];

export const JOIN_STATUSES = ['requested', 'allocated', 'pending', 'joinable', 'unjoinable', 'closed'] as const;
export type JoinStatus = (typeof JOIN_STATUSES)[number];

export const INSTANCE_HEALTHS = ['healthy', 'unhealthy', 'degraded', 'unknown'] as const;
export type InstanceHealth = (typeof INSTANCE_HEALTHS)[number];

/** Who acts on an instance: a player, or a client (its client id), and whether they hold `session:update:any`. */
export interface InstanceActor {
  playerId?: string;
  clientId?: string;
  privileged: boolean;
}

/** A registration (RallyHere `InstanceRequest`): the host type asked for and, for a player host, whom. */
export interface NewInstance {
  instanceId?: string;
  hostType: HostType;
  /** The hosting player named by the request (host_type player); a player registering defaults to themselves. */
  hostPlayerId?: string;
  startupParams?: Record<string, unknown>;
  customData?: Record<string, string>;
}

/**
 * Who hosts a registration: for host_type `player`, the player named (a player may name only themselves unless
 * privileged); otherwise a client (a dedicated server's token) registers itself, a player hosting a `standalone`
 * instance registers itself, and a player asking for a `dedicated` or `preallocated` one gets a game-server
 * process of the session's fleet (`spawn`).
 */
function hostOf(
  instance: NewInstance,
  actor: InstanceActor,
): { hostPlayerId?: string; hostClientId?: string; spawn: boolean } {
  if (instance.hostType === 'player') {
    const hostPlayerId = instance.hostPlayerId ?? actor.playerId;
    if (!hostPlayerId) {
      throw new InvalidRequest(
        'host_player_uuid_required',
        'host_type player needs host_player_uuid when a client token registers the instance',
      );
    }
    if (hostPlayerId !== actor.playerId && !actor.privileged) {
      throw new PermissionDenied(
        'A player may register only themselves as the host; naming another player needs session:update:any',
        'not_instance_host',
      );
    }
    return { hostPlayerId, spawn: false };
  }
  if (actor.playerId) {
    return instance.hostType === 'standalone' ? { hostPlayerId: actor.playerId, spawn: false } : { spawn: true };
  }
  return { hostClientId: actor.clientId, spawn: false };
}

/** Changes by the host (RallyHere `InstanceInfoUpdate`); absent members stay. */
export interface InstanceChanges {
  joinStatus?: JoinStatus;
  joinParams?: { publicConnStr: string; privateConnStr: string; customData?: Record<string, string> };
  version?: string;
  customData?: Record<string, string>;
  matchId?: string;
}

/** RallyHere `InstanceHealthSettingsResponse`, from INSTANCE_HEALTH_* (docs/sessions.md, "Instances"). */
export interface InstanceHealthConfig {
  cadenceSeconds: number;
  unhealthyPercentage: number;
  missedChecksBeforeUnknown: number;
}

/**
 * THE CORE's session instances (the game server of a session, RallyHere's `InstanceInfo`): registration by a
 * host or a request for a game-server process, the host's updates, health checks and unregistering, and the
 * sweeper's health pass. Every change is one SQL function of `sql/instances.sql`, which decides who may act
 * (the leader registers; the host, or `session:update:any`, changes), and emits the session event of the change.
 */
@Injectable()
export class SessionInstances {
  constructor(
    private readonly sql: Sql,
    private readonly config: AppConfig,
    private readonly ids: GameLiftIds,
    private readonly metrics: MetricsService,
  ) {}

  get healthConfig(): InstanceHealthConfig {
    return this.config.instanceHealth;
  }

  /** The allocation id of a session's instance on a Server SDK process: the game session's GameSessionId. */
  allocationIdOf(fleetId: string, sessionId: string): string {
    return this.ids.gameSessionArn(fleetId, sessionId);
  }

  /**
   * Registers the session's instance: its host ({@link hostOf}), or (spawn) a game-server process. `existing` when the
   * same registration came again (a retry). The leader, or a privileged actor.
   */
  async register(
    sessionId: string,
    instance: NewInstance,
    actor: InstanceActor,
  ): Promise<'registered' | 'spawned' | 'existing'> {
    const host = hostOf(instance, actor);
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const { cadenceSeconds, missedChecksBeforeUnknown } = this.config.instanceHealth;
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_register_instance(p_session => $1, p_instance => $2, p_actor_id => $3, p_privileged => $4,
                                        p_spawn => $5, p_window_seconds => $6, p_cadence => $7, p_missed => $8) AS outcome`,
      [
        sessionId,
        JSON.stringify({
          instance_id: instance.instanceId,
          host_type: instance.hostType,
          host_player_id: host.hostPlayerId,
          host_client_id: host.hostClientId,
          startup_params: instance.startupParams,
          custom_data: instance.customData,
        }),
        actor.playerId ?? null,
        actor.privileged,
        host.spawn,
        this.config.gameServers.unhealthySeconds,
        cadenceSeconds,
        missedChecksBeforeUnknown,
      ],
    );
    if (host.spawn && (outcome === 'spawned' || outcome === 'no_capacity')) {
      this.metrics.placement(outcome === 'spawned' ? 'placed' : outcome);
    }
    switch (outcome) {
      case 'registered':
      case 'spawned':
      case 'existing':
        return outcome;
      case 'exists':
        throw new InstanceAlreadyRegistered(sessionId);
      case 'no_capacity':
        throw new NoInstanceAvailable(sessionId);
      case 'forbidden':
        throw new PermissionDenied(
          "Only the session's leader (or session:update:any) may register or request its instance",
          'not_session_leader',
        );
      default:
        throw new SessionNotFound(sessionId);
    }
  }

  /**
   * The host's changes. An instance on a Server SDK process has an allocation id (its GameSessionId), which the
   * update must name; one without takes none. `fleetId` is the session's.
   */
  async update(
    sessionId: string,
    fleetId: string,
    changes: InstanceChanges,
    actor: InstanceActor,
    allocationId: string | undefined,
  ): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_update_instance(p_session => $1, p_changes => $2, p_actor_id => $3, p_client_id => $4,
                                      p_privileged => $5, p_allocation => $6, p_instance_allocation => $7) AS outcome`,
      [
        sessionId,
        JSON.stringify({
          join_status: changes.joinStatus,
          join_params: changes.joinParams && {
            public_conn_str: changes.joinParams.publicConnStr,
            private_conn_str: changes.joinParams.privateConnStr,
            custom_data: changes.joinParams.customData,
          },
          version: changes.version,
          custom_data: changes.customData,
          match_id: changes.matchId,
        }),
        actor.playerId ?? null,
        actor.clientId ?? null,
        actor.privileged,
        allocationId ?? null,
        this.allocationIdOf(fleetId, sessionId),
      ],
    );
    this.refuse(outcome, sessionId);
    if (outcome === 'allocation_mismatch') throw new AllocationMismatch(sessionId);
  }

  /** Unregisters the instance (the session stays); a game-server process hosting it is told to end. */
  async end(sessionId: string, actor: InstanceActor): Promise<void> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const [{ outcome }] = await this.sql.query<{ outcome: string }>(
      `SELECT joinery_end_instance($1, $2, $3, $4) AS outcome`,
      [sessionId, actor.playerId ?? null, actor.clientId ?? null, actor.privileged],
    );
    this.refuse(outcome, sessionId);
  }

  /** A health check of the host; answers the instance's health that follows (RallyHere's `updated_instance_health`). */
  async healthCheck(
    sessionId: string,
    instanceId: string,
    health: InstanceHealth,
    actor: InstanceActor,
  ): Promise<InstanceHealth> {
    if (!isUuid(sessionId)) throw new SessionNotFound(sessionId);
    const { cadenceSeconds, unhealthyPercentage, missedChecksBeforeUnknown } = this.config.instanceHealth;
    const [row] = await this.sql.query<{ outcome: string; health: InstanceHealth | null }>(
      `SELECT * FROM joinery_instance_health_check($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        sessionId,
        instanceId,
        health,
        actor.playerId ?? null,
        actor.clientId ?? null,
        actor.privileged,
        cadenceSeconds,
        unhealthyPercentage,
        missedChecksBeforeUnknown,
      ],
      'joinery_instance_health_check',
    );
    this.refuse(row.outcome, sessionId);
    return row.health!;
  }

  /**
   * The session whose instance has this allocation id (a game-server process's: its game session's
   * GameSessionId, `arn:aws:gamelift:<region>::gamesession/<fleet>/<session uuid>`), or undefined.
   */
  async sessionOfAllocation(allocationId: string): Promise<string | undefined> {
    const ref = this.ids.parseGameSessionId(allocationId);
    if (!ref?.fleetId) return undefined;
    const rows = await this.sql.read(
      `SELECT 1 FROM session_instance i JOIN game_session g ON g.id = i.session_id
        WHERE i.session_id = $1 AND i.process_id IS NOT NULL AND g.fleet_id = $2`,
      [ref.sessionId, ref.fleetId],
    );
    return rows.length > 0 ? ref.sessionId : undefined;
  }

  /** The sweeper's pass: health changes without a check (a silent host) recorded and sent as events. */
  async sweep(batch = 200): Promise<number> {
    const { cadenceSeconds, unhealthyPercentage, missedChecksBeforeUnknown } = this.config.instanceHealth;
    const [{ changed }] = await this.sql.query<{ changed: number }>(
      `SELECT joinery_sweep_instances($1, $2, $3, $4) AS changed`,
      [cadenceSeconds, unhealthyPercentage, missedChecksBeforeUnknown, batch],
    );
    return changed;
  }

  private refuse(outcome: string, sessionId: string): void {
    switch (outcome) {
      case 'not_found':
        throw new SessionNotFound(sessionId);
      case 'no_instance':
        throw new InstanceNotFound(sessionId);
      case 'forbidden':
        throw new NotInstanceHost(sessionId);
      case 'updated':
      case 'unchanged':
      case 'ended':
      case 'already_ended':
      case 'ok':
      case 'allocation_mismatch':
        return;
      default:
        throw new InvalidRequest('unexpected_outcome', `Unexpected outcome ${outcome}`);
    }
  }
}
