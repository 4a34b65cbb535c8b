import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional } from 'class-validator';
import {
  CROSSPLAY_INPUTS,
  CROSSPLAY_PLATFORMS,
  type CrossplayInput,
  type CrossplayPlatform,
  type Input,
  INPUTS,
  type Platform,
  PLATFORM_IDS,
  PLATFORMS,
} from '../../crossplay/crossplay.js';

export const DEVICE_TYPES = ['pc', 'xbox_series', 'xbox_one', 'web'] as const;
const PLATFORM_ID_VALUES = Object.keys(PLATFORM_IDS).map(Number);

/** RallyHere `ClientSettings`: a player's platform and input. */
export class ClientSettingsDto {
  /** Deprecated: use `platform`. Ignored when `platform` is given. */
  @ApiProperty({ enum: PLATFORM_ID_VALUES, required: false, deprecated: true })
  @IsOptional()
  @IsIn(PLATFORM_ID_VALUES)
  platform_id?: number;

  /**
   * The platform the client is on. Optional: the platform of the player's login wins (docs/crossplay.md,
   * "Which platform counts"); an anonymous login's platform is `Anon`.
   */
  @ApiProperty({ enum: PLATFORMS, required: false, example: 'Steam' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  /** The input the client uses. */
  @ApiProperty({ enum: INPUTS, example: 'gamepad' })
  @IsDefined()
  @IsIn(INPUTS)
  input: Input;

  @ApiProperty({ enum: DEVICE_TYPES, required: false })
  @IsOptional()
  @IsIn(DEVICE_TYPES)
  device_type?: (typeof DEVICE_TYPES)[number];
}

/** RallyHere `CrossplayPreferences`: whom the client may play with. Omitted: anyone. */
export class CrossplayPreferencesDto {
  @ApiProperty({ enum: CROSSPLAY_PLATFORMS, example: 'desired_platforms_any' })
  @IsDefined()
  @IsIn(CROSSPLAY_PLATFORMS)
  permitted_platform: CrossplayPlatform;

  @ApiProperty({ enum: CROSSPLAY_INPUTS, example: 'desired_inputs_any' })
  @IsDefined()
  @IsIn(CROSSPLAY_INPUTS)
  permitted_input: CrossplayInput;
}
