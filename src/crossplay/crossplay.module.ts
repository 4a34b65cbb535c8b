import { Module } from '@nestjs/common';
import { CrossplayService } from './crossplay.service.js';

@Module({
  providers: [CrossplayService],
  exports: [CrossplayService],
})
export class CrossplayModule {}
