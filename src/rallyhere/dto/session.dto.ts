import { ApiProperty } from '@nestjs/swagger';
import { CROSSPLAY_INPUTS, CROSSPLAY_PLATFORMS, INPUTS, PLATFORMS } from '../../crossplay/crossplay.js';
import { HOST_TYPES, INSTANCE_HEALTHS, JOIN_STATUSES } from '../../session/session-instances.js';
import { SESSION_PLAYER_STATUSES, type SessionPlayerStatus } from './create-or-join.dto.js';

export class ClientSettingsViewDto {
  @ApiProperty({ enum: PLATFORMS, required: false })
  platform?: string;

  @ApiProperty({ enum: INPUTS })
  input: string;
}

export class CrossplayPreferencesViewDto {
  @ApiProperty({ enum: CROSSPLAY_PLATFORMS })
  permitted_platform: string;

  @ApiProperty({ enum: CROSSPLAY_INPUTS })
  permitted_input: string;
}

/** RallyHere `SessionPlayer`. */
export class SessionPlayerDto {
  player_uuid: string;

  @ApiProperty({ enum: SESSION_PLAYER_STATUSES })
  status: SessionPlayerStatus;

  inviting_player_uuid?: string;
  custom_data?: Record<string, string>;
  /** The client version the player joined with. */
  version?: string;
  client_settings?: ClientSettingsViewDto;
  crossplay_preferences?: CrossplayPreferencesViewDto;
  invited?: string;
  joined?: string;
  session_permissions?: string[];
}

/** RallyHere `SessionTeam`. */
export class SessionTeamDto {
  team_id: number;
  max_size: number;
  players: SessionPlayerDto[];
  custom_data?: Record<string, string>;
}

/** RallyHere `SessionJoinability`. */
export class SessionJoinabilityDto {
  /** Anyone may join without an invite. */
  open: boolean;
  friends: boolean;
  platform: boolean;
}

/** RallyHere `JoinParams`: how a client connects to the instance. */
export class JoinParamsDto {
  /** Where players connect, e.g. `host:port` of a game-server process. */
  public_conn_str: string;
  private_conn_str: string;
  custom_data: Record<string, string>;
}

/** RallyHere `InstanceStartupParams`: what the host starts with (for Unreal, the map and game mode). */
export class InstanceStartupParamsDto {
  map: string;
  mode?: string;
  misc_params: string;
  custom_data?: Record<string, string>;
}

/**
 * RallyHere `InstanceInfo`: the session's game server. Members (and `session:read:any`) see all of it; others the
 * limited view, without how to connect, its host or its data (`instance_id`, `host_type`, `join_status`,
 * `instance_health`, `created`).
 */
export class InstanceInfoDto {
  instance_id: string;
  /** A game-server process's instance: its game session's GameSessionId. */
  allocation_id?: string;
  @ApiProperty({ enum: HOST_TYPES })
  host_type: string;
  /** The hosting player (host_type `player`). */
  host_player_uuid?: string;
  /** The server process's pID (GameLift Server SDK `GAMELIFT_SDK_PROCESS_ID`). */
  host_dedicated_process_id?: string;
  /** The compute (host) it runs on (`GAMELIFT_SDK_HOST_ID`). */
  host_dedicated_server_id?: string;
  @ApiProperty({ enum: JOIN_STATUSES })
  join_status: string;
  join_params?: JoinParamsDto;
  instance_startup_params?: InstanceStartupParamsDto;
  /** The host's version (semver). */
  version?: string;
  @ApiProperty({ enum: INSTANCE_HEALTHS })
  instance_health: string;
  created: string;
  custom_data?: Record<string, string>;
  match_id?: string;
}

/** RallyHere `Session`. */
export class SessionDto {
  /** The session type. */
  type: string;
  session_id: string;
  /** Deprecated: `joinability.open`. */
  joinable: boolean;
  joinability: SessionJoinabilityDto;
  teams: SessionTeamDto[];
  teams_suppressed: boolean;
  platform_session: unknown[];
  /** The session's custom data: shown to its members only. */
  custom_data?: Record<string, string>;
  created: string;
  region_id?: string;
  created_by_matchmaking: boolean;
  /** The session's game server (a registered host, or a game-server process); limited for non-members. */
  instance?: InstanceInfoDto;
}
