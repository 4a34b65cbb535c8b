import type { NestExpressApplication } from '@nestjs/platform-express';
import { createPrivateKey, type KeyObject, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createApp } from '../../src/app.factory.js';
import { SecretBox } from '../../src/auth/secret-box.js';
import { DEV_BOOTSTRAP, loadConfig } from '../../src/config/config.js';
import { createDatabaseFromTemplate, dropDatabase } from '../setup/test-database.js';

export const GAME_CLIENT = DEV_BOOTSTRAP.gameClient;
export const ADMIN_CLIENT = DEV_BOOTSTRAP.admin;

/** A database of its own for one test file, copied from the run's migrated template. */
export class TestDatabase {
  private client?: Promise<pg.Client>;

  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly adminUrl: string,
  ) {}

  static async create(): Promise<TestDatabase> {
    const adminUrl = process.env.JOINERY_TEST_ADMIN_URL;
    const run = process.env.JOINERY_TEST_RUN;
    if (!adminUrl || !run) throw new Error('The e2e global setup did not run');
    const template = `joinery_tpl_${run}`;
    const name = `joinery_t_${run}_${randomBytes(4).toString('hex')}`;
    const url = await createDatabaseFromTemplate(adminUrl, template, name);
    return new TestDatabase(name, url, adminUrl);
  }

  /** Runs SQL directly, to check what the service wrote. */
  async query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    // One client (it queues queries): unlike a pool's, its end() resolves only once the connection is closed.
    this.client ??= (async () => {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      return client;
    })();
    return (await (await this.client).query<T>(sql, params)).rows;
  }

  /** The private key of a stored signing key, opened with the development SECRETS_ENCRYPTION_KEY the tests run with. */
  async signingKey(kid: string): Promise<KeyObject> {
    const [row] = await this.query(`SELECT private_key_sealed FROM signing_key WHERE kid = $1`, [kid]);
    const pem = row && new SecretBox(DEV_BOOTSTRAP.secretsEncryptionKey).open(row.private_key_sealed, kid);
    if (!pem) throw new Error(`signing key ${kid} is not stored or does not open`);
    return createPrivateKey(pem);
  }

  async drop(): Promise<void> {
    if (this.client) await (await this.client).end();
    await dropDatabase(this.adminUrl, this.name);
  }
}

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

  async close(): Promise<void> {
    await this.app.close();
  }
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small fetch wrapper: JSON in, JSON out, status and headers kept. */
export async function http<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/** Logs a player in by device id through the bootstrap game client. */
export async function loginPlayer(baseUrl: string, deviceId: string, extra: Record<string, unknown> = {}) {
  const result = await http(baseUrl, 'POST', '/users/v1/login', {
    body: { grant_type: 'anon', portal_access_token: deviceId, ...extra },
    headers: { authorization: basic(GAME_CLIENT.clientId, GAME_CLIENT.secret) },
  });
  if (result.status !== 200) throw new Error(`login failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as {
    access_token: string;
    active_player_uuid: string;
    refresh_token?: string;
    permissions: string[];
  };
}

/** Logs the bootstrap admin client in (client_credentials). */
export async function loginAdmin(baseUrl: string) {
  const result = await http(baseUrl, 'POST', '/users/v1/login', {
    body: { grant_type: 'client_credentials' },
    headers: { authorization: basic(ADMIN_CLIENT.clientId, ADMIN_CLIENT.secret) },
  });
  if (result.status !== 200) throw new Error(`admin login failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body as { access_token: string; permissions: string[] };
}
