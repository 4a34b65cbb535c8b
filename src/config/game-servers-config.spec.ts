import { loadConfig } from './config.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/joinery',
  SECRETS_ENCRYPTION_KEY: 'q8Vf2LrT9xKmN4bW7cYpZ1sHdJ6gE3uA0oRiXtCv',
};

describe('Game-server configuration', () => {
  it('turns the SDK endpoint on in development with a generated pair beside the data, off under test', () => {
    const dev = loadConfig({ EMBEDDED_PG_DIR: 'var/pg' });
    expect(dev.gameServers).toMatchObject({ enabled: true, wssPort: 5443, tls: { dir: 'var/sdk-tls' } });
    expect(dev.gameServers.wsPort).toBeUndefined();
    expect(dev.gameServers).toMatchObject({ unhealthySeconds: 180, activationTimeoutSeconds: 120, graceSeconds: 60 });
    expect(loadConfig({ NODE_ENV: 'test' }).gameServers.enabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', GAMELIFT_SDK_ENABLED: 'true' }).gameServers.enabled).toBe(true);
  });

  it('needs a TLS pair in production to turn it on, and both files or neither', () => {
    expect(loadConfig(PRODUCTION).gameServers.enabled).toBe(false);
    expect(() => loadConfig({ ...PRODUCTION, GAMELIFT_SDK_ENABLED: 'true' })).toThrow('GAMELIFT_SDK_TLS_CERT_FILE');
    expect(() => loadConfig({ GAMELIFT_SDK_TLS_CERT_FILE: 'cert.pem' })).toThrow('must be set together');
    const on = loadConfig({ ...PRODUCTION, GAMELIFT_SDK_TLS_CERT_FILE: 'c.pem', GAMELIFT_SDK_TLS_KEY_FILE: 'k.pem' });
    expect(on.gameServers).toMatchObject({ enabled: true, tls: { certFile: 'c.pem', keyFile: 'k.pem' } });
  });

  it('refuses malformed values', () => {
    expect(() => loadConfig({ GAMELIFT_SDK_PUBLIC_URL: 'http://x' })).toThrow('GAMELIFT_SDK_PUBLIC_URL');
    expect(() => loadConfig({ GAMELIFT_PROCESS_UNHEALTHY_SECONDS: '0' })).toThrow('GAMELIFT_PROCESS_UNHEALTHY_SECONDS');
    expect(() => loadConfig({ GAMELIFT_SDK_WSS_PORT: '70000' })).toThrow('GAMELIFT_SDK_WSS_PORT');
  });
});
