import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { SessionModule } from '../session/session.module.js';
import { AdminAuditController } from './admin-audit.controller.js';
import { AdminIdentityController } from './admin-identity.controller.js';
import { AdminSessionsController } from './admin-sessions.controller.js';
import { AdminTemplatesController } from './admin-templates.controller.js';
import { AuditLogEntity } from './audit/audit-log.entity.js';
import { AuditMiddleware } from './audit/audit.middleware.js';
import { AuditService } from './audit/audit.service.js';

/**
 * The operator API under `/admin/v1`: thin controllers over the core, the
 * auth services, and an audit log that records every change and every
 * refused attempt on any `/admin` route.
 */
@Module({
  imports: [AuthModule, SessionModule, TypeOrmModule.forFeature([AuditLogEntity])],
  controllers: [AdminTemplatesController, AdminSessionsController, AdminIdentityController, AdminAuditController],
  // The audit middleware is installed by app.factory.ts before the body parser, so that a request refused
  // there (malformed or too deep JSON, too large) is recorded too.
  providers: [AuditService, AuditMiddleware],
  exports: [AuditService, AuditMiddleware],
})
export class AdminModule {}
