import { type DataSource, MigrationExecutor } from 'typeorm';
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
 * module's `sql/*.sql`), in one transaction that first takes a
 * transaction-scoped advisory lock, so that several instances starting
 * together apply each change exactly once (the others wait, then find
 * nothing to do), and a failed start leaves nothing half applied.
 *
 * The lock is transaction-scoped, never a session lock: through a pooler in
 * transaction mode (PgBouncer) each statement outside a transaction may run
 * on another server connection, so a session lock could be taken on one and
 * "released" on another, and stay held for ever. A transaction keeps its
 * server connection until it ends. Consequence: a migration cannot opt out of
 * the transaction (`transaction = false`, for CREATE INDEX CONCURRENTLY);
 * TypeORM refuses such a migration here.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<MigrationResult> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all'; // the one already open
      const applied = await executor.executePendingMigrations();
      // Inside the open transaction its own transaction is a savepoint.
      const functions = await applySqlFunctions(runner);
      await runner.commitTransaction();
      return { migrations: applied.map((m) => m.name), functions };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    await runner.release();
  }
}
