import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ConditionalRead } from '../common/conditional-read.js';
import { Auth, CurrentPrincipal } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { HttpValidationErrorDto, HzApiErrorModelDto } from '../common/dto/error.dto.js';
import { RallyHereSessionsService } from './rallyhere-sessions.service.js';
import {
  CreateOrJoinRequestDto,
  SelfSessionPlayerUpdateRequestDto,
  SessionJoinResponseDto,
} from './dto/create-or-join.dto.js';
import { BrowserInfoDto, PagedPlayersResponseDto, PlayersPageQueryDto } from './dto/player-sessions.dto.js';
import {
  PlayerInviteRequestDto,
  PlayerMoveRequestDto,
  PlayerUpdateRequestDto,
  ReasonQueryDto,
  SessionPlayerUpdateRequestDto,
  SessionPlayerUpdateResponseDto,
} from './dto/session-player.dto.js';
import { SessionUpdateDto } from './dto/session-update.dto.js';
import { SessionDto, SessionPlayerDto } from './dto/session.dto.js';
import {
  RefreshTtlQueryDto,
  SessionIdParamsDto,
  SessionPlayerIdParamsDto,
  SessionPlayerParamsDto,
} from './dto/params.dto.js';
import { toBrowserInfo, toPlayerUpdateResponse, toSessionDto, toSessionPlayerDto } from './session.view.js';

/** The deprecated player update covers invites, moves and promotions: any of their permissions. */
const UPDATE_PLAYER = [
  'session:*',
  'session:update-player:any',
  'session:update-player:self',
  'session:promote:any',
  'session:promote:self',
];

const NOT_FOUND = { type: HzApiErrorModelDto, description: '`session_not_found`, `player_not_in_session`' };

