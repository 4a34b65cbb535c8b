import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GameSessionEntity } from './entities/game-session.entity.js';
import { SeatEntity } from './entities/seat.entity.js';
import { SessionTeamEntity } from './entities/session-team.entity.js';
import { SessionTemplateEntity } from './entities/session-template.entity.js';
import { GameServers } from './game-servers.js';
import { GameLiftIds } from './gamelift-ids.js';
import { ProcessSweeper } from './process-sweeper.js';
import { ReservationSweeper } from './reservation-sweeper.js';
import { SessionEvents } from './session-events.js';
import { SessionInstances } from './session-instances.js';
import { SessionLedger } from './session-ledger.js';
import { SessionReader } from './session-reader.js';
import { TemplatesService } from './templates.service.js';

/**
 * THE CORE: templates, sessions, teams, seats, the ledger that changes them
 * (every rule is one SQL function in `sql/`), the reads, and the seat
 * lifecycle's sweeper, and the game-server processes sessions are placed on
 * (`GameServers`, `sql/game-servers.sql`) with their sweeper, and the sessions' instances (`SessionInstances`,
 * `sql/instances.sql`). The protocol
 * adapters (RallyHere, GameLift, the REST facade) and the admin API sit on
 * top of what this module exports.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SessionTemplateEntity, GameSessionEntity, SessionTeamEntity, SeatEntity])],
  providers: [
    TemplatesService,
    SessionLedger,
    SessionReader,
    SessionEvents,
    SessionInstances,
    ReservationSweeper,
    GameLiftIds,
    GameServers,
    ProcessSweeper,
  ],
  exports: [TemplatesService, SessionLedger, SessionReader, SessionEvents, SessionInstances, GameLiftIds, GameServers],
})
export class SessionModule {}
