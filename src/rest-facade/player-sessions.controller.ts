import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { PermissionDenied } from '../common/errors.js';
import { PlayerSessionsService } from '../gamelift/player-sessions.service.js';
import { CreatePlayerSessionRequestDto, ErrorEnvelopeDto, PlayerSessionEnvelopeDto } from './dto/player-session.dto.js';
import { toPlayerSessionData } from './player-session.view.js';

/**
 * The seed page's CreatePlayerSession as plain JSON over a bearer token, in
 * the `{success, data | error}` envelope. It is the same core call as the
 * GameLift operation: same seats, same rules.
 */
@ApiTags('Player sessions')
@Controller('player-session')
export class RestPlayerSessionsController {
  constructor(private readonly playerSessions: PlayerSessionsService) {}

  /**
   * Reserves an open seat in an `ACTIVE` game session whose creation policy
   * is `ACCEPT_ALL` (at most 200 players a session). The game server must
   * accept the player session before the reservation times out. Asking again
   * for a player who already holds a seat in the session returns that seat.
   */
  @Post('v1/player-sessions')
  @HttpCode(201)
  @ApiForbiddenResponse({
    type: ErrorEnvelopeDto,
    description: '`FORBIDDEN`: the token lacks `player-session:create`, or a player token names another player',
  })
  @Auth('player-session:create')
  @ApiOperation({ summary: 'Create Player Session', operationId: 'create_player_session' })
  @ApiCreatedResponse({ type: PlayerSessionEnvelopeDto, description: 'The reserved (or already held) seat' })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: '`VALIDATION_ERROR`, `INVALID_REQUEST`' })
  @ApiUnauthorizedResponse({ type: ErrorEnvelopeDto, description: '`UNAUTHORIZED`: missing, expired or forged token' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: '`NOT_FOUND`: no such game session' })
  @ApiConflictResponse({
    type: ErrorEnvelopeDto,
    description: '`GAME_SESSION_FULL`; `INVALID_GAME_SESSION_STATUS` (not ACTIVE, or DENY_ALL)',
  })
  @ApiServiceUnavailableResponse({ type: ErrorEnvelopeDto, description: '`SERVICE_UNAVAILABLE`: retry shortly' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreatePlayerSessionRequestDto,
  ): Promise<PlayerSessionEnvelopeDto> {
    if (principal.kind === 'player' && principal.playerUuid !== body.player_id) {
      throw new PermissionDenied('A player token may only reserve a seat for its own player UUID', 'not_own_player');
    }
    const { PlayerSession, listing } = await this.playerSessions.createOne({
      GameSessionId: body.game_session_id,
      PlayerId: body.player_id,
      PlayerData: body.player_data,
    });
    return { success: true, data: toPlayerSessionData(PlayerSession, listing) };
  }
}
