import { Injectable } from '@nestjs/common';
import { hasPermission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { DomainError, InvalidRequest, PermissionDenied } from '../common/errors.js';
import { PLATFORMS } from '../crossplay/crossplay.js';
import {
  type ClientSettingsInput,
  type CrossplayPreferencesInput,
  CrossplayService,
  type ResolvedSettings,
} from '../crossplay/crossplay.service.js';
import { AppConfig } from '../config/config.js';
import type { GameSessionEntity } from '../session/entities/game-session.entity.js';
import type { SeatEntity } from '../session/entities/seat.entity.js';
import { type Actor, type JoiningPlayer, type SeatAssignment, SessionLedger } from '../session/session-ledger.js';
import { type SessionSnapshot, SessionReader } from '../session/session-reader.js';
import { GameServers } from '../session/game-servers.js';
import { PlayerNotInSession, SessionNotFound, UnknownPlayer } from '../session/session.errors.js';
import { TemplatesService } from '../session/templates.service.js';
import { Sql } from '../database/sql.js';
import type { CreateOrJoinRequestDto, SelfSessionPlayerUpdateRequestDto } from './dto/create-or-join.dto.js';
import type { PlayerInviteRequestDto, SessionPlayerUpdateRequestDto } from './dto/session-player.dto.js';
import type { SessionUpdateDto } from './dto/session-update.dto.js';

/** The caller as a player: only player tokens hold seats through the RallyHere API. */
export function playerOf(principal: Principal): string {
  if (!principal.playerUuid) {
    throw new PermissionDenied(
      'This operation needs a player token (anon login), not a client token',
      'player_token_required',
    );
  }
  return principal.playerUuid;
}

function actor(principal: Principal, anyPermission: string): Actor {
  return { playerId: principal.playerUuid, privileged: hasPermission(principal.permissions, anyPermission) };
}

/**
 * Join by id lists 403 for every refusal (RallyHere's spec: 200, 403, 404, 422): a full session or team, a
 * closed session, a wrong password, a crossplay mismatch and an unknown team answer 403 with their own
 * `error_code`; `session_not_found` stays 404 (the Unreal SDK checks it), and too many wrong passwords 429 with
 * Retry-After (a client should wait, not give up).
 */
async function refusedAsForbidden<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof DomainError && !['not_found', 'unavailable', 'rate_limited'].includes(error.kind)) {
      throw new PermissionDenied(error.message, error.code);
    }
    throw error;
  }
}

export interface PlayerSessionsView {
  /** Per session type: active sessions, pending invitations (session → inviter). */
  byType: Map<string, { sessionIds: string[]; invites: { sessionId: string; invitingPlayerId: string | null }[] }>;
  lastUpdated: Date;
}

/**
 * RallyHere session use cases: they turn requests into ledger calls and
 * say which permission makes the caller privileged; the rules themselves
 * (capacity, seats, who leads, who may act on whom) are the ledger's.
 */
@Injectable()
export class RallyHereSessionsService {
  constructor(
    private readonly ledger: SessionLedger,
    private readonly reader: SessionReader,
    private readonly crossplay: CrossplayService,
    private readonly sql: Sql,
    private readonly config: AppConfig,
    private readonly templates: TemplatesService,
    private readonly gameServers: GameServers,
  ) {}

  /**
   * Create-or-join. A player gets their session of the type, a seat in an open one, or a new one when players may
   * create the type. A client token (a dedicated server, a backend: `session:create` without a player) holds no
   * seat, so it never joins: it creates a new, empty session of the type, even one players may not create.
   * A session created from a template with `auto_startup_params` is then placed on an idle game server
   * process (its instance shows up once the server activates it); with none idle it has no instance.
   */
  async createOrJoin(principal: Principal, request: CreateOrJoinRequestDto): Promise<{ sessionId: string }> {
    if (!principal.playerUuid) {
      const sessionId = await this.ledger.createSession(request.session_type, request.region_id, request.password);
      await this.placeOnGameServer(request.session_type, sessionId);
      return { sessionId };
    }
    const player = request.player;
    const assignment = await this.ledger.createOrJoin(request.session_type, request.region_id, {
      playerId: playerOf(principal),
      clientVersion: player?.client_version ?? request.client_version,
      settings: this.settingsOf(
        principal,
        player?.client_settings ?? request.client_settings,
        player?.crossplay_preferences ?? request.crossplay_preferences,
      ),
      customData: player?.custom_data,
      teamId: player?.team_id,
      password: request.password,
    });
    if (assignment.outcome === 'created') await this.placeOnGameServer(request.session_type, assignment.sessionId);
    return assignment;
  }

  /** Places a new session on a game server when its template asks for one (`auto_startup_params`). */
  private async placeOnGameServer(sessionType: string, sessionId: string): Promise<void> {
    const template = await this.templates.get(sessionType);
    if (template.auto_startup_params) {
      await this.gameServers.placeSession(sessionId, JSON.stringify(template.auto_startup_params));
    }
  }

