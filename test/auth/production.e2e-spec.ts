import { generateKeyPairSync } from 'node:crypto';
import { DEV_BOOTSTRAP } from '../../src/config/config.js';
import { runToExit, ServiceProcess } from '../utils/service-process.js';
import { ADMIN_CLIENT, basic, GAME_CLIENT, http, TestApp, TestDatabase } from '../utils/test-app.js';

/** A production-like encryption key (random characters, not the development one). */
const PRODUCTION_KEY = 'N7qV2xL9pR4tZ8mC1wB6yH3kF5jD0sGa';

/**
 * Issue 13, items 16-19: production refuses development and weak secrets
 * (naming the variable, never printing the value), disables the development
 * bootstrap rows of a database that once ran in development, refuses signing
 * keys that could not sign, serves neither the explorer nor /metrics unless
 * told to; logs are JSON lines without SQL parameters.
 */
describe('Production start-up (e2e)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await TestDatabase.create();
  });

  afterAll(async () => {
    await db?.drop();
  });

  const production = (env: Record<string, string> = {}) => ({
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    PORT: '0',
    SECRETS_ENCRYPTION_KEY: PRODUCTION_KEY,
    ...env,
  });

  it('refuses the development secrets and a 32-a encryption key, naming the variables only', async () => {
    const weak = await runToExit(production({ SECRETS_ENCRYPTION_KEY: 'a'.repeat(32) }));
    expect(weak.code).toBe(1);
    expect(weak.output).toMatch(/SECRETS_ENCRYPTION_KEY: too predictable/);
    expect(weak.output).not.toContain('a'.repeat(32));

    const dev = await runToExit(
      production({
        SECRETS_ENCRYPTION_KEY: DEV_BOOTSTRAP.secretsEncryptionKey,
        BOOTSTRAP_ADMIN_CLIENT_ID: ADMIN_CLIENT.clientId,
        BOOTSTRAP_ADMIN_CLIENT_SECRET: ADMIN_CLIENT.secret,
        BOOTSTRAP_ACCESS_KEY_ID: DEV_BOOTSTRAP.accessKey.accessKeyId,
        BOOTSTRAP_ACCESS_KEY_SECRET: DEV_BOOTSTRAP.accessKey.secret,
      }),
    );
    expect(dev.code).toBe(1);
    for (const name of ['SECRETS_ENCRYPTION_KEY', 'BOOTSTRAP_ADMIN_CLIENT_SECRET', 'BOOTSTRAP_ACCESS_KEY_SECRET']) {
      expect(dev.output).toMatch(new RegExp(`${name}: is the documented development value`));
    }
    for (const value of [DEV_BOOTSTRAP.secretsEncryptionKey, ADMIN_CLIENT.secret, DEV_BOOTSTRAP.accessKey.secret]) {
      expect(dev.output).not.toContain(value);
    }
  });

  it('refuses a 1024-bit or EC JWT_PRIVATE_KEY at start-up, without printing it', async () => {
    const pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
      key.export({ format: 'pem', type: 'pkcs8' }).toString();
    const small = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
    const ec = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const body = (key: string) => key.split('\n')[1];

    const refusedSmall = await runToExit({ NODE_ENV: 'test', DATABASE_URL: db.url, JWT_PRIVATE_KEY: small });
    expect(refusedSmall.code).toBe(1);
    expect(refusedSmall.output).toContain('JWT_PRIVATE_KEY: must be an RSA key of at least 2048 bits, got 1024');
    expect(refusedSmall.output).not.toContain(body(small));

    const refusedEc = await runToExit({ NODE_ENV: 'test', DATABASE_URL: db.url, JWT_PRIVATE_KEY: ec });
    expect(refusedEc.code).toBe(1);
    expect(refusedEc.output).toContain('JWT_PRIVATE_KEY: must be an RSA key for RS256, got a ec key');
    expect(refusedEc.output).not.toContain(body(ec));

    const garbage = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFsLW5vdC1hLWtleQ==\n-----END PRIVATE KEY-----';
    const refusedGarbage = await runToExit({ NODE_ENV: 'test', DATABASE_URL: db.url, JWT_PRIVATE_KEY: garbage });
    expect(refusedGarbage.code).toBe(1);
    expect(refusedGarbage.output).toContain('JWT_PRIVATE_KEY: is not a readable PEM private key (value not shown)');
    expect(refusedGarbage.output).not.toContain('c2VjcmV0LW1hdGVyaWFsLW5vdC1hLWtleQ');
  });

  it('disables the development bootstrap rows of a database that once ran in development', async () => {
    // A development run: the documented clients and access key are bootstrapped and work.
    const development = await TestApp.start(db, { NODE_ENV: 'development' });
    try {
      const admin = await http(development.baseUrl, 'POST', '/users/v1/login', {
        body: { grant_type: 'client_credentials' },
        headers: { authorization: basic(ADMIN_CLIENT.clientId, ADMIN_CLIENT.secret) },
      });
      expect(admin.status).toBe(200);
    } finally {
      await development.close();
    }

    const live = await TestApp.start(db, production());
    try {
      for (const client of [ADMIN_CLIENT, GAME_CLIENT]) {
        const login = await http(live.baseUrl, 'POST', '/users/v1/login', {
          body: { grant_type: 'client_credentials' },
          headers: { authorization: basic(client.clientId, client.secret) },
        });
        expect(login).toMatchObject({ status: 403, body: { error_code: 'client_credentials_invalid' } });
      }
      const clients = await db.query(`SELECT client_id, enabled FROM auth_client WHERE client_id = ANY($1)`, [
        [ADMIN_CLIENT.clientId, GAME_CLIENT.clientId],
      ]);
      expect(clients.map((c) => c.enabled)).toEqual([false, false]);
      const [key] = await db.query(`SELECT enabled FROM access_key WHERE id = $1`, [
        DEV_BOOTSTRAP.accessKey.accessKeyId,
      ]);
      expect(key.enabled).toBe(false);
      // The signing key sealed under the development encryption key does not sign in production.
      const keys = await db.query(`SELECT retired_at FROM signing_key ORDER BY created_at`);
      expect(keys[0].retired_at).not.toBeNull();
      expect(keys.filter((k) => k.retired_at === null)).toHaveLength(1);

      // Item 19: neither the explorer nor the metrics are served by default.
      for (const path of ['/docs', '/docs-json', '/metrics']) {
        expect((await http(live.baseUrl, 'GET', path)).status).toBe(404);
      }
      expect((await http(live.baseUrl, 'GET', '/health')).status).toBe(200);
    } finally {
      await live.close();
    }
  });

  it('serves /docs and /metrics in production when the configuration says so', async () => {
    const live = await TestApp.start(db, production({ SWAGGER_ENABLED: 'true', METRICS_ENABLED: 'true' }));
    try {
      for (const path of ['/docs', '/docs-json', '/metrics']) {
        expect((await http(live.baseUrl, 'GET', path)).status).toBe(200);
      }
    } finally {
      await live.close();
    }
  });

  it('logs a failed query as JSON lines, without its parameters', async () => {
    const service = await ServiceProcess.start({ DATABASE_URL: db.url, LOG_LEVEL: 'info' });
    const marker = 'marker-client-8f3a91';
    try {
      // A schema the service does not expect: every client look-up fails in the database.
      await db.query(`ALTER TABLE auth_client RENAME COLUMN secret_hash TO secret_hash_moved`);
      const result = await http(service.url, 'POST', '/users/v1/login', {
        body: { grant_type: 'client_credentials' },
        headers: { authorization: basic(marker, 'marker-secret-77') },
      });
      expect(result.status).toBe(500);
    } finally {
      await service.stop();
      await db.query(`ALTER TABLE auth_client RENAME COLUMN secret_hash_moved TO secret_hash`);
    }
    const lines = service
      .fullLog()
      .split('\n')
      .filter((line) => line.trim() !== '');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = parsed.find((entry) => entry.context === 'TypeORM' && entry.msg === 'query failed');
    expect(failed).toMatchObject({ query: expect.stringContaining('auth_client') });
    const unhandled = parsed.find((entry) => entry.msg === 'unhandled error') as { err: Record<string, unknown> };
    expect(unhandled.err).toMatchObject({ type: 'QueryFailedError', code: '42703' });
    expect(unhandled.err).not.toHaveProperty('parameters');
    for (const line of lines) {
      expect(line).not.toContain(marker);
      expect(line).not.toContain('marker-secret-77');
    }
  });
});
