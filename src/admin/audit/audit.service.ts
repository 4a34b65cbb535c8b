import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import { type AuditLogEntity, type AuditOutcome, AuditLogEntity as AuditLog } from './audit-log.entity.js';

export interface AuditRecord {
  principal?: Principal;
  method: string;
  routePath: string;
  path: string;
  target: Record<string, string>;
  status: number;
  requestId?: string;
}

export interface AuditQuery {
  after?: number;
  limit: number;
  actor?: string;
  outcome?: AuditOutcome;
}

export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  return status === 401 || status === 403 ? 'refused' : 'failed';
}

/** The admin audit log: append and read. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditLog) private readonly log: Repository<AuditLogEntity>) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.log.insert({
      actorKind: entry.principal?.kind ?? 'anonymous',
      actorId: entry.principal?.subject ?? null,
      actorRole: entry.principal?.role ?? null,
      action: `${entry.method} ${entry.routePath}`,
      method: entry.method,
      path: entry.path,
      target: entry.target,
      outcome: outcomeOf(entry.status),
      status: entry.status,
      requestId: entry.requestId ?? null,
    });
  }

  /** Entries in the order they happened, after the `after` id. */
  async list(query: AuditQuery): Promise<{ entries: AuditLogEntity[]; next?: number }> {
    const builder = this.log
      .createQueryBuilder('a')
      .orderBy('a.id', 'ASC')
      .take(query.limit + 1);
    if (query.after !== undefined) builder.andWhere('a.id > :after', { after: query.after });
    if (query.actor) builder.andWhere('a.actor_id = :actor', { actor: query.actor });
    if (query.outcome) builder.andWhere('a.outcome = :outcome', { outcome: query.outcome });
    const rows = await builder.getMany();
    const entries = rows.slice(0, query.limit);
    return { entries, next: rows.length > query.limit ? Number(entries[entries.length - 1].id) : undefined };
  }
}
