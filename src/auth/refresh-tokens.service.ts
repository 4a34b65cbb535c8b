import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppConfig } from '../config/config.js';
import { returnedRows } from '../database/query-result.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { randomToken, tokenDigest } from './secrets.js';

/** What presenting a refresh token came to. */
export type Consumed =
  | { outcome: 'consumed'; token: RefreshTokenEntity }
  /** Unknown or expired. */
  | { outcome: 'not_found' }
  /** A live token of another client: left as it was. */
  | { outcome: 'client_mismatch' }
  /** Already used (or revoked): its whole family has now been revoked. */
  | { outcome: 'reused' };

/**
 * Single-use refresh tokens, stored as digests. The tokens traded from one
 * login form a family (`family_id`); presenting a token a second time means
 * two parties hold it, so the family is revoked, the thief's descendants
 * and the owner's alike (OAuth 2.0 Security BCP, refresh token rotation).
 */
@Injectable()
export class RefreshTokensService {
  constructor(
    private readonly config: AppConfig,
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
  ) {}

  /** A new token; `familyId` is the family of the token it replaces (none: a new family). */
  async issue(clientId: string, playerId: string | null, familyId?: string): Promise<string> {
    const token = randomToken();
    await this.tokens.insert({
      tokenDigest: tokenDigest(token),
      clientId,
      playerId,
      ...(familyId ? { familyId } : {}),
      expiresAt: new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000),
    });
    return token;
  }

  /**
   * Revokes a live token of `clientId` and returns it; a token can be used
   * once only, so two concurrent refreshes with the same token cannot both
   * succeed (and the second revokes the family). A token presented through
   * another client is not consumed.
   */
  async consume(token: string, clientId: string): Promise<Consumed> {
    const digest = tokenDigest(token);
    const rows = returnedRows<RefreshTokenEntity>(
      await this.tokens.query(
        `UPDATE refresh_token SET revoked_at = now()
          WHERE token_digest = $1 AND client_id = $2 AND revoked_at IS NULL AND expires_at > now()
         RETURNING id, client_id AS "clientId", player_id AS "playerId", family_id AS "familyId",
                   expires_at AS "expiresAt"`,
        [digest, clientId],
      ),
    );
    if (rows[0]) return { outcome: 'consumed', token: rows[0] };
    const [row] = await this.tokens.query<{ client_id: string; family_id: string; revoked: boolean }[]>(
      `SELECT client_id, family_id, revoked_at IS NOT NULL AS revoked FROM refresh_token WHERE token_digest = $1`,
      [digest],
    );
    if (!row) return { outcome: 'not_found' };
    if (row.revoked) {
      await this.tokens.query(
        `UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`,
        [row.family_id],
      );
      return { outcome: 'reused' };
    }
    return row.client_id === clientId ? { outcome: 'not_found' } : { outcome: 'client_mismatch' };
  }
}