@ApiTags('Sessions')
@ApiUnprocessableEntityResponse({ type: HttpValidationErrorDto, description: 'Validation error' })
@Controller('session')
export class SessionController {
  constructor(private readonly sessions: RallyHereSessionsService) {}

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
      '`session_template_not_found` (unknown type), `session_creation_not_allowed`, `no_session_available`, `invalid_team_id`',
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
  @ConditionalRead()
  @Auth('session:*', 'session:read:any', 'session:read:self')
  @ApiOperation({ summary: 'Get Session By Id', operationId: 'get_session_by_id' })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Query() query: RefreshTtlQueryDto,
  ): Promise<SessionDto> {
    const [, { snapshot, full }] = await Promise.all([
      this.sessions.seen(principal, query.refresh_ttl, params.session_id),
      this.sessions.view(principal, params.session_id),
    ]);
    return toSessionDto(snapshot, full);
  }

  /** Update the session's custom data, joinability, region or password. The leader, or `session:update:any`. */
  @Patch('v1/session/:session_id')
  @Auth('session:*', 'session:update:any', 'session:update:self')
  @ApiOperation({ summary: 'Update Session By Id', operationId: 'update_session_by_id' })
  @ApiBadRequestResponse({
    type: HzApiErrorModelDto,
    description: '`team_size_below_occupied`, `team_not_empty` (a `teams` change the seats do not allow)',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Body() body: SessionUpdateDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionDto> {
    await this.sessions.update(principal, params.session_id, body);
    const { snapshot, full } = await this.sessions.view(principal, params.session_id);
    return toSessionDto(snapshot, full);
  }

  /** Close the session: every player leaves it. The leader (`session:delete:active`), or `session:delete:any`. */
  @Delete('v1/session/:session_id')
  @HttpCode(204)
  @Auth('session:*', 'session:delete:any', 'session:delete:active')
  @ApiOperation({ summary: 'Delete Session', operationId: 'delete_session' })
  @ApiNoContentResponse({ description: 'Closed' })
  @ApiNotFoundResponse(NOT_FOUND)
  async close(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<void> {
    await this.sessions.close(principal, params.session_id);
  }

  /**
   * Join a session with the authenticated player: takes up an invitation,
   * or a seat in a public session (with its password, when it has one).
   */
  @Post('v1/session/:session_id/player/me')
  @HttpCode(200)
  @Auth('session:*', 'session:update-player:any', 'session:update-player:self')
  @ApiOperation({ summary: 'Join Session By Id Self', operationId: 'join_session_by_id_self' })
  @ApiBadRequestResponse({
    type: HzApiErrorModelDto,
    description:
      '`session_full`, `team_full`, `session_not_joinable`, `session_password_incorrect`, `crossplay_mismatch`, `invalid_team_id`',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  async join(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Body() body: SelfSessionPlayerUpdateRequestDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerUpdateResponseDto> {
    return toPlayerUpdateResponse(await this.sessions.join(principal, params.session_id, body));
  }

  /** Leave a session. When the leader leaves, the longest-present member leads; the last one out closes it. */
  @Delete('v1/session/:session_id/player/me')
  @HttpCode(204)
  @Auth('session:*', 'session:update:self')
  @ApiOperation({ summary: 'Leave Session By Id Self', operationId: 'leave_session_by_id_self' })
  @ApiNoContentResponse({ description: 'Left' })
  @ApiNotFoundResponse(NOT_FOUND)
  async leave(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Query() _query: ReasonQueryDto,
  ): Promise<void> {
    await this.sessions.leave(principal, params.session_id);
  }

  /** A page of the session's players, by team. */
  @Get('v1/session/:session_id/player')
  @ConditionalRead()
  @Auth('session:*', 'session:read:any', 'session:read:self')
  @ApiOperation({ summary: 'Get Players In Session', operationId: 'get_players_in_session' })
  @ApiNotFoundResponse(NOT_FOUND)
  async players(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Query() query: PlayersPageQueryDto,
  ): Promise<PagedPlayersResponseDto> {
    await this.sessions.seen(principal, query.refresh_ttl, params.session_id);
    const { snapshot, full } = await this.sessions.view(principal, params.session_id);
    const offset = query.cursor ?? 0;
    const size = query.page_size ?? 50;
    const page = snapshot.seats.slice(offset, offset + size);
    const view = toSessionDto({ ...snapshot, seats: page }, full);
    return { teams: view.teams, cursor: offset + size < snapshot.seats.length ? offset + size : 0 };
  }

  /** One player of the session. */
  @Get('v1/session/:session_id/player/:player_uuid')
  @ConditionalRead()
  @Auth('session:*', 'session:read:any', 'session:read:self')
  @ApiOperation({ summary: 'Get Player In Session', operationId: 'get_player_in_session' })
  @ApiNotFoundResponse(NOT_FOUND)
  async player(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Query() query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerDto> {
    await this.sessions.seen(principal, query.refresh_ttl, params.session_id);
    const { seat, full } = await this.sessions.player(principal, params.session_id, params.player_uuid);
    return toSessionPlayerDto(seat, full);
  }

  /**
   * Kick a player, or cancel their invitation. Players may remove
   * themselves; removing others takes the leader or `session:update-player:any`.
   */
  @Delete('v1/session/:session_id/player/:player_uuid')
  @HttpCode(204)
  @Auth('session:*', 'session:update-player:any', 'session:update-player:self')
  @ApiOperation({ summary: 'Kick Player From Session By Uuid', operationId: 'kick_player_from_session_by_uuid_v2' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse(NOT_FOUND)
  async kick(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Query() _query: ReasonQueryDto,
  ): Promise<void> {
    await this.sessions.kick(principal, params.session_id, params.player_uuid);
  }

  /** Make a member the leader. The leader, or `session:promote:any`. */
  @Post('v2/session/:session_id/player/:player_uuid\\:promote')
  @HttpCode(200)
  @Auth('session:*', 'session:promote:any', 'session:promote:self')
  @ApiOperation({ summary: 'Promote Player By Uuid', operationId: 'promote_player_by_uuid_v2' })
  @ApiNotFoundResponse(NOT_FOUND)
  async promote(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerUpdateResponseDto> {
    return toPlayerUpdateResponse(await this.sessions.promote(principal, params.session_id, params.player_uuid));
  }

  /**
   * Invite a player: their seat is held (status `invited`) until they join
   * by id or the invitation is cancelled. Members may invite; others need
   * `session:update:any`.
   */
  @Post('v2/session/:session_id/player/:player_uuid\\:invite')
  @HttpCode(200)
  @Auth('session:*', 'session:update:any', 'session:update:self')
  @ApiOperation({ summary: 'Invite Player By Uuid', operationId: 'invite_player_by_uuid_v2' })
  @ApiBadRequestResponse({
    type: HzApiErrorModelDto,
    description: '`session_full`, `team_full`, `overflow_action_not_supported`',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  async invite(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Body() body: PlayerInviteRequestDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerUpdateResponseDto> {
    return toPlayerUpdateResponse(await this.sessions.invite(principal, params.session_id, params.player_uuid, body));
  }

  /** Move a player to another team: the player themselves (when the template allows it), the leader, or `session:update-player:any`. */
  @Post('v2/session/:session_id/player/:player_uuid\\:move')
  @HttpCode(200)
  @Auth('session:*', 'session:update-player:any', 'session:update-player:self')
  @ApiOperation({ summary: 'Move Player By Uuid', operationId: 'move_player_by_uuid_v2' })
  @ApiBadRequestResponse({ type: HzApiErrorModelDto, description: '`team_full`, `invalid_team_id`' })
  @ApiNotFoundResponse(NOT_FOUND)
  async move(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Body() body: PlayerMoveRequestDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerUpdateResponseDto> {
    return toPlayerUpdateResponse(
      await this.sessions.updatePlayer(principal, params.session_id, params.player_uuid, { teamId: body.team_id }),
    );
  }

  /** Update a player's custom data: the player themselves, the leader, or `session:update-player:any`. */
  @Post('v2/session/:session_id/player/:player_uuid')
  @HttpCode(200)
  @Auth('session:*', 'session:update-player:any', 'session:update-player:self')
  @ApiOperation({ summary: 'Update Player By Uuid', operationId: 'update_player_by_uuid_v2' })
  @ApiNotFoundResponse(NOT_FOUND)
  async updatePlayerV2(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Body() body: PlayerUpdateRequestDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerUpdateResponseDto> {
    return toPlayerUpdateResponse(
      await this.sessions.updatePlayer(principal, params.session_id, params.player_uuid, {
        customData: body.custom_data ?? {},
      }),
    );
  }

  /**
   * **Deprecated** (the Unreal SDK still calls it): add or invite a player, or change one already in the session.
   * A player not in the session is invited (the caller themselves joins); one in it is moved (`team_id`), gets
   * new custom data, or is promoted (`status: leader`). The same ledger functions as the v2 routes.
   */
  @Post('v1/session/:session_id/player/uuid/:player_uuid')
  @HttpCode(200)
  @Auth(...UPDATE_PLAYER)
  @ApiOperation({
    summary: 'Update Session Player By Uuid',
    operationId: 'update_session_player_by_uuid',
    deprecated: true,
  })
  @ApiNotFoundResponse(NOT_FOUND)
  async updateByUuid(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Body() body: SessionPlayerUpdateRequestDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerUpdateResponseDto> {
    return toPlayerUpdateResponse(
      await this.sessions.updateSessionPlayer(principal, params.session_id, params.player_uuid, body),
    );
  }

  /** **Deprecated**: kick a player, or cancel their invitation (as `DELETE .../player/{player_uuid}`). */
  @Delete('v1/session/:session_id/player/uuid/:player_uuid')
  @HttpCode(204)
  @Auth('session:*', 'session:update-player:any', 'session:update-player:self')
  @ApiOperation({
    summary: 'Kick Player From Session By Uuid',
    operationId: 'kick_player_from_session_by_uuid',
    deprecated: true,
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse(NOT_FOUND)
  async kickByUuid(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Query() _query: ReasonQueryDto,
  ): Promise<void> {
    await this.sessions.kick(principal, params.session_id, params.player_uuid);
  }

  /** **Deprecated**: the player update of `.../player/uuid/{player_uuid}`, the player named by their legacy id. */
  @Post('v1/session/:session_id/player/id/:player_id')
  @HttpCode(200)
  @Auth(...UPDATE_PLAYER)
  @ApiOperation({
    summary: 'Update Session Player By Id',
    operationId: 'update_session_player_by_id',
    deprecated: true,
  })
  @ApiNotFoundResponse({ type: HzApiErrorModelDto, description: '`session_not_found`, `player_not_found`' })
  async updateById(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerIdParamsDto,
    @Body() body: SessionPlayerUpdateRequestDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerUpdateResponseDto> {
    const playerUuid = await this.sessions.playerUuidOfLegacyId(params.player_id);
    return toPlayerUpdateResponse(
      await this.sessions.updateSessionPlayer(principal, params.session_id, playerUuid, body),
    );
  }

  /** **Deprecated**: kick a player named by their legacy id. */
  @Delete('v1/session/:session_id/player/id/:player_id')
  @HttpCode(204)
  @Auth('session:*', 'session:update-player:any', 'session:update-player:self')
  @ApiOperation({
    summary: 'Kick Player From Session By Id',
    operationId: 'kick_player_from_session_by_id',
    deprecated: true,
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ type: HzApiErrorModelDto, description: '`session_not_found`, `player_not_found`' })
  async kickById(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerIdParamsDto,
    @Query() _query: ReasonQueryDto,
  ): Promise<void> {
    const playerUuid = await this.sessions.playerUuidOfLegacyId(params.player_id);
    await this.sessions.kick(principal, params.session_id, playerUuid);
  }

  /** **Deprecated**: the player update of `.../player/uuid/{player_uuid}`. */
  @Post('v1/session/:session_id/player/:player_uuid')
  @HttpCode(200)
  @Auth(...UPDATE_PLAYER)
  @ApiOperation({
    summary: 'Update Session Player By Uuid',
    operationId: 'update_session_player_by_uuid_v2',
    deprecated: true,
  })
  @ApiNotFoundResponse(NOT_FOUND)
  async updateByUuidV1(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionPlayerParamsDto,
    @Body() body: SessionPlayerUpdateRequestDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<SessionPlayerUpdateResponseDto> {
    return toPlayerUpdateResponse(
      await this.sessions.updateSessionPlayer(principal, params.session_id, params.player_uuid, body),
    );
  }

  /**
   * Register the session in the browser (`GET /session/v1/browser` lists only registered sessions), with the
   * listing's custom data. The leader (for types whose template has `can_be_added_to_server_browser`), or
   * `session:*`.
   */
  @Post('v1/session/:session_id/browser')
  @HttpCode(200)
  @Auth('session:*', 'session:update:browser')
  @ApiOperation({ summary: 'Post Browser Info', operationId: 'post_browser_info' })
  @ApiNotFoundResponse(NOT_FOUND)
  async addToBrowser(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Body() body: BrowserInfoDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<BrowserInfoDto> {
    return toBrowserInfo(await this.sessions.setBrowser(principal, params.session_id, true, body.custom_data ?? {}));
  }

  /** Change the session's browser listing (registering it if it was not). */
  @Patch('v1/session/:session_id/browser')
  @Auth('session:*', 'session:update:browser')
  @ApiOperation({ summary: 'Update Browser Info', operationId: 'update_browser_info' })
  @ApiNotFoundResponse(NOT_FOUND)
  async updateBrowser(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Body() body: BrowserInfoDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<BrowserInfoDto> {
    return toBrowserInfo(await this.sessions.setBrowser(principal, params.session_id, true, body.custom_data));
  }

  /** Remove the session from the browser. */
  @Delete('v1/session/:session_id/browser')
  @HttpCode(204)
  @Auth('session:*', 'session:update:browser')
  @ApiOperation({ summary: 'Delete Browser Info', operationId: 'delete_browser_info' })
  @ApiNoContentResponse({ description: 'Removed from the browser' })
  @ApiNotFoundResponse(NOT_FOUND)
  async removeFromBrowser(
    @CurrentPrincipal() principal: Principal,
    @Param() params: SessionIdParamsDto,
    @Query() _query: RefreshTtlQueryDto,
  ): Promise<void> {
    await this.sessions.setBrowser(principal, params.session_id, false);
  }
}
