import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PlayerEntity } from './entities/player.entity.js';
import { returnedRows } from '../database/query-result.js';
import { tokenDigest } from './secrets.js';

/** Player identities. */
@Injectable()
export class PlayersService {
  constructor(@InjectRepository(PlayerEntity) private readonly players: Repository<PlayerEntity>) {}

  /** The anonymous player of a known device id, its last login now; undefined for a device id never seen. */
  async touchAnonymous(deviceId: string, displayName: string): Promise<PlayerEntity | undefined> {
    const rows = returnedRows<PlayerEntity>(
      await this.players.query(
        `UPDATE player SET last_login_at = now(),
                display_name = CASE WHEN $2 <> '' THEN $2 ELSE display_name END
          WHERE platform = 'Anon' AND portal_user_id = $1
         RETURNING id, legacy_id AS "legacyId", platform, portal_user_id AS "portalUserId",
                   display_name AS "displayName", role, disabled`,
        [tokenDigest(`anon:${deviceId}`), displayName],
      ),
    );
    return rows[0];
  }

  /**
   * The anonymous player of a device id: created on first login, the same
   * one ever after (one statement, so concurrent first logins agree).
   */
  async upsertAnonymous(deviceId: string, displayName: string, role: string): Promise<PlayerEntity> {
    const portalUserId = tokenDigest(`anon:${deviceId}`);
    const rows: PlayerEntity[] = await this.players.query(
      `INSERT INTO player (platform, portal_user_id, display_name, role)
       VALUES ('Anon', $1, $2, $3)
       ON CONFLICT (platform, portal_user_id) DO UPDATE
         SET last_login_at = now(),
             display_name = CASE WHEN $4 <> '' THEN $4 ELSE player.display_name END
       RETURNING id, legacy_id AS "legacyId", platform, portal_user_id AS "portalUserId",
                 display_name AS "displayName", role, disabled`,
      [portalUserId, displayName || `Player-${portalUserId.slice(0, 8)}`, role, displayName],
    );
    return rows[0];
  }

  findById(id: string): Promise<PlayerEntity | null> {
    return this.players.findOne({ where: { id } });
  }
}
