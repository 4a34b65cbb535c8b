import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../../config/config.js';

export interface TlsPair {
  cert: string;
  key: string;
  /** Where the certificate is (for `SSL_CERT_FILE` on a Go game server, and GetComputeCertificate). */
  certPath: string;
}

/**
 * The SDK endpoint's TLS certificate and key: the configured files
 * (GAMELIFT_SDK_TLS_CERT_FILE / _KEY_FILE), or, outside production, a
 * self-signed pair made once and kept beside the data directory
 * (`<data>/sdk-tls/`, never in git) for localhost, 127.0.0.1, ::1 and the
 * SDK host. The C++ and Unreal SDKs do not check it; Go needs it trusted
 * (`SSL_CERT_FILE=<cert.pem>`), see docs/game-servers.md.
 */
export async function loadTls(config: AppConfig): Promise<TlsPair> {
  const { certFile, keyFile, dir } = config.gameServers.tls;
  if (certFile && keyFile) {
    return {
      cert: await readFile(certFile, 'utf8'),
      key: await readFile(keyFile, 'utf8'),
      certPath: resolve(certFile),
    };
  }
  if (config.isProduction) throw new Error('GAMELIFT_SDK_TLS_CERT_FILE and GAMELIFT_SDK_TLS_KEY_FILE are required');
  const certPath = resolve(join(dir, 'cert.pem'));
  const keyPath = resolve(join(dir, 'key.pem'));
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    await mkdir(dir, { recursive: true });
    const host = config.gameServers.host;
    const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ];
    if (isIP(host) && !['127.0.0.1', '::1', '0.0.0.0', '::'].includes(host)) altNames.push({ type: 7, ip: host });
    else if (!isIP(host) && host !== 'localhost') altNames.push({ type: 2, value: host });
    // Loaded only when a certificate is made: its X.509 libraries cost every start about 0.1 s otherwise.
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: 'joinery-sdk-dev' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 3 * 365 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    });
    // Written beside and renamed: an instance starting at the same time reads a whole pair.
    const suffix = `.${process.pid}.tmp`;
    await writeFile(keyPath + suffix, pems.private, { mode: 0o600 });
    await writeFile(certPath + suffix, pems.cert);
    if (!existsSync(keyPath)) await rename(keyPath + suffix, keyPath);
    if (!existsSync(certPath)) await rename(certPath + suffix, certPath);
    await chmod(keyPath, 0o600).catch(() => undefined);
    new Logger('SdkEndpoint').log(`made a self-signed development certificate for the SDK endpoint: ${certPath}`);
  }
  return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8'), certPath };
}
