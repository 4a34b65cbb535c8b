import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ConditionalRead } from '../common/conditional-read.js';
import { Auth, CurrentPrincipal } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { HttpValidationErrorDto } from '../common/dto/error.dto.js';
import { playerOf, RallyHereSessionsService } from './rallyhere-sessions.service.js';
import { BrowserQueryDto, BrowserResponseDto, PlayerSessionsDto } from './dto/player-sessions.dto.js';
import { PlayerIdParamsDto, PlayerUuidParamsDto } from './dto/params.dto.js';
import { toBrowserSessionInfo, toPlayerSessionsDto } from './session.view.js';

@ApiTags('Sessions')
@ApiUnprocessableEntityResponse({ type: HttpValidationErrorDto, description: 'Validation error' })
@Controller('session')
export class RallyHerePlayerController {
  constructor(private readonly sessions: RallyHereSessionsService) {}

  /** The sessions the authenticated player is in, and their pending invitations, by session type. */
  @Get('v1/player/me/session')
  @ConditionalRead()
  @Auth('session:*', 'session:read-player:any', 'session:read-player:self')
  @ApiOperation({ summary: 'Get Player Sessions Self', operationId: 'get_player_sessions_self' })
  async mine(@CurrentPrincipal() principal: Principal): Promise<PlayerSessionsDto> {
    await this.sessions.seen(principal, true);
    return toPlayerSessionsDto(await this.sessions.playerSessions(principal, playerOf(principal)));
  }

  /** A player's sessions and invitations. Another player's need `session:read-player:any`. */
  @Get('v1/player/:player_uuid/session')
  @ConditionalRead()
  @Auth('session:*', 'session:read-player:any', 'session:read-player:self')
  @ApiOperation({ summary: 'Get Player Sessions By Uuid', operationId: 'get_player_sessions_by_uuid_v2' })
  async ofPlayer(
    @CurrentPrincipal() principal: Principal,
    @Param() params: PlayerUuidParamsDto,
  ): Promise<PlayerSessionsDto> {
    return toPlayerSessionsDto(await this.sessions.playerSessions(principal, params.player_uuid));
  }

  /** **Deprecated**: as `GET /session/v1/player/{player_uuid}/session`. */
  @Get('v1/player/uuid/:player_uuid/session')
  @ConditionalRead()
  @Auth('session:*', 'session:read-player:any', 'session:read-player:self')
  @ApiOperation({
    summary: 'Get Player Sessions By Uuid',
    operationId: 'get_player_sessions_by_uuid',
    deprecated: true,
  })
  async ofPlayerDeprecated(
    @CurrentPrincipal() principal: Principal,
    @Param() params: PlayerUuidParamsDto,
  ): Promise<PlayerSessionsDto> {
    return toPlayerSessionsDto(await this.sessions.playerSessions(principal, params.player_uuid));
  }

  /** **Deprecated**: a player's sessions, the player named by their legacy integer id. */
  @Get('v1/player/id/:player_id/session')
  @ConditionalRead()
  @Auth('session:*', 'session:read-player:any', 'session:read-player:self')
  @ApiOperation({ summary: 'Get Player Sessions', operationId: 'get_player_sessions', deprecated: true })
  async ofPlayerById(
    @CurrentPrincipal() principal: Principal,
    @Param() params: PlayerIdParamsDto,
  ): Promise<PlayerSessionsDto> {
    const playerUuid = await this.sessions.playerUuidOfLegacyId(params.player_id);
    return toPlayerSessionsDto(await this.sessions.playerSessions(principal, playerUuid));
  }

  /** Public sessions of a type with a free seat, oldest first; `cursor` 0 in the answer means the last page. */
  @Get('v1/browser')
  @ConditionalRead()
  @Auth('session:*', 'session:read:browser')
  @ApiOperation({ summary: 'Get Browser Sessions By Type', operationId: 'get_browser_sessions_by_type' })
  async browse(@Query() query: BrowserQueryDto): Promise<BrowserResponseDto> {
    const offset = query.cursor ?? 0;
    const size = query.page_size ?? 50;
    const { sessions, more } = await this.sessions.browse(query.session_type, query.region_id, offset, size);
    return { cursor: more ? offset + size : 0, browser_sessions: sessions.map(toBrowserSessionInfo) };
  }
}
