import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConditionalRead } from '../common/conditional-read.js';
import { Auth } from '../auth/decorators.js';
import { HzApiErrorModelDto } from '../common/dto/error.dto.js';
import { SessionTemplateDto, SessionTemplatesDto } from '../session/dto/session-template.dto.js';
import { TemplatesService } from '../session/templates.service.js';
import { SessionTypeParamsDto } from './dto/params.dto.js';

@ApiTags('Session Templates')
@Controller('session')
export class TemplateController {
  constructor(private readonly templates: TemplatesService) {}

  /** Every session template, keyed by session type. */
  @Get('v1/template')
  @ConditionalRead()
  @Auth('session:*', 'session:read:config')
  @ApiOperation({ summary: 'Get All Session Templates', operationId: 'get_all_session_templates' })
  async all(): Promise<SessionTemplatesDto> {
    const templates = await this.templates.list();
    return { templates: Object.fromEntries(templates.map((t) => [t.session_type, t])) };
  }

  /** One session template. */
  @Get('v1/template/:session_type')
  @ConditionalRead()
  @Auth('session:*', 'session:read:config')
  @ApiOperation({ summary: 'Get Session Template By Type', operationId: 'get_session_template_by_type' })
  @ApiNotFoundResponse({ type: HzApiErrorModelDto, description: '`session_template_not_found`' })
  one(@Param() params: SessionTypeParamsDto): Promise<SessionTemplateDto> {
    return this.templates.get(params.session_type);
  }
}
