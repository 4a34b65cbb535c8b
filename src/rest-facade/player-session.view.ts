import type { SeatListing } from '../session/session-reader.js';
import type { PlayerSessionShape } from '../gamelift/gamelift.mappers.js';
import type { PlayerSessionDataDto } from './dto/player-session.dto.js';

/** A player session in the REST facade's snake_case, unset members left out. */
export function toPlayerSessionData(ps: PlayerSessionShape, { seat }: SeatListing): PlayerSessionDataDto {
  return {
    id: ps.PlayerSessionId,
    created_at: seat.createdAt.toISOString(),
    game_session_id: ps.GameSessionId,
    fleet_id: ps.FleetId,
    player_id: ps.PlayerId,
    status: ps.Status,
    ...(seat.reservedUntil && ps.Status === 'RESERVED' ? { reserved_until: seat.reservedUntil.toISOString() } : {}),
    ...(ps.PlayerData !== undefined ? { player_data: ps.PlayerData } : {}),
    ...(ps.IpAddress !== undefined ? { ip_address: ps.IpAddress } : {}),
    ...(ps.DnsName !== undefined ? { dns_name: ps.DnsName } : {}),
    ...(ps.Port !== undefined ? { port: ps.Port } : {}),
  };
}
