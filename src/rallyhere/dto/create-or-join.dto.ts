import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsStringRecord } from '../../common/validators/string-record.js';
import { ClientSettingsDto, CrossplayPreferencesDto } from './client-settings.dto.js';

/** semver.org's own regular expression for a version (2.0.0). */
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const SESSION_PLAYER_STATUSES = ['leader', 'member', 'invited', 'reserved'] as const;
export type SessionPlayerStatus = (typeof SESSION_PLAYER_STATUSES)[number];

/** RallyHere `SelfSessionPlayerUpdateRequest`: a player's own details when joining. */
export class SelfSessionPlayerUpdateRequestDto {
  /** Requested status; joining as `member` may be promoted to `leader`. */
  @ApiProperty({ enum: SESSION_PLAYER_STATUSES, required: false, default: 'member' })
  @IsOptional()
  @IsIn(['leader', 'member'])
  status?: SessionPlayerStatus;

  /** Semver of the client (semver.org 2.0.0, e.g. `1.2.0` or `1.2.0-rc.1+build.5`). */
  @ApiProperty({ example: '1.2.0' })
  @IsDefined()
  @IsString()
  @MaxLength(64)
  @Matches(SEMVER, { message: 'client_version must be a semantic version such as 1.2.0' })
  client_version: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ClientSettingsDto)
  client_settings: ClientSettingsDto;

  /** The team to join. */
  @ApiProperty({ example: 0 })
  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(49)
  team_id: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CrossplayPreferencesDto)
  crossplay_preferences?: CrossplayPreferencesDto;

  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;

  /** Password of a password-protected session. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password?: string;

  @IsOptional()
  @IsUUID()
  friend_uuid?: string;
}

/** RallyHere `CreateOrJoinRequest`. */
export class CreateOrJoinRequestDto {
  /** Semver of the client (semver.org 2.0.0, e.g. `1.2.0` or `1.2.0-rc.1+build.5`). */
  @ApiProperty({ example: '1.2.0' })
  @IsDefined()
  @IsString()
  @MaxLength(64)
  @Matches(SEMVER, { message: 'client_version must be a semantic version such as 1.2.0' })
  client_version: string;

  /** The client's platform and input. */
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ClientSettingsDto)
  client_settings: ClientSettingsDto;

  /** Whom the client may play with; omitted means anyone. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CrossplayPreferencesDto)
  crossplay_preferences?: CrossplayPreferencesDto;

  /** The session type (a template name). */
  @ApiProperty({ example: 'hub' })
  @IsDefined()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'session_type must be 1-128 characters of A-Z a-z 0-9 . _ : -' })
  session_type: string;

  /** Password set on the session when a new one is created. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password?: string;

  /** Preferred region: only sessions of this region are joined, and a new session is created in it. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  region_id?: string;

  /** The player's own details (team, custom data). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SelfSessionPlayerUpdateRequestDto)
  player?: SelfSessionPlayerUpdateRequestDto;
}

/** RallyHere `SessionJoinResponse`. */
export class SessionJoinResponseDto {
  @ApiProperty({ example: '3f9c7b1e-2a44-4d57-9a8e-1c2b3d4e5f60' })
  session_id: string;
}
