import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/config.js';
import { poolOptions } from './data-source-options.js';

/** SQLSTATEs of a statement PostgreSQL rolled back whole and that may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;
/** A named statement the server connection lacks (26000) or already holds (42P05): a pooler in transaction mode. */
const PREPARED_MISMATCH = new Set(['26000', '42P05']);

export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * Plain SQL for the hot paths, one pooled round trip without the ORM's query
 * runner around it: `query` on the data source's own `pg` pool (the seat
 * ledger's functions), `read` on a small pool of its own
 * (`DATABASE_READ_POOL_SIZE`, same database) for the session reads, so that
 * reads never queue behind joins waiting for a session's row lock. A
 * statement aborted by a deadlock or a serialization failure wrote nothing,
 * so it is run again (3 attempts); after that the error goes up and answers 503.
 */
@Injectable()
export class Sql implements OnApplicationShutdown {
  private readonly logger = new Logger(Sql.name);
  private readonly pool: pg.Pool;
  private readonly readPool: pg.Pool;
  private readonly prepare: boolean;
  private toldPooler = false;

  constructor(@InjectDataSource() dataSource: DataSource, config: AppConfig) {
    this.pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
    const { url, readPoolSize, preparedStatements, statementTimeoutMs } = config.database;
    this.prepare = preparedStatements;
    if (readPoolSize > 0 && url) {
      this.readPool = new pg.Pool({
        connectionString: url,
        ...poolOptions(readPoolSize, 'joinery-read', statementTimeoutMs),
      });
      // An idle connection dropped by the server (a restart) must not crash the process; the pool replaces it.
      this.readPool.on('error', (error) => this.logger.warn(`read pool: ${error.message}`));
    } else {
      this.readPool = this.pool;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.readPool !== this.pool) await this.readPool.end();
  }

  /** A read-only statement on the read pool. */
  async read<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.run<T>(this.readPool, { text, values: params });
  }

  /**
   * Runs one statement. With `prepared`, a name for it: each connection
   * parses and plans it once and then only binds values (the hot paths).
   * With `DATABASE_PREPARED_STATEMENTS=false` the name is left out and the
   * statement is unnamed like every other: a pooler in transaction mode
   * without prepared-statement support (PgBouncer before 1.21) would hand
   * the next transaction a server connection that lacks it, or already has it.
   */
  async query<T = Record<string, unknown>>(text: string, params: unknown[] = [], prepared?: string): Promise<T[]> {
    const name = this.prepare ? prepared : undefined;
    return this.run<T>(this.pool, name ? { name, text, values: params } : { text, values: params });
  }

  private async run<T>(pool: pg.Pool, config: pg.QueryConfig): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await pool.query(config)).rows as T[];
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (config.name && code && PREPARED_MISMATCH.has(code)) this.tellPooler(error as Error);
        if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
      }
    }
  }

  /** Once per process: the likely cause and the setting that removes it. */
  private tellPooler(error: Error): void {
    if (this.toldPooler) return;
    this.toldPooler = true;
    this.logger.error(
      `${error.message}: DATABASE_URL seems to go through a pooler in transaction mode that does not track prepared ` +
        'statements (PgBouncer before 1.21, or max_prepared_statements = 0); set DATABASE_PREPARED_STATEMENTS=false ' +
        '(docs/scaling.md)',
    );
  }

  /** Connections of this instance's pools (main, and read when it has its own): open, idle, requests waiting. */
  poolUse(): { main: PoolUse; read?: PoolUse } {
    return { main: use(this.pool), read: this.readPool === this.pool ? undefined : use(this.readPool) };
  }
}

function use(pool: pg.Pool & { options?: { max?: number } }): PoolUse {
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options?.max ?? 0 };
}
