import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
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

/** RallyHere `SessionUpdate`. Team changes (`teams`) are refused: sizes come from the template. */
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

  /** Not supported: team sizes come from the session's template (400 `teams_update_not_supported`). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  teams?: unknown[];

  /** A password players must give to join. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password?: string;
}
