import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { Auth, CurrentPrincipal } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { HttpValidationErrorDto } from '../common/dto/error.dto.js';
import { RequestValidationFailed } from '../common/validation.js';
import { type SessionEvent, SessionEvents } from '../session/session-events.js';
import { playerOf } from './rallyhere-sessions.service.js';
import { playerUuidOf } from './session.view.js';

const EVENT_ID = /^\d{1,19}$/;
const HEARTBEAT_MS = 15_000;

export class EventsQueryDto {
  /** Where to resume, for clients that cannot send the `Last-Event-ID` header (the header wins). */
  @IsOptional()
  @Matches(EVENT_ID, { message: 'last_event_id must be an event id' })
  last_event_id?: string;
}

/** One event as sent in the stream's `data:` line. */
function payload(event: SessionEvent) {
  const data = { ...event.data };
  if (typeof data.inviting_player_id === 'string') data.inviting_player_uuid = playerUuidOf(data.inviting_player_id);
  delete data.inviting_player_id;
  return {
    event_id: event.id,
    session_id: event.sessionId,
    kind: event.kind,
    ...(event.playerId ? { player_uuid: playerUuidOf(event.playerId) } : {}),
    data,
    at: event.at.toISOString(),
  };
}

/**
 * Session changes pushed as they happen (Joinery's, beyond RallyHere, which polls): a Server-Sent Events stream.
 * The route only authenticates, parses the resume point and writes the stream; the events and their order are
 * the core's (src/session/session-events.ts).
 */
@ApiTags('Sessions')
@ApiUnprocessableEntityResponse({ type: HttpValidationErrorDto, description: 'Validation error (a bad Last-Event-ID)' })
@Controller('session')
export class SessionEventsController {
  constructor(private readonly events: SessionEvents) {}

  /**
   * The authenticated player's session events as `text/event-stream`: every change of every session they are in
   * or invited to (`joined`, `invited`, `left`, `kicked`, `timed_out`, `culled`, `accepted`, `leader_changed`,
   * `player_updated`, `session_updated`, `session_activated`, `session_ended`), in commit order, whichever
   * Joinery instance made it. Each event has an `id:`; reconnect with `Last-Event-ID` (EventSource does) to get
   * exactly the events after it. Without one, the stream starts now. `data:` is JSON: `event_id`, `session_id`,
   * `kind`, `player_uuid` (whom it is about), `data`, `at`. A comment line every 15 s keeps proxies from closing it.
   */
  @Get('v1/player/me/session/events')
  @Auth('session:*', 'session:read-player:any', 'session:read-player:self')
  @ApiOperation({ summary: 'Stream Player Session Events (Joinery)', operationId: 'stream_player_session_events_self' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last event received' })
  @ApiOkResponse({ description: 'A text/event-stream of session events', content: { 'text/event-stream': {} } })
  stream(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EventsQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): void {
    const player = playerOf(principal);
    if (lastEventId !== undefined && !EVENT_ID.test(lastEventId.trim())) {
      throw new RequestValidationFailed([
        { loc: ['header', 'last-event-id'], msg: 'Last-Event-ID must be an event id', type: 'string_pattern_mismatch' },
      ]);
    }
    const resume = lastEventId?.trim() ?? query.last_event_id;
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.write('retry: 1000\n\n');
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const stream = this.events.follow(
      player,
      resume,
      (event) => response.write(`id: ${event.id}\ndata: ${JSON.stringify(payload(event))}\n\n`),
      () => {
        clearInterval(heartbeat);
        response.end();
      },
    );
    request.on('close', () => stream.close());
  }
}
