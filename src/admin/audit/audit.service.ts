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

/** Longest text kept in one audit column (a longer path is cut, marked with an ellipsis). */
const MAX_TEXT = 2048;
const UNSTORABLE = /\p{Cs}/gu;

/**
 * Text as PostgreSQL can store it: NUL characters and unpaired surrogates
 * (which `text` and `jsonb` refuse) become U+FFFD, and overlong text is cut.
 * The audit records every attempt, whatever its input.
 */
export function storable(text: string): string {
  const clean = text.replaceAll('\u0000', '\uFFFD').replace(UNSTORABLE, '\uFFFD');
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}…` : clean;
}

/** The admin audit log: append and read. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditLog) private readonly log: Repository<AuditLogEntity>) {}

  async record(entry: AuditRecord): Promise<void> {
    const target = Object.fromEntries(
      Object.entries(entry.target).map(([key, value]) => [storable(key), storable(String(value))]),
    );
    await this.log.insert({
      actorKind: entry.principal?.kind ?? 'anonymous',
      actorId: entry.principal?.subject ?? null,
      actorRole: entry.principal?.role ?? null,
      action: storable(`${entry.method} ${entry.routePath}`),
      method: storable(entry.method),
      path: storable(entry.path),
      target,
      outcome: outcomeOf(entry.status),
      status: entry.status,
      requestId: entry.requestId === undefined ? null : storable(entry.requestId),
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
