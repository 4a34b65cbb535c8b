import { Module } from '@nestjs/common';
import { ErrorRenderers } from '../common/filters/error-renderer.js';
import { SessionModule } from '../session/session.module.js';
import { SessionEventsController } from './events.controller.js';
import { InstanceController } from './instance.controller.js';
import { RallyHerePlayerController } from './player.controller.js';
import { RallyHereErrorRenderer } from './rallyhere-error.renderer.js';
import { RallyHereInstancesService } from './rallyhere-instances.service.js';
import { RallyHereSessionsService } from './rallyhere-sessions.service.js';
import { SessionController } from './session.controller.js';
import { TemplateController } from './template.controller.js';

/**
 * The RallyHere-compatible session API (`/session/v1/...`): controllers,
 * DTOs, views and the use-case service over the session core. Its error
 * shape is the service's default, for every route no other adapter claims.
 */
@Module({
  imports: [SessionModule],
  controllers: [
    SessionController,
    InstanceController,
    RallyHerePlayerController,
    SessionEventsController,
    TemplateController,
  ],
  providers: [RallyHereSessionsService, RallyHereInstancesService],
})
export class RallyHereModule {
  constructor(renderers: ErrorRenderers) {
    renderers.add(new RallyHereErrorRenderer(), { fallback: true });
  }
}
