import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import type { DataSource } from 'typeorm';

/** SQLSTATEs of a statement PostgreSQL rolled back whole and that may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * Plain SQL on the data source's own `pg` pool, for the hot paths (the seat
 * ledger's functions, the session reads): one pooled round trip, without the
 * ORM's query runner around it. A statement aborted by a deadlock or a
 * serialization failure wrote nothing, so it is run again (3 attempts);
 * after that the error goes up and answers 503.
 */
@Injectable()
export class Sql {
  private readonly pool: pg.Pool;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
  }

  /**
   * Runs one statement. With `prepared`, a name for it: each connection
   * parses and plans it once and then only binds values (the hot paths).
   */
  async query<T = Record<string, unknown>>(text: string, params: unknown[] = [], prepared?: string): Promise<T[]> {
    const config: pg.QueryConfig = prepared ? { name: prepared, text, values: params } : { text, values: params };
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.pool.query(config)).rows as T[];
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
      }
    }
  }

  /** Connections of this instance's pool: open, idle, and requests waiting for one. */
  poolUse(): PoolUse {
    const pool = this.pool as pg.Pool & { options?: { max?: number } };
    return {
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options?.max ?? 0,
    };
  }
}
