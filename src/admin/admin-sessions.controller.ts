import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AdminErrors } from './admin-errors.decorator.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators.js';
import { Conflict } from '../common/errors.js';
import { GameLiftIds } from '../session/gamelift-ids.js';
import { SessionLedger } from '../session/session-ledger.js';
import { SessionReader } from '../session/session-reader.js';
import { SessionNotFound } from '../session/session.errors.js';
import { toAdminSeat, toAdminSession, toAdminSessionDetail } from './admin.views.js';
import {
  AdminSeatDto,
  AdminSessionDetailDto,
  PageOfSessionsDto,
  PlayerIdParamsDto,
  SeatIdParamsDto,
  SeatsQueryDto,
  SessionPlayerIdParamsDto,
  SessionSearchQueryDto,
  AdminSessionIdParamsDto,
} from './dto/admin.dto.js';

/** Sessions (RallyHere sessions and GameLift game sessions alike) and their seats, for operators. */
@ApiTags('Admin')
@AdminErrors()
@Controller('admin/v1')
export class AdminSessionsController {
  constructor(
    private readonly reader: SessionReader,
    private readonly ledger: SessionLedger,
    private readonly ids: GameLiftIds,
  ) {}

  /** Sessions, newest first, filtered by type, region, status, free seats, player or fleet; paged. */
  @Get('sessions')
  @Auth('admin:sessions:read')
  @ApiOperation({ summary: 'List sessions' })
  async list(@Query() query: SessionSearchQueryDto): Promise<PageOfSessionsDto> {
    const limit = query.limit ?? 50;
    const rows = await this.reader.listSessions({
      type: query.type,
      regionId: query.region_id,
      statuses: query.status ? [query.status] : undefined,
      hasFreeSeats: query.has_free_seats,
      playerId: query.player_id,
      fleetId: query.fleet_id,
      newestFirst: true,
      after: query.cursor,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      sessions: page.map(toAdminSession),
      ...(rows.length > limit ? { next_cursor: page[page.length - 1].id } : {}),
    };
  }

  /** One session with its teams and every seat it ever had. */
  @Get('sessions/:session_id')
  @Auth('admin:sessions:read')
  @ApiOperation({ summary: 'Read a session with its seats' })
  async get(@Param() params: AdminSessionIdParamsDto): Promise<AdminSessionDetailDto> {
    const snapshot = await this.reader.snapshot(params.session_id);
    if (!snapshot) throw new SessionNotFound(params.session_id);
    return toAdminSessionDetail(snapshot.session, snapshot.teams, await this.reader.allSeats(params.session_id));
  }

  /** Terminate a session: its seats are completed; RallyHere and GameLift clients see it ended. */
  @Post('sessions/:session_id\\:terminate')
  @HttpCode(200)
  @Auth('admin:sessions:write')
  @ApiOperation({ summary: 'Terminate a session' })
  async terminate(@Param() params: AdminSessionIdParamsDto): Promise<AdminSessionDetailDto> {
    if (!(await this.ledger.terminate(params.session_id, 'TERMINATED_BY_OPERATOR'))) {
      throw new Conflict('session_already_terminated', `Session ${params.session_id} has already ended`);
    }
    return this.get(params);
  }

  /** Remove a player from a session (their seat is completed). */
  @Delete('sessions/:session_id/players/:player_id')
  @HttpCode(204)
  @Auth('admin:sessions:write')
  @ApiOperation({ summary: 'Kick a player' })
  async kick(@Param() params: SessionPlayerIdParamsDto): Promise<void> {
    await this.ledger.removePlayer(params.session_id, params.player_id, { privileged: true });
  }

  /** A player's seats across sessions (occupied ones, or all with `all=true`). */
  @Get('players/:player_id/seats')
  @Auth('admin:seats:read')
  @ApiOperation({ summary: "List a player's seats" })
  async seats(@Param() params: PlayerIdParamsDto, @Query() query: SeatsQueryDto): Promise<AdminSeatDto[]> {
    const seats = await this.reader.listSeats({ playerId: params.player_id, live: !(query.all ?? false), limit: 1000 });
    return seats.map((s) => toAdminSeat(s.seat, s.session.type));
  }

  /** Free a stuck seat: a reservation ends TIMEDOUT, an active seat COMPLETED. */
  @Post('seats/:seat_id\\:release')
  @HttpCode(200)
  @Auth('admin:seats:write')
  @ApiOperation({ summary: 'Release a seat' })
  async release(@Param() params: SeatIdParamsDto): Promise<AdminSeatDto> {
    const seatId = this.ids.seatIdOf(params.seat_id);
    await this.ledger.releaseSeatByOperator(seatId);
    const [released] = await this.reader.listSeats({ ids: [seatId], limit: 1 });
    return toAdminSeat(released.seat, released.session.type);
  }
}
