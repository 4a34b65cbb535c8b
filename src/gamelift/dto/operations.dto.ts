import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsStringRecord } from '../../common/validators/string-record.js';

/**
 * Inputs of the GameLift operations, with every constraint of the service
 * model (gamelift-2015-10-01): lengths, patterns, counts, the 200-player cap.
 * Member names are the model's (PascalCase). A failure is answered as
 * InvalidRequestException naming the members.
 */

const ARN_STRING = /^[a-zA-Z0-9:/-]+$/;
const FLEET_ID_OR_ARN = /^[a-z]*fleet-[a-zA-Z0-9-]+$|^arn:.*:[a-z]*fleet\/[a-z]*fleet-[a-zA-Z0-9-]+$/;
const ALIAS_ID_OR_ARN = /^(alias-\S+|arn:.*:alias\/alias-\S+)$/;
const ID_STRING = /^[a-zA-Z0-9-]+$/;
const LOCATION = /^[A-Za-z0-9-]+$/;
const PLAYER_SESSION_ID = /^psess-\S+$/;

export const MAX_PLAYERS_PER_GAME_SESSION = 200;
export const CREATION_POLICIES = ['ACCEPT_ALL', 'DENY_ALL'] as const;
export const PROTECTION_POLICIES = ['NoProtection', 'FullProtection'] as const;
export const TERMINATION_MODES = ['TRIGGER_ON_PROCESS_TERMINATE', 'FORCE_TERMINATE'] as const;

/** `ArnStringModel`: a game session ARN (or, in Joinery, its bare UUID). */
function GameSessionIdMember(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, 512)(target, key);
    Matches(ARN_STRING, { message: `${String(key)} must satisfy the pattern ^[a-zA-Z0-9:/-]+$` })(target, key);
  };
}

export class GamePropertyDto {
  @IsDefined()
  @IsString()
  @MaxLength(32)
  Key: string;

  @IsDefined()
  @IsString()
  @MaxLength(96)
  Value: string;
}

/** Fleet/alias/location members shared by the game-session look-ups. */
class FleetScopedInput {
  @IsOptional()
  @IsString()
  @Length(1, 512)
  @Matches(FLEET_ID_OR_ARN, { message: 'FleetId must be a fleet id (fleet-...) or a fleet ARN' })
  FleetId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 512)
  @Matches(ALIAS_ID_OR_ARN, { message: 'AliasId must be an alias id (alias-...) or an alias ARN' })
  AliasId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(LOCATION, { message: 'Location must satisfy the pattern ^[A-Za-z0-9\\-]+$' })
  Location?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  Limit?: number;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  NextToken?: string;
}

export class CreateGameSessionInput {
  @IsOptional()
  @IsString()
  @Length(1, 512)
  @Matches(FLEET_ID_OR_ARN, { message: 'FleetId must be a fleet id (fleet-...) or a fleet ARN' })
  FleetId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 512)
  @Matches(ALIAS_ID_OR_ARN, { message: 'AliasId must be an alias id (alias-...) or an alias ARN' })
  AliasId?: string;

  /** At least one seat (the ledger's sessions always have one), at most 200. */
  @IsDefined()
  @IsInt()
  @Min(1)
  @Max(MAX_PLAYERS_PER_GAME_SESSION)
  MaximumPlayerSessionCount: number;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  Name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => GamePropertyDto)
  GameProperties?: GamePropertyDto[];

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  CreatorId?: string;

  /** Deprecated by GameLift: used as the idempotency token when IdempotencyToken is absent. */
  @IsOptional()
  @IsString()
  @Length(1, 48)
  @Matches(ID_STRING, { message: 'GameSessionId must satisfy the pattern ^[a-zA-Z0-9-]+$' })
  GameSessionId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 48)
  @Matches(ID_STRING, { message: 'IdempotencyToken must satisfy the pattern ^[a-zA-Z0-9-]+$' })
  IdempotencyToken?: string;

  @IsOptional()
  @IsString()
  @Length(1, 262_144)
  GameSessionData?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(LOCATION, { message: 'Location must satisfy the pattern ^[A-Za-z0-9\\-]+$' })
  Location?: string;
}

export class DescribeGameSessionsInput extends FleetScopedInput {
  @IsOptional()
  @GameSessionIdMember()
  GameSessionId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  StatusFilter?: string;
}

export class SearchGameSessionsInput extends FleetScopedInput {
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  FilterExpression?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  SortExpression?: string;
}

export class UpdateGameSessionInput {
  @IsDefined()
  @GameSessionIdMember()
  GameSessionId: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PLAYERS_PER_GAME_SESSION)
  MaximumPlayerSessionCount?: number;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  Name?: string;

  @IsOptional()
  @IsIn(CREATION_POLICIES)
  PlayerSessionCreationPolicy?: (typeof CREATION_POLICIES)[number];

  @IsOptional()
  @IsIn(PROTECTION_POLICIES)
  ProtectionPolicy?: (typeof PROTECTION_POLICIES)[number];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => GamePropertyDto)
  GameProperties?: GamePropertyDto[];
}

export class TerminateGameSessionInput {
  @IsDefined()
  @GameSessionIdMember()
  GameSessionId: string;

  @IsDefined()
  @IsIn(TERMINATION_MODES)
  TerminationMode: (typeof TERMINATION_MODES)[number];
}

export class CreatePlayerSessionInput {
  @IsDefined()
  @GameSessionIdMember()
  GameSessionId: string;

  @IsDefined()
  @IsString()
  @Length(1, 1024)
  PlayerId: string;

  @IsOptional()
  @IsString()
  @Length(1, 2048)
  PlayerData?: string;
}

export class CreatePlayerSessionsInput {
  @IsDefined()
  @GameSessionIdMember()
  GameSessionId: string;

  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(25)
  @IsString({ each: true })
  @Length(1, 1024, { each: true })
  PlayerIds: string[];

  /** Player id → player data; entries for players not in PlayerIds are ignored (as GameLift does). */
  @IsOptional()
  @IsStringRecord({ maxEntries: 25, maxKeyLength: 1024, minValueLength: 1, maxValueLength: 2048 })
  PlayerDataMap?: Record<string, string>;
}

export class DescribePlayerSessionsInput {
  @IsOptional()
  @GameSessionIdMember()
  GameSessionId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  PlayerId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(PLAYER_SESSION_ID, { message: 'PlayerSessionId must satisfy the pattern ^psess-\\S+$' })
  PlayerSessionId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  PlayerSessionStatusFilter?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  Limit?: number;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  NextToken?: string;
}

/** Game-server calls (not in the AWS JSON model; see docs/gamelift.md). */
export class GameSessionInput {
  @IsDefined()
  @GameSessionIdMember()
  GameSessionId: string;
}

export class PlayerSessionInput extends GameSessionInput {
  @IsDefined()
  @IsString()
  @Length(1, 128)
  @Matches(PLAYER_SESSION_ID, { message: 'PlayerSessionId must satisfy the pattern ^psess-\\S+$' })
  PlayerSessionId: string;
}

export class UpdatePlayerSessionCreationPolicyInput extends GameSessionInput {
  @IsDefined()
  @IsIn(CREATION_POLICIES)
  PlayerSessionCreationPolicy: (typeof CREATION_POLICIES)[number];
}
