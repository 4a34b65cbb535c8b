import { ConfigError, DEV_BOOTSTRAP, loadConfig } from './config.js';

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
