import { Module } from '@nestjs/common';
import { CrossplayController } from './crossplay.controller.js';
import { CrossplayService } from './crossplay.service.js';

@Module({
  controllers: [CrossplayController],
  providers: [CrossplayService],
  exports: [CrossplayService],
})
export class CrossplayModule {}
