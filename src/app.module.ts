import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { PrincipalGuard } from './auth/principal.guard.js';
import { ErrorsModule } from './common/filters/errors.module.js';
import { ProtocolExceptionFilter } from './common/filters/protocol-exception.filter.js';
import { StrictValidationPipe } from './common/validation.js';
import { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { CrossplayModule } from './crossplay/crossplay.module.js';
import { HealthModule } from './health/health.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RateLimitGuard } from './ratelimit/rate-limit.guard.js';
import { RateLimitModule } from './ratelimit/rate-limit.module.js';
import { GameLiftModule } from './gamelift/gamelift.module.js';
import { RallyHereModule } from './rallyhere/rallyhere.module.js';
import { RestFacadeModule } from './rest-facade/rest-facade.module.js';
import { SessionModule } from './session/session.module.js';

/**
 * The whole service. The global pipe, filter and guard are providers here,
 * so the application built by the e2e tests behaves exactly like production.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LifecycleModule,
        LoggingModule,
        DatabaseModule,
        MetricsModule.forRoot({ endpoint: config.metrics.enabled }),
        RateLimitModule,
        AuthModule,
        CrossplayModule.forRoot(config.crossplay.families),
        ErrorsModule,
        SessionModule,
        RallyHereModule,
        GameLiftModule,
        RestFacadeModule,
        AdminModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        { provide: APP_GUARD, useClass: PrincipalGuard },
        // After the principal guard, so that budgets are keyed by the authenticated principal.
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProtocolExceptionFilter },
      ],
    };
  }
}
