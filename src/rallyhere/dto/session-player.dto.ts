import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { RefreshTtlQueryDto } from './params.dto.js';
import { IsStringRecord } from '../../common/validators/string-record.js';
import { SESSION_PLAYER_STATUSES, type SessionPlayerStatus } from './create-or-join.dto.js';

/** RallyHere `SessionPlayerUpdateResponse`. */
export class SessionPlayerUpdateResponseDto {
  player_uuid: string;

  @ApiProperty({ enum: SESSION_PLAYER_STATUSES })
  status: SessionPlayerStatus;

  team_id: number;
  custom_data: Record<string, string>;
}

export const TEAM_OVERFLOW_ACTIONS = [
  'fail',
  'allow_overflow',
  'partial_with_overflow',
  'partial_without_overflow',
  'overfill',
] as const;

/** RallyHere `PlayerInviteRequest`. */
export class PlayerInviteRequestDto {
  /** The team the invited player should be put on. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(49)
  team_id?: number;

  /**
   * What to do when that team is full: `fail` (default) refuses;
   * `allow_overflow` and `partial_with_overflow` put the player on another
   * team; `partial_without_overflow` behaves like `fail` for one player;
   * `overfill` is not supported (capacity is never exceeded).
   */
  @ApiProperty({ enum: TEAM_OVERFLOW_ACTIONS, required: false, default: 'fail' })
  @IsOptional()
  @IsIn(TEAM_OVERFLOW_ACTIONS)
  overflow_action?: (typeof TEAM_OVERFLOW_ACTIONS)[number];

  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;
}

export class ReasonQueryDto extends RefreshTtlQueryDto {
  /** Why the player leaves or is removed (logged). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  reason?: string;
}

/** RallyHere `SessionPlayerUpdateRequest` (the deprecated player update routes): status, team, custom data. */
export class SessionPlayerUpdateRequestDto {
  /**
   * `invited` (or omitted, for another player not in the session): invite; `member` for oneself: join;
   * `leader`: promote a member. A player already in the session keeps their status otherwise.
   */
  @ApiProperty({ enum: SESSION_PLAYER_STATUSES, required: false, default: 'member' })
  @IsOptional()
  @IsIn(SESSION_PLAYER_STATUSES)
  status?: SessionPlayerStatus;

  /** The team the player should be on (a move, for a player already in the session). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(49)
  team_id?: number;

  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;

  /** As in `PlayerInviteRequest`; `overfill` is refused (400 `overflow_action_not_supported`). */
  @ApiProperty({ enum: TEAM_OVERFLOW_ACTIONS, required: false, default: 'fail' })
  @IsOptional()
  @IsIn(TEAM_OVERFLOW_ACTIONS)
  overflow_action?: (typeof TEAM_OVERFLOW_ACTIONS)[number];
}

/** RallyHere `PlayerUpdateRequest`. */
export class PlayerUpdateRequestDto {
  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;
}

/** RallyHere `PlayerMoveRequest`. */
export class PlayerMoveRequestDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(49)
  team_id?: number;
}
