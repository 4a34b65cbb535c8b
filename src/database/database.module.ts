import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';
import { TypeOrmLogger } from '../logging/typeorm-logger.js';
import { migrateWithLock } from './migrate.js';
import { Sql } from './sql.js';

/**
 * The PostgreSQL connection (the configured `DATABASE_URL`, or the embedded
 * server main.ts started). Pending migrations run before anything else can
 * use the connection.
 */
@Global()
@Module({
  providers: [Sql],
  exports: [Sql],
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.database.url)
          throw new Error('No database URL: main.ts starts the embedded server when DATABASE_URL is unset');
        return {
          ...dataSourceOptions({ url: config.database.url, poolSize: config.database.poolSize }),
          // TypeORM's own lines as JSON through pino, without query parameters.
          logger: new TypeOrmLogger(),
        };
      },
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        const applied = await migrateWithLock(dataSource);
        if (applied.length) new Logger('Database').log(`applied migrations: ${applied.join(', ')}`);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
