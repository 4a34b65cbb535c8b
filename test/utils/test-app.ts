import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { stopApp } from '../../src/server.js';
import type { TestDatabase } from './database.js';

export { TestDatabase } from './database.js';
export * from './http.js';

/** One running instance of the real application, listening on a free loopback port. */
export class TestApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly baseUrl: string,
  ) {}

  static start(database: TestDatabase, env: Record<string, string> = {}): Promise<TestApp> {
    return TestApp.startOn(database.url, env);
  }

  /** The same on any database URL (an embedded server a test started itself, for example). */
  static async startOn(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
    // Rate limiting is off unless a test turns it on (test/operations/rate-limit.e2e.ts): suites fire
    // hundreds of requests from one principal and one IP.
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_ENABLED: 'false',
      DATABASE_URL: databaseUrl,
      ...env,
    });
    const app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    return new TestApp(app, (await app.getUrl()).replace('[::1]', '127.0.0.1'));
  }

  /** Stops as the service does (src/server.ts): in-flight requests finish, open connections are dropped. */
  async close(): Promise<void> {
    await stopApp(this.app, 5_000);
  }
}
