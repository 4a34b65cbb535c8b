import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { ClientSettingsDto, CrossplayPreferencesDto } from '../../rallyhere/dto/client-settings.dto.js';
import { PLATFORMS } from '../crossplay.js';

/** A player as crossplay sees them: platform, input and preferences. */
export class CrossplayPlayerDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ClientSettingsDto)
  client_settings: ClientSettingsDto;

  /** Omitted: as permissive as possible. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CrossplayPreferencesDto)
  crossplay_preferences?: CrossplayPreferencesDto;
}

export class CompatibilityRequestDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CrossplayPlayerDto)
  a: CrossplayPlayerDto;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CrossplayPlayerDto)
  b: CrossplayPlayerDto;
}

export class CompatibilityResponseDto {
  /** May the two share a session: each accepts the other. */
  compatible: boolean;
  a_accepts_b: boolean;
  b_accepts_a: boolean;
}

export class PlatformFamilyDto {
  @ApiProperty({ enum: PLATFORMS })
  platform: string;

  /** The families the platform belongs to (`xboxlike`, `playstationlike`), possibly none. */
  families: string[];
}

export class PlatformFamiliesDto {
  /** Family → member platforms, as configured (`CROSSPLAY_XBOXLIKE_PLATFORMS`, `CROSSPLAY_PLAYSTATIONLIKE_PLATFORMS`). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  families: Record<string, string[]>;

  platforms: PlatformFamilyDto[];
}
