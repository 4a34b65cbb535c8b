import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminErrors } from '../../admin/admin-errors.decorator.js';
import { Auth, CurrentPrincipal } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { RolesService } from '../../auth/roles.service.js';
import { HzApiErrorModelDto } from '../../common/dto/error.dto.js';
import type { AccessKeyEntity } from './access-key.entity.js';
import { AccessKeysService } from './access-keys.service.js';
import {
  AccessKeyDto,
  AccessKeyIdParamsDto,
  AccessKeyListDto,
  AccessKeyWithSecretDto,
  CreateAccessKeyRequestDto,
} from './dto/access-key.dto.js';

function toDto(key: AccessKeyEntity): AccessKeyDto {
  return {
    access_key_id: key.id,
    role: key.role,
    description: key.description,
    enabled: key.enabled,
    created_at: key.createdAt.toISOString(),
    ...(key.lastRotatedAt ? { last_rotated_at: key.lastRotatedAt.toISOString() } : {}),
  };
}

/** Access keys for the GameLift-compatible API (AWS Signature V4). */
@ApiTags('Admin')
@AdminErrors()
@Controller('admin/v1/access-keys')
export class AccessKeysController {
  constructor(
    private readonly keys: AccessKeysService,
    private readonly roles: RolesService,
  ) {}

  /** Creates a key for a role. The secret is in this answer only. */
  @Post()
  @Auth('admin:access-keys:write')
  @ApiOperation({ summary: 'Create Access Key', operationId: 'create_access_key' })
  @ApiCreatedResponse({ type: AccessKeyWithSecretDto })
  async create(
    @Body() body: CreateAccessKeyRequestDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<AccessKeyWithSecretDto> {
    // Only roles whose permissions the caller holds itself.
    await this.roles.assertMayGrant(caller.permissions, body.role);
    const { key, secret } = await this.keys.create(body.role, body.description ?? '');
    return { ...toDto(key), secret_access_key: secret };
  }

  /** Every key, without secrets. */
  @Get()
  @Auth('admin:access-keys:read')
  @ApiOperation({ summary: 'List Access Keys', operationId: 'list_access_keys' })
  @ApiOkResponse({ type: AccessKeyListDto })
  async list(): Promise<AccessKeyListDto> {
    return { access_keys: (await this.keys.list()).map(toDto) };
  }

  /** Disables a key: requests signed with it are refused (UnrecognizedClientException). */
  @Post(':access_key_id\\:disable')
  @HttpCode(200)
  @Auth('admin:access-keys:write')
  @ApiOperation({ summary: 'Disable Access Key', operationId: 'disable_access_key' })
  @ApiOkResponse({ type: AccessKeyDto })
  @ApiNotFoundResponse({ type: HzApiErrorModelDto, description: '`access_key_not_found`' })
  async disable(@Param() params: AccessKeyIdParamsDto, @CurrentPrincipal() caller: Principal): Promise<AccessKeyDto> {
    await this.roles.assertMayGrant(caller.permissions, (await this.keys.get(params.access_key_id)).role);
    return toDto(await this.keys.disable(params.access_key_id));
  }

  /** Gives a key a new secret, answered once; the old secret stops working. */
  @Post(':access_key_id\\:rotate')
  @HttpCode(200)
  @Auth('admin:access-keys:write')
  @ApiOperation({ summary: 'Rotate Access Key', operationId: 'rotate_access_key' })
  @ApiOkResponse({ type: AccessKeyWithSecretDto })
  @ApiNotFoundResponse({ type: HzApiErrorModelDto, description: '`access_key_not_found`' })
  async rotate(
    @Param() params: AccessKeyIdParamsDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<AccessKeyWithSecretDto> {
    await this.roles.assertMayGrant(caller.permissions, (await this.keys.get(params.access_key_id)).role);
    const { key, secret } = await this.keys.rotate(params.access_key_id);
    return { ...toDto(key), secret_access_key: secret };
  }
}
