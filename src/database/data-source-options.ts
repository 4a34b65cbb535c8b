import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface DatabaseConnection {
  url: string;
  poolSize: number;
  applicationName?: string;
  /** `DATABASE_STATEMENT_TIMEOUT_MS`; 0: none sent. */
  statementTimeoutMs?: number;
}

/** One definition of the connection, shared by the app, the CLI (ormconfig.ts) and the tests. */
export function dataSourceOptions({
  url,
  poolSize,
  applicationName = 'joinery',
  statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS,
}: DatabaseConnection): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn', 'migration'],
    extra: poolOptions(poolSize, applicationName, statementTimeoutMs),
  };
}

/** A statement that waits longer than this on locks is a bug, not load. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

/**
 * The `pg` pool settings of every pool the service opens (the data source's, the read pool). The statement
 * timeout is a startup parameter of each connection, which PgBouncer refuses ("unsupported startup
 * parameter"): behind it, 0 sends none and the role's or database's `statement_timeout` applies (docs/scaling.md).
 */
export function poolOptions(max: number, applicationName: string, statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS) {
  return {
    max,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    keepAlive: true,
  };
}
