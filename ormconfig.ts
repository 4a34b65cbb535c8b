import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source-options.js';

/**
 * Data source for the TypeORM CLI (`npm run migration:*`). Needs DATABASE_URL
 * (DATABASE_DIRECT_URL first when set); the service itself migrates on
 * start-up, under an advisory lock.
 */
const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
if (!url) {
  throw new Error(
    'DATABASE_URL must be set for the TypeORM CLI (for example postgres://postgres@127.0.0.1:5432/joinery)',
  );
}

export default new DataSource(dataSourceOptions({ url, poolSize: 2, applicationName: 'joinery-cli' }));
