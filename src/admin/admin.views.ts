import type { AuthClientEntity } from '../auth/entities/auth-client.entity.js';
import type { RoleEntity } from '../auth/entities/role.entity.js';
import type { GameSessionEntity } from '../session/entities/game-session.entity.js';
import type { SeatEntity } from '../session/entities/seat.entity.js';
import type { SessionTeamEntity } from '../session/entities/session-team.entity.js';
import type { VersionedTemplate } from '../session/templates.service.js';
import type { AuditLogEntity } from './audit/audit-log.entity.js';
import type {
  AdminSeatDto,
  AdminSessionDetailDto,
  AdminSessionDto,
  AdminTemplateDto,
  AuditEntryDto,
  ClientDto,
  RoleDto,
} from './dto/admin.dto.js';

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : undefined);

export function toAdminSession(s: GameSessionEntity): AdminSessionDto {
  return {
    session_id: s.id,
    type: s.type,
    status: s.status,
    ...(s.statusReason ? { status_reason: s.statusReason } : {}),
    ...(s.regionId ? { region_id: s.regionId } : {}),
    fleet_id: s.fleetId,
    public: s.public,
    creation_policy: s.creationPolicy,
    player_count: s.playerCount,
    max_players: s.maxPlayers,
    created_via: s.createdVia,
    created_at: iso(s.createdAt)!,
    ...(s.terminatedAt ? { terminated_at: iso(s.terminatedAt) } : {}),
  };
}

export function toAdminSeat(seat: SeatEntity, sessionType?: string): AdminSeatDto {
  return {
    seat_id: seat.id,
    session_id: seat.sessionId,
    ...(sessionType ? { session_type: sessionType } : {}),
    team_id: seat.teamId,
    player_id: seat.playerId,
    status: seat.status,
    role: seat.role,
    created_at: iso(seat.createdAt)!,
    ...(seat.joinedAt ? { joined_at: iso(seat.joinedAt) } : {}),
    ...(seat.reservedUntil ? { reserved_until: iso(seat.reservedUntil) } : {}),
    ...(seat.endedAt ? { ended_at: iso(seat.endedAt) } : {}),
  };
}

export function toAdminSessionDetail(
  s: GameSessionEntity,
  teams: SessionTeamEntity[],
  seats: SeatEntity[],
): AdminSessionDetailDto {
  return {
    ...toAdminSession(s),
    custom_data: s.customData ?? {},
    teams: teams.map((t) => ({ team_id: t.teamId, max_size: t.maxSize, player_count: t.playerCount })),
    seats: seats.map((seat) => toAdminSeat(seat)),
  };
}

export function toAdminTemplate(t: VersionedTemplate): AdminTemplateDto {
  return {
    template: t.template as unknown as Record<string, unknown>,
    version: t.version,
    source: t.source,
    updated_at: iso(t.updatedAt)!,
  };
}

export function toClient(c: AuthClientEntity): ClientDto {
  return {
    client_id: c.clientId,
    grants: c.grants,
    role: c.role,
    player_role: c.playerRole,
    enabled: c.enabled,
    description: c.description,
    created_at: iso(c.createdAt)!,
    updated_at: iso(c.updatedAt)!,
  };
}

export function toRole(r: RoleEntity): RoleDto {
  return { name: r.name, permissions: r.permissions, description: r.description, builtin: r.builtin };
}

export function toAuditEntry(e: AuditLogEntity): AuditEntryDto {
  return {
    id: Number(e.id),
    at: iso(e.at)!,
    actor_kind: e.actorKind,
    ...(e.actorId ? { actor_id: e.actorId } : {}),
    ...(e.actorRole ? { actor_role: e.actorRole } : {}),
    action: e.action,
    path: e.path,
    target: e.target,
    outcome: e.outcome,
    status: e.status,
    ...(e.requestId ? { request_id: e.requestId } : {}),
  };
}
