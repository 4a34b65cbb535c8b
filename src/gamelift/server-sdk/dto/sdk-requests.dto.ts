import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
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
} from 'class-validator';

/**
 * The GameLift Server SDK 5's requests on its WebSocket (spec
 * gamelift-server-sdk5.md section 2), with the SDKs' own bounds. `Action`
 * and `RequestId` are checked by the endpoint before these.
 */

const GAME_SESSION_ID = /^[a-zA-Z0-9:/-]+$/;
const PLAYER_SESSION_ID = /^[a-zA-Z0-9.-]+$/;

/** Fields every request carries (the envelope). */
class Envelope {
  @IsString()
  Action: string;

  @IsString()
  RequestId: string;
}

export class ActivateServerProcessRequest extends Envelope {
  @IsOptional()
  @IsString()
  @MaxLength(32)
  SdkVersion?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  SdkLanguage?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  SdkToolName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  SdkToolVersion?: string;

  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(65535)
  Port: number;

  /** Go sends `null` when there are none; C++ leaves the member out. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  LogPaths?: string[] | null;
}

export class HeartbeatServerProcessRequest extends Envelope {
  @IsDefined()
  @IsBoolean()
  HealthStatus: boolean;
}

export class GameSessionRequest extends Envelope {
  @IsDefined()
  @IsString()
  @Length(1, 256)
  @Matches(GAME_SESSION_ID, { message: 'GameSessionId must satisfy the pattern ^[a-zA-Z0-9:/-]+$' })
  GameSessionId: string;
}

export class PlayerSessionRequest extends GameSessionRequest {
  @IsDefined()
  @IsString()
  @Length(1, 256)
  @Matches(PLAYER_SESSION_ID, { message: 'PlayerSessionId must satisfy the pattern ^[a-zA-Z0-9.-]+$' })
  PlayerSessionId: string;
}

export class UpdatePlayerSessionCreationPolicyRequest extends GameSessionRequest {
  @IsDefined()
  @IsIn(['ACCEPT_ALL', 'DENY_ALL'])
  PlayerSessionPolicy: string;
}

export class DescribePlayerSessionsRequest extends Envelope {
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(GAME_SESSION_ID, { message: 'GameSessionId must satisfy the pattern ^[a-zA-Z0-9:/-]+$' })
  GameSessionId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  PlayerId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(PLAYER_SESSION_ID, { message: 'PlayerSessionId must satisfy the pattern ^[a-zA-Z0-9.-]+$' })
  PlayerSessionId?: string;

  @IsOptional()
  @IsIn(['RESERVED', 'ACTIVE', 'COMPLETED', 'TIMEDOUT'])
  PlayerSessionStatusFilter?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  NextToken?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  Limit?: number;
}

/** Requests with nothing but the envelope (TerminateServerProcess, GetComputeCertificate). */
export class EnvelopeOnlyRequest extends Envelope {}
