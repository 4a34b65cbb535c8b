import { DynamicModule, Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** Prometheus metrics; the service is global so the ledger and the sweeper can count outcomes. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(options: { endpoint: boolean }): DynamicModule {
    return {
      module: MetricsModule,
      controllers: options.endpoint ? [MetricsController] : [],
      providers: [MetricsService],
      exports: [MetricsService],
    };
  }
}
