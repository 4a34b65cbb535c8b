import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsStringRecord } from '../../common/validators/string-record.js';
import { SessionTeamDto } from './session.dto.js';
import { toBoolean } from './params.dto.js';

/** RallyHere `PlayerSessionInvite`. */
export class PlayerSessionInviteDto {
  session_id: string;
  inviting_player_uuid?: string;
}

/** RallyHere `PlayerSession`: a player's sessions of one type. */
export class PlayerSessionDto {
  type: string;
  session_ids: string[];

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/PlayerSessionInviteDto' } })
  pending_invites: Record<string, PlayerSessionInviteDto>;

  reserved_sessions: string[];
}

/** RallyHere `PlayerSessions`. */
export class PlayerSessionsDto {
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/PlayerSessionDto' } })
  sessions: Record<string, PlayerSessionDto>;

  last_updated_timestamp: string;
}

export class PageQueryDto {
  /** Where to continue; 0 starts from the beginning. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  cursor?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  page_size?: number;
}

/** A page of a session's players, with RallyHere's `refresh_ttl`. */
export class PlayersPageQueryDto extends PageQueryDto {
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  refresh_ttl?: boolean;
}

export class BrowserQueryDto extends PageQueryDto {
  @IsDefined()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'session_type must be 1-128 characters of A-Z a-z 0-9 . _ : -' })
  session_type: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  region_id?: string;
}

/** RallyHere `BrowserSessionInfo`. */
export class BrowserSessionInfoDto {
  session_id: string;
  player_count: number;
  max_player_count: number;
  /**
   * The session's custom data, public in the browser: it is what players pick a session by (map, mode).
   * Keep secrets out of the custom data of sessions that are listed (docs/decisions.md).
   */
  custom_data: Record<string, string>;
  /** The health of the session's instance (its game server), when it has one. */
  @ApiProperty({ enum: ['healthy', 'unhealthy', 'degraded', 'unknown'], required: false })
  instance_health?: string;
}

/** RallyHere `BrowserResponse`. `cursor` 0 means this was the last page. */
export class BrowserResponseDto {
  cursor: number;
  browser_sessions: BrowserSessionInfoDto[];
}

/** RallyHere `PagedPlayersResponse`. `cursor` 0 means this was the last page. */
export class PagedPlayersResponseDto {
  teams: SessionTeamDto[];
  cursor: number;
}

/** RallyHere `BrowserInfo`: a session's listing in the browser. */
export class BrowserInfoDto {
  /** The listing's custom data, shown in the browser (what players pick a session by). */
  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;

  /** When the session was listed (answers only; ignored in requests). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  created_timestamp?: string;
}
