import { ApiProperty } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsStringRecord } from '../../common/validators/string-record.js';

export const PLAYER_VISIBILITY = ['ALL', 'TEAM', 'SELF', 'NONE'] as const;
export type PlayerVisibility = (typeof PLAYER_VISIBILITY)[number];

/**
 * RallyHere `SessionTemplate`: a session type. The fields that drive
 * create-or-join are `attempt_auto_join`, `can_be_created_by_players_directly`,
 * `default_public`, `num_teams`, `players_per_team` and `keep_alive_on_empty`;
 * the others are stored and served as given.
 */
export class SessionTemplateDto {
  /** Unique name of the type, 1-128 characters of `A-Z a-z 0-9 . _ : -`. */
  @ApiProperty({ example: 'hub' })
  @IsDefined()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'session_type must be 1-128 characters of A-Z a-z 0-9 . _ : -' })
  session_type: string;

  /** Engine identifier for sessions of this type (for UE: `Party` or `Game`). */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  engine_session_type?: string;

  @IsOptional()
  @IsBoolean()
  can_join_matchmaking?: boolean;

  /** Players may create sessions of this type. */
  @IsOptional()
  @IsBoolean()
  can_be_created_by_players_directly?: boolean;

  /** Deprecated alias of `attempt_auto_join`, used when that is not given. */
  @IsOptional()
  @IsBoolean()
  joinable?: boolean;

  /** Create-or-join first joins an open public session of this type. */
  @IsOptional()
  @IsBoolean()
  attempt_auto_join?: boolean;

  /** New sessions are publicly joinable. */
  @IsOptional()
  @IsBoolean()
  default_public?: boolean;

  @IsOptional()
  @IsBoolean()
  auto_add_to_browser?: boolean;

  @IsOptional()
  @IsStringRecord({ minValueLength: 0 })
  auto_browser_params?: Record<string, string>;

  @IsOptional()
  @IsBoolean()
  can_be_added_to_server_browser?: boolean;

  /** Keep the session when its last player leaves (otherwise it closes). */
  @IsOptional()
  @IsBoolean()
  keep_alive_on_empty?: boolean;

  @IsOptional()
  @IsObject()
  platform_templates?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  auto_startup_params?: Record<string, unknown>;

  @IsOptional()
  @IsUUID()
  auto_startup_instance_template_id?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  min_session_count?: number;

  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;

  /** Teams per session, 1-50. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  num_teams?: number;

  /** Seats per team, 1-100. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  players_per_team?: number;

  @IsOptional()
  @IsBoolean()
  can_change_own_team?: boolean;

  @IsOptional()
  @IsBoolean()
  notify_on_reservation?: boolean;

  @ApiProperty({ enum: PLAYER_VISIBILITY, required: false })
  @IsOptional()
  @IsIn(PLAYER_VISIBILITY)
  player_visibility?: PlayerVisibility;

  @ApiProperty({ enum: PLAYER_VISIBILITY, required: false })
  @IsOptional()
  @IsIn(PLAYER_VISIBILITY)
  admin_player_visibility?: PlayerVisibility;

  @ApiProperty({ enum: PLAYER_VISIBILITY, required: false })
  @IsOptional()
  @IsIn(PLAYER_VISIBILITY)
  player_notification_frequency?: PlayerVisibility;

  @ApiProperty({ enum: PLAYER_VISIBILITY, required: false })
  @IsOptional()
  @IsIn(PLAYER_VISIBILITY)
  admin_player_notification_frequency?: PlayerVisibility;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  player_culling_timeout?: number;
}

/** RallyHere `SessionTemplates`: templates keyed by their type. */
export class SessionTemplatesDto {
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/SessionTemplateDto' } })
  templates: Record<string, SessionTemplateDto>;
}

/** A template with RallyHere's documented defaults filled in. */
export type NormalizedTemplate = Required<
  Omit<
    SessionTemplateDto,
    'auto_startup_params' | 'auto_startup_instance_template_id' | 'player_culling_timeout' | 'joinable'
  >
> &
  Pick<SessionTemplateDto, 'auto_startup_params' | 'auto_startup_instance_template_id' | 'player_culling_timeout'> & {
    joinable: boolean;
  };

export function normalizeTemplate(t: SessionTemplateDto): NormalizedTemplate {
  const attemptAutoJoin = t.attempt_auto_join ?? t.joinable ?? false;
  return {
    session_type: t.session_type,
    engine_session_type: t.engine_session_type ?? 'Game',
    can_join_matchmaking: t.can_join_matchmaking ?? false,
    can_be_created_by_players_directly: t.can_be_created_by_players_directly ?? false,
    joinable: attemptAutoJoin,
    attempt_auto_join: attemptAutoJoin,
    default_public: t.default_public ?? false,
    auto_add_to_browser: t.auto_add_to_browser ?? false,
    auto_browser_params: t.auto_browser_params ?? {},
    can_be_added_to_server_browser: t.can_be_added_to_server_browser ?? false,
    keep_alive_on_empty: t.keep_alive_on_empty ?? false,
    platform_templates: t.platform_templates ?? {},
    ...(t.auto_startup_params ? { auto_startup_params: t.auto_startup_params } : {}),
    ...(t.auto_startup_instance_template_id
      ? { auto_startup_instance_template_id: t.auto_startup_instance_template_id }
      : {}),
    min_session_count: t.min_session_count ?? 0,
    custom_data: t.custom_data ?? {},
    num_teams: t.num_teams ?? 1,
    players_per_team: t.players_per_team ?? 4,
    can_change_own_team: t.can_change_own_team ?? true,
    notify_on_reservation: t.notify_on_reservation ?? true,
    player_visibility: t.player_visibility ?? 'ALL',
    admin_player_visibility: t.admin_player_visibility ?? 'ALL',
    player_notification_frequency: t.player_notification_frequency ?? 'ALL',
    admin_player_notification_frequency: t.admin_player_notification_frequency ?? 'ALL',
    ...(t.player_culling_timeout !== undefined ? { player_culling_timeout: t.player_culling_timeout } : {}),
  };
}
