import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ConditionalRead } from '../common/conditional-read.js';
import { HttpValidationErrorDto, HzApiErrorModelDto } from '../common/dto/error.dto.js';
import {
  AllocationIdParamsDto,
  InstanceHealthSettingsResponseDto,
  InstanceHealthStatusResponseDto,
  InstanceHealthStatusUpdateDto,
  InstanceInfoUpdateDto,
  InstanceRequestDto,
} from './dto/instance.dto.js';
import { RefreshTtlQueryDto, SessionIdParamsDto } from './dto/params.dto.js';
import { InstanceInfoDto, SessionDto } from './dto/session.dto.js';
import { RallyHereInstancesService } from './rallyhere-instances.service.js';

const UPDATE = ['session:*', 'session:update:any', 'session:update:self'];
const NOT_FOUND = { type: HzApiErrorModelDto, description: '`session_not_found`, `instance_not_found`' };

/**
 * RallyHere instances: the game server of a session (docs/sessions.md, "Instances"). Refusals answer 403 with
 * their own `error_code` (the codes the spec lists: 200, 403, 422); an unknown session or instance 404.
 */
@ApiTags('Sessions')
@ApiUnprocessableEntityResponse({ type: HttpValidationErrorDto, description: 'Validation error' })
@Controller('session')
export class InstanceController {
  constructor(private readonly instances: RallyHereInstancesService) {}

  /**
   * Request an instance for the session, or register self as its host. The session's leader, or
   * `session:update:any`. A dedicated server (client token) registers itself; a player registers themselves
   * (host_type `player` or `standalone`) or asks for a dedicated server (a game-server process of the fleet).
   * The same registration again (same `instance_id`, or the same host) gets the instance back.
   */
  @Post('v1/session/:session_id/instance')
  @HttpCode(200)
  @Auth(...UPDATE)
  @ApiOperation({ summary: 'Create Instance Request', operationId: 'create_instance_request' })
  @ApiBadRequestResponse({
    type: HzApiErrorModelDto,
    description: '`instance_request_templates_not_supported`, `host_player_uuid_required`',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  register(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Body() body: InstanceRequestDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<InstanceInfoDto> {
    return this.instances.register(principal, params.session_id, body);
  }

  /**
   * Update the instance: join status, how to connect, version, custom data, match id. Its host, or
   * `session:update:any`; an allocated instance (a game-server process's) must be named by its `allocation_id`.
   */
  @Patch('v1/session/:session_id/instance')
  @Auth(...UPDATE)
  @ApiOperation({ summary: 'Update Instance Info', operationId: 'update_instance_info' })
  @ApiNotFoundResponse(NOT_FOUND)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Body() body: InstanceInfoUpdateDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<InstanceInfoDto> {
    return this.instances.update(principal, params.session_id, body);
  }

  /** Unregister the instance (it is closed; the session stays). Its host, or `session:update:any`. */
  @Delete('v1/session/:session_id/instance')
  @HttpCode(204)
  @Auth(...UPDATE)
  @ApiOperation({ summary: 'End Instance', operationId: 'end_instance' })
  @ApiNoContentResponse({ description: 'Closed' })
  @ApiNotFoundResponse(NOT_FOUND)
  async end(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<void> {
    await this.instances.end(principal, params.session_id);
  }

  /**
   * A health check of the instance, every `cadence_seconds` (GET /session/v1/instance/health/config). Its host, or
   * `session:update:any`. Answers the health that follows, which may differ from the one sent when too few checks
   * arrive.
   */
  @Post('v1/session/:session_id/instance/health')
  @HttpCode(200)
  @Auth('session:*', 'session:instance:health')
  @ApiOperation({ summary: 'Instance Health Check', operationId: 'instance_health_check' })
  @ApiNotFoundResponse(NOT_FOUND)
  async health(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Body() body: InstanceHealthStatusUpdateDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<InstanceHealthStatusResponseDto> {
    return { updated_instance_health: await this.instances.healthCheck(principal, params.session_id, body) };
  }

  /** How often hosts send health checks, and when an instance becomes unhealthy or unknown. */
  @Get('v1/instance/health/config')
  @Auth('session:*', 'session:read:config')
  @ApiOperation({ summary: 'Instance Health Config', operationId: 'instance_health_config' })
  healthConfig(): InstanceHealthSettingsResponseDto {
    const config = this.instances.healthConfig;
    return {
      cadence_seconds: config.cadenceSeconds,
      unhealthy_health_check_percentage: config.unhealthyPercentage,
      missed_checks_before_unknown: config.missedChecksBeforeUnknown,
    };
  }

  /**
   * The session whose instance has this allocation id (a game-server process's instance: its game session's
   * GameSessionId, which the server gets in `OnStartGameSession`), as GET by id shows it to the caller.
   */
  @Get('v1/session/allocation/*allocation_id')
  @ConditionalRead()
  @Auth('session:*', 'session:read:allocation')
  @ApiOperation({ summary: 'Get Session By Allocation Id', operationId: 'get_session_by_allocation_id' })
  @ApiNotFoundResponse({ type: HzApiErrorModelDto, description: '`session_not_found`' })
  byAllocation(@CurrentPrincipal() principal: Principal, @Param() params: AllocationIdParamsDto): Promise<SessionDto> {
    return this.instances.byAllocation(principal, params.allocation_id);
  }
}
