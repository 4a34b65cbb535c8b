import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './database/data-source-options.js';
import { migrateWithLock } from './database/migrate.js';

/**
 * `npm run migration:run`: migrates the database and applies the SQL function
 * files, as the service does at start-up (same lock), then exits. It connects
 * to DATABASE_DIRECT_URL when set (PostgreSQL itself rather than PgBouncer),
 * else to DATABASE_URL.
 */
const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must be set (for example postgres://postgres@127.0.0.1:5432/joinery)');
  process.exit(1);
}
const dataSource = await new DataSource(
  dataSourceOptions({ url, poolSize: 2, applicationName: 'joinery-migrate' }),
).initialize();
try {
  const { migrations, functions } = await migrateWithLock(dataSource);
  console.log(
    `migrations applied: ${migrations.length ? migrations.join(', ') : 'none'}; SQL functions ${functions ? 'applied' : 'unchanged'}`,
  );
} finally {
  await dataSource.destroy();
}
