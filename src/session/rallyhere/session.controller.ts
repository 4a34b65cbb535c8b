import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { HttpValidationErrorDto, HzApiErrorModelDto } from '../../common/dto/error.dto.js';
import { SessionService } from '../session.service.js';
import { CreateOrJoinRequestDto, SessionJoinResponseDto } from './dto/create-or-join.dto.js';
import { SessionDto } from './dto/session.dto.js';
import { SessionIdParamsDto } from './params.dto.js';
import { toSessionDto } from './session.view.js';

@ApiTags('Sessions')
@ApiUnprocessableEntityResponse({ type: HttpValidationErrorDto, description: 'Validation error' })
@Controller('session')
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  /**
   * Join the first publicly available session of given type. If there is no
   * public session, and the session type permits player made sessions,
   * create a new session and put the player in it. A player already in a
   * session of the type gets that session back.
   */
  @Post('v1/session')
  @HttpCode(200)
  @Auth('session:*', 'session:create')
  @ApiOperation({ summary: 'Create Or Join Session', operationId: 'create_or_join_session' })
  @ApiBadRequestResponse({
    type: HzApiErrorModelDto,
    description:
      '`session_template_not_found`, `session_creation_not_allowed`, `no_session_available`, `invalid_team_id`',
  })
  async createOrJoin(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateOrJoinRequestDto,
  ): Promise<SessionJoinResponseDto> {
    const seat = await this.sessions.createOrJoin(principal, body);
    return { session_id: seat.sessionId };
  }

  /**
   * Get a session by id. Members and principals with `session:read:any`
   * get the full view; others a limited one (no player settings or custom data).
   */
  @Get('v1/session/:session_id')
  @Auth('session:*', 'session:read:any', 'session:read:self')
  @ApiOperation({ summary: 'Get Session By Id', operationId: 'get_session_by_id' })
  @ApiNotFoundResponse({ type: HzApiErrorModelDto, description: '`session_not_found`' })
  async get(@CurrentPrincipal() principal: Principal, @Param() params: SessionIdParamsDto): Promise<SessionDto> {
    const { snapshot, full } = await this.sessions.view(principal, params.session_id);
    return toSessionDto(snapshot, full);
  }
}
