import { IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

export class SessionIdParamsDto {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  session_id: string;
}

export class SessionPlayerParamsDto extends SessionIdParamsDto {
  @IsUUID()
  player_uuid: string;
}

export class PlayerUuidParamsDto {
  @IsUUID()
  player_uuid: string;
}

export class SessionTypeParamsDto {
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'session_type must be 1-128 characters of A-Z a-z 0-9 . _ : -' })
  session_type: string;
}
