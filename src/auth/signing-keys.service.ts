import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotAuthenticated } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { SigningKeyEntity } from './entities/signing-key.entity.js';
import { SecretBox } from './secret-box.js';

export interface PublicJwk {
  kid: string;
  kty: string;
  n: string;
  e: string;
  alg: 'RS256';
  use: 'sig';
}

interface LoadedKey {
  kid: string;
  publicKey: KeyObject;
  jwk: PublicJwk;
}

const KEY_CREATION_LOCK = 0x4a4f4b59; // "JOKY"
const REFRESH_INTERVAL_MS = 5_000;

/** RFC 7638 thumbprint: a stable key id derived from the public key itself. */
function thumbprint(jwk: { e: string; kty: string; n: string }): string {
  return createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
}

function toJwk(publicKey: KeyObject): PublicJwk {
  const { n, e, kty } = publicKey.export({ format: 'jwk' }) as { n: string; e: string; kty: string };
  return { kid: thumbprint({ e, kty, n }), kty, n, e, alg: 'RS256', use: 'sig' };
}

/**
 * The RS256 keys that sign and verify access tokens. Either the configured
 * `JWT_PRIVATE_KEY`, or a key pair created once and kept in the database, so
 * every instance of the service uses the same keys.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeysService.name);
  private signer: { kid: string; privateKey: KeyObject } | undefined;
  private verifiers = new Map<string, LoadedKey>();
  private lastRefresh = 0;
  private readonly box: SecretBox;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.box = new SecretBox(config.secrets.encryptionKey);
  }

  async onModuleInit(): Promise<void> {
    if (this.config.auth.privateKeyPem) {
      // Checked at start-up (loadConfig): an RSA key of at least 2048 bits.
      const privateKey = createPrivateKey(this.config.auth.privateKeyPem);
      const jwk = toJwk(createPublicKey(privateKey));
      this.signer = { kid: jwk.kid, privateKey };
      this.verifiers.set(jwk.kid, { kid: jwk.kid, publicKey: createPublicKey(privateKey), jwk });
      return;
    }
    await this.ensureStoredKey();
    await this.refresh();
  }

  /** The key new tokens are signed with. */
  signingKey(): { kid: string; privateKey: KeyObject } {
    if (!this.signer) throw new Error('Signing keys are not loaded');
    return this.signer;
  }

  /** The JWK set published at `/users/v1/publickeys`. */
  publicKeys(): PublicJwk[] {
    return [...this.verifiers.values()].map((k) => k.jwk);
  }

  /**
   * The public key for a token's `kid`. An unknown kid triggers one reload
   * from the database (another instance may have rotated), at most every 5 s.
   */
  async verificationKey(kid: string | undefined): Promise<KeyObject> {
    if (!kid)
      throw new NotAuthenticated('auth_invalid_key_id', 'Invalid Authorization - Invalid Key ID in Access Token');
    let key = this.verifiers.get(kid);
    if (!key && !this.config.auth.privateKeyPem && Date.now() - this.lastRefresh > REFRESH_INTERVAL_MS) {
      await this.refresh();
      key = this.verifiers.get(kid);
    }
    if (!key)
      throw new NotAuthenticated('auth_invalid_key_id', 'Invalid Authorization - Invalid Key ID in Access Token');
    return key.publicKey;
  }

  /**
   * Under a lock shared by all instances: seals any private key still stored
   * in clear (databases from before sealing), and makes sure one current key
   * opens with this SECRETS_ENCRYPTION_KEY. Current keys that do not (the
   * encryption key changed, or the database comes from a development run)
   * are retired: they keep verifying their tokens, and a new key signs.
   */
  private async ensureStoredKey(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_CREATION_LOCK]);
      const rows = await manager.find(SigningKeyEntity);
      for (const row of rows.filter((r) => r.privateKeyPem)) {
        const sealed = this.box.seal(row.privateKeyPem!, row.kid);
        await manager.update(SigningKeyEntity, { kid: row.kid }, { privateKeySealed: sealed, privateKeyPem: null });
        row.privateKeySealed = sealed;
        this.logger.log(`sealed token signing key ${row.kid} with SECRETS_ENCRYPTION_KEY`);
      }
      const current = rows.filter((r) => !r.retiredAt);
      if (current.some((r) => this.open(r))) return;
      for (const row of current) {
        await manager.update(SigningKeyEntity, { kid: row.kid }, { retiredAt: new Date() });
        this.logger.warn(
          `token signing key ${row.kid} does not open with SECRETS_ENCRYPTION_KEY: retired (it still verifies its tokens)`,
        );
      }
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = toJwk(publicKey);
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      await manager.insert(SigningKeyEntity, {
        kid: jwk.kid,
        privateKeyPem: null,
        privateKeySealed: this.box.seal(pem, jwk.kid),
        publicJwk: { ...jwk },
      });
      this.logger.log(`created token signing key ${jwk.kid}`);
    });
  }

  /** The private key of a stored row, or undefined when it does not open with this SECRETS_ENCRYPTION_KEY. */
  private open(row: SigningKeyEntity): KeyObject | undefined {
    const pem = row.privateKeySealed ? this.box.open(row.privateKeySealed, row.kid) : undefined;
    return pem ? createPrivateKey(pem) : undefined;
  }

  private async refresh(): Promise<void> {
    this.lastRefresh = Date.now();
    const rows = await this.dataSource.getRepository(SigningKeyEntity).find({ order: { createdAt: 'ASC' } });
    const verifiers = new Map<string, LoadedKey>();
    let signer: { kid: string; privateKey: KeyObject } | undefined;
    for (const row of rows) {
      // Verification needs only the public half, stored in clear.
      const jwk = row.publicJwk as unknown as PublicJwk;
      verifiers.set(row.kid, { kid: row.kid, publicKey: createPublicKey({ key: { ...jwk }, format: 'jwk' }), jwk });
      if (!row.retiredAt) {
        const privateKey = this.open(row);
        if (privateKey) signer = { kid: row.kid, privateKey };
      }
    }
    this.verifiers = verifiers;
    if (signer) this.signer = signer;
  }
}
