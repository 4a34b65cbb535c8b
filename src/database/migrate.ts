import type { DataSource } from 'typeorm';
import { applySqlFunctions } from './sql-functions.js';

/** Arbitrary but fixed: the advisory lock every instance takes around migrations. */
export const MIGRATION_LOCK_KEY = 0x4a4f494e; // "JOIN"

export interface MigrationResult {
  /** Names of the migrations applied. */
  migrations: string[];
  /** Whether the SQL function files changed and were applied. */
  functions: boolean;
}

/**
 * Runs pending migrations, then applies the SQL function files (each
 * module's `sql/*.sql`), under a PostgreSQL advisory lock, so that several
 * instances starting together apply each change exactly once.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<MigrationResult> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      const functions = await applySqlFunctions(runner);
      return { migrations: applied.map((m) => m.name), functions };
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