  async join(principal: Principal, sessionId: string, request: SelfSessionPlayerUpdateRequestDto): Promise<SeatEntity> {
    const seat = await refusedAsForbidden(
      this.ledger.join(sessionId, this.joiningPlayer(principal, playerOf(principal), request)),
    );
    return this.seatOrFail(seat);
  }

  /**
   * RallyHere's player update (the deprecated `/player/uuid/{uuid}`, `/player/id/{id}` and
   * `/player/{uuid}` forms), over the same ledger functions as the v2 routes: a player not in the session is
   * invited (or, for the caller themselves, joins); one in it is moved (`team_id`), gets new custom data, or is
   * promoted (`status: leader`).
   */
  async updateSessionPlayer(
    principal: Principal,
    sessionId: string,
    playerUuid: string,
    request: SessionPlayerUpdateRequestDto,
  ): Promise<SeatEntity> {
    const snapshot = await this.activeSnapshot(sessionId);
    const seat = snapshot.seats.find((s) => s.playerId === playerUuid);
    const self = playerUuid === principal.playerUuid && request.status !== 'invited';
    if (!seat || (seat.role === 'invited' && self)) {
      if (self) {
        const joined = await refusedAsForbidden(
          this.ledger.join(sessionId, {
            playerId: playerUuid,
            teamId: request.team_id,
            customData: request.custom_data,
          }),
        );
        return this.seatOrFail(joined);
      }
      return this.invite(principal, sessionId, playerUuid, {
        team_id: request.team_id,
        overflow_action: request.overflow_action,
        custom_data: request.custom_data,
      });
    }
    if ((request.team_id !== undefined && request.team_id !== seat.teamId) || request.custom_data !== undefined) {
      await this.updatePlayer(principal, sessionId, playerUuid, {
        teamId: request.team_id,
        customData: request.custom_data,
      });
    }
    if (request.status === 'leader' && seat.role !== 'leader') {
      await this.ledger.promote(sessionId, playerUuid, actor(principal, 'session:promote:any'));
    }
    return this.seatInSession(sessionId, playerUuid);
  }

  /** Moves a player to another team, or changes their custom data. */
  async updatePlayer(
    principal: Principal,
    sessionId: string,
    playerUuid: string,
    changes: { teamId?: number; customData?: Record<string, string> },
  ): Promise<SeatEntity> {
    await this.ledger.updatePlayer(sessionId, playerUuid, actor(principal, 'session:update-player:any'), changes);
    return this.seatInSession(sessionId, playerUuid);
  }

  /** The UUID of a player named by their legacy integer id (the deprecated `/player/id/{player_id}` routes). */
  async playerUuidOfLegacyId(playerId: number): Promise<string> {
    const [row] = await this.sql.read<{ id: string }>(`SELECT id::text AS id FROM player WHERE legacy_id = $1`, [
      playerId,
    ]);
    if (!row) throw new UnknownPlayer(String(playerId));
    return row.id;
  }

  leave(principal: Principal, sessionId: string): Promise<void> {
    const player = playerOf(principal);
    return this.ledger.removePlayer(sessionId, player, { playerId: player, privileged: false });
  }

  kick(principal: Principal, sessionId: string, playerUuid: string): Promise<void> {
    return this.ledger.removePlayer(sessionId, playerUuid, actor(principal, 'session:update-player:any'));
  }

  async promote(principal: Principal, sessionId: string, playerUuid: string): Promise<SeatEntity> {
    await this.ledger.promote(sessionId, playerUuid, actor(principal, 'session:promote:any'));
    return this.seatInSession(sessionId, playerUuid);
  }

  async invite(
    principal: Principal,
    sessionId: string,
    playerUuid: string,
    request: PlayerInviteRequestDto,
  ): Promise<SeatEntity> {
    const overflow = request.overflow_action ?? 'fail';
    if (overflow === 'overfill') {
      throw new InvalidRequest(
        'overflow_action_not_supported',
        'overfill is not supported: a team never holds more than its size',
      );
    }
    const seat = await this.ledger.invite(sessionId, playerUuid, actor(principal, 'session:update:any'), {
      teamId: request.team_id,
      overflow: overflow === 'allow_overflow' || overflow === 'partial_with_overflow',
      customData: request.custom_data,
    });
    return this.seatOrFail(seat);
  }

  async update(principal: Principal, sessionId: string, request: SessionUpdateDto): Promise<void> {
    await this.ledger.updateSession(
      sessionId,
      {
        customData: request.custom_data,
        open: request.joinability?.open ?? request.joinable,
        friends: request.joinability?.friends,
        platform: request.joinability?.platform,
        regionId: request.region_id,
        password: request.password,
        teams: request.teams?.map((t) => ({ maxSize: t.max_size, customData: t.custom_data })),
      },
      actor(principal, 'session:update:any'),
    );
  }

  /** Lists the session in the browser, changes its listing (`listed`), or removes it. Leader, or `session:*`. */
  async setBrowser(
    principal: Principal,
    sessionId: string,
    listed: boolean,
    customData?: Record<string, string>,
  ): Promise<GameSessionEntity> {
    await this.ledger.setBrowser(sessionId, listed, customData, actor(principal, 'session:*'));
    return (await this.activeSnapshot(sessionId)).session;
  }

