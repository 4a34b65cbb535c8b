import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { ErrorRenderers } from '../common/filters/error-renderer.js';
import { AppConfig } from '../config/config.js';
import { SessionModule } from '../session/session.module.js';
import { AccessKeyEntity } from './access-keys/access-key.entity.js';
import { AccessKeysController } from './access-keys/access-keys.controller.js';
import { AccessKeysService } from './access-keys/access-keys.service.js';
import { AwsJsonErrorRenderer, RpcV2CborErrorRenderer } from './aws-error.renderer.js';
import { GameSessionsService } from './game-sessions.service.js';
import { GameLiftCborController } from './gamelift-cbor.controller.js';
import { GameLiftController } from './gamelift.controller.js';
import { GameLiftOperations } from './gamelift.operations.js';
import { PlayerSessionsService } from './player-sessions.service.js';
import { SigV4Strategy } from './sigv4.strategy.js';

/**
 * The GameLift-compatible API (AWS JSON 1.1 on `POST /`, Smithy RPC v2 CBOR
 * on `POST /service/GameLift/operation/<Operation>`), its SigV4 access
 * keys and their admin API, over the session core's seat ledger.
 */
@Module({
  imports: [SessionModule, AuthModule, TypeOrmModule.forFeature([AccessKeyEntity])],
  controllers: [GameLiftController, GameLiftCborController, AccessKeysController],
  providers: [AccessKeysService, SigV4Strategy, GameSessionsService, PlayerSessionsService, GameLiftOperations],
})
export class GameLiftModule implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly accessKeys: AccessKeysService,
    renderers: ErrorRenderers,
  ) {
    renderers.add(new RpcV2CborErrorRenderer());
    renderers.add(new AwsJsonErrorRenderer());
  }

  /** Registers the access key named in the environment (see `.env.example`). */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.bootstrap.accessKey) await this.accessKeys.ensure(this.config.bootstrap.accessKey);
    // A database that once ran in development may still hold the documented development key.
    if (this.config.isProduction) await this.accessKeys.disableDevelopmentKey();
  }
}
