import { ConfigError, DEV_BOOTSTRAP, loadConfig } from './config.js';

/** A production-like (random, not the development) access key secret. */
const PRODUCTION_KEY_SECRET = 'u8Jq2Lx9Pz4Rv7Nc1Wb6Ht3Ks5Mf0Dg8Ya2Ee9Qr';
const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/joinery' };

describe('GameLift configuration', () => {
  it('uses development-only defaults outside production', () => {
    const config = loadConfig({});
    expect(config.secrets.encryptionKey).toBe(DEV_BOOTSTRAP.secretsEncryptionKey);
    expect(config.bootstrap.accessKey).toEqual(DEV_BOOTSTRAP.accessKey);
    expect(config.secrets.accessKeyCacheTtlMs).toBe(5000);
  });

  it('requires SECRETS_ENCRYPTION_KEY in production and bootstraps no key there unless told to', () => {
    expect(() => loadConfig(PRODUCTION)).toThrow(ConfigError);
    expect(() => loadConfig(PRODUCTION)).toThrow('SECRETS_ENCRYPTION_KEY: required when NODE_ENV=production');
    const config = loadConfig({ ...PRODUCTION, SECRETS_ENCRYPTION_KEY: 'Vq3Yd9Lw1Rk7Xz2Pn8Tb5Hc4Mf6Gj0Sa' });
    expect(config.bootstrap.accessKey).toBeUndefined();
    const withKey = loadConfig({
      ...PRODUCTION,
      SECRETS_ENCRYPTION_KEY: 'Vq3Yd9Lw1Rk7Xz2Pn8Tb5Hc4Mf6Gj0Sa',
      BOOTSTRAP_ACCESS_KEY_ID: 'AKIAPRODUCTIONKEY001',
      BOOTSTRAP_ACCESS_KEY_SECRET: PRODUCTION_KEY_SECRET,
    });
    expect(withKey.bootstrap.accessKey).toEqual({ accessKeyId: 'AKIAPRODUCTIONKEY001', secret: PRODUCTION_KEY_SECRET });
  });

  it('refuses malformed or half-set values', () => {
    expect(() => loadConfig({ SECRETS_ENCRYPTION_KEY: 'short' })).toThrow('SECRETS_ENCRYPTION_KEY');
    expect(() => loadConfig({ BOOTSTRAP_ACCESS_KEY_ID: 'AKIAPRODUCTIONKEY001' })).toThrow('must be set together');
    expect(() =>
      loadConfig({ BOOTSTRAP_ACCESS_KEY_ID: 'AKIA-bad', BOOTSTRAP_ACCESS_KEY_SECRET: 'p'.repeat(40) }),
    ).toThrow('BOOTSTRAP_ACCESS_KEY_ID');
    expect(() =>
      loadConfig({ BOOTSTRAP_ACCESS_KEY_ID: 'AKIAPRODUCTIONKEY001', BOOTSTRAP_ACCESS_KEY_SECRET: 'short' }),
    ).toThrow('BOOTSTRAP_ACCESS_KEY_SECRET');
  });
});
