import { ApiProperty } from '@nestjs/swagger';
import { CROSSPLAY_INPUTS, CROSSPLAY_PLATFORMS, INPUTS, PLATFORMS } from '../../crossplay/crossplay.js';
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
}
