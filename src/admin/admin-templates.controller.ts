import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { AdminErrors } from './admin-errors.decorator.js';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth } from '../auth/decorators.js';
import { InvalidRequest } from '../common/errors.js';
import { SessionTemplateDto } from '../session/dto/session-template.dto.js';
import { TemplatesService } from '../session/templates.service.js';
import { toAdminTemplate } from './admin.views.js';
import { AdminTemplateDto, ForceQueryDto, AdminSessionTypeParamsDto } from './dto/admin.dto.js';
import { etagOf, ifMatchVersion } from './etag.js';

/**
 * Session templates. Changes apply to new sessions at once, on every
 * instance (templates are read from the database by create-or-join).
 * Updates and deletes are conditional on the template's version (`ETag`).
 */
@ApiTags('Admin')
@AdminErrors({ conditional: true })
@Controller('admin/v1/templates')
export class AdminTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Auth('admin:templates:read')
  @ApiOperation({ summary: 'List session templates' })
  async list(): Promise<AdminTemplateDto[]> {
    return (await this.templates.listVersioned()).map(toAdminTemplate);
  }

  @Get(':session_type')
  @Auth('admin:templates:read')
  @ApiOperation({ summary: 'Read a session template (with its ETag)' })
  async get(
    @Param() params: AdminSessionTypeParamsDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AdminTemplateDto> {
    const template = await this.templates.getVersioned(params.session_type);
    response.setHeader('ETag', etagOf(template.version));
    return toAdminTemplate(template);
  }

  /** Create a session template (409 when the type exists). */
  @Post()
  @Auth('admin:templates:write')
  @ApiOperation({ summary: 'Create a session template' })
  async create(
    @Body() body: SessionTemplateDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AdminTemplateDto> {
    const template = await this.templates.create(body);
    response.setHeader('ETag', etagOf(template.version));
    return toAdminTemplate(template);
  }

  /** Replace a template. `If-Match` is required: 412 when the template changed since it was read, 428 without it. */
  @Put(':session_type')
  @Auth('admin:templates:write')
  @ApiOperation({ summary: 'Replace a session template' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version being replaced' })
  async replace(
    @Param() params: AdminSessionTypeParamsDto,
    @Body() body: SessionTemplateDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AdminTemplateDto> {
    if (body.session_type !== params.session_type) {
      throw new InvalidRequest('session_type_mismatch', 'The body names another session_type than the path');
    }
    const template = await this.templates.replace(params.session_type, body, ifMatchVersion(ifMatch, true));
    response.setHeader('ETag', etagOf(template.version));
    return toAdminTemplate(template);
  }

  /**
   * Delete a template. 409 while live sessions use it, unless `force=true`
   * (they run on to their end). `If-Match` is honoured when sent.
   */
  @Delete(':session_type')
  @HttpCode(204)
  @Auth('admin:templates:write')
  @ApiOperation({ summary: 'Delete a session template' })
  @ApiHeader({ name: 'If-Match', required: false })
  async delete(
    @Param() params: AdminSessionTypeParamsDto,
    @Query() query: ForceQueryDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.templates.delete(params.session_type, {
      force: query.force ?? false,
      expectedVersion: ifMatchVersion(ifMatch, false),
    });
  }
}
