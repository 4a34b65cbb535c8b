import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readFile } from 'node:fs/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { flattenValidationErrors } from '../common/validation.js';
import { returnedRows } from '../database/query-result.js';
import { AppConfig } from '../config/config.js';
import { type NormalizedTemplate, normalizeTemplate, SessionTemplateDto } from './dto/session-template.dto.js';
import { SessionTemplateEntity } from './entities/session-template.entity.js';
import { Conflict, PreconditionFailed } from '../common/errors.js';
import { SessionTemplateNotFound, TemplateInUse } from './session.errors.js';

/** A template as the admin API handles it: with its version (the ETag) and where it came from. */
export interface VersionedTemplate {
  template: NormalizedTemplate;
  version: number;
  source: 'file' | 'admin';
  updatedAt: Date;
}

function versioned(row: SessionTemplateEntity): VersionedTemplate {
  return {
    template: row.config as unknown as NormalizedTemplate,
    version: row.version,
    source: row.source,
    updatedAt: row.updatedAt,
  };
}

export class TemplatesFileError extends Error {}

/** Reads and validates a templates file: `{"templates": {"<type>": SessionTemplate, ...}}`. */
export async function readTemplatesFile(path: string): Promise<NormalizedTemplate[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new TemplatesFileError(`Cannot read session templates from ${path}: ${(error as Error).message}`);
  }
  const templates = (parsed as { templates?: unknown })?.templates;
  if (typeof templates !== 'object' || templates === null || Array.isArray(templates)) {
    throw new TemplatesFileError(`${path} must hold {"templates": {"<session_type>": {...}}}`);
  }
  return Object.entries(templates).map(([key, value]) => {
    const dto = plainToInstance(SessionTemplateDto, { session_type: key, ...(value as object) });
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      const details = flattenValidationErrors(errors).map((d) => `${d.loc.join('.')}: ${d.msg}`);
      throw new TemplatesFileError(`Invalid session template "${key}" in ${path}:\n  - ${details.join('\n  - ')}`);
    }
    if (dto.session_type !== key) {
      throw new TemplatesFileError(
        `Session template "${key}" in ${path} names another session_type (${dto.session_type})`,
      );
    }
    return normalizeTemplate(dto);
  });
}

/** The template columns, in the order of {@link templateValues}: the whole template, and the fields SQL reads. */
const COLUMNS = [
  'session_type',
  'config',
  'can_be_created_by_players_directly',
  'attempt_auto_join',
  'default_public',
  'keep_alive_on_empty',
  'can_change_own_team',
  'num_teams',
  'players_per_team',
] as const;

export function templateValues(t: NormalizedTemplate): unknown[] {
  return [
    t.session_type,
    JSON.stringify(t),
    t.can_be_created_by_players_directly,
    t.attempt_auto_join,
    t.default_public,
    t.keep_alive_on_empty,
    t.can_change_own_team,
    t.num_teams,
    t.players_per_team,
  ];
}

const PLACEHOLDERS = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
const SOURCE = `$${COLUMNS.length + 1}`;
/** INSERT of a template with its source; callers add the ON CONFLICT clause. */
const INSERT = `INSERT INTO session_template AS t (${COLUMNS.join(', ')}, source) VALUES (${PLACEHOLDERS}, ${SOURCE})`;
/** The non-key columns set from EXCLUDED (upserts) or from parameters shifted by one (updates). */
const FROM_EXCLUDED = COLUMNS.slice(1)
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

/**
 * Session templates live in the database, so every instance sees the same
 * ones and changes apply to new sessions at once. At start-up the templates
 * file is applied: its templates are created or updated, except those an
 * operator edited through the admin API.
 */
@Injectable()
export class TemplatesService implements OnModuleInit {
  private readonly logger = new Logger(TemplatesService.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const templates = await readTemplatesFile(this.config.sessions.templatesFile);
    const changed = await this.applyFileTemplates(templates);
    this.logger.log(
      `session templates from ${this.config.sessions.templatesFile}: ${templates.map((t) => t.session_type).join(', ')}` +
        (changed ? ` (${changed} created or updated)` : ''),
    );
  }

  async list(): Promise<NormalizedTemplate[]> {
    const rows = await this.dataSource.getRepository(SessionTemplateEntity).find({ order: { sessionType: 'ASC' } });
    return rows.map((r) => r.config as unknown as NormalizedTemplate);
  }

