import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class SessionIdParamsDto {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  session_id: string;
}

export class SessionPlayerParamsDto extends SessionIdParamsDto {
  @IsUUID()
  player_uuid: string;
}

/** The deprecated `/player/id/{player_id}` forms: a player's legacy integer id (`active_player_id` of the login). */
export class SessionPlayerIdParamsDto extends SessionIdParamsDto {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  player_id: number;
}

export class PlayerUuidParamsDto {
  @IsUUID()
  player_uuid: string;
}

export class PlayerIdParamsDto {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  player_id: number;
}

export class SessionTypeParamsDto {
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'session_type must be 1-128 characters of A-Z a-z 0-9 . _ : -' })
  session_type: string;
}

/**
 * RallyHere's `refresh_ttl` (default true): whether the request counts as the calling player being seen. A player
 * of a session with `player_culling_timeout` who is not seen within it loses the seat (docs/sessions.md).
 */
export class RefreshTtlQueryDto {
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  refresh_ttl?: boolean;
}
