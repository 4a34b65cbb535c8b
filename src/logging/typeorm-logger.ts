import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerInterface } from 'typeorm';

/** Longest SQL text put into a log line. */
const MAX_QUERY = 2_000;

function sqlText(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_QUERY ? `${flat.slice(0, MAX_QUERY)}...` : flat;
}

/**
 * TypeORM's logger through the service's logger (pino, one JSON object per
 * line) instead of TypeORM's own console lines. The SQL text is logged, its
 * parameters never: they hold secret hashes, sealed secrets, device-id
 * digests and whatever a caller sent.
 */
export class TypeOrmLogger implements TypeOrmLoggerInterface {
  private readonly logger = new Logger('TypeORM');

  logQuery(): void {
    // Not enabled (`logging` has no 'query'): every statement would be a line.
  }

  logQueryError(error: string | Error, query: string): void {
    const { message, code } =
      typeof error === 'string' ? { message: error, code: undefined } : (error as Error & { code?: string });
    this.logger.error({ err: { message, code }, query: sqlText(query) }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ durationMs: time, query: sqlText(query) }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.logger.log(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