  async get(sessionType: string): Promise<NormalizedTemplate> {
    const row = await this.dataSource.getRepository(SessionTemplateEntity).findOne({ where: { sessionType } });
    if (!row) throw new SessionTemplateNotFound(sessionType);
    return row.config as unknown as NormalizedTemplate;
  }

  async listVersioned(): Promise<VersionedTemplate[]> {
    const rows = await this.dataSource.getRepository(SessionTemplateEntity).find({ order: { sessionType: 'ASC' } });
    return rows.map(versioned);
  }

  async getVersioned(sessionType: string): Promise<VersionedTemplate> {
    const row = await this.dataSource.getRepository(SessionTemplateEntity).findOne({ where: { sessionType } });
    if (!row) throw new SessionTemplateNotFound(sessionType);
    return versioned(row);
  }

  /** Creates a template (source `admin`); 409 when the type exists. Applies to new sessions at once. */
  async create(dto: SessionTemplateDto): Promise<VersionedTemplate> {
    const inserted: unknown[] = await this.dataSource.query(
      `${INSERT} ON CONFLICT (session_type) DO NOTHING RETURNING session_type`,
      [...templateValues(normalizeTemplate(dto)), 'admin'],
    );
    if (inserted.length === 0)
      throw new Conflict('session_template_exists', `Session template ${dto.session_type} already exists`);
    return this.getVersioned(dto.session_type);
  }

  /**
   * Replaces a template if it is still at `expectedVersion` (optimistic
   * concurrency: a concurrent edit gets 412 instead of being lost). The file
   * no longer overrides it (source becomes `admin`).
   */
  async replace(sessionType: string, dto: SessionTemplateDto, expectedVersion: number): Promise<VersionedTemplate> {
    // Parameters: $1 the type (as in the INSERT), $2..$9 the other columns, $10 the expected version.
    const set = COLUMNS.slice(1)
      .map((c, i) => `${c} = $${i + 2}`)
      .join(', ');
    const updated = returnedRows(
      await this.dataSource.query(
        `UPDATE session_template SET ${set}, source = 'admin', version = version + 1, updated_at = now()
         WHERE session_type = $1 AND version = $${COLUMNS.length + 1}
         RETURNING session_type`,
        [...templateValues(normalizeTemplate({ ...dto, session_type: sessionType })), expectedVersion],
      ),
    );
    if (updated.length === 0) {
      const current = await this.getVersioned(sessionType);
      throw new PreconditionFailed(
        'session_template_version_mismatch',
        `Session template ${sessionType} is at version ${current.version}, not ${expectedVersion}: read it again`,
      );
    }
    return this.getVersioned(sessionType);
  }

  /**
   * Deletes a template. Refused while live sessions of the type exist, unless
   * forced: they then run on to their end (a session never reads its template
   * again); no new one can be created or joined by create-or-join.
   */
  async delete(sessionType: string, options: { force: boolean; expectedVersion?: number }): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<{ version: number }[]>(
        `SELECT version FROM session_template WHERE session_type = $1 FOR UPDATE`,
        [sessionType],
      );
      if (!row) throw new SessionTemplateNotFound(sessionType);
      if (options.expectedVersion !== undefined && row.version !== options.expectedVersion) {
        throw new PreconditionFailed(
          'session_template_version_mismatch',
          `Session template ${sessionType} is at version ${row.version}, not ${options.expectedVersion}`,
        );
      }
      const [{ live }] = await manager.query<{ live: number }[]>(
        `SELECT count(*)::int AS live FROM game_session WHERE type = $1 AND status IN ('ACTIVATING', 'ACTIVE')`,
        [sessionType],
      );
      if (live > 0 && !options.force) throw new TemplateInUse(sessionType, live);
      await manager.query(`DELETE FROM session_template WHERE session_type = $1`, [sessionType]);
    });
  }

  private async applyFileTemplates(templates: NormalizedTemplate[]): Promise<number> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      let changed = 0;
      for (const template of templates) {
        const rows: unknown[] = await manager.query(
          `${INSERT}
           ON CONFLICT (session_type) DO UPDATE SET ${FROM_EXCLUDED}, version = t.version + 1, updated_at = now()
           WHERE t.source = 'file' AND t.config IS DISTINCT FROM EXCLUDED.config
           RETURNING session_type`,
          [...templateValues(template), 'file'],
        );
        changed += rows.length;
      }
      return changed;
    });
  }
}
