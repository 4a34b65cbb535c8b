import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, Length, Matches } from 'class-validator';

/** The seed page's CreatePlayerSession request, in snake_case JSON. */
export class CreatePlayerSessionRequestDto {
  /** The game session: its ARN or its UUID (the RallyHere `session_id`). */
  @ApiProperty({
    example: 'arn:aws:gamelift:us-east-1::gamesession/fleet-joinery/0d6f7a2e-8c1b-4f7e-9a39-3d2f1c1e5b7a',
  })
  @IsDefined()
  @IsString()
  @Length(1, 512)
  @Matches(/^[a-zA-Z0-9:/-]+$/, { message: 'game_session_id must satisfy the pattern ^[a-zA-Z0-9:/-]+$' })
  game_session_id: string;

  /** The player the seat is for. A player token may only reserve a seat for its own player UUID. */
  @ApiProperty({ example: 'player-1' })
  @IsDefined()
  @IsString()
  @Length(1, 1024)
  player_id: string;

  /** Developer-defined data for the game server (GameLift `PlayerData`). */
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  player_data?: string;
}

export const PLAYER_SESSION_STATUSES = ['RESERVED', 'ACTIVE', 'COMPLETED', 'TIMEDOUT'] as const;

export class PlayerSessionDataDto {
  /** Player session id: `psess-<uuid>`. */
  @ApiProperty({ example: 'psess-3b0b2c8e-5f3a-4a5e-9b6e-2f4f0e1d9c7a' })
  id: string;

  /** When the seat was reserved (ISO 8601). */
  @ApiProperty({ example: '2025-01-01T00:00:00.000Z' })
  created_at: string;

  /** The game session's ARN. */
  game_session_id: string;
  fleet_id: string;
  player_id: string;

  @ApiProperty({ enum: PLAYER_SESSION_STATUSES, example: 'RESERVED' })
  status: string;

  /** The game server must accept the player before this time, or the seat times out. */
  reserved_until?: string;
  player_data?: string;
  ip_address?: string;
  dns_name?: string;
  port?: number;
}

export class PlayerSessionEnvelopeDto {
  @ApiProperty({ example: true })
  success: boolean;

  data: PlayerSessionDataDto;
}

export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'GAME_SESSION_FULL',
  'INVALID_GAME_SESSION_STATUS',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export class ErrorDetailDto {
  @ApiProperty({ example: 'player_id' })
  field: string;

  @ApiProperty({ example: 'player_id must be longer than or equal to 1 characters' })
  message: string;
}

export class ErrorBodyDto {
  @ApiProperty({ enum: ERROR_CODES, example: 'VALIDATION_ERROR' })
  code: string;

  @ApiProperty({ example: 'Invalid request parameters' })
  message: string;

  /** For VALIDATION_ERROR: each field that failed. */
  @ApiProperty({ type: [ErrorDetailDto], required: false })
  details?: ErrorDetailDto[];
}

export class ErrorEnvelopeDto {
  @ApiProperty({ example: false })
  success: boolean;

  error: ErrorBodyDto;
}
