import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  Max,
  Min,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsStringRecord } from '../../common/validators/string-record.js';

/** RallyHere `SessionJoinability`. */
export class SessionJoinabilityUpdateDto {
  /** Anyone may join without an invite. */
  @IsOptional()
  @IsBoolean()
  open?: boolean;

  @IsOptional()
  @IsBoolean()
  friends?: boolean;

  @IsOptional()
  @IsBoolean()
  platform?: boolean;
}

/** RallyHere `TeamUpdate`: a team's size and custom data. */
export class TeamUpdateDto {
  /** Omitted: unchanged (a new team gets the template's size). Never below the team's occupied seats. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  max_size?: number;

  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;
}

/** RallyHere `SessionUpdate`. */
export class SessionUpdateDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  region_id?: string;

  /** Replaces the session's custom data. */
  @IsOptional()
  @IsStringRecord()
  custom_data?: Record<string, string>;

  /** Deprecated: `joinability.open`. */
  @IsOptional()
  @IsBoolean()
  joinable?: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SessionJoinabilityUpdateDto)
  joinability?: SessionJoinabilityUpdateDto;

  /**
   * Team sizes: the list's length is the number of teams. A team is never made smaller than its occupied seats
   * (400 `team_size_below_occupied`) and only empty teams are removed (400 `team_not_empty`).
   */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TeamUpdateDto)
  teams?: TeamUpdateDto[];

  /** A password players must give to join. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password?: string;
}