  /**
   * A player's client polled (RallyHere's `refresh_ttl`, default true): seen now, for player_culling_timeout.
   * Only players are seen; a client token polls for nobody.
   */
  async seen(principal: Principal, refreshTtl: boolean | undefined, sessionId?: string): Promise<void> {
    if (refreshTtl === false || !principal.playerUuid) return;
    await this.ledger.playerSeen(principal.playerUuid, sessionId);
  }

  close(principal: Principal, sessionId: string): Promise<void> {
    return this.ledger.close(sessionId, actor(principal, 'session:delete:any'));
  }

  /** An active session, with whether the caller may see all of it. */
  async view(principal: Principal, sessionId: string): Promise<{ snapshot: SessionSnapshot; full: boolean }> {
    const snapshot = await this.activeSnapshot(sessionId);
    const member =
      principal.playerUuid !== undefined && snapshot.seats.some((s) => s.playerId === principal.playerUuid);
    return { snapshot, full: member || hasPermission(principal.permissions, 'session:read:any') };
  }

  async player(
    principal: Principal,
    sessionId: string,
    playerUuid: string,
  ): Promise<{ seat: SeatEntity; full: boolean }> {
    const { snapshot, full } = await this.view(principal, sessionId);
    const seat = snapshot.seats.find((s) => s.playerId === playerUuid);
    if (!seat) throw new PlayerNotInSession(playerUuid, sessionId);
    return { seat, full };
  }

  /** The sessions a player is in or invited to, by type. Others than oneself need `session:read-player:any`. */
  async playerSessions(principal: Principal, playerUuid: string): Promise<PlayerSessionsView> {
    if (playerUuid !== principal.playerUuid && !hasPermission(principal.permissions, 'session:read-player:any')) {
      throw new PermissionDenied("Reading another player's sessions requires session:read-player:any");
    }
    const seats = await this.reader.listSeats({ playerId: playerUuid, live: true, limit: 1000 });
    const byType: PlayerSessionsView['byType'] = new Map();
    let lastUpdated = new Date(0);
    for (const { seat, session } of seats) {
      const entry = byType.get(session.type) ?? { sessionIds: [], invites: [] };
      if (seat.role === 'invited') {
        entry.invites.push({ sessionId: seat.sessionId, invitingPlayerId: seat.invitingPlayerId });
      } else {
        entry.sessionIds.push(seat.sessionId);
      }
      byType.set(session.type, entry);
      const changed = seat.joinedAt ?? seat.createdAt;
      if (changed > lastUpdated) lastUpdated = changed;
    }
    return { byType, lastUpdated };
  }

  browse(sessionType: string, regionId: string | undefined, cursor: number, pageSize: number) {
    return this.reader.openSessions(sessionType, regionId, cursor, pageSize);
  }

  async activeSnapshot(sessionId: string): Promise<SessionSnapshot> {
    const snapshot = await this.reader.snapshot(sessionId);
    if (!snapshot || snapshot.session.status !== 'ACTIVE') throw new SessionNotFound(sessionId);
    return snapshot;
  }

  private async seatInSession(sessionId: string, playerId: string): Promise<SeatEntity> {
    const snapshot = await this.activeSnapshot(sessionId);
    const seat = snapshot.seats.find((s) => s.playerId === playerId);
    if (!seat) throw new PlayerNotInSession(playerId, sessionId);
    return seat;
  }

  private async seatOrFail(assignment: SeatAssignment): Promise<SeatEntity> {
    const seat = await this.reader.seat(assignment.seatId);
    if (!seat) throw new SessionNotFound(assignment.sessionId);
    return seat;
  }

  /**
   * A player's crossplay settings. The platform is the login's: a platform login's platform wins over whatever
   * the client states, and an anonymous login (which proves no platform) counts as `Anon`, so it never gets into a
   * session restricted to a platform family. Only with CROSSPLAY_TRUST_CLIENT_PLATFORM (development) does an
   * anonymous player's stated platform count. A client token (no player) states its own.
   */
  private settingsOf(
    principal: Principal,
    settings: ClientSettingsInput,
    preferences?: CrossplayPreferencesInput,
  ): ResolvedSettings {
    const login = PLATFORMS.find((p) => p === principal.platform);
    const trusted = login === undefined || (login === 'Anon' && this.config.crossplay.trustClientPlatform);
    return this.crossplay.resolve(settings, preferences, trusted ? undefined : login);
  }

  private joiningPlayer(
    principal: Principal,
    playerId: string,
    request: SelfSessionPlayerUpdateRequestDto,
  ): JoiningPlayer {
    return {
      playerId,
      clientVersion: request.client_version,
      settings: this.settingsOf(principal, request.client_settings, request.crossplay_preferences),
      customData: request.custom_data,
      teamId: request.team_id,
      password: request.password,
    };
  }
}
