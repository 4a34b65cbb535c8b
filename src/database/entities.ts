import { AuditLogEntity } from '../admin/audit/audit-log.entity.js';
import { AuthClientEntity } from '../auth/entities/auth-client.entity.js';
import { PlayerEntity } from '../auth/entities/player.entity.js';
import { RefreshTokenEntity } from '../auth/entities/refresh-token.entity.js';
import { RoleEntity } from '../auth/entities/role.entity.js';
import { SigningKeyEntity } from '../auth/entities/signing-key.entity.js';
import { GameSessionEntity } from '../session/entities/game-session.entity.js';
import { SeatEntity } from '../session/entities/seat.entity.js';
import { SessionTeamEntity } from '../session/entities/session-team.entity.js';
import { SessionTemplateEntity } from '../session/entities/session-template.entity.js';
import { AccessKeyEntity } from '../gamelift/access-keys/access-key.entity.js';

/** Every entity, for the application and the TypeORM CLI data source alike. */
export const ENTITIES = [
  RoleEntity,
  AuthClientEntity,
  PlayerEntity,
  RefreshTokenEntity,
  SigningKeyEntity,
  SessionTemplateEntity,
  GameSessionEntity,
  SessionTeamEntity,
  SeatEntity,
  AuditLogEntity,
  AccessKeyEntity,
];
