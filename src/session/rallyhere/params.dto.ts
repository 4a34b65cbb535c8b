import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

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
