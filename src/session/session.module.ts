import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CrossplayModule } from '../crossplay/crossplay.module.js';
import { GameSessionEntity } from './core/entities/game-session.entity.js';
import { SeatEntity } from './core/entities/seat.entity.js';
import { SessionTeamEntity } from './core/entities/session-team.entity.js';
import { SessionTemplateEntity } from './core/entities/session-template.entity.js';
import { SessionLedger } from './core/session-ledger.js';
import { SessionReader } from './core/session-reader.js';
import { TemplatesService } from './core/templates.service.js';
import { PlayerSessionsController } from './rallyhere/player.controller.js';
import { SessionController } from './rallyhere/session.controller.js';
import { TemplateController } from './rallyhere/template.controller.js';
import { SessionService } from './session.service.js';

/**
 * Sessions: the core (templates, sessions, teams, seats and the ledger that
 * changes them) and the RallyHere session API on top of it. The core is
 * exported for the GameLift adapter and the admin API.
 */
@Module({
  imports: [
    CrossplayModule,
    TypeOrmModule.forFeature([SessionTemplateEntity, GameSessionEntity, SessionTeamEntity, SeatEntity]),
  ],
  controllers: [SessionController, PlayerSessionsController, TemplateController],
  providers: [TemplatesService, SessionLedger, SessionReader, SessionService],
  exports: [TemplatesService, SessionLedger, SessionReader, CrossplayModule],
})
export class SessionModule {}
