import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** Every grant type of RallyHere's `GrantType`; Joinery serves `anon`, `refresh` and `client_credentials`. */
export const GRANT_TYPES = [
  'anon',
  'google',
  'apple',
  'refresh',
  'epic',
  'xboxlive',
  'ps4_v1',
  'ps4_v3',
  'ps5_v3',
  'nintendo_switch',
  'steam',
  'basic',
  'rallyhere',
  'client_credentials',
  'android_device',
  'ios_device',
] as const;
export type LoginGrantType = (typeof GRANT_TYPES)[number];

/** RallyHere `LoginRequestV1`. */
export class LoginRequestDto {
  /** The grant type to use for authentication. */
  @ApiProperty({ enum: GRANT_TYPES, example: 'anon' })
  @IsDefined()
  @IsIn(GRANT_TYPES)
  grant_type: LoginGrantType;

  /** For `anon`: the device id; for `refresh`: the refresh token. */
  @ApiProperty({ example: 'my-device-id-123', required: false })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  portal_access_token?: string;

  /** Display name for a new anonymous player. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  portal_display_name?: string;

  /** Not used by the grant types Joinery serves. */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  portal_parent_access_token?: string;

  /** Not used by the grant types Joinery serves. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  portal_parent_display_name?: string;

  /** Return a refresh token as well. */
  @IsOptional()
  @IsBoolean()
  include_refresh?: boolean;

  @IsOptional()
  @IsBoolean()
  accept_eula?: boolean;

  @IsOptional()
  @IsBoolean()
  accept_tos?: boolean;

  @IsOptional()
  @IsBoolean()
  accept_privacy_policy?: boolean;
}

/** RallyHere `LoginResult`. */
export class LoginResultDto {
  /** RS256 JWT for `Authorization: Bearer ...`. */
  access_token: string;
  token_type: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  /** Single-use refresh token, when asked for (`include_refresh`) or when refreshing. */
  refresh_token?: string;
  permissions: string[];
  restrictions: unknown[];
  /** Legacy integer id (deprecated in RallyHere). */
  active_player_id?: number;
  active_player_uuid?: string;
  platform?: string;
  portal_user_id?: string;
  display_name?: string;
  person_id?: string;
  role_custom_data: Record<string, unknown>;
  client_id: string;
  client_uuid: string;
  publisher_uuid: string;
  tenant_uuid: string;
  config_elector_uuid: string;
}

export class PublicKeyDto {
  kid: string;
  kty: string;
  n: string;
  e: string;
  alg: string;
  use: string;
}

/** RallyHere `PublicKeyList`, a JWK set. */
export class PublicKeyListDto {
  keys: PublicKeyDto[];
}

export class KeyIdParamsDto {
  @IsString()
  @MaxLength(128)
  key_id: string;
}
