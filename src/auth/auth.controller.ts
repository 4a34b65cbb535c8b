import { Body, Controller, Get, Headers, HttpCode, Ip, Param, Post } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiForbiddenResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { HttpValidationErrorDto, HzApiErrorModelDto } from '../common/dto/error.dto.js';
import { NotFound } from '../common/errors.js';
import { Public } from './decorators.js';
import { KeyIdParamsDto, LoginRequestDto, LoginResultDto, PublicKeyDto, PublicKeyListDto } from './dto/login.dto.js';
import { LoginService } from './login.service.js';
import { SigningKeysService } from './signing-keys.service.js';

@ApiTags('Auth')
@Controller('users')
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly keys: SigningKeysService,
  ) {}

  /**
   * Log in with a registered client's HTTP Basic credentials. `anon` logs a
   * player in by device id (the same id is always the same player),
   * `client_credentials` logs the client itself in, `refresh` trades a
   * refresh token for new tokens.
   */
  @Public()
  @Post('v1/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Login', operationId: 'login' })
  @ApiBasicAuth()
  @ApiForbiddenResponse({
    type: HzApiErrorModelDto,
    description: 'Client credentials or grant refused (`auth_success: false`)',
  })
  @ApiUnprocessableEntityResponse({ type: HttpValidationErrorDto })
  loginWith(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: LoginRequestDto,
    @Ip() ip: string,
  ): Promise<LoginResultDto> {
    return this.login.login(authorization, body, ip);
  }

  /** The JWK set that verifies access tokens. */
  @Public()
  @Get('v1/publickeys')
  @ApiOperation({ summary: 'Get All Public Keys', operationId: 'get_all_public_keys' })
  publicKeys(): PublicKeyListDto {
    return { keys: this.keys.publicKeys() };
  }

  /** One public key by its `kid`. */
  @Public()
  @Get('v1/publickeys/:key_id')
  @ApiOperation({ summary: 'Get Public Key By Id', operationId: 'get_public_key_by_id' })
  publicKey(@Param() params: KeyIdParamsDto): PublicKeyDto {
    const key = this.keys.publicKeys().find((k) => k.kid === params.key_id);
    if (!key) throw new NotFound('key_not_found', 'Public key not found');
    return key;
  }
}
