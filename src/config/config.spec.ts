import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { ConfigError, DEV_BOOTSTRAP, estimatedEntropyBits, loadConfig, signingKeyProblem } from './config.js';

describe('loadConfig', () => {
  it('fills development defaults, with the dev bootstrap clients', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(config.database.url).toBeUndefined();
    expect(config.bootstrap.admin).toEqual(DEV_BOOTSTRAP.admin);
    expect(config.crossplay.families).toEqual({ xboxlike: ['XboxLive'], playstationlike: ['PSN'] });
  });

  it('names every wrong variable', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CROSSPLAY_XBOXLIKE_PLATFORMS: 'XboxLive,Dreamcast' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: .*\(got "eighty"\)/);
    expect(attempt).toThrow(/DATABASE_URL: must be a postgres:\/\/ connection URL/);
    expect(attempt).toThrow(/CROSSPLAY_XBOXLIKE_PLATFORMS: must be a comma-separated list/);
  });

  it('has no default secrets and no embedded database in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /DATABASE_URL: required when NODE_ENV=production.*\n.*SECRETS_ENCRYPTION_KEY: required/,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/joinery',
      SECRETS_ENCRYPTION_KEY: 'Vq3Yd9Lw1Rk7Xz2Pn8Tb5Hc4Mf6Gj0Sa',
    });
    expect(config.bootstrap.admin).toBeUndefined();
    expect(config.bootstrap.gameClient).toBeUndefined();
  });

  it('reads the PgBouncer settings: a direct URL for LISTEN, prepared statements, the statement timeout', () => {
    const defaults = loadConfig({ DATABASE_URL: 'postgres://db/joinery' }).database;
    expect(defaults).toMatchObject({ directUrl: undefined, preparedStatements: true, statementTimeoutMs: 15_000 });
    const pooled = loadConfig({
      DATABASE_URL: 'postgres://pgbouncer:6432/joinery',
      DATABASE_DIRECT_URL: 'postgresql://db:5432/joinery',
      DATABASE_PREPARED_STATEMENTS: 'false',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
    }).database;
    expect(pooled).toMatchObject({
      url: 'postgres://pgbouncer:6432/joinery',
      directUrl: 'postgresql://db:5432/joinery',
      preparedStatements: false,
      statementTimeoutMs: 0,
    });
    const wrong = () =>
      loadConfig({
        DATABASE_URL: 'postgres://pgbouncer:6432/joinery',
        DATABASE_DIRECT_URL: 'db:5432',
        DATABASE_PREPARED_STATEMENTS: 'no',
        DATABASE_STATEMENT_TIMEOUT_MS: '-1',
      });
    expect(wrong).toThrow(/DATABASE_DIRECT_URL: must be a postgres:\/\/ connection URL \(value not shown\)/);
    expect(wrong).toThrow(/DATABASE_PREPARED_STATEMENTS: .*\(got "no"\)/);
    expect(wrong).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS: /);
    expect(() => loadConfig({ DATABASE_DIRECT_URL: 'postgres://db/joinery' })).toThrow(
      /DATABASE_DIRECT_URL: set it only with DATABASE_URL/,
    );
  });

  it('wants bootstrap client ids and secrets in pairs', () => {
    expect(() => loadConfig({ BOOTSTRAP_ADMIN_CLIENT_ID: 'ops-tool' })).toThrow(/must be set together/);
    const config = loadConfig({
      BOOTSTRAP_ADMIN_CLIENT_ID: 'ops-tool',
      BOOTSTRAP_ADMIN_CLIENT_SECRET: 'a-long-enough-secret',
    });
    expect(config.bootstrap.admin).toEqual({ clientId: 'ops-tool', secret: 'a-long-enough-secret' });
  });

  it('reads the platform families', () => {
    const config = loadConfig({
      CROSSPLAY_XBOXLIKE_PLATFORMS: 'XboxLive, Steam',
      CROSSPLAY_PLAYSTATIONLIKE_PLATFORMS: '',
    });
    expect(config.crossplay.families).toEqual({ xboxlike: ['XboxLive', 'Steam'], playstationlike: ['PSN'] });
  });
});

describe('secret checks', () => {
  it('scores repeated characters near zero and random keys high', () => {
    expect(estimatedEntropyBits('a'.repeat(32))).toBe(0);
    expect(estimatedEntropyBits('ab'.repeat(16))).toBe(32);
    expect(estimatedEntropyBits(randomBytes(32).toString('base64'))).toBeGreaterThan(150);
  });

  it('refuses weak and development secrets in production only, naming the variable', () => {
    const base = { DATABASE_URL: 'postgres://db/joinery', SECRETS_ENCRYPTION_KEY: 'a'.repeat(32) };
    expect(() => loadConfig(base)).not.toThrow();
    const attempt = () =>
      loadConfig({
        ...base,
        NODE_ENV: 'production',
        BOOTSTRAP_GAME_CLIENT_ID: DEV_BOOTSTRAP.gameClient.clientId,
        BOOTSTRAP_GAME_CLIENT_SECRET: DEV_BOOTSTRAP.gameClient.secret,
      });
    expect(attempt).toThrow(/SECRETS_ENCRYPTION_KEY: too predictable/);
    expect(attempt).toThrow(/BOOTSTRAP_GAME_CLIENT_SECRET: is the documented development value/);
    expect(attempt).not.toThrow(new RegExp(DEV_BOOTSTRAP.gameClient.secret));
  });

  it('names a refused secret variable without its value', () => {
    const attempt = () => loadConfig({ BOOTSTRAP_ADMIN_CLIENT_ID: 'ops', BOOTSTRAP_ADMIN_CLIENT_SECRET: 'short' });
    expect(attempt).toThrow(/BOOTSTRAP_ADMIN_CLIENT_SECRET: .*\(value not shown\)/);
    expect(attempt).not.toThrow(/"short"/);
  });

  it('accepts RSA keys of 2048 bits and more only', () => {
    const pem = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(signingKeyProblem(pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey))).toBeUndefined();
    expect(signingKeyProblem(pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey))).toMatch(/1024/);
    expect(signingKeyProblem(pem(generateKeyPairSync('ed25519').privateKey))).toMatch(/must be an RSA key/);
    expect(signingKeyProblem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toMatch(/not a readable/);
  });

  it('reads TRUST_PROXY as Express does', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).http.trustProxy).toBe('loopback');
    expect(loadConfig({ TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).http.trustProxy).toBe('loopback,10.0.0.0/8');
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('serves the explorer and the metrics by default outside production only', () => {
    expect(loadConfig({}).http.swagger).toBe(true);
    const production = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/joinery',
      SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(production.http.swagger).toBe(false);
    expect(production.metrics.enabled).toBe(false);
  });
});
