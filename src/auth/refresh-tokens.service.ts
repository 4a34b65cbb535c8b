import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppConfig } from '../config/config.js';
import { returnedRows } from '../database/query-result.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { randomToken, tokenDigest } from './secrets.js';

/** Single-use refresh tokens, stored as digests. */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly config: AppConfig,
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
  ) {}

  async issue(clientId: string, playerId: string | null): Promise<string> {
    const token = randomToken();
    await this.tokens.insert({
      tokenDigest: tokenDigest(token),
      clientId,
      playerId,
      expiresAt: new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000),
    });
    return token;
  }

  /**
   * Revokes a live token and returns it; a token can be used once only, so
   * two concurrent refreshes with the same token cannot both succeed.
   */
  async consume(token: string): Promise<RefreshTokenEntity | undefined> {
    const rows = returnedRows<RefreshTokenEntity>(
      await this.tokens.query(
        `UPDATE refresh_token SET revoked_at = now()
       WHERE token_digest = $1 AND revoked_at IS NULL AND expires_at > now()
       RETURNING id, client_id AS "clientId", player_id AS "playerId", expires_at AS "expiresAt"`,
        [tokenDigest(token)],
      ),
    );
    return rows[0];
  }
}
