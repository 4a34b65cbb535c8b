import { Module } from '@nestjs/common';
import { ErrorRenderers } from '../common/filters/error-renderer.js';
import { SessionModule } from '../session/session.module.js';
import { RestPlayerSessionsController } from './player-sessions.controller.js';
import { RestEnvelopeErrorRenderer } from './rest-error.renderer.js';

/** The seed page's REST facade (`/player-session/v1/...`) in its `{success, data | error}` envelope. */
@Module({
  imports: [SessionModule],
  controllers: [RestPlayerSessionsController],
})
export class RestFacadeModule {
  constructor(renderers: ErrorRenderers) {
    renderers.add(new RestEnvelopeErrorRenderer());
  }
}
