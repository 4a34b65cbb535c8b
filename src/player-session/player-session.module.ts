import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { AppConfig } from '../config/config.js';
import { SessionModule } from '../session/session.module.js';
import { AccessKeyEntity } from './access-keys/access-key.entity.js';
import { AccessKeysController } from './access-keys/access-keys.controller.js';
import { AccessKeysService } from './access-keys/access-keys.service.js';
import { GameSessionsService } from './gamelift/game-sessions.service.js';
import { GameLiftIds } from './gamelift/gamelift-ids.js';
import { GameLiftController } from './gamelift/gamelift.controller.js';
import { GameLiftOperations } from './gamelift/gamelift.operations.js';
import { PlayerSessionsService } from './gamelift/player-sessions.service.js';
import { SigV4Strategy } from './gamelift/sigv4.strategy.js';
import { ReservationSweeper } from './reservation-sweeper.js';
import { PlayerSessionsController } from './rest/player-sessions.controller.js';

/**
 * Player sessions: the GameLift-compatible API (AWS JSON 1.1 on `POST /`,
 * SigV4 access keys and their admin API) and the REST facade of the seed
 * page, both over the session core's seat ledger; and the sweeper that
 * times out unaccepted reservations.
 */
@Module({
  imports: [SessionModule, AuthModule, TypeOrmModule.forFeature([AccessKeyEntity])],
  controllers: [GameLiftController, AccessKeysController, PlayerSessionsController],
  providers: [
    AccessKeysService,
    SigV4Strategy,
    GameLiftIds,
    GameSessionsService,
    PlayerSessionsService,
    GameLiftOperations,
    ReservationSweeper,
  ],
})
export class PlayerSessionModule implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly accessKeys: AccessKeysService,
  ) {}

  /** Registers the access key named in the environment (see `.env.example`). */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.bootstrap.accessKey) await this.accessKeys.ensure(this.config.bootstrap.accessKey);
  }
}
