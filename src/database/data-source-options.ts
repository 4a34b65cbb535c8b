import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface DatabaseConnection {
  url: string;
  poolSize: number;
  applicationName?: string;
}

/** One definition of the connection, shared by the app, the CLI (ormconfig.ts) and the tests. */
export function dataSourceOptions({
  url,
  poolSize,
  applicationName = 'joinery',
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
    extra: poolOptions(poolSize, applicationName),
  };
}

/** The `pg` pool settings of every pool the service opens (the data source's, the read pool). */
export function poolOptions(max: number, applicationName: string) {
  return {
    max,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that waits longer than this on locks is a bug, not load.
    statement_timeout: 15_000,
    keepAlive: true,
  };
}
