import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsStringRecord } from '../../common/validators/string-record.js';
import {
  HOST_TYPES,
  type HostType,
  INSTANCE_HEALTHS,
  type InstanceHealth,
  JOIN_STATUSES,
  type JoinStatus,
} from '../../session/session-instances.js';
import { SEMVER } from './create-or-join.dto.js';

/** RallyHere `InstanceStartupParams`: what the host starts with (for Unreal, the map and game mode). */
export class InstanceStartupParamsRequestDto {
  @IsDefined()
  @IsString()
  @MaxLength(1024)
  map: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  mode?: string;

  /** Additional command-line parameters. */
  @IsDefined()
  @IsString()
  @MaxLength(4096)
  misc_params: string;

  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;
}

/**
 * RallyHere `InstanceRequest`: register the caller as the session's host, or (a player asking for a dedicated
 * server) have a game-server process allocated. Instance request templates are not supported (no matchmaking).
 */
export class InstanceRequestDto {
  /** Unique id of the instance; a new one is made when absent. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  instance_id?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InstanceStartupParamsRequestDto)
  instance_startup_params?: InstanceStartupParamsRequestDto;

  @ApiProperty({ enum: HOST_TYPES, required: false, default: 'dedicated' })
  @IsOptional()
  @IsIn(HOST_TYPES)
  host_type?: HostType;

  /** Refused with 400 `instance_request_templates_not_supported`. */
  @IsOptional()
  @IsUUID()
  instance_request_template_id?: string;

  /** The hosting player (host_type `player`); a player token may only name itself without `session:update:any`. */
  @IsOptional()
  @IsUUID()
  host_player_uuid?: string;

  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;
}

/** RallyHere `JoinParams` as the host sends them. */
export class JoinParamsRequestDto {
  @IsDefined()
  @IsString()
  @MaxLength(1024)
  public_conn_str: string;

  @IsDefined()
  @IsString()
  @MaxLength(1024)
  private_conn_str: string;

  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;
}

/** RallyHere `InstanceInfoUpdate`: the host's changes; absent fields stay. */
export class InstanceInfoUpdateDto {
  /** Required when the instance has one (a game-server process's: its GameSessionId); refused when it has none. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  allocation_id?: string;

  @ApiProperty({ enum: JOIN_STATUSES, required: false })
  @IsOptional()
  @IsIn(JOIN_STATUSES)
  join_status?: JoinStatus;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => JoinParamsRequestDto)
  join_params?: JoinParamsRequestDto;

  /** The host's version (semver.org 2.0.0). */
  @ApiProperty({ example: '21.3.15-beta+12345', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(SEMVER, { message: 'version must be a semantic version such as 1.2.0' })
  version?: string;

  /** Replaces the instance's custom data. */
  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  match_id?: string;
}

/** RallyHere `InstanceHealthStatusUpdate`: a health check. */
export class InstanceHealthStatusUpdateDto {
  @ApiProperty({ enum: INSTANCE_HEALTHS })
  @IsDefined()
  @IsIn(INSTANCE_HEALTHS)
  instance_health: InstanceHealth;

  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  instance_id: string;
}

/** RallyHere `InstanceHealthStatusResponse`. */
export class InstanceHealthStatusResponseDto {
  /** The health that follows the check: it may differ from the one sent when too few checks arrive. */
  @ApiProperty({ enum: INSTANCE_HEALTHS })
  updated_instance_health: InstanceHealth;
}

/** RallyHere `InstanceHealthSettingsResponse` (INSTANCE_HEALTH_*). */
export class InstanceHealthSettingsResponseDto {
  /** How often a host sends a health check. */
  cadence_seconds: number;
  /** At least this percentage of the checks of the last `missed_checks_before_unknown` cadences missing: unhealthy. */
  unhealthy_health_check_percentage: number;
  /** This many checks in a row missing: unknown. */
  missed_checks_before_unknown: number;
}

/**
 * The allocation id of `GET /session/v1/session/allocation/{allocation_id}`: a GameSessionId has slashes, which
 * clients send encoded (`%2F`) or not (the Unreal SDK does not encode path values); the route takes the rest of the
 * path either way.
 */
export class AllocationIdParamsDto {
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.join('/') : value))
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  allocation_id: string;
}
