import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
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

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class PageDto {
  /** The previous page's `next_cursor` (the id of its last session). */
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ForceQueryDto {
  /** Delete even while live sessions use the template (they run on to their end). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  force?: boolean;
}

export const GAME_SESSION_STATUSES = ['ACTIVATING', 'ACTIVE', 'TERMINATING', 'TERMINATED', 'ERROR'] as const;

export class SessionSearchQueryDto extends PageDto {
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/)
  type?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  region_id?: string;

  @ApiProperty({ enum: GAME_SESSION_STATUSES, required: false })
  @IsOptional()
  @IsIn(GAME_SESSION_STATUSES)
  status?: (typeof GAME_SESSION_STATUSES)[number];

  /** Only sessions with (true) or without (false) a free seat. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  has_free_seats?: boolean;

  /** Only sessions where this player (RallyHere player UUID or GameLift PlayerId) holds a seat. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  player_id?: string;

  @IsOptional()
  @Matches(/^fleet-[A-Za-z0-9-]{1,120}$/)
  fleet_id?: string;
}

export class SeatsQueryDto {
  /** Include ended seats (COMPLETED, TIMEDOUT). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  all?: boolean;
}

export class AuditQueryDto {
  /** Entries after this id (the previous page's `next_cursor`). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  // Ids are bigint; beyond 2^53 a JSON number is no longer exact (9223372036854775808 would reach SQL).
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  /** Only this actor (player UUID, `client:<id>`, access key id). */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  actor?: string;

  @ApiProperty({ enum: ['success', 'refused', 'failed'], required: false })
  @IsOptional()
  @IsIn(['success', 'refused', 'failed'])
  outcome?: 'success' | 'refused' | 'failed';
}

export const CLIENT_GRANTS = ['anon', 'refresh', 'client_credentials'] as const;

export class CreateClientDto {
  @IsDefined()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, { message: 'client_id must be 3-64 characters of A-Z a-z 0-9 . _ -' })
  client_id: string;

  /** Grant types the client may use on `POST /users/v1/login`. */
  @ApiProperty({ enum: CLIENT_GRANTS, isArray: true })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsIn(CLIENT_GRANTS, { each: true })
  grants: (typeof CLIENT_GRANTS)[number][];

  /** Role of the client's own principal (required with `client_credentials`). */
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  role?: string;

  /** Role of players created through this client (default `player`). */
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  player_role?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  description?: string;
}

export class ClientDto {
  client_id: string;
  grants: string[];
  role: string | null;
  player_role: string;
  enabled: boolean;
  description: string;
  created_at: string;
  updated_at: string;
}

export class ClientWithSecretDto extends ClientDto {
  /** Shown once: store it now. */
  client_secret: string;
}

export class RoleBodyDto {
  /** Permission strings; a trailing `*` is a prefix wildcard (`session:*`, `admin:*`, `*`). */
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^(\*|[a-z][a-z0-9-]*(:[A-Za-z0-9-]+)*(:\*|\*)?)$/, {
    each: true,
    message: 'each permission must look like area:action[:scope], optionally ending in *',
  })
  permissions: string[];

  @IsOptional()
  @IsString()
  @MaxLength(256)
  description?: string;
}

export class CreateRoleDto extends RoleBodyDto {
  @IsDefined()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'name must be 1-64 characters of a-z 0-9 -, starting with a letter' })
  name: string;
}

export class RoleDto {
  name: string;
  permissions: string[];
  description: string;
  builtin: boolean;
}

export class NamedParamsDto {
  @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  name: string;
}

export class ClientIdParamsDto {
  @Matches(/^[A-Za-z0-9._-]{3,64}$/)
  client_id: string;
}

export class AdminSessionIdParamsDto {
  /** A session id (UUID); other values answer 404. */
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  session_id: string;
}

export class AdminSessionTypeParamsDto {
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'session_type must be 1-128 characters of A-Z a-z 0-9 . _ : -' })
  session_type: string;
}

export class SeatIdParamsDto {
  /** A seat id: a UUID, or a GameLift player session id `psess-<uuid>`. */
  @Matches(/^(psess-)?[0-9a-fA-F-]{36}$/)
  seat_id: string;
}

export class SessionPlayerIdParamsDto {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  session_id: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  player_id: string;
}

export class PlayerIdParamsDto {
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  player_id: string;
}

export class AdminTeamDto {
  team_id: number;
  max_size: number;
  player_count: number;
}

export class AdminSeatDto {
  /** The seat id; GameLift calls it `psess-<id>`. */
  seat_id: string;
  session_id: string;
  session_type?: string;
  team_id: number;
  player_id: string;
  status: string;
  role: string;
  created_at: string;
  joined_at?: string;
  reserved_until?: string;
  ended_at?: string;
}

export class AdminSessionDto {
  session_id: string;
  type: string;
  status: string;
  status_reason?: string;
  region_id?: string;
  fleet_id: string;
  public: boolean;
  creation_policy: string;
  player_count: number;
  max_players: number;
  created_via: string;
  created_at: string;
  terminated_at?: string;
}

export class AdminSessionDetailDto extends AdminSessionDto {
  teams: AdminTeamDto[];
  seats: AdminSeatDto[];
  custom_data: Record<string, string>;
}

export class PageOfSessionsDto {
  sessions: AdminSessionDto[];
  next_cursor?: string;
}

export class AdminTemplateDto {
  template: Record<string, unknown>;
  /** Send it back in `If-Match` to update or delete. */
  version: number;
  source: string;
  updated_at: string;
}

export class AuditEntryDto {
  id: number;
  at: string;
  actor_kind: string;
  actor_id?: string;
  actor_role?: string;
  action: string;
  path: string;
  target: Record<string, string>;
  outcome: string;
  status: number;
  request_id?: string;
}

export class AuditPageDto {
  entries: AuditEntryDto[];
  /** Pass as `after` for the next page; absent on the last one. */
  next_cursor?: number;
}
