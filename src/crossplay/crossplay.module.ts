import { type DynamicModule, Module } from '@nestjs/common';
import type { PlatformFamilies } from './crossplay.js';
import { CrossplayController } from './crossplay.controller.js';
import { CrossplayService, PLATFORM_FAMILIES } from './crossplay.service.js';

/** The crossplay rule with this deployment's platform families, for every module (global). */
@Module({})
export class CrossplayModule {
  static forRoot(families: PlatformFamilies): DynamicModule {
    return {
      module: CrossplayModule,
      global: true,
      controllers: [CrossplayController],
      providers: [{ provide: PLATFORM_FAMILIES, useValue: families }, CrossplayService],
      exports: [CrossplayService],
    };
  }
}
