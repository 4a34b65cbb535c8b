import type { DataSource } from 'typeorm';

/** Arbitrary but fixed: the advisory lock every instance takes around migrations. */
export const MIGRATION_LOCK_KEY = 0x4a4f494e; // "JOIN"

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so that several
 * instances starting together apply each migration exactly once.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
