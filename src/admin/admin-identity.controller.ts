import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { AdminErrors } from './admin-errors.decorator.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ClientsService } from '../auth/clients.service.js';
import { RolesService } from '../auth/roles.service.js';
import { toClient, toRole } from './admin.views.js';
import {
  ClientDto,
  ClientIdParamsDto,
  ClientWithSecretDto,
  CreateClientDto,
  CreateRoleDto,
  NamedParamsDto,
  RoleBodyDto,
  RoleDto,
} from './dto/admin.dto.js';

/** Clients (who may log in through `POST /users/v1/login`) and roles (named permission sets). */
@ApiTags('Admin')
@AdminErrors()
@Controller('admin/v1')
export class AdminIdentityController {
  constructor(
    private readonly clients: ClientsService,
    private readonly roles: RolesService,
  ) {}

  @Get('clients')
  @Auth('admin:clients:read')
  @ApiOperation({ summary: 'List clients' })
  async listClients(): Promise<ClientDto[]> {
    return (await this.clients.list()).map(toClient);
  }

  /**
   * Register a client. Its secret is in this answer only. The caller must hold
   * every permission of the client's `role`, and of its `player_role` when it
   * logs players in (`anon`).
   */
  @Post('clients')
  @Auth('admin:clients:write')
  @ApiOperation({ summary: 'Create a client' })
  async createClient(
    @Body() body: CreateClientDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ClientWithSecretDto> {
    // The player role is handed out only by clients that log players in (`anon`).
    const playerRole = body.grants.includes('anon') ? (body.player_role ?? 'player') : undefined;
    await this.roles.assertMayGrant(caller.permissions, body.role, playerRole);
    const { client, secret } = await this.clients.create({
      clientId: body.client_id,
      grants: body.grants,
      role: body.role ?? null,
      playerRole: body.player_role,
      description: body.description ?? '',
    });
    return { ...toClient(client), client_secret: secret };
  }

  /** Disable a client: it can no longer log in (tokens it holds expire on their own). */
  @Post('clients/:client_id\\:disable')
  @HttpCode(200)
  @Auth('admin:clients:write')
  @ApiOperation({ summary: 'Disable a client' })
  async disableClient(@Param() params: ClientIdParamsDto, @CurrentPrincipal() caller: Principal): Promise<ClientDto> {
    await this.assertMayManage(caller, params.client_id);
    return toClient(await this.clients.setEnabled(params.client_id, false));
  }

  @Post('clients/:client_id\\:enable')
  @HttpCode(200)
  @Auth('admin:clients:write')
  @ApiOperation({ summary: 'Enable a client' })
  async enableClient(@Param() params: ClientIdParamsDto, @CurrentPrincipal() caller: Principal): Promise<ClientDto> {
    await this.assertMayManage(caller, params.client_id);
    return toClient(await this.clients.setEnabled(params.client_id, true));
  }

  /**
   * Give a client a new secret (in this answer only); the old one stops working at once. Like disabling and
   * enabling, only for callers holding every permission of the client's roles (nobody below `admin` takes over
   * the bootstrap admin).
   */
  @Post('clients/:client_id\\:rotate')
  @HttpCode(200)
  @Auth('admin:clients:write')
  @ApiOperation({ summary: "Rotate a client's secret" })
  async rotateClient(
    @Param() params: ClientIdParamsDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ClientWithSecretDto> {
    await this.assertMayManage(caller, params.client_id);
    const { client, secret } = await this.clients.rotate(params.client_id);
    return { ...toClient(client), client_secret: secret };
  }

  @Get('roles')
  @Auth('admin:roles:read')
  @ApiOperation({ summary: 'List roles' })
  async listRoles(): Promise<RoleDto[]> {
    return (await this.roles.list()).map(toRole);
  }

  @Post('roles')
  @Auth('admin:roles:write')
  @ApiOperation({ summary: 'Create a role' })
  async createRole(@Body() body: CreateRoleDto, @CurrentPrincipal() caller: Principal): Promise<RoleDto> {
    this.roles.assertMayGrantPermissions(caller.permissions, body.permissions);
    return toRole(await this.roles.create(body.name, body.permissions, body.description));
  }

  /** Change a role's permissions; holders get them at their next login or token refresh. */
  @Put('roles/:name')
  @Auth('admin:roles:write')
  @ApiOperation({ summary: "Change a role's permissions" })
  async updateRole(
    @Param() params: NamedParamsDto,
    @Body() body: RoleBodyDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<RoleDto> {
    await this.roles.assertMayGrant(caller.permissions, (await this.roles.get(params.name)).name);
    this.roles.assertMayGrantPermissions(caller.permissions, body.permissions);
    return toRole(await this.roles.update(params.name, body.permissions, body.description));
  }

  /** Delete a role nobody holds; built-in roles stay. */
  @Delete('roles/:name')
  @HttpCode(204)
  @Auth('admin:roles:write')
  @ApiOperation({ summary: 'Delete a role' })
  async deleteRole(@Param() params: NamedParamsDto, @CurrentPrincipal() caller: Principal): Promise<void> {
    await this.roles.assertMayGrant(caller.permissions, (await this.roles.get(params.name)).name);
    await this.roles.delete(params.name);
  }

  /** A caller acts on a client only when it holds every permission the client's roles carry. */
  private async assertMayManage(caller: Principal, clientId: string): Promise<void> {
    const client = await this.clients.get(clientId);
    await this.roles.assertMayGrant(
      caller.permissions,
      client.role,
      client.grants.includes('anon') ? client.playerRole : undefined,
    );
  }
}
