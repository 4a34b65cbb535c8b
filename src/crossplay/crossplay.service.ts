import { Inject, Injectable } from '@nestjs/common';
import {
  type CrossplayInput,
  type CrossplayPlatform,
  type CrossplayProfile,
  type Input,
  type Platform,
  PLATFORM_IDS,
  type PlatformFamilies,
  profileOf,
} from './crossplay.js';

/** RallyHere `ClientSettings` and `CrossplayPreferences`, as the session API receives them. */
export interface ClientSettingsInput {
  platform?: Platform;
  platform_id?: number;
  input: Input;
}

export interface CrossplayPreferencesInput {
  permitted_platform: CrossplayPlatform;
  permitted_input: CrossplayInput;
}

export interface ResolvedSettings {
  platform: Platform;
  input: Input;
  permittedPlatform: CrossplayPlatform;
  permittedInput: CrossplayInput;
  profile: CrossplayProfile;
}

/** The platform families this deployment configured (CROSSPLAY_*_PLATFORMS), given by CrossplayModule.forRoot. */
export const PLATFORM_FAMILIES = Symbol('PLATFORM_FAMILIES');

/** The crossplay rule with the platform families this deployment configured. */
@Injectable()
export class CrossplayService {
  constructor(@Inject(PLATFORM_FAMILIES) readonly families: PlatformFamilies) {}

  /**
   * The platform counted for crossplay: `platform` (the caller's decision, see the RallyHere adapter), else the
   * stated `platform` over the deprecated `platform_id`, else `Anon`. Omitted preferences mean "any".
   */
  resolve(
    settings: ClientSettingsInput,
    preferences?: CrossplayPreferencesInput,
    platformOf?: Platform,
  ): ResolvedSettings {
    const platform = platformOf ?? settings.platform ?? PLATFORM_IDS[settings.platform_id ?? -1] ?? 'Anon';
    const permittedPlatform = preferences?.permitted_platform ?? 'desired_platforms_any';
    const permittedInput = preferences?.permitted_input ?? 'desired_inputs_any';
    return {
      platform,
      input: settings.input,
      permittedPlatform,
      permittedInput,
      profile: profileOf({ platform, input: settings.input, permittedPlatform, permittedInput }, this.families),
    };
  }
}
