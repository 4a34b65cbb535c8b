import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CreateAccessKeyRequestDto {
  /** The role whose permissions the key carries, e.g. `game-client` or `game-server`. */
  @ApiProperty({ example: 'game-client' })
  @IsDefined()
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'role must be a role name (a-z, 0-9, -)' })
  role: string;

  /** What the key is for. */
  @ApiProperty({ example: 'Matchmaker backend, eu-west-1' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  description?: string;
}

export class AccessKeyIdParamsDto {
  /** `AKIA` + 16 characters. */
  @IsString()
  @Matches(/^[A-Za-z0-9]{1,32}$/, { message: 'access_key_id must be an access key id' })
  access_key_id: string;
}

/** An access key, without its secret. */
export class AccessKeyDto {
  @ApiProperty({ example: 'AKIAIOSFODNN7EXAMPLE' })
  access_key_id: string;

  role: string;
  description: string;
  enabled: boolean;
  created_at: string;
  last_rotated_at?: string;
}

/** An access key with its secret, answered once (on create and on rotate). */
export class AccessKeyWithSecretDto extends AccessKeyDto {
  /** Shown only in this answer: store it now. */
  @ApiProperty({ example: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' })
  secret_access_key: string;
}

export class AccessKeyListDto {
  access_keys: AccessKeyDto[];
}
