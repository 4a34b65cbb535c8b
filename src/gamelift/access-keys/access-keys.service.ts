import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { randomBytes, randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotFound } from '../../common/errors.js';
import { RequestValidationFailed } from '../../common/validation.js';
import { AppConfig, type BootstrapAccessKey, DEV_BOOTSTRAP } from '../../config/config.js';
import { AccessKeyEntity } from './access-key.entity.js';
import { SecretBox } from '../../auth/secret-box.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A new access key id: `AKIA` + 16 characters of A-Z 2-7. */
export function newAccessKeyId(): string {
  let id = 'AKIA';
  for (let i = 0; i < 16; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** A new 40-character secret (240 random bits, base64). */
export function newAccessKeySecret(): string {
  return randomBytes(30).toString('base64');
}

/** What a request signed with a key may use: its secret and its role. */
export interface UsableAccessKey {
  id: string;
  secret: string;
  role: string;
}

export class AccessKeyNotFound extends NotFound {
  constructor(id: string) {
    super('access_key_not_found', `Access key ${id} not found`);
  }
}

/**
 * SigV4 access keys: created, listed, disabled and rotated by admins; looked
 * up by the SigV4 strategy. Decrypted keys are remembered for
 * ACCESS_KEY_CACHE_TTL_MS; disabling or rotating forgets them on this
 * instance at once, other instances notice within that time.
 */
@Injectable()
export class AccessKeysService {
  private readonly logger = new Logger(AccessKeysService.name);
  private readonly box: SecretBox;
  /** Looked-up keys, usable or not (`key` undefined: unknown, disabled or not decryptable). */
  private readonly cache?: LRUCache<string, { key?: UsableAccessKey }>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.secrets.encryptionKey);
    const ttl = config.secrets.accessKeyCacheTtlMs;
    if (ttl > 0) this.cache = new LRUCache({ max: 10_000, ttl });
  }

  /**
   * An enabled key with its secret, or undefined (unknown, disabled, or not
   * decryptable). Both answers are remembered for ACCESS_KEY_CACHE_TTL_MS, so
   * a flood of requests signed with made-up key ids costs one look-up per id
   * and period, not one per request. `fresh` skips the cache (a signature
   * that does not match the cached secret may have been made with a secret
   * rotated on another instance).
   */
  async usable(id: string, fresh = false): Promise<(UsableAccessKey & { cached: boolean }) | undefined> {
    const cached = fresh ? undefined : this.cache?.get(id);
    if (cached) return cached.key ? { ...cached.key, cached: true } : undefined;
    const row = await this.dataSource
      .getRepository(AccessKeyEntity)
      .createQueryBuilder('k')
      .addSelect('k.secretEncrypted')
      .where('k.id = :id', { id })
      .getOne();
    let key: UsableAccessKey | undefined;
    if (row?.enabled) {
      const secret = this.box.open(row.secretEncrypted, row.id);
      if (secret === undefined) {
        this.logger.warn(`access key ${row.id} cannot be decrypted: was SECRETS_ENCRYPTION_KEY changed?`);
      } else {
        key = { id: row.id, secret, role: row.role };
      }
    }
    this.cache?.set(id, { key });
    return key ? { ...key, cached: false } : undefined;
  }

  async create(role: string, description: string): Promise<{ key: AccessKeyEntity; secret: string }> {
    await this.checkRole(role);
    const secret = newAccessKeySecret();
    for (let attempt = 0; ; attempt++) {
      const id = newAccessKeyId();
      try {
        await this.dataSource.query(
          `INSERT INTO access_key (id, secret_encrypted, role, description) VALUES ($1, $2, $3, $4)`,
          [id, this.box.seal(secret, id), role, description],
        );
        this.cache?.delete(id);
        return { key: await this.get(id), secret };
      } catch (error) {
        // 23505: an id collision (2^80 ids); try another.
        if ((error as { code?: string }).code !== '23505' || attempt >= 3) throw error;
      }
    }
  }

  list(): Promise<AccessKeyEntity[]> {
    return this.dataSource.getRepository(AccessKeyEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(id: string): Promise<AccessKeyEntity> {
    const key = await this.dataSource.getRepository(AccessKeyEntity).findOne({ where: { id } });
    if (!key) throw new AccessKeyNotFound(id);
    return key;
  }

  async disable(id: string): Promise<AccessKeyEntity> {
    const rows = await this.dataSource.query<unknown[]>(
      `UPDATE access_key SET enabled = false, updated_at = now() WHERE id = $1 RETURNING id`,
      [id],
    );
    this.cache?.delete(id);
    if (rows.length === 0) throw new AccessKeyNotFound(id);
    return this.get(id);
  }

  /** A new secret for the key; the old one stops working. */
  async rotate(id: string): Promise<{ key: AccessKeyEntity; secret: string }> {
    const secret = newAccessKeySecret();
    const rows = await this.dataSource.query<unknown[]>(
      `UPDATE access_key SET secret_encrypted = $2, last_rotated_at = now(), updated_at = now() WHERE id = $1 RETURNING id`,
      [id, this.box.seal(secret, id)],
    );
    this.cache?.delete(id);
    if (rows.length === 0) throw new AccessKeyNotFound(id);
    return { key: await this.get(id), secret };
  }

  /**
   * Creates the bootstrap key when missing (role `game-server`) and resets its
   * secret when it changed. It does not re-enable a key an admin disabled.
   * Safe when several instances start at once.
   */
  async ensure(spec: BootstrapAccessKey): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO access_key (id, secret_encrypted, role, description)
       VALUES ($1, $2, 'game-server', 'Bootstrap access key (from BOOTSTRAP_ACCESS_KEY_ID)')
       ON CONFLICT (id) DO NOTHING`,
      [spec.accessKeyId, this.box.seal(spec.secret, spec.accessKeyId)],
    );
    const [row] = await this.dataSource.query<{ secret_encrypted: string }[]>(
      `SELECT secret_encrypted FROM access_key WHERE id = $1`,
      [spec.accessKeyId],
    );
    if (this.box.open(row.secret_encrypted, spec.accessKeyId) !== spec.secret) {
      await this.dataSource.query(
        `UPDATE access_key SET secret_encrypted = $2, last_rotated_at = now(), updated_at = now() WHERE id = $1`,
        [spec.accessKeyId, this.box.seal(spec.secret, spec.accessKeyId)],
      );
      this.cache?.delete(spec.accessKeyId);
      this.logger.log(`updated the secret of bootstrap access key ${spec.accessKeyId}`);
    }
  }

  /**
   * Disables the development access key if a database from a development run
   * still holds it with its documented secret (under this or the development
   * SECRETS_ENCRYPTION_KEY). Production calls it at start-up.
   */
  async disableDevelopmentKey(): Promise<boolean> {
    const dev = DEV_BOOTSTRAP.accessKey;
    const [row] = await this.dataSource.query<{ secret_encrypted: string; enabled: boolean }[]>(
      `SELECT secret_encrypted, enabled FROM access_key WHERE id = $1`,
      [dev.accessKeyId],
    );
    if (!row?.enabled) return false;
    const boxes = [this.box, new SecretBox(DEV_BOOTSTRAP.secretsEncryptionKey)];
    if (!boxes.some((box) => box.open(row.secret_encrypted, dev.accessKeyId) === dev.secret)) return false;
    await this.disable(dev.accessKeyId);
    this.logger.warn(
      `disabled access key ${dev.accessKeyId}: it still has the development secret (this database once ran in development)`,
    );
    return true;
  }

  private async checkRole(role: string): Promise<void> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM role WHERE name = $1`, [role]);
    if (rows.length === 0) {
      throw new RequestValidationFailed([{ loc: ['body', 'role'], msg: `Unknown role ${role}`, type: 'value_error' }]);
    }
  }
}
