import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config.js';
import { RateLimitModule } from '../ratelimit/rate-limit.module.js';
import { AuthController } from './auth.controller.js';
import { bootstrapSpecs, ClientsService } from './clients.service.js';
import { AuthClientEntity } from './entities/auth-client.entity.js';
import { PlayerEntity } from './entities/player.entity.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { RoleEntity } from './entities/role.entity.js';
import { SigningKeyEntity } from './entities/signing-key.entity.js';
import { BearerAuth } from './bearer-auth.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LoginService } from './login.service.js';
import { PlayersService } from './players.service.js';
import { PrincipalGuard } from './principal.guard.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { RetentionPurge } from './retention.js';
import { RolesService } from './roles.service.js';
import { SigningKeysService } from './signing-keys.service.js';
import { TokenCache } from './token-cache.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [
    PassportModule,
    RateLimitModule,
    TypeOrmModule.forFeature([RoleEntity, AuthClientEntity, PlayerEntity, RefreshTokenEntity, SigningKeyEntity]),
  ],
  controllers: [AuthController],
  providers: [
    SigningKeysService,
    TokensService,
    RolesService,
    ClientsService,
    PlayersService,
    RefreshTokensService,
    LoginService,
    TokenCache,
    JwtStrategy,
    BearerAuth,
    PrincipalGuard,
    RetentionPurge,
  ],
  exports: [PrincipalGuard, BearerAuth, RolesService, ClientsService, PlayersService, SigningKeysService],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly clients: ClientsService,
  ) {}

  /**
   * Registers the clients named in the environment (see `.env.example`). In
   * production, disables the development bootstrap clients a database may
   * still hold from a development run (their secrets are public).
   */
  async onApplicationBootstrap(): Promise<void> {
    for (const spec of bootstrapSpecs(this.config.bootstrap.admin, this.config.bootstrap.gameClient)) {
      await this.clients.ensure(spec);
    }
    if (this.config.isProduction) await this.clients.disableDevelopmentClients();
  }
}
