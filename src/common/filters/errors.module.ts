import { Global, Module } from '@nestjs/common';
import { ErrorRenderers } from './error-renderer.js';

/** The registry every adapter module adds its error renderer to. */
@Global()
@Module({ providers: [ErrorRenderers], exports: [ErrorRenderers] })
export class ErrorsModule {}
