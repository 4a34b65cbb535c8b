import { Controller, Get, Query } from '@nestjs/common';
import { AdminErrors } from './admin-errors.decorator.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators.js';
import { toAuditEntry } from './admin.views.js';
import { AuditService } from './audit/audit.service.js';
import { AuditPageDto, AuditQueryDto } from './dto/admin.dto.js';

@ApiTags('Admin')
@AdminErrors()
@Controller('admin/v1/audit')
export class AdminAuditController {
  constructor(private readonly audit: AuditService) {}

  /**
   * The audit log in the order things happened: every admin change and every
   * refused admin attempt, with who, what, when and the outcome.
   */
  @Get()
  @Auth('admin:audit:read')
  @ApiOperation({ summary: 'Read the audit log' })
  async list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    const { entries, next } = await this.audit.list({
      after: query.after,
      limit: query.limit ?? 100,
      actor: query.actor,
      outcome: query.outcome,
    });
    return { entries: entries.map(toAuditEntry), ...(next !== undefined ? { next_cursor: next } : {}) };
  }
}
