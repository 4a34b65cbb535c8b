import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { hasPermission } from '../auth/permissions.js';
import { PermissionDenied } from '../common/errors.js';
import { CrossplayService } from '../crossplay/crossplay.service.js';
import type { SeatEntity } from './core/entities/seat.entity.js';
import { type JoiningPlayer, type SeatAssignment, SessionLedger } from './core/session-ledger.js';
import { type SessionSnapshot, SessionReader } from './core/session-reader.js';
import { SessionNotFound } from './core/session.errors.js';
import type { CreateOrJoinRequestDto, SelfSessionPlayerUpdateRequestDto } from './rallyhere/dto/create-or-join.dto.js';

/** The caller as a player: only player tokens may hold seats through the RallyHere API. */
export function playerOf(principal: Principal): string {
  if (!principal.playerUuid) {
    throw new PermissionDenied(
      'This operation needs a player token (anon login), not a client token',
      'player_token_required',
    );
  }
  return principal.playerUuid;
}

/**
 * RallyHere session use cases: they turn requests into ledger calls and
 * check the caller's rights against the session's rows. Seat and capacity
 * rules are the ledger's, not this class's.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly ledger: SessionLedger,
    private readonly reader: SessionReader,
    private readonly crossplay: CrossplayService,
  ) {}

  createOrJoin(principal: Principal, request: CreateOrJoinRequestDto): Promise<SeatAssignment> {
    const player = request.player;
    return this.ledger.createOrJoin(request.session_type, request.region_id, {
      playerId: playerOf(principal),
      clientVersion: player?.client_version ?? request.client_version,
      settings: this.crossplay.resolve(
        player?.client_settings ?? request.client_settings,
        player?.crossplay_preferences ?? request.crossplay_preferences,
      ),
      customData: player?.custom_data,
      teamId: player?.team_id,
      password: request.password,
    });
  }

  join(principal: Principal, sessionId: string, request: SelfSessionPlayerUpdateRequestDto): Promise<SeatAssignment> {
    return this.ledger.join(sessionId, this.joiningPlayer(playerOf(principal), request));
  }

  /** An active session, with whether the caller may see all of it. */
  async view(principal: Principal, sessionId: string): Promise<{ snapshot: SessionSnapshot; full: boolean }> {
    const snapshot = await this.activeSnapshot(sessionId);
    const member = principal.playerUuid !== undefined && this.seatOf(snapshot, principal.playerUuid) !== undefined;
    return { snapshot, full: member || hasPermission(principal.permissions, 'session:read:any') };
  }

  async activeSnapshot(sessionId: string): Promise<SessionSnapshot> {
    const snapshot = await this.reader.snapshot(sessionId);
    if (!snapshot || snapshot.session.status !== 'ACTIVE') throw new SessionNotFound(sessionId);
    return snapshot;
  }

  seatOf(snapshot: SessionSnapshot, playerId: string): SeatEntity | undefined {
    return snapshot.seats.find((s) => s.playerId === playerId);
  }

  private joiningPlayer(playerId: string, request: SelfSessionPlayerUpdateRequestDto): JoiningPlayer {
    return {
      playerId,
      clientVersion: request.client_version,
      settings: this.crossplay.resolve(request.client_settings, request.crossplay_preferences),
      customData: request.custom_data,
      teamId: request.team_id,
      password: request.password,
    };
  }
}
