import { Global, Module } from '@nestjs/common';
import { Drain } from './drain.js';

/** Process lifecycle: the request drain used by graceful stop. */
@Global()
@Module({ providers: [Drain], exports: [Drain] })
export class LifecycleModule {}
