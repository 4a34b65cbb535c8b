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
import { AppConfig } from '../config/config.js';
import { GameLiftIds } from '../session/gamelift-ids.js';
import { SessionLedger } from '../session/session-ledger.js';
import { SessionReader } from '../session/session-reader.js';
import { SessionNotFound } from '../session/session.errors.js';
import { CreatePlayerSessionRequestDto, ErrorEnvelopeDto, PlayerSessionEnvelopeDto } from './dto/player-session.dto.js';
import { toPlayerSessionData } from './player-session.view.js';

/**
 * The seed page's CreatePlayerSession as plain JSON over a bearer token, in
 * the `{success, data | error}` envelope, over the session core. A player
 * token asks for its own seat by the same rules as RallyHere's join by id
 * (joinability, password, crossplay, invitations); a client token (a
 * backend) reserves seats as GameLift's CreatePlayerSession does.
 */
@ApiTags('Player sessions')
@Controller('player-session')
export class RestPlayerSessionsController {
  constructor(
    private readonly ledger: SessionLedger,
    private readonly reader: SessionReader,
    private readonly ids: GameLiftIds,
    private readonly config: AppConfig,
  ) {}

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
    const ref = this.ids.parseGameSessionId(body.game_session_id);
    if (!ref || (ref.fleetId !== undefined && !(await this.reader.sessionExists(ref.sessionId, ref.fleetId)))) {
      throw new SessionNotFound(body.game_session_id);
    }
    const timeout = this.config.gamelift.reservationTimeoutSeconds;
    const seatId =
      principal.kind === 'player'
        ? (await this.ledger.join(ref.sessionId, { playerId: body.player_id, playerData: body.player_data }, timeout))
            .seatId
        : (
            await this.ledger.reserveSeats(ref.sessionId, [{ playerId: body.player_id, playerData: body.player_data }])
          )[0].seatId;
    const [listing] = await this.reader.listSeats({ ids: [seatId], limit: 1 });
    return { success: true, data: toPlayerSessionData(this.ids, listing) };
  }
}
