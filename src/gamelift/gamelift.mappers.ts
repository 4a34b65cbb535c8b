import type { GameSessionEntity } from '../session/entities/game-session.entity.js';
import type { SeatEntity } from '../session/entities/seat.entity.js';
import type { GameLiftIds } from '../session/gamelift-ids.js';

/**
 * GameLift `GameSession` (output shape; unset members are left out).
 * Timestamps stay `Date`s: each wire protocol's codec writes them its way
 * (AWS JSON 1.1: epoch seconds; RPC v2 CBOR: tag 1).
 */
export interface GameSessionShape {
  GameSessionId: string;
  Name?: string;
  FleetId: string;
  FleetArn: string;
  CreationTime: Date;
  TerminationTime?: Date;
  CurrentPlayerSessionCount: number;
  MaximumPlayerSessionCount: number;
  Status: string;
  StatusReason?: string;
  GameProperties: { Key: string; Value: string }[];
  IpAddress?: string;
  DnsName?: string;
  Port?: number;
  PlayerSessionCreationPolicy: string;
  CreatorId?: string;
  GameSessionData?: string;
  MatchmakerData?: string;
  Location: string;
}

/** GameLift `PlayerSession`. */
export interface PlayerSessionShape {
  PlayerSessionId: string;
  PlayerId: string;
  GameSessionId: string;
  FleetId: string;
  FleetArn: string;
  CreationTime: Date;
  TerminationTime?: Date;
  Status: string;
  IpAddress?: string;
  DnsName?: string;
  Port?: number;
  PlayerData?: string;
}

/** The session a seat belongs to, as far as a PlayerSession shows it. */
export type SeatSession = Pick<GameSessionEntity, 'id' | 'fleetId' | 'ipAddress' | 'dnsName' | 'port'>;

const STATUS_REASONS = new Set(['INTERRUPTED', 'TRIGGERED_ON_PROCESS_TERMINATE', 'FORCE_TERMINATED']);

function defined<T extends object>(shape: T): T {
  return Object.fromEntries(Object.entries(shape).filter(([, v]) => v !== undefined && v !== null)) as T;
}

export function toGameSession(ids: GameLiftIds, s: GameSessionEntity): GameSessionShape {
  return defined({
    GameSessionId: ids.gameSessionArn(s.fleetId, s.id),
    Name: s.name ?? undefined,
    FleetId: s.fleetId,
    FleetArn: ids.fleetArn(s.fleetId),
    CreationTime: s.createdAt,
    TerminationTime: s.terminatedAt ?? undefined,
    CurrentPlayerSessionCount: s.playerCount,
    MaximumPlayerSessionCount: s.maxPlayers,
    Status: s.status,
    StatusReason: s.statusReason && STATUS_REASONS.has(s.statusReason) ? s.statusReason : undefined,
    GameProperties: s.gameProperties ?? [],
    IpAddress: s.ipAddress ?? undefined,
    DnsName: s.dnsName ?? undefined,
    Port: s.port ?? undefined,
    PlayerSessionCreationPolicy: s.creationPolicy,
    CreatorId: s.creatorId ?? undefined,
    GameSessionData: s.gameSessionData ?? undefined,
    MatchmakerData: s.matchmakerData ?? undefined,
    Location: s.location,
  });
}

export function toPlayerSession(ids: GameLiftIds, seat: SeatEntity, session: SeatSession): PlayerSessionShape {
  return defined({
    PlayerSessionId: ids.playerSessionId(seat.id),
    PlayerId: seat.playerId,
    GameSessionId: ids.gameSessionArn(session.fleetId, session.id),
    FleetId: session.fleetId,
    FleetArn: ids.fleetArn(session.fleetId),
    CreationTime: seat.createdAt,
    TerminationTime: seat.endedAt ?? undefined,
    Status: seat.status,
    IpAddress: session.ipAddress ?? undefined,
    DnsName: session.dnsName ?? undefined,
    Port: session.port ?? undefined,
    PlayerData: seat.playerData ?? undefined,
  });
}
