import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomInt } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotFound } from '../../common/errors.js';
import { RequestValidationFailed } from '../../common/validation.js';
import { AppConfig, type BootstrapAccessKey } from '../../config/config.js';
import { AccessKeyEntity } from './access-key.entity.js';
import { SecretBox } from './secret-box.js';

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
  private readonly cache = new Map<string, { key: UsableAccessKey; expires: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.secrets.encryptionKey);
  }

  /**
   * An enabled key with its secret, or undefined (unknown, disabled, or not
   * decryptable). Only usable keys are cached; `fresh` skips the cache (a
   * signature that does not match the cached secret may have been made with
   * a secret rotated on another instance).
   */
  async usable(id: string, fresh = false): Promise<(UsableAccessKey & { cached: boolean }) | undefined> {
    const cached = fresh ? undefined : this.cache.get(id);
    if (cached && cached.expires > Date.now()) return { ...cached.key, cached: true };
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
    const ttl = this.config.secrets.accessKeyCacheTtlMs;
    if (!key) {
      this.cache.delete(id);
      return undefined;
    }
    if (ttl > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(id, { key, expires: Date.now() + ttl });
    }
    return { ...key, cached: false };
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
    this.cache.delete(id);
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
    this.cache.delete(id);
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
      this.cache.delete(spec.accessKeyId);
      this.logger.log(`updated the secret of bootstrap access key ${spec.accessKeyId}`);
    }
  }

  private async checkRole(role: string): Promise<void> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM role WHERE name = $1`, [role]);
    if (rows.length === 0) {
      throw new RequestValidationFailed([{ loc: ['body', 'role'], msg: `Unknown role ${role}`, type: 'value_error' }]);
    }
  }
}
