import type { GameLiftIds } from '../session/gamelift-ids.js';
import type { SeatListing } from '../session/session-reader.js';
import type { PlayerSessionDataDto } from './dto/player-session.dto.js';

/** A seat as the REST facade's player session, in snake_case, unset members left out. */
export function toPlayerSessionData(ids: GameLiftIds, { seat, session }: SeatListing): PlayerSessionDataDto {
  return {
    id: ids.playerSessionId(seat.id),
    created_at: seat.createdAt.toISOString(),
    game_session_id: ids.gameSessionArn(session.fleetId, session.id),
    fleet_id: session.fleetId,
    player_id: seat.playerId,
    status: seat.status,
    ...(seat.reservedUntil && seat.status === 'RESERVED' ? { reserved_until: seat.reservedUntil.toISOString() } : {}),
    ...(seat.playerData !== null ? { player_data: seat.playerData } : {}),
    ...(session.ipAddress ? { ip_address: session.ipAddress } : {}),
    ...(session.dnsName ? { dns_name: session.dnsName } : {}),
    ...(session.port !== null ? { port: session.port } : {}),
  };
}
