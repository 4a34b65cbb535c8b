import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';
import { TypeOrmLogger } from '../logging/typeorm-logger.js';
import { migrateWithLock } from './migrate.js';
import { Notifier } from './notifier.js';
import { Sql } from './sql.js';

/**
 * The PostgreSQL connection (the configured `DATABASE_URL`, or the embedded
 * server main.ts started). Pending migrations and changed SQL functions are
 * applied before anything else can use the connection.
 */
@Global()
@Module({
  providers: [Sql, Notifier],
  exports: [Sql, Notifier],
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.database.url)
          throw new Error('No database URL: main.ts starts the embedded server when DATABASE_URL is unset');
        // Each feature module registers its own entities (TypeOrmModule.forFeature).
        return {
          ...dataSourceOptions({
            url: config.database.url,
            poolSize: config.database.poolSize,
            statementTimeoutMs: config.database.statementTimeoutMs,
          }),
          autoLoadEntities: true,
          // TypeORM's own lines as JSON through pino, without query parameters.
          logger: new TypeOrmLogger(),
        };
      },
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        const { migrations, functions } = await migrateWithLock(dataSource);
        const logger = new Logger('Database');
        if (migrations.length) logger.log(`applied migrations: ${migrations.join(', ')}`);
        if (functions) logger.log('applied the SQL function files');
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
