import { isUuid, stableUuid } from '../common/ids.js';
import type { GameSessionEntity } from '../session/entities/game-session.entity.js';
import type { SeatEntity } from '../session/entities/seat.entity.js';
import type { BrowserListing, SessionSnapshot } from '../session/session-reader.js';
import type { PlayerSessionsView } from './rallyhere-sessions.service.js';
import type { BrowserInfoDto, BrowserSessionInfoDto, PlayerSessionsDto } from './dto/player-sessions.dto.js';
import type { SessionPlayerUpdateResponseDto } from './dto/session-player.dto.js';
import type { InstanceInfoDto, SessionDto, SessionPlayerDto } from './dto/session.dto.js';

/**
 * RallyHere identifies players by UUID; a GameLift seat's `PlayerId` may be
 * any string, so non-UUID ids are shown as a UUID derived from them.
 */
export function playerUuidOf(playerId: string): string {
  return isUuid(playerId) ? playerId.toLowerCase() : stableUuid(`gamelift-player:${playerId}`);
}

function playerView(seat: SeatEntity, full: boolean): SessionPlayerDto {
  const player: SessionPlayerDto = { player_uuid: playerUuidOf(seat.playerId), status: seat.role };
  if (!full) return player;
  if (seat.invitingPlayerId) player.inviting_player_uuid = playerUuidOf(seat.invitingPlayerId);
  player.custom_data = seat.customData ?? {};
  if (seat.clientVersion) player.version = seat.clientVersion;
  if (seat.input) player.client_settings = { platform: seat.platform ?? undefined, input: seat.input };
  if (seat.permittedPlatform && seat.permittedInput) {
    player.crossplay_preferences = { permitted_platform: seat.permittedPlatform, permitted_input: seat.permittedInput };
  }
  if (seat.role === 'invited') player.invited = seat.createdAt.toISOString();
  if (seat.joinedAt) player.joined = seat.joinedAt.toISOString();
  player.session_permissions = [];
  return player;
}

/**
 * A session as RallyHere's `Session`. Members (and principals with
 * `session:read:any`) get the full view; others see who is in which team
 * and with what status, but not the session's or the players' settings and custom data.
 */
export function toSessionDto(snapshot: SessionSnapshot, full: boolean): SessionDto {
  const { session, teams, seats } = snapshot;
  const instance = toInstanceInfo(snapshot, full);
  return {
    type: session.type,
    session_id: session.id,
    joinable: session.public,
    joinability: { open: session.public, friends: session.joinableFriends, platform: session.joinablePlatform },
    teams: teams.map((team) => ({
      team_id: team.teamId,
      max_size: team.maxSize,
      players: seats.filter((s) => s.teamId === team.teamId).map((s) => playerView(s, full)),
      ...(full && Object.keys(team.customData ?? {}).length ? { custom_data: team.customData } : {}),
    })),
    teams_suppressed: false,
    platform_session: [],
    // The session's custom data is for its members (docs/decisions.md, "Limited session view").
    ...(full ? { custom_data: session.customData ?? {} } : {}),
    created: session.createdAt.toISOString(),
    ...(session.regionId ? { region_id: session.regionId } : {}),
    created_by_matchmaking: false,
    ...(instance ? { instance } : {}),
  };
}

/**
 * RallyHere `InstanceInfo` of the session's instance: a registered host or a game-server process
 * (`host_dedicated_process_id` is its pID, `host_dedicated_server_id` its compute), how far it is (`join_status`:
 * pending until the host says it is joinable, or the server activates the session; unjoinable while the session
 * refuses new players), where to connect (`join_params`), and its health as the health checks make it. The limited
 * view (`full` false) leaves out how to connect, who hosts it and its data.
 */
export function toInstanceInfo({ session, instance }: SessionSnapshot, full: boolean): InstanceInfoDto | undefined {
  if (!instance) return undefined;
  let joinStatus: string = instance.joinStatus;
  if (joinStatus === 'joinable' && session.creationPolicy === 'DENY_ALL') joinStatus = 'unjoinable';
  const limited: InstanceInfoDto = {
    instance_id: instance.instanceId,
    host_type: instance.hostType,
    join_status: joinStatus,
    instance_health: instance.health,
    created: instance.createdAt.toISOString(),
  };
  if (!full) return limited;
  const startup = instance.startupParams as InstanceInfoDto['instance_startup_params'] | null;
  return {
    ...limited,
    ...(instance.allocationId ? { allocation_id: instance.allocationId } : {}),
    ...(instance.hostPlayerId ? { host_player_uuid: playerUuidOf(instance.hostPlayerId) } : {}),
    ...(instance.hostProcessPid ? { host_dedicated_process_id: instance.hostProcessPid } : {}),
    ...(instance.hostServerId ? { host_dedicated_server_id: instance.hostServerId } : {}),
    ...(instance.publicConnStr !== null && instance.privateConnStr !== null
      ? {
          join_params: {
            public_conn_str: instance.publicConnStr,
            private_conn_str: instance.privateConnStr,
            custom_data: instance.joinCustomData ?? {},
          },
        }
      : {}),
    ...(startup ? { instance_startup_params: startup } : {}),
    ...(instance.version ? { version: instance.version } : {}),
    custom_data: instance.customData ?? {},
    ...(instance.matchId ? { match_id: instance.matchId } : {}),
  };
}

export function toPlayerUpdateResponse(seat: SeatEntity): SessionPlayerUpdateResponseDto {
  return {
    player_uuid: playerUuidOf(seat.playerId),
    status: seat.role,
    team_id: seat.teamId,
    custom_data: seat.customData ?? {},
  };
}

export function toSessionPlayerDto(seat: SeatEntity, full: boolean): SessionPlayerDto {
  return playerView(seat, full);
}

export function toPlayerSessionsDto(view: PlayerSessionsView): PlayerSessionsDto {
  const sessions: PlayerSessionsDto['sessions'] = {};
  for (const [type, entry] of view.byType) {
    sessions[type] = {
      type,
      session_ids: entry.sessionIds,
      pending_invites: Object.fromEntries(
        entry.invites.map((i) => [
          i.sessionId,
          {
            session_id: i.sessionId,
            ...(i.invitingPlayerId ? { inviting_player_uuid: playerUuidOf(i.invitingPlayerId) } : {}),
          },
        ]),
      ),
      reserved_sessions: [],
    };
  }
  return { sessions, last_updated_timestamp: view.lastUpdated.toISOString() };
}

export function toBrowserSessionInfo({ session, instanceHealth }: BrowserListing): BrowserSessionInfoDto {
  return {
    session_id: session.id,
    player_count: session.playerCount,
    max_player_count: session.maxPlayers,
    custom_data: session.browserCustomData ?? {},
    ...(instanceHealth ? { instance_health: instanceHealth } : {}),
  };
}

export function toBrowserInfo(session: GameSessionEntity): BrowserInfoDto {
  return {
    custom_data: session.browserCustomData ?? {},
    ...(session.browserListedAt ? { created_timestamp: session.browserListedAt.toISOString() } : {}),
  };
}
